import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { createI18n } from "../../lib/i18n";
import { MyClients } from "./MyClients";

const NOTHING = { pending_members: 0, overdue_referrals: 0, answered_referrals: 0, consents_ending: 0, first_consent_ends_at: null };
const MINE = [
  { client_id: "3f2c91ab-0000-4000-8000-000000000001", team_id: "t-1", as: "key_worker", team_status: "active", client_name: "Aino Aalto", needs_me: NOTHING },
  // A team of another organisation: its client's name is not shown to me.
  { client_id: "7d00e1c2-0000-4000-8000-000000000002", team_id: "t-2", as: "member", team_status: "proposed", client_name: null, needs_me: null },
  {
    client_id: "c0ffee00-0000-4000-8000-000000000003",
    team_id: "t-3",
    as: "key_worker",
    team_status: "active",
    client_name: "Veikko Virta",
    needs_me: { pending_members: 2, overdue_referrals: 1, answered_referrals: 0, consents_ending: 1, first_consent_ends_at: "2026-12-01T10:00:00+00:00" },
  },
];

afterEach(cleanup);

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function shown(fetcher: (request: Request) => Promise<Response>, language: "fi" | "sv" | "en" = "en") {
  const onUnauthorized = vi.fn();
  const api = createApi({ accessToken: () => "a-token", onUnauthorized, baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  const wrap = (children: ReactNode) => (
    <I18nextProvider i18n={createI18n(language)}>
      <ApiContext.Provider value={api}>
        <MemoryRouter>{children}</MemoryRouter>
      </ApiContext.Provider>
    </I18nextProvider>
  );
  render(wrap(<MyClients />));
  return { onUnauthorized };
}

describe("My clients", () => {
  it("lists the teams I am in, asked for with my token, what needs me first, each linking to the client by id", async () => {
    const fetcher = vi.fn(async (_request: Request) => json(200, MINE));
    shown(fetcher);
    const list = await screen.findByRole("list", { name: "My clients" });
    const links = within(list).getAllByRole("link");
    expect(links.map((link) => [link.textContent, link.getAttribute("href")])).toEqual([
      ["Veikko Virta", "/app/clients/c0ffee00-0000-4000-8000-000000000003"],
      ["Aino Aalto", "/app/clients/3f2c91ab-0000-4000-8000-000000000001"],
      ["Client 7D00E1C2", "/app/clients/7d00e1c2-0000-4000-8000-000000000002"],
    ]);
    const request = fetcher.mock.calls[0]![0];
    expect([request.url, request.headers.get("Authorization")]).toEqual(["http://tiimi.test/me/clients", "Bearer a-token"]);
    expect(screen.getByRole("status").textContent).toBe("3 clients");
  });

  it("says what waits for me in each team, and nothing where nothing does", async () => {
    shown(async () => json(200, MINE));
    const needs = await screen.findAllByRole("list", { name: "Needs you" });
    expect(needs).toHaveLength(1);
    expect(within(needs[0]!).getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "1 referral overdue",
      "2 members waiting for consent",
      "1 consent ends Dec 1, 2026",
    ]);
  });

  it("says what waits in the user's language", async () => {
    shown(async () => json(200, MINE), "fi");
    const needs = await screen.findByRole("list", { name: "Odottaa sinua" });
    expect(within(needs).getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "1 lähete myöhässä",
      "2 jäsentä odottaa suostumusta",
      "1 suostumus päättyy 1.12.2026",
    ]);
  });

  it("narrows the list as the search is typed", async () => {
    shown(async () => json(200, MINE));
    const search = await screen.findByRole("searchbox", { name: "Search my clients" });
    await act(async () => {
      fireEvent.change(search, { target: { value: "aino" } });
    });
    expect(within(screen.getByRole("list", { name: "My clients" })).getAllByRole("link").map((l) => l.textContent)).toEqual([
      "Aino Aalto",
    ]);
    expect(screen.getByRole("status").textContent).toBe("1 client");
    await act(async () => {
      fireEvent.change(search, { target: { value: "key worker" } });
    });
    expect(screen.getByRole("status").textContent).toBe("2 clients");
    await act(async () => {
      fireEvent.change(search, { target: { value: "closed" } });
    });
    expect(screen.getByText("No client matches the search.")).toBeTruthy();
  });

  it("says so when I am in no team yet", async () => {
    shown(async () => json(200, []), "fi");
    expect(await screen.findByText("Et ole vielä yhdenkään asiakkaan tiimissä.")).toBeTruthy();
  });

  it("shows an error with a way to try again, which loads again", async () => {
    const fetcher = vi
      .fn(async (_request: Request) => json(200, MINE))
      .mockImplementationOnce(async () => json(503, { title: "Service Unavailable", status: 503 }));
    shown(fetcher, "sv");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Dina klienter kunde inte laddas.");
    await act(async () => {
      fireEvent.click(within(alert).getByRole("button", { name: "Försök igen" }));
    });
    expect(await screen.findByRole("list", { name: "Mina klienter" })).toBeTruthy();
  });

  it("ends the session when the API refuses the token", async () => {
    const { onUnauthorized } = shown(async () => json(401, { title: "Unauthorized", status: 401 }));
    await screen.findByRole("alert");
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("shows that it is loading until the answer comes", () => {
    shown(() => new Promise<Response>(() => undefined));
    expect(screen.getByText("Loading your clients")).toBeTruthy();
  });
});
