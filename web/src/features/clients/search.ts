// "My clients": what a row shows and is found by, what needs me, the order and the filter.
import type { Involvement } from "./api";

/** A row of the list with the words it can be found by, in the user's language. */
export interface ClientRow {
  involvement: Involvement;
  /** The client's name, or null where it is not shown to me (a team of another organisation). */
  name: string | null;
  reference: string;
  /** How many things in the team wait for me; 0 for a member, who is told none. */
  needs: number;
  words: string;
}

/** A short, stable reference for a client whose name is not shown: the start of the id. */
export function referenceOf(clientId: string): string {
  return clientId.replace(/-/g, "").slice(0, 8).toUpperCase();
}

/** Everything in the client's team that waits for me, as their key worker. */
export function needsOf(involvement: Involvement): number {
  const needs = involvement.needs_me;
  if (needs === null) return 0;
  return needs.pending_members + needs.overdue_referrals + needs.answered_referrals + needs.consents_ending;
}

export function rowOf(involvement: Involvement, labels: (involvement: Involvement) => string[]): ClientRow {
  const reference = referenceOf(involvement.client_id);
  const name = involvement.client_name;
  const words = [name ?? "", reference, ...labels(involvement)].join(" ").toLocaleLowerCase();
  return { involvement, name, reference, needs: needsOf(involvement), words };
}

// Overdue referrals are late already; the rest can wait a day.
const URGENCY = (row: ClientRow) => row.involvement.needs_me?.overdue_referrals ?? 0;

/** What needs me first (overdue referrals before anything else, then the most waiting), then by name. */
export function sortClients(rows: ClientRow[], locale: string): ClientRow[] {
  const collator = new Intl.Collator(locale, { sensitivity: "base" });
  return [...rows].sort(
    (a, b) =>
      URGENCY(b) - URGENCY(a) ||
      b.needs - a.needs ||
      collator.compare(a.name ?? "\uffff", b.name ?? "\uffff") ||
      a.reference.localeCompare(b.reference),
  );
}

/** The rows that have every word of `query` (any case, any order); all rows for an empty query. */
export function filterClients(rows: ClientRow[], query: string): ClientRow[] {
  const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  return words.length === 0 ? rows : rows.filter((row) => words.every((word) => row.words.includes(word)));
}
