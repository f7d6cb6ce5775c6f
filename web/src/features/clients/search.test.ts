import { describe, expect, it } from "vitest";
import type { Involvement } from "./api";
import { filterClients, referenceOf, rowOf } from "./search";

const involvement = (client_id: string, as: Involvement["as"], team_status: Involvement["team_status"]): Involvement => ({
  client_id,
  team_id: `t-${client_id}`,
  as,
  team_status,
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
