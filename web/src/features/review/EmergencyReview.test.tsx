import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { IDEMPOTENCY_KEY } from "../../lib/idempotency";
import { createI18n } from "../../lib/i18n";
import { EmergencyReview, ReviewNavLink } from "./EmergencyReview";

const ACCESS = {
  id: "ea-1", client_id: "3f2c91ab-0000-4000-8000-000000000001", professional: "er-5", organisation: "7654321-0",
  reason: "risk_to_life", explanation: "Found unconscious", opened_at: "2026-11-21T08:00:00Z", ends_at: "2026-11-21T12:00:00Z",
  key_worker_id: "sw-1001", reviewed_at: null, reviewed_by: null,
};
const DONE = { ...ACCESS, id: "ea-0", professional: "er-6", reviewed_at: "2026-11-20T09:00:00Z", reviewed_by: "dpo-1" };

afterEach(cleanup);

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status < 400 ? "application/json" : "application/problem+json" },
  });
}

function shown(fetcher: (request: Request) => Promise<Response>, element = <EmergencyReview />) {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  render(
    <I18nextProvider i18n={createI18n("en")}>
      <ApiContext.Provider value={api}>
        <MemoryRouter initialEntries={["/app/emergency-accesses"]}>
          <Routes>
            <Route path="*" element={element} />
          </Routes>
        </MemoryRouter>
      </ApiContext.Provider>
    </I18nextProvider>,
  );
}

describe("the emergency access review list", () => {
  it("shows who opened whose data, why, when, reviewed or not, and marks one reviewed", async () => {
    let reviewed = false;
    const fetcher = vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      if (request.method === "GET" && path === "/emergency-accesses") return json(200, [ACCESS, DONE]);
      if (request.method === "POST" && path === "/emergency-accesses/ea-1/review") {
        if (reviewed) return json(409, { title: "Conflict", status: 409 });
        reviewed = true;
        return json(200, { ...ACCESS, reviewed_at: "2026-11-22T10:00:00Z", reviewed_by: "dpo-1" });
      }
      return json(404, {});
    });
    shown(fetcher);
    const list = await screen.findByRole("list", { name: "Emergency accesses to review" });
    const items = within(list).getAllByRole("listitem");
    expect(items[0]!.textContent).toContain("er-5, 7654321-0");
    expect(items[0]!.textContent).toContain("Client: 3f2c91ab-0000-4000-8000-000000000001");
    expect(items[0]!.textContent).toContain("Open from Nov 21, 2026, 10:00 AM until Nov 21, 2026, 2:00 PM");
    expect(items[0]!.textContent).toContain("Risk to the client's life — Found unconscious");
    expect(items[0]!.textContent).toContain("Not reviewed yet.");
    expect(items[1]!.textContent).toContain("Reviewed by dpo-1 on Nov 20, 2026, 11:00 AM");
    expect(screen.getByText("1 emergency access waits for review.")).toBeTruthy();
    expect(within(items[1]!).queryByRole("button")).toBeNull();

    fireEvent.click(within(items[0]!).getByRole("button", { name: "Mark reviewed: er-5, Nov 21, 2026, 10:00 AM" }));
    expect(await within(items[0]!).findByText("Reviewed by dpo-1 on Nov 22, 2026, 12:00 PM")).toBeTruthy();
    expect(screen.getByText("0 emergency accesses wait for review.")).toBeTruthy();
    const post = fetcher.mock.calls.map(([request]) => request).find((request) => request.method === "POST")!;
    expect(post.headers.get(IDEMPOTENCY_KEY)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await post.json()).toEqual({});
  });

  it("shows a refused review beside the access", async () => {
    shown(async (request) =>
      request.method === "GET" ? json(200, [ACCESS]) : json(409, { title: "Conflict", status: 409 }),
    );
    fireEvent.click(await screen.findByRole("button", { name: /^Mark reviewed: er-5/ }));
    expect((await screen.findByRole("alert")).textContent).toBe("It has been reviewed already: reload the page to see by whom.");
  });

  it("tells anyone else the list is the data protection officer's", async () => {
    shown(async () => json(403, { title: "Forbidden", status: 403 }));
    expect(await screen.findByText("Only the data protection officer reviews emergency accesses.")).toBeTruthy();
    expect(screen.queryByRole("list")).toBeNull();
  });
});

describe("the menu's link to the review list", () => {
  it("is there for whom the gateway answers the list", async () => {
    shown(async () => json(200, []), <nav aria-label="menu"><ReviewNavLink /></nav>);
    expect((await screen.findByRole("link", { name: "Emergency accesses" })).getAttribute("href")).toBe("/app/emergency-accesses");
  });

  it("is hidden when the gateway refuses the list (403)", async () => {
    const fetcher = vi.fn(async () => json(403, { title: "Forbidden", status: 403 }));
    shown(fetcher, <nav aria-label="menu"><ReviewNavLink /></nav>);
    await vi.waitFor(() => expect(fetcher).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole("link")).toBeNull();
  });
});
