import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { StaticSession, type Session } from "../../lib/session";
import { createI18n } from "../../lib/i18n";
import { ClientPage } from "./ClientPage";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const CLIENT = {
  id: CLIENT_ID,
  name: "Aino Aalto",
  preferred_language: "sv",
  municipality: "091",
  contact: { phone: "+358 40 123 4567", email: null, address: null },
  registered_at: "2026-11-01T10:00:00Z",
  registered_by: "sw-1001",
};
const professional = (id: string, name: string, status: string, role: string, organisation: string) => ({
  id, kind: "professional", name, professional_id: `p-${id}`, organisation, role, relation: null, status,
  contact: {}, starts_on: "2026-11-01T10:00:00Z", ends_on: null,
});
const TEAM = {
  id: "t-1",
  client_id: CLIENT_ID,
  organisation: "1234567-8",
  status: "active",
  closed_reason: null,
  status_history: [],
  key_worker: { member_id: "m-1", professional_id: "sw-1001", started_at: "2026-11-10T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1002" },
  key_worker_history: [
    { member_id: "m-5", professional_id: "sw-1002", started_at: "2026-11-01T10:00:00Z", ended_at: "2026-11-10T10:00:00Z", handover_reason: "Moved to another unit", changed_by: "sw-1002" },
    { member_id: "m-1", professional_id: "sw-1001", started_at: "2026-11-10T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1002" },
  ],
  members: [
    professional("m-1", "Sanna Sosiaali", "active", "social_worker", "1234567-8"),
    professional("m-2", "Noora Neuvoja", "pending_consent", "ngo_worker", "Helping Hand ry"),
    { ...professional("m-3", "Kalle Koti", "active", "nurse", "x"), kind: "close_one", role: null, organisation: null, relation: "parent" },
    professional("m-4", "Pekka Poissa", "removed", "physician", "Health centre"),
  ],
};

afterEach(() => {
  cleanup();
  document.getElementById("root")?.remove();
});

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function session(subject: string, organisation = "1234567-8"): Session {
  return {
    status: "authenticated",
    identity: { subject, name: "U", organisation, kind: "professional", locale: "en" },
    accessToken: () => "a-token",
    login: async () => undefined,
    completeLogin: async () => "/app/clients",
    logout: async () => undefined,
    expire: () => undefined,
  };
}

function shown(
  fetcher: (request: Request) => Promise<Response>,
  language: "fi" | "sv" | "en" = "en",
  subject = "sw-1001",
  organisation = "1234567-8",
) {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  // The page's dialog is mounted beside the app's root, as in index.html.
  const root = document.body.appendChild(document.createElement("div"));
  root.id = "root";
  render(
    <I18nextProvider i18n={createI18n(language)}>
      <StaticSession session={session(subject, organisation)}>
        <ApiContext.Provider value={api}>
          <MemoryRouter initialEntries={[`/app/clients/${CLIENT_ID}`]}>
            <Routes>
              <Route path="/app/clients/:clientId" element={<ClientPage />} />
            </Routes>
          </MemoryRouter>
        </ApiContext.Provider>
      </StaticSession>
    </I18nextProvider>,
    { container: root },
  );
}

const CONSENT = {
  id: "k-1", client_id: CLIENT_ID, recipient_organisation: "Helping Hand ry", categories: ["basic", "health"],
  purposes: ["team_coordination"], status: "active", valid_from: "2026-11-01T10:00:00Z", valid_until: null,
  method: "written", given_by: { kind: "client" }, professionals: [], recorded_at: "2026-11-01T10:00:00Z", recorded_by: "sw-1001",
  withdrawn_at: null, withdrawn_by: null, expired_at: null,
  history: [{ action: "granted", at: "2026-11-01T10:00:00Z", by: "sw-1001", reason: null }],
};
const DENIAL = {
  id: "d-1", client_id: CLIENT_ID, organisation: null, categories: ["financial"], status: "in_force", reason: "Client's wish",
  recorded_at: "2026-11-02T10:00:00Z", recorded_by: "sw-1001", lifted_at: null, lifted_by: null,
};
const CONSENTS = { client_id: CLIENT_ID, consents: [CONSENT], denials: [DENIAL] };

const SUMMARY = {
  id: "r-1", client_id: CLIENT_ID, service: "housing_guidance", target_organisation: "Housing Foundation", status: "accepted",
  priority: "routine", requesting_organisation: "1234567-8", requested_by: "sw-1001", as: ["requester"],
  allowed_next: ["in_progress"], accept_by: "2026-11-20T10:00:00Z", escalate_by: "2026-11-22T10:00:00Z", escalated_at: null,
  reminded_at: null, outcome: null, created_at: "2026-11-10T10:00:00Z",
};
const REFERRAL = {
  ...SUMMARY, reason: "Needs a flat", share: {}, shared: {}, shared_categories: ["basic"], withheld: { health: "denied_by_client", financial: "something_new" },
  history: [
    { kind: "status", from_status: "draft", to_status: "requested", at: "2026-11-10T10:00:00Z", by: "sw-1001", by_organisation: "1234567-8", reason: null, detail: {} },
    { kind: "status", from_status: "requested", to_status: "accepted", at: "2026-11-11T10:00:00Z", by: "hf-1", by_organisation: "Housing Foundation", reason: "We have room", detail: {} },
  ],
};

const answering = (client: Response | (() => Response), team: () => Response, more: (request: Request) => Response = () => json(200, CONSENTS)) =>
  vi.fn(async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (path === `/clients/${CLIENT_ID}/referrals`) return json(200, [SUMMARY]);
    if (path === "/referrals/r-1") return json(200, REFERRAL);
    if (path.startsWith(`/clients/${CLIENT_ID}/consents`) || path.startsWith(`/clients/${CLIENT_ID}/denials`)) return more(request);
    if (path === `/clients/${CLIENT_ID}`) return typeof client === "function" ? client() : client;
    if (path === `/clients/${CLIENT_ID}/team`) return team();
    return json(404, {});
  });

describe("The client's page", () => {
  it("offers to reveal the identity code and to record a disclosure without consent only inside the organisation that holds the data", async () => {
    shown(answering(() => json(200, CLIENT), () => json(200, TEAM)));
    expect(await screen.findByRole("button", { name: "Reveal the personal identity code" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Record a disclosure without consent" })).toBeTruthy();
    cleanup();
    document.getElementById("root")?.remove();
    shown(answering(() => json(200, CLIENT), () => json(200, TEAM)), "en", "ngo-77", "0123456-7");
    expect(await screen.findByRole("heading", { level: 1, name: "Aino Aalto" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Reveal the personal identity code" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Record a disclosure without consent" })).toBeNull();
  });

  it("shows the client asked for by the id in the address, and the team's members grouped by status", async () => {
    const fetcher = answering(() => json(200, CLIENT), () => json(200, TEAM));
    shown(fetcher);
    expect(await screen.findByRole("heading", { level: 1, name: "Aino Aalto" })).toBeTruthy();
    expect(screen.getByText("Swedish")).toBeTruthy();
    expect(screen.getByText("+358 40 123 4567")).toBeTruthy();
    const pending = screen.getByRole("list", { name: "Waiting for consent" });
    expect(pending.textContent).toBe("Noora Neuvoja — NGO worker, Helping Hand ry");
    const active = within(screen.getByRole("list", { name: "Active" })).getAllByRole("listitem");
    expect(active.map((item) => item.textContent)).toEqual([
      "Sanna Sosiaali — Social worker, 1234567-8",
      "Kalle Koti — Parent",
    ]);
    expect(screen.getByRole("heading", { level: 3, name: "Suspended" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "1 removed member" }).getAttribute("aria-expanded")).toBe("false");
    expect(screen.getByText("Sanna Sosiaali, since Nov 10, 2026")).toBeTruthy();
    expect(screen.getByRole("list", { name: "Earlier key workers" }).textContent).toContain("Moved to another unit");
    // The sections under the team ask for their own data once they are on the page.
    await waitFor(() => {
      const asked = fetcher.mock.calls.map(([request]) => [new URL(request.url).pathname, request.headers.get("Authorization")]);
      expect(asked.sort()).toEqual([
        [`/clients/${CLIENT_ID}`, "Bearer a-token"],
        [`/clients/${CLIENT_ID}/consents`, "Bearer a-token"],
        [`/clients/${CLIENT_ID}/referrals`, "Bearer a-token"],
        [`/clients/${CLIENT_ID}/team`, "Bearer a-token"],
      ]);
    });
  });

  it.each([403, 404])("says 'not yours or not found' in the user's language on a %i, naming no client", async (status) => {
    shown(answering(() => json(status, { title: "Forbidden" }), () => json(status, {})), "fi");
    expect(await screen.findByRole("heading", { level: 1, name: "Ei asiakkaasi tai ei löytynyt" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Siirry omiin asiakkaisiin" }).getAttribute("href")).toBe("/app/clients");
  });

  it("offers to try again when the API fails", async () => {
    let failing = true;
    shown(answering(() => (failing ? json(500, {}) : json(200, CLIENT)), () => json(200, TEAM)));
    const retry = await screen.findByRole("button", { name: "Try again" });
    failing = false;
    retry.click();
    expect(await screen.findByRole("heading", { level: 1, name: "Aino Aalto" })).toBeTruthy();
  });

  it("shows the key worker each consent with its categories, purposes, validity and history, and the denials", async () => {
    shown(answering(() => json(200, CLIENT), () => json(200, TEAM)));
    const consents = await screen.findByRole("list", { name: "Consents" }, { timeout: 10000 });
    expect(within(consents).getByRole("heading", { level: 3, name: "Consent for Helping Hand ry" })).toBeTruthy();
    expect(within(consents).getByText("Information: Basic details, Health")).toBeTruthy();
    expect(within(consents).getByText("Purposes: Team coordination")).toBeTruthy();
    expect(within(consents).getByText("Valid from Nov 1, 2026, until further notice")).toBeTruthy();
    expect(within(consents).getByText("Given Nov 1, 2026, recorded by sw-1001")).toBeTruthy();
    expect(screen.getByRole("list", { name: "Denials" }).textContent).toContain("Denied to all organisations: Finances");
  });

  it("tells a member who is not the key worker that consents are the key worker's, and does not ask for them", async () => {
    const fetcher = answering(() => json(200, CLIENT), () => json(200, TEAM));
    shown(fetcher, "en", "sw-2002");
    expect(await screen.findByText("Only the key worker sees and manages the client's consents and denials.")).toBeTruthy();
    expect(fetcher.mock.calls.some(([request]) => request.url.includes("/consents"))).toBe(false);
  });

  it("withdraws a consent with a reason, shows a refusal beside it keeping the reason, then the consent as withdrawn", async () => {
    let refuse = true;
    const fetcher = answering(() => json(200, CLIENT), () => json(200, TEAM), (request) =>
      request.method === "GET"
        ? json(200, CONSENTS)
        : refuse
          ? json(409, { title: "Conflict", status: 409 })
          : json(200, { ...CONSENT, status: "withdrawn", history: [...CONSENT.history, { action: "withdrawn", at: "2026-11-20T10:00:00Z", by: "sw-1001", reason: "Asked by the client" }] }),
    );
    shown(fetcher);
    fireEvent.click(await screen.findByRole("button", { name: "Withdraw: Helping Hand ry" }, { timeout: 10000 }));
    fireEvent.click(screen.getByRole("button", { name: "Withdraw" }));
    expect(await screen.findByText("Give a reason.")).toBeTruthy();
    const reason = screen.getByRole("textbox", { name: "Reason (Withdraw: Helping Hand ry)" }) as HTMLTextAreaElement;
    fireEvent.change(reason, { target: { value: "Asked by the client" } });
    fireEvent.click(screen.getByRole("button", { name: "Withdraw" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Not possible any more: reload the page to see its state now.");
    expect(reason.value).toBe("Asked by the client");
    refuse = false;
    fireEvent.click(screen.getByRole("button", { name: "Withdraw" }));
    expect(await screen.findByText("Status: withdrawn")).toBeTruthy();
    const sent = fetcher.mock.calls.map(([request]) => request).filter((request) => request.method === "POST");
    expect(new URL(sent[0]!.url).pathname).toBe(`/clients/${CLIENT_ID}/consents/k-1/withdraw`);
    expect(await sent[1]!.json()).toEqual({ reason: "Asked by the client" });
  });

  it("lists the referrals and opens one to what was shared, what was withheld and why, and its history", async () => {
    shown(answering(() => json(200, CLIENT), () => json(200, TEAM)));
    const referrals = await screen.findByRole("list", { name: "Referrals" }, { timeout: 10000 });
    expect(within(referrals).getByText("Status: Accepted")).toBeTruthy();
    const details = within(referrals).getByRole("button", { name: /^Details: / });
    expect(details.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(details);
    expect((await screen.findByRole("list", { name: "Shared" })).textContent).toBe("Basic information");
    expect(
      within(screen.getByRole("list", { name: "Withheld" }))
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["Health: the client denied it", "Finances: for another reason"]);
    const history = within(screen.getByRole("list", { name: "History" })).getAllByRole("listitem");
    expect(history[1]!.textContent).toContain("hf-1, Housing Foundation — We have room");
  });
});
