import { useTranslation } from "react-i18next";
import { Link as RouterDomLink, Outlet, useLocation } from "react-router-dom";
import { RouterLink, SkipLink } from "suomifi-ui-components";
import { LoginPage } from "../features/auth/LoginPage";
import { RegisteredNotice } from "../features/register/Register";
import { ReviewNavLink } from "../features/review/EmergencyReview";
import { useSession } from "../lib/session";
import { Header } from "./Header";

/** Every screen's frame; the screens under /app/ need a session, else the login (again) takes their place. */
export function Shell({ needsSession = true }: { needsSession?: boolean }) {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  const inside = session.status === "authenticated";
  // Back to the same screen after logging in, with its ids (?referral=…), never anything else.
  const returnTo = location.pathname + location.search;
  let content = <Outlet />;
  if (needsSession && session.status === "expired") content = <LoginPage expired returnTo={returnTo} />;
  else if (needsSession && !inside) content = <LoginPage returnTo={returnTo} />;
  return (
    <>
      <SkipLink href="#main">{t("app.skipToContent")}</SkipLink>
      <Header />
      {inside && needsSession && session.identity?.kind === "partner" && (
        <nav className="nav" aria-label={t("header.navigation")}>
          <RouterLink asComponent={RouterDomLink} to="/app/partner">
            {t("nav.partner")}
          </RouterLink>
          <RouterLink asComponent={RouterDomLink} to="/app/inbox">
            {t("nav.inbox")}
          </RouterLink>
        </nav>
      )}
      {inside && needsSession && session.identity?.kind !== "partner" && (
        <nav className="nav" aria-label={t("header.navigation")}>
          <RouterLink asComponent={RouterDomLink} to="/app/clients">
            {t("nav.myClients")}
          </RouterLink>
          <RouterLink asComponent={RouterDomLink} to="/app/clients/new">
            {t("nav.register")}
          </RouterLink>
          <RouterLink asComponent={RouterDomLink} to="/app/inbox">
            {t("nav.inbox")}
          </RouterLink>
          <ReviewNavLink />
        </nav>
      )}
      <main id="main" className="main" tabIndex={-1}>
        {inside && needsSession && <RegisteredNotice />}
        {content}
      </main>
    </>
  );
}
