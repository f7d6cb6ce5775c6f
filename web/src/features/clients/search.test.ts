import { describe, expect, it } from "vitest";
import type { Involvement } from "./api";
import { filterClients, needsOf, referenceOf, rowOf, sortClients } from "./search";

const involvement = (
  client_id: string,
  as: Involvement["as"],
  team_status: Involvement["team_status"],
  client_name: string | null = null,
  needs: Partial<NonNullable<Involvement["needs_me"]>> | null = null,
): Involvement => ({
  client_id,
  team_id: `t-${client_id}`,
  as,
  team_status,
  client_name,
  needs_me:
    needs === null
      ? null
      : { pending_members: 0, overdue_referrals: 0, answered_referrals: 0, consents_ending: 0, first_consent_ends_at: null, ...needs },
});
const LABELS: Record<string, string> = { key_worker: "Omatyöntekijä", member: "Tiimin jäsen", active: "Aktiivinen", proposed: "Ehdotettu" };
const labels = (i: Involvement) => [LABELS[i.as]!, LABELS[i.team_status]!];

const rows = [
  involvement("3f2c91ab-0000-4000-8000-000000000001", "key_worker", "active"),
  involvement("7d00e1c2-0000-4000-8000-000000000002", "member", "active"),
  involvement("a1b2c3d4-0000-4000-8000-000000000003", "key_worker", "proposed"),
].map((i) => rowOf(i, labels));

const found = (query: string) => filterClients(rows, query).map((row) => row.reference);

describe("searching my clients", () => {
  it("shows everyone for an empty query", () => {
    expect(found("  ")).toHaveLength(3);
  });

  it("finds by the client's reference, in any case", () => {
    expect(found("3f2c")).toEqual(["3F2C91AB"]);
  });

  it("finds by role and team status in the user's language, every word counting", () => {
    expect(found("omatyöntekijä")).toEqual(["3F2C91AB", "A1B2C3D4"]);
    expect(found("aktiivinen OMATYÖNTEKIJÄ")).toEqual(["3F2C91AB"]);
  });

  it("finds nobody when a word matches nothing", () => {
    expect(found("omatyöntekijä suljettu")).toEqual([]);
  });

  it("makes a reference from the id's first eight characters", () => {
    expect(referenceOf("3f2c91ab-0000-4000")).toBe("3F2C91AB");
  });
});

describe("names and what needs me", () => {
  const named = [
    involvement("00000001-0000", "key_worker", "active", "Öllä Östman", {}),
    involvement("00000002-0000", "key_worker", "active", "Bertta Berg", { answered_referrals: 1, pending_members: 1 }),
    involvement("00000003-0000", "member", "active", null),
    involvement("00000004-0000", "key_worker", "active", "Aino Aalto", { overdue_referrals: 1 }),
    involvement("00000005-0000", "member", "active", "Eero Esko"),
  ].map((i) => rowOf(i, labels));

  it("counts everything that waits for the key worker, and nothing for a member", () => {
    expect(named.map((row) => row.needs)).toEqual([0, 2, 0, 1, 0]);
    expect(needsOf(involvement("x", "member", "active"))).toBe(0);
  });

  it("puts overdue referrals first, then the most waiting, then names in the language's order, unnamed last", () => {
    expect(sortClients(named, "fi").map((row) => row.name ?? row.reference)).toEqual([
      "Aino Aalto",
      "Bertta Berg",
      "Eero Esko",
      "Öllä Östman",
      "00000003",
    ]);
  });

  it("finds a client by any part of the name, in any case", () => {
    expect(filterClients(named, "BERG").map((row) => row.name)).toEqual(["Bertta Berg"]);
    expect(filterClients(named, "aalto omatyöntekijä").map((row) => row.name)).toEqual(["Aino Aalto"]);
  });
});
