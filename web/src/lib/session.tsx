// The logged-in session as the app sees it: loading, anonymous, authenticated, expired.
import type { User, UserManager } from "oidc-client-ts";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { identityOf, type Identity } from "./auth";

export type SessionStatus = "loading" | "anonymous" | "authenticated" | "expired";

export interface Session {
  status: SessionStatus;
  identity: Identity | undefined;
  /** The access token for the API, while the session lasts. */
  accessToken: () => string | undefined;
  /** Off to the provider; back at `returnTo` (a path of this app) once logged in. */
  login: (returnTo?: string) => Promise<void>;
  /** Finish a login on the callback page; answers the path to go on to. */
  completeLogin: () => Promise<string>;
  logout: () => Promise<void>;
  /** The API refused the token (401) or it ran out: the user logs in again. */
  expire: () => void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export const HOME = "/app/clients";

/** `returnTo` if it is a path of this app, else HOME: a login never sends anyone off the origin. */
export function safeReturn(returnTo: unknown): string {
  return typeof returnTo === "string" && returnTo.startsWith("/app/") && !returnTo.startsWith("/app/callback")
    ? returnTo
    : HOME;
}

// One callback per page load, even when React runs the effect twice (StrictMode in development).
let callback: Promise<User> | undefined;

export function SessionProvider({ users, children }: { users: UserManager; children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [status, setStatus] = useState<SessionStatus>("loading");

  useEffect(() => {
    let live = true;
    void users.getUser().then((found) => {
      if (!live) return;
      setUser(found && !found.expired ? found : null);
      setStatus(found && !found.expired ? "authenticated" : "anonymous");
    });
    const loaded = (loadedUser: User) => {
      setUser(loadedUser);
      setStatus("authenticated");
    };
    const expired = () => {
      setStatus("expired");
      void users.removeUser();
    };
    users.events.addUserLoaded(loaded);
    users.events.addAccessTokenExpired(expired);
    return () => {
      live = false;
      users.events.removeUserLoaded(loaded);
      users.events.removeAccessTokenExpired(expired);
    };
  }, [users]);

  const expire = useCallback(() => {
    setStatus((current) => (current === "authenticated" ? "expired" : current));
    setUser(null);
    void users.removeUser();
  }, [users]);

  const session = useMemo<Session>(
    () => ({
      status,
      identity: user ? identityOf(user) : undefined,
      accessToken: () => (user && !user.expired ? user.access_token : undefined),
      login: (returnTo) => users.signinRedirect({ state: { returnTo: safeReturn(returnTo) } }),
      completeLogin: async () => {
        callback ??= users.signinRedirectCallback();
        const done = await callback;
        return safeReturn((done.state as { returnTo?: unknown } | undefined)?.returnTo);
      },
      logout: async () => {
        const idToken = user?.id_token;
        await users.removeUser();
        setUser(null);
        setStatus("anonymous");
        await users.signoutRedirect(idToken ? { id_token_hint: idToken } : {});
      },
      expire,
    }),
    [status, user, users, expire],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a SessionProvider");
  return session;
}

/** For tests and stories: a session with fixed answers. */
export function StaticSession({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
