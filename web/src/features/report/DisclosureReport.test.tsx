import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { createI18n, type Language } from "../../lib/i18n";
import { StaticSession, type Session } from "../../lib/session";
import { rowsOf, type Entry } from "./api";
import { DisclosureReport } from "./DisclosureReport";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const CLIENT = {
  id: CLIENT_ID,
  name: "Aino Aalto",
  preferred_language: "sv",
  municipality: "091",
  contact: { phone: null, email: null, address: null },
  registered_at: "2026-11-01T10:00:00Z",
  registered_by: "sw-1001",
};
const professional = (id: string, name: string, professionalId: string, organisation: string) => ({
  id, kind: "professional", name, professional_id: professionalId, organisation, role: "social_worker", relation: null,
  status: "active", contact: {}, starts_on: "2026-11-01T10:00:00Z", ends_on: null,
});
const TEAM = {
  id: "t-1", client_id: CLIENT_ID, organisation: "1234567-8", status: "active", closed_reason: null, status_history: [],
  key_worker: { member_id: "m-1", professional_id: "sw-1001", started_at: "2026-11-01T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1001" },
  key_worker_history: [],
  members: [professional("m-1", "Sanna Sosiaali", "sw-1001", "1234567-8"), professional("m-2", "Noora Neuvoja", "ngo-77", "0123456-7")],
};
const CONSENT = {
  id: "k-1", client_id: CLIENT_ID, recipient_organisation: "0123456-7", categories: ["basic", "health"],
  purposes: ["team_coordination"], status: "active", valid_from: "2026-11-02T10:00:00Z", valid_until: null,
  method: "written", given_by: { kind: "client", relation: null }, professionals: [], recorded_at: "2026-11-02T10:00:00Z",
  recorded_by: "sw-1001", withdrawn_at: null, withdrawn_by: null, expired_at: null, history: [],
};
const entry = (seq: number, at: string, kind: Entry["kind"], category: Entry["category"], rest: Partial<Entry> = {}): Entry => ({
  seq, entry_id: `e-${seq}`, at, kind, category, organisation: "0123456-7", professional: "ngo-77",
  purpose: "team_coordination", outcome: "permit", reason: "permitted", consent_id: "k-1", denial_id: null,
  legal_basis: null, recipient_kind: null, justification: null, ...rest,
});
const ENTRIES: Entry[] = [
  entry(1, "2026-11-03T08:00:00Z", "decision", "basic"),
  entry(2, "2026-11-03T08:00:00Z", "decision", "health"),
  entry(3, "2026-11-04T09:30:00Z", "access", "basic", {
    organisation: "1234567-8", professional: "sw-1001", purpose: null, reason: "own_organisation", consent_id: null,
  }),
  entry(4, "2026-11-05T09:30:00Z", "decision", "financial", { outcome: "deny", reason: "no_consent", consent_id: null }),
];
const REVEALS = [{ at: "2026-11-04T09:30:00Z", reason: "Etuushakemus", requested_by: "sw-1001" }];

afterEach(cleanup);

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status < 400 ? "application/json" : "application/problem+json" },
  });
}

function session(subject: string): Session {
  return {
    status: "authenticated",
    identity: { subject, name: "Sanna Sosiaali", organisation: "1234567-8", kind: "professional", locale: "fi" },
    accessToken: () => "a-token",
    login: async () => undefined,
    completeLogin: async () => "/app/clients",
    logout: async () => undefined,
    expire: () => undefined,
  };
}

const ANSWERS: Record<string, unknown> = {
  [`/clients/${CLIENT_ID}`]: CLIENT,
  [`/clients/${CLIENT_ID}/team`]: TEAM,
  [`/clients/${CLIENT_ID}/disclosures`]: { client_id: CLIENT_ID, entries: ENTRIES, emergency_accesses: [] },
  [`/clients/${CLIENT_ID}/identity-code/reveals`]: REVEALS,
  [`/clients/${CLIENT_ID}/consents`]: { client_id: CLIENT_ID, consents: [CONSENT], denials: [] },
  "/legal-bases": [
    {
      id: "sha-18-threat", statute: "Act 812/2000 §18", categories: ["basic", "health"], recipient_kinds: ["police"],
      description: {
        fi: "Poliisille henkeen tai terveyteen kohdistuvan uhan arvioimiseksi",
        sv: "Till polisen för att bedöma ett hot mot liv eller hälsa",
        en: "To the police, to assess a threat to life or health",
      },
    },
  ],
};

const theKeyWorkers = async (request: Request) => {
  const answer = ANSWERS[new URL(request.url).pathname];
  return answer === undefined ? json(404, { title: "Not Found", status: 404 }) : json(200, answer);
};

function shown(fetcher: (request: Request) => Promise<Response>, language: Language) {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  render(
    <I18nextProvider i18n={createI18n(language)}>
      <StaticSession session={session("sw-1001")}>
        <ApiContext.Provider value={api}>
          <MemoryRouter initialEntries={[`/app/clients/${CLIENT_ID}/disclosures`]}>
            <Routes>
              <Route path="/app/clients/:clientId/disclosures" element={<DisclosureReport />} />
            </Routes>
          </MemoryRouter>
        </ApiContext.Provider>
      </StaticSession>
    </I18nextProvider>,
  );
}

// The first render pays for loading the design system: on a busy machine that takes seconds.
describe("the disclosure report", { timeout: 20_000 }, () => {
  it("is written in the client's language while the screen around it stays in the user's", async () => {
    shown(theKeyWorkers, "fi");
    const report = (await screen.findByRole("heading", { level: 1, name: "Aino Aalto" })).closest("article")!;
    expect(report.getAttribute("lang")).toBe("sv");
    expect(within(report).getByText("Redogörelse för utlämnande av dina uppgifter")).toBeTruthy();
    expect(within(report).getAllByRole("columnheader", { name: "Till vem" })).toHaveLength(2);
    // The chrome: the user's Finnish.
    expect(screen.getByRole("button", { name: "Tulosta" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Takaisin asiakkaan sivulle" })).toBeTruthy();
    expect((screen.getByRole("radio", { name: "ruotsi" }) as HTMLInputElement).checked).toBe(true);
  });

  it("shows who was given which categories for what purpose under which consent, newest first, the refused left out", async () => {
    shown(theKeyWorkers, "en");
    const report = (await screen.findByRole("heading", { level: 1, name: "Aino Aalto" })).closest("article")!;
    const table = within(report).getAllByRole("table")[0]!;
    const rows = within(table).getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell").map((cell) => cell.textContent));
    expect(rows).toHaveLength(2);
    expect(rows[0]!.slice(1)).toEqual([
      "Läst inom organisationen", "Sanna Sosiaali, 1234567-8", "Grunduppgifter", "—",
      "Organisationens eget klientarbete, inget samtycke behövs",
    ]);
    expect(rows[1]!.slice(1, 3)).toEqual(["Visad", "Noora Neuvoja, 0123456-7"]);
    expect(rows[1]![3]).toMatch(/, /); // both categories of one event on one row
    expect(rows[1]![5]).toMatch(/^Ditt samtycke /);
    expect(report.textContent).not.toContain("Ekonomi");
    const reveals = within(report).getAllByRole("table")[1]!;
    expect(within(reveals).getByText("Etuushakemus")).toBeTruthy();
    expect(within(reveals).getByText("Sanna Sosiaali")).toBeTruthy();
  });

  it("changes to the language the user picks before printing, and prints", async () => {
    const print = vi.spyOn(window, "print").mockImplementation(() => undefined);
    shown(theKeyWorkers, "en");
    await screen.findByRole("heading", { level: 1, name: "Aino Aalto" });
    fireEvent.click(screen.getByRole("radio", { name: "Finnish" }));
    const report = screen.getByRole("heading", { level: 1, name: "Aino Aalto" }).closest("article")!;
    expect(report.getAttribute("lang")).toBe("fi");
    expect(within(report).getByText("Selvitys tietojesi luovutuksista")).toBeTruthy();
    expect(within(report).getAllByRole("columnheader", { name: "Kenelle" })).toHaveLength(2);
    expect(screen.getByRole("button", { name: "Print" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Print" }));
    expect(print).toHaveBeenCalledOnce();
    print.mockRestore();
  });

  it("tells anyone but the key worker, in their language, that the report is the key worker's", async () => {
    shown(async () => json(403, { title: "Forbidden", status: 403 }), "sv");
    expect(await screen.findByRole("heading", { level: 1, name: "Inte tillgänglig för dig" })).toBeTruthy();
    expect(screen.getByText("Bara klientens ansvariga arbetstagare kan se och skriva ut redogörelsen för utlämnade uppgifter.")).toBeTruthy();
    expect(screen.queryByText("Aino Aalto")).toBeNull();
    expect(screen.queryByRole("button", { name: "Skriv ut" })).toBeNull();
  });
});

describe("the report's disclosures without consent", { timeout: 20_000 }, () => {
  const STATUTORY = [
    entry(30, "2026-11-20T12:00:00Z", "disclosure", "basic", {
      organisation: "Police-Pirkanmaa", professional: "sw-1001", purpose: null, reason: "statutory_basis", consent_id: null,
      denial_id: "d-9", legal_basis: "sha-18-threat", recipient_kind: "police", justification: "Threat made at the office",
    }),
    entry(31, "2026-11-20T12:00:00Z", "disclosure", "health", {
      organisation: "Police-Pirkanmaa", professional: "sw-1001", purpose: null, reason: "statutory_basis", consent_id: null,
      denial_id: null, legal_basis: "sha-18-threat", recipient_kind: "police", justification: "Threat made at the office",
    }),
    entry(32, "2026-11-21T08:10:00Z", "access", "basic", {
      organisation: "1234567-8", professional: "er-5", purpose: "team_coordination", reason: "emergency_access", consent_id: null,
    }),
  ];
  const WINDOW = {
    id: "ea-1", client_id: CLIENT_ID, professional: "er-5", organisation: "1234567-8", reason: "risk_to_life",
    explanation: "Found unconscious", opened_at: "2026-11-21T08:00:00Z", ends_at: "2026-11-21T12:00:00Z",
    key_worker_id: "sw-1001", reviewed_at: null, reviewed_by: null,
  };
  const withThem = async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (path === `/clients/${CLIENT_ID}/disclosures`) {
      return json(200, { client_id: CLIENT_ID, entries: [...ENTRIES, ...STATUTORY], emergency_accesses: [WINDOW] });
    }
    return theKeyWorkers(request);
  };

  it("names the statute, describes it in the report's language, and gives the justification and who gave the data out", async () => {
    shown(withThem, "en");
    await screen.findByRole("heading", { level: 1, name: "Aino Aalto" });
    fireEvent.click(screen.getByRole("radio", { name: "English" }));
    const report = screen.getByRole("heading", { level: 1, name: "Aino Aalto" }).closest("article")!;
    const table = within(report).getAllByRole("table")[0]!;
    const rows = within(table).getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell"));
    const statutory = rows.find((cells) => cells[1]!.textContent === "Given out")!;
    expect(statutory[2]!.textContent).toBe("Police, Police-Pirkanmaa");
    expect(statutory[3]!.textContent).toBe("Basic details, Health");
    const parts = [...statutory[5]!.querySelectorAll("span")].map((span) => span.textContent);
    expect(parts).toEqual([
      "Without consent, by law: Act 812/2000 §18",
      "To the police, to assess a threat to life or health",
      "Justification: Threat made at the office",
      "Given out by Sanna Sosiaali",
    ]);
    const emergencyRead = rows.find((cells) => cells[2]!.textContent === "er-5, 1234567-8")!;
    expect(emergencyRead[5]!.textContent).toBe("Emergency access: without consent, for a risk to your life or health");
    // The client's own language, Swedish, describes the statute in Swedish.
    fireEvent.click(screen.getByRole("radio", { name: "Swedish" }));
    expect(screen.getByText("Till polisen för att bedöma ett hot mot liv eller hälsa")).toBeTruthy();
    expect(screen.getByText("Motivering: Threat made at the office")).toBeTruthy();
  });

  it("lists each emergency window: who, why, when and until when", async () => {
    shown(withThem, "en");
    await screen.findByRole("heading", { level: 1, name: "Aino Aalto" });
    fireEvent.click(screen.getByRole("radio", { name: "English" }));
    const section = screen.getByRole("region", { name: "Emergency access to your information" });
    const cells = within(section).getAllByRole("cell").map((cell) => cell.textContent);
    expect(cells).toEqual(["Nov 21, 2026, 10:00 AM", "Nov 21, 2026, 2:00 PM", "er-5, 1234567-8", "Risk to the client's lifeFound unconscious"]);
  });

  it("says so when nobody used emergency access", async () => {
    shown(theKeyWorkers, "en");
    await screen.findByRole("heading", { level: 1, name: "Aino Aalto" });
    fireEvent.click(screen.getByRole("radio", { name: "English" }));
    expect(screen.getByText("Nobody has opened your information with emergency access.")).toBeTruthy();
  });
});

describe("rowsOf", () => {
  it("puts one event's categories on one row and leaves out what was refused", () => {
    const rows = rowsOf(ENTRIES);
    expect(rows.map((row) => [row.kind, row.categories])).toEqual([
      ["access", ["basic"]],
      ["decision", ["basic", "health"]],
    ]);
  });

  it("shows a referral's check and the disclosure it allowed as one event, given out", () => {
    const check = entry(20, "2026-11-07T10:00:00Z", "decision", "basic", { purpose: "referral" });
    const given = entry(21, "2026-11-07T10:00:01Z", "disclosure", "basic", { purpose: "referral" });
    const otherOrganisation = entry(22, "2026-11-07T10:00:00Z", "decision", "basic", { purpose: "referral", organisation: "7654321-0" });
    const rows = rowsOf([check, given, otherOrganisation]);
    expect(rows.map((row) => [row.kind, row.organisation])).toEqual([
      ["disclosure", "0123456-7"],
      ["decision", "7654321-0"],
    ]);
  });

  it("shows an entry not yet chained into the log (no seq yet) with the others of its moment, newest first", () => {
    const unchained = { ...entry(9, "2026-11-06T10:00:00Z", "disclosure", "basic", { purpose: "referral" }), seq: null };
    const later = entry(10, "2026-11-06T10:00:00Z", "access", "team", {
      organisation: "1234567-8", professional: "sw-1001", purpose: null, reason: "own_organisation", consent_id: null,
    });
    const rows = rowsOf([...ENTRIES, later, unchained]);
    expect(rows.map((row) => [row.kind, row.categories])).toEqual([
      ["disclosure", ["basic"]],
      ["access", ["team"]],
      ["access", ["basic"]],
      ["decision", ["basic", "health"]],
    ]);
  });
});
