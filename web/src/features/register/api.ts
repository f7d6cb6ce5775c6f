import type { components } from "../../api/schema";
import { answer, type Api } from "../../lib/api";

export type Registration = components["schemas"]["RegisterClient"];
export type RegisteredClient = components["schemas"]["ClientOut"];

/** Registers a client (POST /clients); the answer carries no identity code. */
export function registerClient(api: Api, registration: Registration): Promise<RegisteredClient> {
  return api.POST("/clients", { body: registration }).then(answer);
}
