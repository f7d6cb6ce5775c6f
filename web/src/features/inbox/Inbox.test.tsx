import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { createI18n } from "../../lib/i18n";
import { StaticSession, type Session } from "../../lib/session";
import { appRouteOf, itemOf } from "./api";
import { Inbox } from "./Inbox";
import { UnreadCount } from "./UnreadCount";

const CLIENT = "c1c1c1c1-0000-4000-8000-000000000003";
const OLDER = {
  id: "m-1",
  message: "member_added",
  subject: "You were added to a team",
  body: "Open tiimi to see the team.",
  link: `http://127.0.0.1:8000/app/clients/${CLIENT}`,
  created_at: "2026-11-20T08:00:00Z",
  read_at: null,
};
const NEWER = {
  id: "m-2",
  message: "referral_received",
  subject: "A referral for your organisation",
  body: "A new referral.",
  link: "http://127.0.0.1:8000/app/partner/referrals/5e5e5e5e-0000-4000-8000-000000000002",
  created_at: "2026-11-22T08:00:00Z",
  read_at: null,
};
const READ = { ...OLDER, id: "m-0", subject: "An old message", created_at: "2026-11-01T08:00:00Z", read_at: "2026-11-02T08:00:00Z" };
// Before messages linked to the app's pages they linked to API paths; those are still in inboxes.
const OLD_STYLE_TEAM = { ...OLDER, id: "m-3", link: "http://localhost:8000/teams/aa11bb22-0000-4000-8000-000000000001" };
const OLD_STYLE_REFERRAL = { ...NEWER, id: "m-4", link: "http://localhost:8000/referrals/5e5e5e5e-0000-4000-8000-000000000002" };
const ANSWERED = {
  ...NEWER,
  id: "m-5",
  message: "referral_answered",
  subject: "Your referral was answered",
  link: `http://127.0.0.1:8000/app/clients/${CLIENT}?referral=5e5e5e5e-0000-4000-8000-000000000002`,
};

afterEach(cleanup);

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

function session(kind: "professional" | "partner"): Session {
  return {
    status: "authenticated",
    identity: { subject: "u", name: "U", organisation: "o", kind, locale: "en" },
    accessToken: () => "a-token",
    login: async () => undefined,
    completeLogin: async () => "/app/clients",
    logout: async () => undefined,
    expire: () => undefined,
  };
}

function shown(fetcher: (request: Request) => Promise<Response>, kind: "professional" | "partner" = "professional") {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: () => undefined, baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  render(
    <I18nextProvider i18n={createI18n("en")}>
      <StaticSession session={session(kind)}>
        <ApiContext.Provider value={api}>
          <MemoryRouter>
            <UnreadCount />
            <Inbox />
          </MemoryRouter>
        </ApiContext.Provider>
      </StaticSession>
    </I18nextProvider>,
  );
}

describe("the inbox", () => {
  it("lists my messages newest first, the unread ones marked", async () => {
    shown(async () => json(200, [OLDER, READ, NEWER]));
    const list = await screen.findByRole("list", { name: "Inbox" });
    const headings = within(list).getAllByRole("heading", { level: 2 }).map((h) => h.textContent);
    expect(headings).toEqual(["A referral for your organisation", "You were added to a team", "An old message"]);
    expect(within(list).getAllByText("Unread")).toHaveLength(2);
    expect(screen.getByText("2 unread messages", { selector: "p" })).toBeTruthy();
  });

  it("marks a message read, and the header's count follows at once", async () => {
    const fetcher = vi.fn(async (request: Request) =>
      request.method === "POST" ? json(200, { ...NEWER, read_at: "2026-11-23T10:00:00Z" }) : json(200, [NEWER, OLDER]),
    );
    shown(fetcher);
    expect(await screen.findByRole("link", { name: "2 unread messages" })).toBeTruthy();
    const button = await screen.findByRole("button", { name: "Mark as read: A referral for your organisation" });
    await act(async () => {
      fireEvent.click(button);
    });
    const post = fetcher.mock.calls.map((call) => call[0]).find((request) => request.method === "POST")!;
    expect(new URL(post.url).pathname).toBe("/inbox/m-2/read");
    expect(screen.getByRole("link", { name: "1 unread message" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Mark as read: A referral for your organisation" })).toBeNull();
    expect(screen.getByRole("status").textContent).toBe("Marked as read: A referral for your organisation");
    expect(document.activeElement?.tagName).toBe("LI");
  });

  it("shows a refusal next to the message it concerns, and keeps it unread", async () => {
    shown(async (request) => (request.method === "POST" ? json(404, { title: "Not Found", status: 404 }) : json(200, [NEWER])));
    const button = await screen.findByRole("button", { name: /^Mark as read/ });
    await act(async () => {
      fireEvent.click(button);
    });
    const item = screen.getByRole("listitem");
    expect(within(item).getByRole("alert").textContent).toBe("This message no longer exists.");
    expect(within(item).getByText("Unread")).toBeTruthy();
  });

  it("links each message to its page in the app with the app's own router", async () => {
    shown(async () => json(200, [ANSWERED, OLDER]));
    const answered = await screen.findByRole("link", { name: "Your referral was answered" });
    expect(answered.getAttribute("href")).toBe(`/app/clients/${CLIENT}?referral=5e5e5e5e-0000-4000-8000-000000000002`);
    expect(screen.getByRole("link", { name: "You were added to a team" }).getAttribute("href")).toBe(`/app/clients/${CLIENT}`);
    expect(screen.queryByText(/^About /)).toBeNull();
  });

  it("links a partner's referral message to the partner's referral screen", async () => {
    shown(async () => json(200, [NEWER]), "partner");
    const link = await screen.findByRole("link", { name: "A referral for your organisation" });
    expect(link.getAttribute("href")).toBe("/app/partner/referrals/5e5e5e5e-0000-4000-8000-000000000002");
  });

  it("names the item of an older message that has no page, and still links a partner's older referral", async () => {
    shown(async () => json(200, [OLD_STYLE_REFERRAL, OLD_STYLE_TEAM]), "partner");
    const link = await screen.findByRole("link", { name: "A referral for your organisation" });
    expect(link.getAttribute("href")).toBe("/app/partner/referrals/5e5e5e5e-0000-4000-8000-000000000002");
    expect(screen.getByRole("heading", { level: 2, name: "You were added to a team" }).querySelector("a")).toBeNull();
    expect(screen.getByText("About team AA11BB22")).toBeTruthy();
  });

  it("says so when there are no messages, and offers to try again after an error", async () => {
    const fetcher = vi
      .fn(async (_request: Request) => json(200, []))
      .mockImplementationOnce(async () => json(503, { title: "Service Unavailable", status: 503 }))
      .mockImplementationOnce(async () => json(503, { title: "Service Unavailable", status: 503 }));
    shown(fetcher);
    const retry = await screen.findByRole("button", { name: "Try again" });
    await act(async () => {
      fireEvent.click(retry);
    });
    expect(await screen.findByText("You have no messages.")).toBeTruthy();
  });
});

describe("a message's link", () => {
  it("leads to the app's page it names, whatever origin it was written with", () => {
    expect(appRouteOf("https://tiimi.example/app/clients/c-1", "professional")).toBe("/app/clients/c-1");
    expect(appRouteOf("https://tiimi.example/app/clients/c-1?referral=r-1", "professional")).toBe("/app/clients/c-1?referral=r-1");
    expect(appRouteOf("https://tiimi.example/app/partner/referrals/r-1", "partner")).toBe("/app/partner/referrals/r-1");
  });

  it("keeps only identifiers: anything else in the address is left out", () => {
    expect(appRouteOf("https://tiimi.example/app/clients/c-1?referral=../x&name=Maija", "professional")).toBe("/app/clients/c-1");
    expect(appRouteOf("https://tiimi.example/app/clients/c-1/../../admin", "professional")).toBeUndefined();
    expect(appRouteOf("https://tiimi.example/app/elsewhere/x", "professional")).toBeUndefined();
  });

  it("leads from an older API path only where the app has a screen for it", () => {
    expect(appRouteOf("http://localhost:8000/referrals/r-1", "partner")).toBe("/app/partner/referrals/r-1");
    expect(appRouteOf("http://localhost:8000/referrals/r-1", "professional")).toBeUndefined();
    expect(appRouteOf("http://localhost:8000/teams/t-1", "professional")).toBeUndefined();
    expect(appRouteOf("not a url at all %%", "partner")).toBeUndefined();
  });

  it("names the item by a short reference", () => {
    expect(itemOf("https://tiimi.example/referrals/5e5e5e5e-0000")).toEqual({ kind: "referral", reference: "5E5E5E5E" });
    expect(itemOf("https://tiimi.example/elsewhere")).toBeUndefined();
    expect(itemOf("https://tiimi.example/app/clients/c-1")).toBeUndefined();
  });
});
