// The search on "My clients": what a row can be found by, and the filter.
import type { Involvement } from "./api";

/** A row of the list with the words it can be found by, in the user's language. */
export interface ClientRow {
  involvement: Involvement;
  reference: string;
  words: string;
}

/** A short, stable reference for a client until the list carries names: the start of the id. */
export function referenceOf(clientId: string): string {
  return clientId.replace(/-/g, "").slice(0, 8).toUpperCase();
}

export function rowOf(involvement: Involvement, labels: (involvement: Involvement) => string[]): ClientRow {
  const reference = referenceOf(involvement.client_id);
  return { involvement, reference, words: [reference, ...labels(involvement)].join(" ").toLocaleLowerCase() };
}

/** The rows that have every word of `query` (any case, any order); all rows for an empty query. */
export function filterClients(rows: ClientRow[], query: string): ClientRow[] {
  const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  return words.length === 0 ? rows : rows.filter((row) => words.every((word) => row.words.includes(word)));
}
