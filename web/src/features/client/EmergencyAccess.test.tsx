import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { IDEMPOTENCY_KEY } from "../../lib/idempotency";
import { createI18n } from "../../lib/i18n";
import { StaticSession, type Session } from "../../lib/session";
import { ClientPage } from "./ClientPage";
import { forgetEmergencyAccesses } from "./emergencyApi";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const CLIENT = {
  id: CLIENT_ID, name: "Aino Aalto", preferred_language: "fi", municipality: "091",
  contact: { phone: null, email: null, address: null }, registered_at: "2026-11-01T10:00:00Z", registered_by: "sw-1001",
};
const TEAM = {
  id: "t-1", client_id: CLIENT_ID, organisation: "1234567-8", status: "active", closed_reason: null, status_history: [],
  key_worker: { member_id: "m-1", professional_id: "sw-1001", started_at: "2026-11-10T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1001" },
  key_worker_history: [],
  members: [{
    id: "m-1", kind: "professional", name: "Sanna Sosiaali", professional_id: "sw-1001", organisation: "1234567-8",
    role: "social_worker", relation: null, status: "active", contact: {}, starts_on: "2026-11-01T10:00:00Z", ends_on: null,
  }],
};
const OPENED_AT = Date.parse("2026-11-24T10:00:00Z");
const ACCESS = {
  id: "ea-1", client_id: CLIENT_ID, professional: "er-5", organisation: "7654321-0", reason: "risk_to_life",
  explanation: "Found unconscious", opened_at: "2026-11-24T10:00:00Z", ends_at: "2026-11-24T14:00:00Z",
  key_worker_id: "sw-1001", reviewed_at: null, reviewed_by: null,
};

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  forgetEmergencyAccesses();
  document.getElementById("root")?.remove();
});

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status < 400 ? "application/json" : "application/problem+json" },
  });
}
const forbidden = () => json(403, { title: "Forbidden", status: 403 });

function session(): Session {
  return {
    status: "authenticated",
    identity: { subject: "er-5", name: "Eero Ensihoito", organisation: "7654321-0", kind: "professional", locale: "en" },
    accessToken: () => "a-token",
    login: async () => undefined,
    completeLogin: async () => "/app/clients",
    logout: async () => undefined,
    expire: () => undefined,
  };
}

function shown(fetcher: (request: Request) => Promise<Response>) {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  const root = document.body.appendChild(document.createElement("div"));
  root.id = "root";
  render(
    <I18nextProvider i18n={createI18n("en")}>
      <StaticSession session={session()}>
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

/** The gateway: reads refused until a window is open and until its end; the POST answers `opening`. */
function gateway(opening: () => Response, now: () => number = Date.now) {
  let until = 0;
  return vi.fn(async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (request.method === "POST" && path === `/clients/${CLIENT_ID}/emergency-access`) {
      const answer = opening();
      if (answer.ok) until = Date.parse(ACCESS.ends_at);
      return answer;
    }
    const open = now() < until;
    if (path === `/clients/${CLIENT_ID}`) return open ? json(200, CLIENT) : forbidden();
    if (path === `/clients/${CLIENT_ID}/team`) return open ? json(200, TEAM) : forbidden();
    if (path === `/clients/${CLIENT_ID}/referrals`) return open ? json(200, []) : forbidden();
    return json(404, {});
  });
}

const openForm = async () => fireEvent.click(await screen.findByRole("button", { name: "Emergency access" }));
const submit = () => fireEvent.click(screen.getByRole("button", { name: "Open emergency access" }));

describe("Emergency access on the client's page", () => {
  it("shows the refusal with a clearly marked action, and nothing opens without a reason and an explanation", async () => {
    const fetcher = gateway(() => json(201, ACCESS));
    shown(fetcher);
    expect(await screen.findByRole("heading", { level: 1, name: "Not your client, or not found" })).toBeTruthy();
    await openForm();
    expect(screen.getByText(/the client's key worker is told at once/)).toBeTruthy();
    submit();
    expect(await screen.findByText("Choose the reason.")).toBeTruthy();
    expect(screen.getByText("Explain why you need the information now.")).toBeTruthy();
    expect(fetcher.mock.calls.some(([request]) => request.method === "POST")).toBe(false);
  });

  it("opens with the reason and words, then loads the client under a banner with the window's end", async () => {
    const fetcher = gateway(() => json(201, ACCESS), () => OPENED_AT);
    vi.useFakeTimers({ now: OPENED_AT, shouldAdvanceTime: true });
    shown(fetcher);
    await openForm();
    fireEvent.click(screen.getByRole("radio", { name: "Risk to the client's life" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Explanation" }), { target: { value: " Found unconscious " } });
    submit();
    expect(await screen.findByRole("heading", { level: 1, name: "Aino Aalto" })).toBeTruthy();
    // 14:00 UTC is 16:00 in Helsinki in November.
    expect(screen.getByText("Emergency access until 16:00")).toBeTruthy();
    expect(screen.getByText(/Reason: Risk to the client's life\./)).toBeTruthy();
    const post = fetcher.mock.calls.map(([request]) => request).find((request) => request.method === "POST")!;
    expect(new URL(post.url).pathname).toBe(`/clients/${CLIENT_ID}/emergency-access`);
    expect(post.headers.get(IDEMPOTENCY_KEY)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await post.json()).toEqual({ reason: "risk_to_life", explanation: "Found unconscious" });
  });

  it("asks again when the window ends, and the gateway's refusal takes the client off the screen", async () => {
    vi.useFakeTimers({ now: OPENED_AT, shouldAdvanceTime: true });
    const fetcher = gateway(() => json(201, ACCESS));
    shown(fetcher);
    await openForm();
    fireEvent.click(screen.getByRole("radio", { name: "Acute crisis" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Explanation" }), { target: { value: "Crisis call" } });
    submit();
    expect(await screen.findByRole("heading", { level: 1, name: "Aino Aalto" })).toBeTruthy();
    await act(async () => {
      vi.advanceTimersByTime(4 * 60 * 60 * 1000 + 1000);
    });
    expect(await screen.findByRole("heading", { level: 1, name: "Not your client, or not found" })).toBeTruthy();
    expect(screen.queryByText("Aino Aalto")).toBeNull();
    expect(screen.getByText("Your emergency access ended at 16:00.")).toBeTruthy();
    expect(screen.queryByText(/^Emergency access until/)).toBeNull();
  });

  it("shows the gateway's refusals: a member needs none (409), a refused explanation beside its field, keeping what was typed", async () => {
    let answer = () => json(409, { title: "Conflict", status: 409, current_state: "member" });
    shown(gateway(() => answer()));
    await openForm();
    fireEvent.click(screen.getByRole("radio", { name: "Risk to the client's health" }));
    const explanation = screen.getByRole("textbox", { name: "Explanation" }) as HTMLTextAreaElement;
    fireEvent.change(explanation, { target: { value: "Medication question" } });
    submit();
    expect((await screen.findByRole("alert")).textContent).toBe(
      "You are on the client's team: you need no emergency access. Reload the page.",
    );
    answer = () => json(400, { title: "Bad Request", status: 400, errors: { explanation: ["Blank."] } });
    submit();
    expect(await screen.findByText("The explanation was not accepted: write it in at most 2000 characters.")).toBeTruthy();
    expect(explanation.value).toBe("Medication question");
  });

  it("offers nothing for a client that is not found (404)", async () => {
    shown(vi.fn(async () => json(404, { title: "Not Found", status: 404 })));
    expect(await screen.findByRole("heading", { level: 1, name: "Not your client, or not found" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Emergency access" })).toBeNull();
  });
});
