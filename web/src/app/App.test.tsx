import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { User } from "oidc-client-ts";
import { I18nextProvider } from "react-i18next";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApi } from "../lib/api";
import { createUserManager } from "../lib/auth";
import { createI18n } from "../lib/i18n";
import { App } from "./App";

const CONFIG = {
  issuer: "http://127.0.0.1:8010",
  client_id: "tiimi-web",
  scope: "openid profile tiimi",
  redirect_uri: "http://localhost:3000/app/callback",
  post_logout_redirect_uri: "http://localhost:3000/",
};

const encode = (claims: object) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(claims)))).replace(/=+$/, "");
const token = (claims: object) => `${encode({ alg: "RS256" })}.${encode(claims)}.signature`;

async function loggedIn(locale: string) {
  const users = createUserManager(CONFIG);
  const claims = { sub: "sw-1001", org: "1234567-8", kind: "professional", name: "Sanna Virtanen", locale };
  await users.storeUser(
    new User({
      access_token: token(claims),
      id_token: token({ sub: "sw-1001" }),
      token_type: "Bearer",
      profile: { sub: "sw-1001", iss: CONFIG.issuer, aud: "tiimi-web", exp: 2e9, iat: 1e9 },
      expires_at: Math.floor(Date.now() / 1000) + 3600,
    }),
  );
  return users;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

function shown(
  users: ReturnType<typeof createUserManager>,
  answer: (path: string) => Response,
  at = "/app/clients",
  i18n = createI18n("fi"),
) {
  window.history.pushState({}, "", at);
  const api = createApi({
    accessToken: () => "a-token",
    onUnauthorized: () => undefined,
    baseUrl: "http://tiimi.test",
    fetch: (async (request: Request) => answer(new URL(request.url).pathname)) as typeof fetch,
  });
  render(
    <I18nextProvider i18n={i18n}>
      <App users={users} api={api} />
    </I18nextProvider>,
  );
}

afterEach(cleanup);

describe("the app's frame", () => {
  it("greets the logged-in person in their token's language with their organisation and unread count", async () => {
    const inbox = [{ read_at: null }, { read_at: null }, { read_at: "2026-11-23T10:00:00Z" }];
    shown(await loggedIn("sv-FI"), (path) => json(200, path === "/inbox" ? inbox : []));
    expect(await screen.findByText("Inloggad som Sanna Virtanen, 1234567-8")).toBeTruthy();
    expect(await screen.findByRole("link", { name: "2 olästa meddelanden" })).toBeTruthy();
    expect(screen.getByRole("heading", { level: 1, name: "Mina klienter" })).toBeTruthy();
    expect(document.documentElement.lang).toBe("sv");
  });

  it("keeps the language the user picks after logging in, instead of going back to the token's", async () => {
    const i18n = createI18n("fi");
    shown(await loggedIn("sv-FI"), () => json(200, []), "/app/clients", i18n);
    expect(await screen.findByRole("heading", { level: 1, name: "Mina klienter" })).toBeTruthy();
    await act(async () => {
      await i18n.changeLanguage("en");
    });
    expect(await screen.findByRole("heading", { level: 1, name: "My clients" })).toBeTruthy();
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(screen.getByRole("heading", { level: 1, name: "My clients" })).toBeTruthy();
    expect(document.documentElement.lang).toBe("en");
  });

  it("asks for a login at an address of the app when nobody is logged in", async () => {
    shown(createUserManager(CONFIG), () => json(200, []), "/app/clients");
    expect(await screen.findByRole("heading", { level: 1, name: "Kirjaudu tiimiin" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Kirjaudu ulos" })).toBeNull();
  });

  it("says the session has ended when the API refuses the token, and offers to log in again", async () => {
    const users = await loggedIn("fi");
    const signin = vi.spyOn(users, "signinRedirect").mockResolvedValue(undefined);
    // The app's own client this time: the 401 must reach the session through it.
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => json(401, { title: "Unauthorized", status: 401 }));
    window.history.pushState({}, "", "/app/clients");
    render(
      <I18nextProvider i18n={createI18n("fi")}>
        <App users={users} />
      </I18nextProvider>,
    );
    const expired = await screen.findByRole("heading", { level: 1, name: "Istuntosi on päättynyt" });
    const main = expired.closest("main")!;
    await act(async () => {
      fireEvent.click(within(main).getByRole("button", { name: "Kirjaudu uudelleen" }));
    });
    expect(signin).toHaveBeenCalledWith({ state: { returnTo: "/app/clients" } });
  });

  it("logs out at the provider with the ID token as the hint, after forgetting the user", async () => {
    const users = await loggedIn("fi");
    const signout = vi.spyOn(users, "signoutRedirect").mockResolvedValue(undefined);
    shown(users, () => json(200, []));
    const logout = await screen.findByRole("button", { name: "Kirjaudu ulos" });
    await act(async () => {
      fireEvent.click(logout);
    });
    expect(signout).toHaveBeenCalledOnce();
    expect(signout.mock.calls[0]![0]).toHaveProperty("id_token_hint");
    expect(await users.getUser()).toBeNull();
  });
});
