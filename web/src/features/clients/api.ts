import type { components } from "../../api/schema";
import { answer, useApi } from "../../lib/api";
import { useLoad } from "../../lib/useLoad";

export type Involvement = components["schemas"]["InvolvementOut"];

/** The clients whose teams I am in (GET /me/clients). */
export function useMyClients() {
  const api = useApi();
  return useLoad((signal) => api.GET("/me/clients", { signal }).then(answer), [api]);
}
