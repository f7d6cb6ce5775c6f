import type { components } from "../../api/schema";
import { answer, useApi, type Api } from "../../lib/api";
import { useLoad } from "../../lib/useLoad";

export type ReferralSummary = components["schemas"]["ReferralSummaryOut"];
export type Referral = components["schemas"]["ReferralOut"];
export type Status = Referral["status"];

export const ANSWERS = ["accept", "reject", "start", "hold", "resume", "complete", "fail"] as const;
export type PartnerAnswer = (typeof ANSWERS)[number];
export const NEEDS_REASON: readonly PartnerAnswer[] = ["reject", "hold", "fail"];
export const OUTCOMES = [
  "service_provided",
  "goal_met",
  "goal_partly_met",
  "goal_not_met",
  "client_declined",
  "client_unreachable",
] as const;

/** The answer that moves a referral from `current` to `next`, as the gateway names it in the path. */
export function answerFor(current: string, next: string): PartnerAnswer | undefined {
  switch (next) {
    case "accepted":
      return "accept";
    case "rejected":
      return "reject";
    case "in_progress":
      return current === "on_hold" ? "resume" : "start";
    case "on_hold":
      return "hold";
    case "completed":
      return "complete";
    case "failed":
      return "fail";
    default:
      return undefined; // e.g. entered_in_error: no partner answer
  }
}

/** The answers a partner may give now, in the order of the state machine. */
export function answersAllowed(current: string, allowedNext: readonly string[]): PartnerAnswer[] {
  const offered = new Set(allowedNext.map((next) => answerFor(current, next)));
  return ANSWERS.filter((answer) => offered.has(answer));
}

/** A short, stable reference for a referral: the start of its id. */
export function referenceOf(id: string): string {
  return id.replace(/-/g, "").slice(0, 8).toUpperCase();
}

/** Referrals addressed to my organisation (GET /partner/referrals). */
export function usePartnerReferrals() {
  const api = useApi();
  return useLoad((signal) => api.GET("/partner/referrals", { signal }).then(answer), [api]);
}

/** One referral addressed to my organisation, with the categories shared (GET /partner/referrals/{id}). */
export function usePartnerReferral(id: string) {
  const api = useApi();
  return useLoad(
    (signal) => api.GET("/partner/referrals/{referral_id}", { params: { path: { referral_id: id } }, signal }).then(answer),
    [api, id],
  );
}

export interface AnswerDetails {
  reason?: string;
  outcome?: { code: string; summary?: string };
}

/** Answers a referral (POST /partner/referrals/{id}/{answer}); the referral as it now is. */
export function answerReferral(api: Api, id: string, partnerAnswer: PartnerAnswer, details: AnswerDetails): Promise<Referral> {
  return api
    .POST("/partner/referrals/{referral_id}/{answer}", {
      params: { path: { referral_id: id, answer: partnerAnswer } },
      body: details,
    })
    .then(answer);
}
