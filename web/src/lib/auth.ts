// OpenID Connect login (authorisation code + PKCE) with the tokens in this page's memory only.
import { InMemoryWebStorage, UserManager, WebStorageStateStore, type User } from "oidc-client-ts";
import type { AppConfig } from "./config";

/** Who is logged in, from the provider's tokens: sub, org, kind, name and locale. */
export interface Identity {
  subject: string;
  name: string;
  organisation: string;
  kind: "professional" | "partner";
  locale: string | undefined;
}

/**
 * A UserManager that keeps the user (and so every token) in memory, never in localStorage or
 * sessionStorage: a reload or a new tab logs in again. Only the login's one-time state (the PKCE
 * verifier and nonce) must outlive the round trip to the provider, so it goes to `stateStorage`.
 */
export function createUserManager(config: AppConfig, stateStorage: Storage = window.sessionStorage): UserManager {
  return new UserManager({
    authority: config.issuer,
    client_id: config.client_id,
    redirect_uri: config.redirect_uri,
    post_logout_redirect_uri: config.post_logout_redirect_uri,
    scope: config.scope,
    response_type: "code",
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: stateStorage }),
    // Renewal would need the provider in a frame or a stored refresh token; an ended session logs in again.
    automaticSilentRenew: false,
    monitorSession: false,
    loadUserInfo: false,
  });
}

/** The claims of a JWT's payload, unverified: for showing who is logged in, never for deciding anything. */
export function claimsOf(token: string | undefined): Record<string, unknown> {
  const payload = token?.split(".")[1];
  if (!payload) return {};
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The logged-in person: the access token's claims (what the gateway goes by), then the ID token's. */
export function identityOf(user: User): Identity {
  const claims = { ...user.profile, ...claimsOf(user.access_token) };
  return {
    subject: text(claims.sub) ?? "",
    name: text(claims.name) ?? text(claims.sub) ?? "",
    organisation: text(claims.org) ?? "",
    kind: claims.kind === "partner" ? "partner" : "professional",
    locale: text(claims.locale),
  };
}
