import { User } from "oidc-client-ts";
import { afterEach, describe, expect, it } from "vitest";
import { claimsOf, createUserManager, identityOf } from "./auth";

const CONFIG = {
  issuer: "http://127.0.0.1:8010",
  client_id: "tiimi-web",
  scope: "openid profile tiimi",
  redirect_uri: "http://localhost/app/callback",
  post_logout_redirect_uri: "http://localhost/",
};

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function jwt(claims: object): string {
  return `${base64url('{"alg":"RS256"}')}.${base64url(JSON.stringify(claims))}.signature`;
}

const ACCESS = jwt({ sub: "sw-1001", org: "1234567-8", kind: "professional", name: "Sanna Sosiaalityö", locale: "sv-FI" });

function user(): User {
  return new User({
    access_token: ACCESS,
    id_token: jwt({ sub: "sw-1001" }),
    token_type: "Bearer",
    profile: { sub: "sw-1001", iss: CONFIG.issuer, aud: "tiimi-web", exp: 2e9, iat: 1e9 },
    expires_at: Math.floor(Date.now() / 1000) + 3600,
  });
}

afterEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

describe("the tokens", () => {
  it("are kept in memory, never in localStorage or sessionStorage", async () => {
    const users = createUserManager(CONFIG);
    await users.storeUser(user());
    expect((await users.getUser())?.access_token).toBe(ACCESS);
    const stored = [localStorage, sessionStorage].flatMap((storage) =>
      Object.keys(storage).map((key) => storage.getItem(key) ?? ""),
    );
    expect(stored.filter((value) => value.includes(ACCESS) || value.includes("access_token"))).toEqual([]);
  });

  it("are gone for a new page: another UserManager has no user", async () => {
    await createUserManager(CONFIG).storeUser(user());
    expect(await createUserManager(CONFIG).getUser()).toBeNull();
  });

  it("are asked for with the authorisation code flow and PKCE", () => {
    const settings = createUserManager(CONFIG).settings;
    expect([settings.response_type, settings.client_id, settings.scope]).toEqual(["code", "tiimi-web", "openid profile tiimi"]);
    expect(settings.disablePKCE).toBe(false);
  });
});

describe("who is logged in", () => {
  it("is read from the access token's claims, letters beyond ASCII included", () => {
    expect(identityOf(user())).toEqual({
      subject: "sw-1001",
      name: "Sanna Sosiaalityö",
      organisation: "1234567-8",
      kind: "professional",
      locale: "sv-FI",
    });
  });

  it("is nobody for a token that is not a JWT", () => {
    expect(claimsOf("opaque")).toEqual({});
    expect(claimsOf(undefined)).toEqual({});
  });
});
