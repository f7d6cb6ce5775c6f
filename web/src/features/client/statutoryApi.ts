// Disclosure on a statutory basis: data given out without the client's consent, even against a denial,
// because a statute says so. The county's list of legal bases says which information each covers and to
// which kinds of recipient; the gateway checks the request against it and tells the key worker.
import type { components } from "../../api/schema";
import { answer, useApi, type Api } from "../../lib/api";
import { useLoad } from "../../lib/useLoad";

export type LegalBasis = components["schemas"]["LegalBasisOut"];
export type StatutoryBody = components["schemas"]["StatutoryDisclosure"];
export type StatutoryDisclosure = components["schemas"]["StatutoryDisclosureOut"];
export type RecipientKind = StatutoryBody["recipient_kind"];
type Category = StatutoryBody["categories"][number];

export const RECIPIENT_KINDS: readonly RecipientKind[] = [
  "police",
  "emergency_services",
  "child_welfare",
  "social_welfare",
  "health_care",
  "prosecutor",
  "court",
];
export const JUSTIFICATION_MAX = 2000;

/** The county's legal bases (GET /legal-bases), asked for once the form opens. */
export function useLegalBases() {
  const api = useApi();
  return useLoad((signal) => api.GET("/legal-bases", { signal }).then(answer), [api]);
}

/** The bases that allow giving every chosen category to the chosen kind of recipient. */
export function basesCovering(bases: readonly LegalBasis[], kind: RecipientKind | undefined, categories: ReadonlySet<Category>): LegalBasis[] {
  if (!kind || categories.size === 0) return [];
  return bases.filter(
    (basis) => basis.recipient_kinds.includes(kind) && [...categories].every((category) => basis.categories.includes(category)),
  );
}

/** Records the disclosure (POST /clients/{id}/statutory-disclosures); answers it with its log entries. */
export function recordStatutoryDisclosure(api: Api, clientId: string, body: StatutoryBody): Promise<StatutoryDisclosure> {
  return api
    .POST("/clients/{client_id}/statutory-disclosures", { params: { path: { client_id: clientId } }, body })
    .then(answer);
}
