// Recording a client's consents and denials, and the rules the form checks before the API does.
import type { components } from "../../api/schema";
import { answer, type Api } from "../../lib/api";
import type { Consent, Denial } from "./api";

export type GrantBody = components["schemas"]["Grant"];
export type DenyBody = components["schemas"]["Deny"];
export type Category = GrantBody["categories"][number];
export type Purpose = GrantBody["purposes"][number];
export type Method = GrantBody["method"];
export type GiverKind = GrantBody["given_by"]["kind"];
export type Relation = NonNullable<GrantBody["given_by"]["relation"]>;

// The shared vocabulary (shared/tiimi_shared/vocabulary.py), in the order the form shows it.
export const CATEGORIES: readonly Category[] = ["basic", "team", "assessment", "care_plan", "health", "employment", "financial"];
export const PURPOSES: readonly Purpose[] = ["team_coordination", "referral", "service_need_assessment"];
export const METHODS: readonly Method[] = ["written", "oral", "electronic"];
export const GIVER_KINDS: readonly GiverKind[] = ["client", "legal_representative"];
export const RELATIONS: readonly Relation[] = ["guardian", "trustee", "continuing_power_of_attorney"];

/** An organisation's business id or a professional's id, as the API accepts them. */
export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** A checked cell of the grid: this category may be shared for this purpose. */
export type Cell = `${Category}/${Purpose}`;
export const cellOf = (category: Category, purpose: Purpose): Cell => `${category}/${purpose}`;

/**
 * The consents the checked cells make. A consent covers each of its categories for each of its
 * purposes, so purposes checked for the same categories share one consent and any other pattern
 * becomes one consent a purpose: nothing unchecked is ever covered.
 */
export function scopesOf(cells: ReadonlySet<Cell>): { categories: Category[]; purposes: Purpose[] }[] {
  const scopes: { categories: Category[]; purposes: Purpose[] }[] = [];
  for (const purpose of PURPOSES) {
    const categories = CATEGORIES.filter((category) => cells.has(cellOf(category, purpose)));
    if (categories.length === 0) continue;
    const same = scopes.find((scope) => scope.categories.join() === categories.join());
    if (same) same.purposes.push(purpose);
    else scopes.push({ categories, purposes: [purpose] });
  }
  return scopes;
}

/** The ids typed in one field, split at commas, spaces or lines, each once. */
export function idsOf(typed: string): string[] {
  return [...new Set(typed.split(/[\s,;]+/).filter((id) => id !== ""))];
}

/** Today in the user's time zone, as a date input gives it (yyyy-mm-dd). */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The moment a day (yyyy-mm-dd) begins in the user's time zone, as the API wants it. */
export function startOf(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year!, month! - 1, date!).toISOString();
}

/** The moment after a day (yyyy-mm-dd) ends: a consent valid until a day covers that whole day. */
export function endOf(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year!, month! - 1, date! + 1).toISOString();
}

/** The day (yyyy-mm-dd) a date typed the Finnish way (d.m.yyyy) names, or undefined if it names none. */
export function dayOf(typed: string): string | undefined {
  const parts = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$/.exec(typed);
  if (!parts) return undefined;
  const [date, month, year] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const day = new Date(year, month - 1, date);
  if (day.getFullYear() !== year || day.getMonth() !== month - 1 || day.getDate() !== date) return undefined;
  return today(day);
}

/** Records a consent (POST /clients/{id}/consents); answers it as recorded, with its history. */
export function recordConsent(api: Api, clientId: string, body: GrantBody): Promise<Consent> {
  return api.POST("/clients/{client_id}/consents", { params: { path: { client_id: clientId } }, body }).then(answer);
}

/** Records a denial (POST /clients/{id}/denials); answers it as recorded. */
export function recordDenial(api: Api, clientId: string, body: DenyBody): Promise<Denial> {
  return api.POST("/clients/{client_id}/denials", { params: { path: { client_id: clientId } }, body }).then(answer);
}
