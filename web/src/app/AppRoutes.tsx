import { useTranslation } from "react-i18next";
import { Link as RouterDomLink, Navigate, Route, Routes } from "react-router-dom";
import { Block, Heading, RouterLink } from "suomifi-ui-components";
import { Callback } from "../features/auth/Callback";
import { ClientPage } from "../features/client/ClientPage";
import { LoginPage } from "../features/auth/LoginPage";
import { MyClients } from "../features/clients/MyClients";
import { Inbox } from "../features/inbox/Inbox";
import { PartnerReferral } from "../features/partner/PartnerReferral";
import { PartnerReferrals } from "../features/partner/PartnerReferrals";
import { DisclosureReport } from "../features/report/DisclosureReport";
import { Register } from "../features/register/Register";
import { EmergencyReview } from "../features/review/EmergencyReview";
import { HOME, useSession } from "../lib/session";
import { Shell } from "./Shell";

// Addresses carry ids only, never a name or a personal identity code.
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Shell needsSession={false} />}>
        <Route index element={<Landing />} />
        <Route path="/app/callback" element={<Callback />} />
      </Route>
      <Route path="/app" element={<Shell />}>
        <Route index element={<Home />} />
        <Route path="clients" element={<ForProfessionals screen={<MyClients />} />} />
        <Route path="clients/new" element={<ForProfessionals screen={<Register />} />} />
        <Route path="clients/:clientId" element={<ForProfessionals screen={<ClientPage />} />} />
        <Route path="clients/:clientId/disclosures" element={<ForProfessionals screen={<DisclosureReport />} />} />
        <Route path="emergency-accesses" element={<ForProfessionals screen={<EmergencyReview />} />} />
        <Route path="inbox" element={<Inbox />} />
        <Route path="partner" element={<PartnerReferrals />} />
        <Route path="partner/referrals/:referralId" element={<PartnerReferral />} />
        <Route path="*" element={<NotFound />} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

/** Where a partner's work is: the referrals addressed to their organisation. */
export const PARTNER_HOME = "/app/partner";

/** Each kind of user starts at their own screen. */
function Home() {
  const session = useSession();
  return <Navigate to={session.identity?.kind === "partner" ? PARTNER_HOME : HOME} replace />;
}

/** The key workers' screens: a partner is taken to their own instead. */
function ForProfessionals({ screen }: { screen: React.ReactElement }) {
  const session = useSession();
  return session.identity?.kind === "partner" ? <Navigate to={PARTNER_HOME} replace /> : screen;
}

function Landing() {
  const session = useSession();
  if (session.status === "authenticated") return <Home />;
  return <LoginPage expired={session.status === "expired"} />;
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <Block variant="section">
      <Heading variant="h1" mb="m">
        {t("app.notFound")}
      </Heading>
      <RouterLink asComponent={RouterDomLink} to={HOME}>
        {t("app.toMyClients")}
      </RouterLink>
    </Block>
  );
}
