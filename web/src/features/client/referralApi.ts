// Drafting, sending and cancelling a client's referral, and the words for what sending withheld.
import type { TFunction } from "i18next";
import type { components } from "../../api/schema";
import { answer, type Api } from "../../lib/api";
import type { Referral } from "./api";

export type Draft = components["schemas"]["CreateReferral"];
export type Service = Referral["service"];
export type Priority = NonNullable<Draft["priority"]>;
export type Category = NonNullable<Referral["shared_categories"]>[number];
export type ReferralStatus = Referral["status"];

export const SERVICES: readonly Service[] = [
  "service_need_assessment",
  "employment_services",
  "substance_and_mental_health_services",
  "ngo_peer_support",
  "housing_guidance",
  "debt_counselling",
  "social_rehabilitation",
];
export const PRIORITIES: readonly Priority[] = ["routine", "urgent", "asap", "stat"];
export const CATEGORIES: readonly Category[] = ["basic", "team", "assessment", "care_plan", "health", "employment", "financial"];

/** An organisation's code, as the gateway accepts it. */
export const ORGANISATION = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const MAX_REASON = 2000;
export const MAX_CANCEL_REASON = 1000;

/** Drafts a referral (POST /referrals); nothing is shared until it is sent. */
export function draftReferral(api: Api, draft: Draft): Promise<Referral> {
  return api.POST("/referrals", { body: draft }).then(answer);
}

/** Sends a draft (POST /referrals/{id}/send): what consent permits is shared, the rest withheld. */
export function sendReferral(api: Api, referralId: string): Promise<Referral> {
  return api.POST("/referrals/{referral_id}/send", { params: { path: { referral_id: referralId } }, body: {} }).then(answer);
}

/** Cancels a referral for a reason (POST /referrals/{id}/cancel). */
export function cancelReferral(api: Api, referralId: string, reason: string): Promise<Referral> {
  return api
    .POST("/referrals/{referral_id}/cancel", { params: { path: { referral_id: referralId } }, body: { reason } })
    .then(answer);
}

// The consent service's reasons for not permitting a category, as the client's page already words them.
const CLIENT_REASONS = new Set([
  "denied_by_client",
  "no_consent",
  "not_yet_valid",
  "expired",
  "withdrawn",
  "professional_not_named",
  "disclosure_not_recorded",
]);
// The other reasons a category is withheld: the consent service's remaining ones, and why a partner
// was told to stop processing a category already shared.
const MORE_REASONS = new Set([
  "unknown_client",
  "malformed_request",
  "internal_error",
  "consent_withdrawn",
  "consent_expired",
  "consent_denied",
]);

/** Why a category was withheld, in the user's words; a reason we do not know gets `otherwise`. */
export function withheldReason(reason: string, t: TFunction, otherwise: string = t("referralForm.withheld.other")): string {
  if (CLIENT_REASONS.has(reason)) return t(`client.withheldReason.${reason}`);
  if (MORE_REASONS.has(reason)) return t(`referralForm.withheld.${reason}`);
  return otherwise;
}

/** The next states a 409 names, as words: "Requested, Cancelled". */
export function statesAsWords(states: readonly string[], t: TFunction): string {
  return states.map((state) => t(`partner.status.${state}`)).join(", ");
}
