import type { components } from "../../api/schema";
import { answer, useApi, type Api } from "../../lib/api";
import { useLoad } from "../../lib/useLoad";

export type EmergencyAccess = components["schemas"]["EmergencyAccessOut"];

/**
 * Every emergency access, newest first (GET /emergency-accesses): the data protection officers' alone,
 * anyone else is refused (403). The menu asks too, and shows the link only to whom the gateway answers.
 */
export function useEmergencyAccesses() {
  const api = useApi();
  return useLoad((signal) => api.GET("/emergency-accesses", { signal }).then(answer), [api]);
}

/** Marks an emergency access reviewed (POST /emergency-accesses/{id}/review), once; answers it as it now is. */
export function markReviewed(api: Api, accessId: string): Promise<EmergencyAccess> {
  return api
    .POST("/emergency-accesses/{access_id}/review", { params: { path: { access_id: accessId } }, body: {} })
    .then(answer);
}
