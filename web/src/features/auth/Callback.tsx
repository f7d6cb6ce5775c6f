import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { LoadingSpinner } from "suomifi-ui-components";
import { useSession } from "../../lib/session";
import { LoginPage } from "./LoginPage";

/** Where the provider sends the user back: the code is exchanged (PKCE) and the user goes on. */
export function Callback() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    session.completeLogin().then(
      (returnTo) => navigate(returnTo, { replace: true }),
      () => setFailed(true),
    );
  }, []); // once: a code is exchanged only once
  return failed ? <LoginPage failedBefore /> : <LoadingSpinner status="loading" text={t("auth.loggingIn")} textAlign="right" />;
}
