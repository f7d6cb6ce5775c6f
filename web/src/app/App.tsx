import type { i18n as I18n } from "i18next";
import type { UserManager } from "oidc-client-ts";
import { StrictMode, useEffect, useMemo, useRef } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { BrowserRouter } from "react-router-dom";
import { InlineAlert, LoadingSpinner, Paragraph } from "suomifi-ui-components";
import { ApiContext, createApi, type Api } from "../lib/api";
import { createUserManager } from "../lib/auth";
import { loadConfig } from "../lib/config";
import { languageOf } from "../lib/i18n";
import { SessionProvider, useSession } from "../lib/session";
import { useLoad } from "../lib/useLoad";
import { AppRoutes } from "./AppRoutes";

/** The whole app: the login settings from the gateway first, then the session, the API and the screens. */
export function Root({ i18n }: { i18n: I18n }) {
  return (
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <Boot />
      </I18nextProvider>
    </StrictMode>
  );
}

function Boot() {
  const { t } = useTranslation();
  const [config] = useLoad(() => loadConfig(), []);
  const users = useMemo(() => (config.status === "ready" ? createUserManager(config.data) : undefined), [config]);
  if (config.status === "error") {
    return (
      <InlineAlert status="error" role="alert">
        <Paragraph>{t("auth.configFailed")}</Paragraph>
      </InlineAlert>
    );
  }
  if (!users) return <LoadingSpinner status="loading" text={t("app.loading")} textAlign="right" />;
  return <App users={users} />;
}

export function App({ users, api }: { users: UserManager; api?: Api }) {
  return (
    <SessionProvider users={users}>
      <WithApi api={api}>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </WithApi>
    </SessionProvider>
  );
}

function WithApi({ api, children }: { api: Api | undefined; children: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  // The client is made once; it asks the current session for its token on every request.
  const current = useRef(session);
  current.current = session;
  const client = useMemo(
    () => api ?? createApi({ accessToken: () => current.current.accessToken(), onUnauthorized: () => current.current.expire() }),
    [api],
  );
  // A new login speaks the language its token names; the user may pick another after. Only a new
  // login sets it: react-i18next hands out a new i18n object on each change of language, so
  // depending on it would put the token's language back over the user's choice.
  const subject = session.identity?.subject;
  const translator = useRef(i18n);
  translator.current = i18n;
  useEffect(() => {
    const language = languageOf(current.current.identity?.locale);
    if (subject && language) void translator.current.changeLanguage(language);
  }, [subject]);
  if (session.status === "loading") return <LoadingSpinner status="loading" text={t("app.loading")} textAlign="right" />;
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}
