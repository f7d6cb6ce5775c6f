import type { components } from "../../api/schema";
import { answer, type Api } from "../../lib/api";

export type Registration = components["schemas"]["RegisterClient"];
export type RegisteredClient = components["schemas"]["ClientOut"];

/** Registers a client (POST /clients); the answer carries no identity code. */
export function registerClient(api: Api, registration: Registration): Promise<RegisteredClient> {
  return api.POST("/clients", { body: registration }).then(answer);
}

export type NewTeam = components["schemas"]["CreateTeam"];
export type Team = components["schemas"]["TeamOut"];

/** Makes the client's team (POST /teams); whoever registered the client becomes its key worker. */
export function createTeam(api: Api, team: NewTeam): Promise<Team> {
  return api.POST("/teams", { body: team }).then(answer);
}
