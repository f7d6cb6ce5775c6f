import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { createI18n } from "../../lib/i18n";
import { answersAllowed } from "./api";
import { PartnerReferral } from "./PartnerReferral";

afterEach(cleanup);

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const ID = "5e5e5e5e-0000-4000-8000-000000000002";
const REQUESTED = {
  id: ID,
  client_id: "c-1",
  status: "requested",
  allowed_next: ["accepted", "rejected"],
  as: ["target"],
  service: "housing_guidance",
  priority: "urgent",
  requesting_organisation: "1234567-8",
  target_organisation: "0123456-7",
  requested_by: "sw-1001",
  created_at: "2026-11-20T08:00:00Z",
  accept_by: "2026-11-27T08:00:00Z",
  escalate_by: "2026-11-28T08:00:00Z",
  escalated_at: null,
  reminded_at: null,
  outcome: null,
  history: [],
  shared: { basic: { language: "fi" } },
};

function shown(fetcher: (request: Request) => Promise<Response>) {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: () => undefined, baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  render(
    <I18nextProvider i18n={createI18n("en")}>
      <ApiContext.Provider value={api}>
        <MemoryRouter initialEntries={[`/app/partner/referrals/${ID}`]}>
          <Routes>
            <Route path="/app/partner/referrals/:referralId" element={<PartnerReferral />} />
          </Routes>
        </MemoryRouter>
      </ApiContext.Provider>
    </I18nextProvider>,
  );
}

describe("the answers a partner is offered", () => {
  it("follow the referral's allowed next states, start and resume told apart", () => {
    expect(answersAllowed("requested", ["accepted", "rejected"])).toEqual(["accept", "reject"]);
    expect(answersAllowed("accepted", ["in_progress", "on_hold", "completed", "failed"])).toEqual(["start", "hold", "complete", "fail"]);
    expect(answersAllowed("on_hold", ["in_progress", "completed", "failed", "entered_in_error"])).toEqual(["resume", "complete", "fail"]);
    expect(answersAllowed("completed", [])).toEqual([]);
  });
});

describe("a referral to my organisation", () => {
  it("shows only the categories shared and only the answers allowed now", async () => {
    shown(async () => json(200, REQUESTED));
    expect(await screen.findByRole("heading", { level: 3, name: "Basic information" })).toBeTruthy();
    expect(screen.getByText("language")).toBeTruthy();
    const answers = screen.getAllByRole("form").map((form) => form.getAttribute("aria-label"));
    expect(answers).toEqual(["Accept", "Reject"]);
  });

  it("accepts, then offers what may follow and says the new state", async () => {
    const accepted = { ...REQUESTED, status: "accepted", allowed_next: ["in_progress", "on_hold", "completed", "failed"] };
    const fetcher = vi.fn(async (request: Request) => (request.method === "POST" ? json(200, accepted) : json(200, REQUESTED)));
    shown(fetcher);
    const accept = await screen.findByRole("button", { name: "Accept" });
    await act(async () => {
      fireEvent.click(accept);
    });
    const post = fetcher.mock.calls.map((call) => call[0]).find((request) => request.method === "POST")!;
    expect(new URL(post.url).pathname).toBe(`/partner/referrals/${ID}/accept`);
    expect(screen.getByRole("status").textContent).toBe("The referral is now: Accepted");
    expect(screen.getAllByRole("form").map((form) => form.getAttribute("aria-label"))).toEqual(["Start", "Put on hold", "Complete", "Mark failed"]);
  });

  it("shows a 400 beside the answer it concerns", async () => {
    shown(async (request) =>
      request.method === "POST" ? json(400, { title: "Bad Request", status: 400, errors: { outcome: ["required"] } }) : json(200, REQUESTED),
    );
    const accept = await screen.findByRole("button", { name: "Accept" });
    await act(async () => {
      fireEvent.click(accept);
    });
    expect(within(screen.getByRole("form", { name: "Accept" })).getByRole("alert").textContent).toBe("Choose an outcome.");
  });

  it("asks for a reason before rejecting, beside the rejection", async () => {
    const fetcher = vi.fn(async (_request: Request) => json(200, REQUESTED));
    shown(fetcher);
    const reject = await screen.findByRole("button", { name: "Reject" });
    await act(async () => {
      fireEvent.click(reject);
    });
    const form = screen.getByRole("form", { name: "Reject" });
    expect(within(form).getByText("Write a reason.")).toBeTruthy();
    expect(fetcher).toHaveBeenCalledTimes(1);
  });

  it("shows a 409 beside the answer with what is possible now, and offers only that", async () => {
    shown(async (request) =>
      request.method === "POST"
        ? json(409, { title: "Conflict", status: 409, current_state: "requested", allowed: ["rejected"] })
        : json(200, REQUESTED),
    );
    const accept = await screen.findByRole("button", { name: "Accept" });
    await act(async () => {
      fireEvent.click(accept);
    });
    expect(screen.getAllByRole("form").map((form) => form.getAttribute("aria-label"))).toEqual(["Reject"]);
    expect(screen.queryByRole("button", { name: "Accept" })).toBeNull();
    expect(screen.getByRole("alert").textContent).toBe("That is no longer possible in this state. Possible now: Reject.");
  });
});
