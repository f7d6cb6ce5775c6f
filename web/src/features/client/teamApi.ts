import type { components } from "../../api/schema";
import { answer, ApiError, refusedFieldsOf, type Api } from "../../lib/api";

export type TeamOut = components["schemas"]["TeamOut"];
export type MemberOut = components["schemas"]["MemberOut"];
export type NewMember = components["schemas"]["AddMember"];
export type Professional = components["schemas"]["Professional"];
export type TeamState = TeamOut["status"];
export type NextTeamState = components["schemas"]["TeamStatus"]["status"];
export type Role = NonNullable<MemberOut["role"]>;
export type Relation = NonNullable<MemberOut["relation"]>;

/** Where a team may go from each status (the team service's rule): proposed -> active <-> suspended; any open -> closed. */
export const TEAM_TRANSITIONS: Record<TeamState, readonly NextTeamState[]> = {
  proposed: ["active", "closed"],
  active: ["suspended", "closed"],
  suspended: ["active", "closed"],
  closed: [],
};

/** A key worker is a social welfare professional (Social Welfare Act 1301/2014 §42). */
export const KEY_WORKER_ROLES = ["social_worker", "social_counsellor"] as const satisfies readonly Role[];
export type KeyWorkerRole = (typeof KEY_WORKER_ROLES)[number];

export const ROLES: readonly Role[] = [
  "social_worker", "social_counsellor", "nurse", "public_health_nurse", "physician", "psychologist", "physiotherapist",
  "occupational_therapist", "employment_coordinator", "ngo_worker", "peer_supporter", "deacon", "police_liaison",
  "housing_advisor", "substance_abuse_worker", "financial_counsellor", "teacher",
];

export const RELATIONS: readonly Relation[] = [
  "spouse", "partner", "parent", "child", "sibling", "grandparent", "grandchild", "relative", "friend", "neighbour", "other",
];

/** A professional's id and an organisation's id, as the API accepts them. */
export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** A phone number as the team service accepts it. */
export const PHONE = /^\+?[0-9 ()-]{5,20}$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isKeyWorkerRole(role: string | null | undefined): role is KeyWorkerRole {
  return (KEY_WORKER_ROLES as readonly string[]).includes(role ?? "");
}

/** The team as it is now (GET /clients/{id}/team). */
export function getTeam(api: Api, clientId: string): Promise<TeamOut> {
  return api.GET("/clients/{client_id}/team", { params: { path: { client_id: clientId } } }).then(answer);
}

/** Adds a member (POST /teams/{id}/members); a professional of another organisation waits for consent. */
export function addMember(api: Api, teamId: string, member: NewMember): Promise<MemberOut> {
  return api.POST("/teams/{team_id}/members", { params: { path: { team_id: teamId } }, body: member }).then(answer);
}

/** Removes a member for a reason (POST /teams/{id}/members/{mid}/remove). */
export function removeMember(api: Api, teamId: string, memberId: string, reason: string): Promise<MemberOut> {
  return api
    .POST("/teams/{team_id}/members/{member_id}/remove", {
      params: { path: { team_id: teamId, member_id: memberId } },
      body: { reason },
    })
    .then(answer);
}

/** Hands the key worker's role to another professional for a reason (POST /teams/{id}/handover). */
export function handOver(api: Api, teamId: string, to: Professional, reason: string): Promise<TeamOut> {
  return api.POST("/teams/{team_id}/handover", { params: { path: { team_id: teamId } }, body: { to, reason } }).then(answer);
}

/** Activates, suspends or closes the team for a reason (POST /teams/{id}/status). */
export function changeTeamStatus(api: Api, teamId: string, status: NextTeamState, reason: string): Promise<TeamOut> {
  return api.POST("/teams/{team_id}/status", { params: { path: { team_id: teamId } }, body: { status, reason } }).then(answer);
}

/**
 * Whether a 400's `errors` names this field: nested as marshmallow gives them
 * (`{professional: {role: [...]}}`) or dotted (`{"professional.role": [...]}`).
 */
export function refusedField(error: unknown, ...path: string[]): boolean {
  if (!(error instanceof ApiError) || error.status !== 400) return false;
  const wanted = path.join(".");
  return refusedFieldsOf(error.problem?.errors).some((name) => name === wanted || name.startsWith(`${wanted}.`));
}
