import type { components } from "../../api/schema";
import { answer, useApi } from "../../lib/api";
import { useLoad } from "../../lib/useLoad";

export type Client = components["schemas"]["ClientOut"];
export type Team = components["schemas"]["TeamOut"];
export type Consent = components["schemas"]["ConsentOut"];
export type Entry = components["schemas"]["DisclosureEntryOut"];
export type Reveal = components["schemas"]["IdentityCodeRevealOut"];
export type Category = NonNullable<Entry["category"]>;
export type LegalBasis = components["schemas"]["LegalBasisOut"];
export type EmergencyAccess = components["schemas"]["EmergencyAccessOut"];

/**
 * Everything the report is made of, asked for together: the client, the team (to name the
 * professionals), the disclosure log, the identity code's reveals and the consents (to say which
 * consent an entry was made under), and the county's legal bases (to name the statute and say what it
 * allows, in the report's language). All but the bases are the key worker's: anyone else gets 403.
 */
export function useDisclosureReport(clientId: string) {
  const api = useApi();
  return useLoad(async (signal) => {
    const path = { params: { path: { client_id: clientId } }, signal };
    const [client, team, report, reveals, consents, legalBases] = await Promise.all([
      api.GET("/clients/{client_id}", path).then(answer),
      api.GET("/clients/{client_id}/team", path).then(answer),
      api.GET("/clients/{client_id}/disclosures", path).then(answer),
      api.GET("/clients/{client_id}/identity-code/reveals", path).then(answer),
      api.GET("/clients/{client_id}/consents", path).then(answer),
      api.GET("/legal-bases", { signal }).then(answer),
    ]);
    return {
      client,
      team,
      entries: report.entries,
      emergencyAccesses: emergencyNewestFirst(report.emergency_accesses),
      reveals,
      consents: consents.consents,
      legalBases,
    };
  }, [api, clientId]);
}

/** One line of the report: one event, to one recipient, for one purpose, on one basis, of one or more categories. */
export interface Row {
  key: string;
  at: string;
  kind: Entry["kind"];
  organisation: string | null;
  professional: string | null;
  purpose: Entry["purpose"];
  consentId: string | null;
  /** Why the entry was allowed: by consent or own work (permitted, own_organisation), a statute, an emergency. */
  reason: Entry["reason"];
  legalBasis: string | null;
  recipientKind: Entry["recipient_kind"];
  justification: string | null;
  categories: Category[];
}

/** How long after a consent check its disclosure is taken to be the same event (a referral's send). */
const CHECK_THEN_DISCLOSE_MS = 60_000;

/**
 * A permitted check followed by the disclosure it allowed (a referral is checked, then sent) is one
 * event for the client: the disclosure says it, the check would repeat it as "shown".
 */
function followedByItsDisclosure(check: Entry, entries: readonly Entry[]): boolean {
  if (check.kind !== "decision") return false;
  const checkedAt = Date.parse(check.at);
  return entries.some(
    (other) =>
      other.kind === "disclosure" &&
      other.outcome === "permit" &&
      other.organisation === check.organisation &&
      other.category === check.category &&
      other.purpose === check.purpose &&
      other.consent_id === check.consent_id &&
      Date.parse(other.at) >= checkedAt &&
      Date.parse(other.at) - checkedAt <= CHECK_THEN_DISCLOSE_MS,
  );
}

/**
 * The log has one entry a category; the report shows what happened at once as one row, newest first.
 * Only what was given is reported: a refused request gave nobody anything.
 */
export function rowsOf(entries: readonly Entry[]): Row[] {
  // An entry not yet chained into the log (seq null, for a few seconds) is among the newest.
  const placeOf = (entry: Entry) => entry.seq ?? Number.MAX_SAFE_INTEGER;
  const rows = new Map<string, { row: Row; seq: number }>();
  for (const entry of entries) {
    if (entry.outcome !== "permit" || followedByItsDisclosure(entry, entries)) continue;
    const second = entry.at.slice(0, 19);
    const key = [
      second, entry.kind, entry.organisation, entry.professional, entry.purpose, entry.consent_id, entry.reason,
      entry.legal_basis, entry.recipient_kind, entry.justification,
    ].join("|");
    const found = rows.get(key);
    if (found) {
      if (entry.category && !found.row.categories.includes(entry.category)) found.row.categories.push(entry.category);
      found.seq = Math.max(found.seq, placeOf(entry));
      continue;
    }
    const row: Row = {
      key: entry.entry_id,
      at: entry.at,
      kind: entry.kind,
      organisation: entry.organisation,
      professional: entry.professional,
      purpose: entry.purpose,
      consentId: entry.consent_id,
      reason: entry.reason,
      legalBasis: entry.legal_basis,
      recipientKind: entry.recipient_kind,
      justification: entry.justification,
      categories: entry.category ? [entry.category] : [],
    };
    rows.set(key, { row, seq: placeOf(entry) });
  }
  return [...rows.values()]
    .sort((a, b) => Date.parse(b.row.at) - Date.parse(a.row.at) || b.seq - a.seq)
    .map(({ row }) => row);
}

/** The identity code's reveals, newest first. */
export function revealsNewestFirst(reveals: readonly Reveal[]): Reveal[] {
  return [...reveals].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

/** The emergency accesses to the client's data, the newest opened first. */
export function emergencyNewestFirst(accesses: readonly EmergencyAccess[]): EmergencyAccess[] {
  return [...accesses].sort((a, b) => Date.parse(b.opened_at) - Date.parse(a.opened_at));
}
