import type { components } from "../../api/schema";
import { answer, useApi, type Api } from "../../lib/api";
import { useLoad } from "../../lib/useLoad";

export type Client = components["schemas"]["ClientOut"];
export type Team = components["schemas"]["TeamOut"];
export type Member = components["schemas"]["MemberOut"];
export type MemberStatus = Member["status"];

/** The order the team's members are shown in; the removed come last, folded away. */
export const SHOWN_STATUSES: readonly MemberStatus[] = ["pending_consent", "active", "suspended"];

/** The client (GET /clients/{id}) and their team (GET /clients/{id}/team), asked for together. */
export function useClientPage(clientId: string) {
  const api = useApi();
  return useLoad(async (signal) => {
    const path = { params: { path: { client_id: clientId } }, signal };
    const [client, team] = await Promise.all([
      api.GET("/clients/{client_id}", path).then(answer),
      api.GET("/clients/{client_id}/team", path).then(answer),
    ]);
    return { client, team };
  }, [api, clientId]);
}

/** The team's members by status, each group in the order the team got them. */
export function membersByStatus(members: Member[]): Record<MemberStatus, Member[]> {
  const groups: Record<MemberStatus, Member[]> = { pending_consent: [], active: [], suspended: [], removed: [] };
  for (const member of members) groups[member.status].push(member);
  return groups;
}

/** The client's personal identity code (POST /clients/{id}/identity-code), revealed for a recorded reason. */
export function revealIdentityCode(api: Api, clientId: string, reason: string): Promise<string> {
  return api
    .POST("/clients/{client_id}/identity-code", { params: { path: { client_id: clientId } }, body: { reason } })
    .then(answer)
    .then((revealed) => revealed.personal_identity_code);
}

export type Consent = components["schemas"]["ConsentOut"];
export type Denial = components["schemas"]["DenialOut"];

/** The client's consents and denials (GET /clients/{id}/consents), for the key worker. */
export function useConsents(clientId: string, asked: boolean) {
  const api = useApi();
  return useLoad(
    (signal) =>
      asked
        ? api.GET("/clients/{client_id}/consents", { params: { path: { client_id: clientId } }, signal }).then(answer)
        : Promise.resolve(undefined),
    [api, clientId, asked],
  );
}

/** Withdraws a consent for a reason (POST …/consents/{cid}/withdraw); answers the consent as it now is. */
export function withdrawConsent(api: Api, clientId: string, consentId: string, reason: string): Promise<Consent> {
  return api
    .POST("/clients/{client_id}/consents/{consent_id}/withdraw", {
      params: { path: { client_id: clientId, consent_id: consentId } },
      body: { reason },
    })
    .then(answer);
}

/** Lifts a denial for a reason (POST …/denials/{did}/lift); answers the denial as it now is. */
export function liftDenial(api: Api, clientId: string, denialId: string, reason: string): Promise<Denial> {
  return api
    .POST("/clients/{client_id}/denials/{denial_id}/lift", {
      params: { path: { client_id: clientId, denial_id: denialId } },
      body: { reason },
    })
    .then(answer);
}

export type ReferralSummary = components["schemas"]["ReferralSummaryOut"];
export type Referral = components["schemas"]["ReferralOut"];

/** The client's referrals (GET /clients/{id}/referrals), newest first. */
export function useReferrals(clientId: string) {
  const api = useApi();
  return useLoad(
    (signal) =>
      api
        .GET("/clients/{client_id}/referrals", { params: { path: { client_id: clientId } }, signal })
        .then(answer)
        .then((referrals) => [...referrals].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))),
    [api, clientId],
  );
}

/** One referral with its history and what was shared and withheld (GET /referrals/{id}). */
export function useReferral(referralId: string) {
  const api = useApi();
  return useLoad(
    (signal) => api.GET("/referrals/{referral_id}", { params: { path: { referral_id: referralId } }, signal }).then(answer),
    [api, referralId],
  );
}
