import { useTranslation } from "react-i18next";
import { Link as RouterDomLink, Navigate, Route, Routes } from "react-router-dom";
import { Block, Heading, RouterLink } from "suomifi-ui-components";
import { Callback } from "../features/auth/Callback";
import { LoginPage } from "../features/auth/LoginPage";
import { MyClients } from "../features/clients/MyClients";
import { Inbox } from "../features/inbox/Inbox";
import { Register } from "../features/register/Register";
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
        <Route index element={<Navigate to={HOME} replace />} />
        <Route path="clients" element={<MyClients />} />
        <Route path="clients/new" element={<Register />} />
        <Route path="inbox" element={<Inbox />} />
        <Route path="*" element={<NotFound />} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

function Landing() {
  const session = useSession();
  if (session.status === "authenticated") return <Navigate to={HOME} replace />;
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
