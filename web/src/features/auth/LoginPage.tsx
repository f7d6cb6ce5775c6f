import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Block, Button, Heading, InlineAlert, Paragraph } from "suomifi-ui-components";
import { useSession } from "../../lib/session";

/** The way in: a button that goes to the OpenID provider, back here once logged in. */
export function LoginPage({
  expired = false,
  failedBefore = false,
  returnTo,
}: {
  expired?: boolean;
  failedBefore?: boolean;
  returnTo?: string;
}) {
  const { t } = useTranslation();
  const session = useSession();
  const [failed, setFailed] = useState(failedBefore);
  const [going, setGoing] = useState(false);
  const login = () => {
    setGoing(true);
    session.login(returnTo).catch(() => {
      setGoing(false);
      setFailed(true);
    });
  };
  return (
    <Block variant="section" className="login">
      <Heading variant="h1" mb="m">
        {expired ? t("auth.expiredTitle") : t("auth.title")}
      </Heading>
      <Paragraph mb="l">{expired ? t("auth.expired") : t("auth.intro")}</Paragraph>
      {failed && (
        <InlineAlert status="error" role="alert" className="login-alert">
          {t("auth.loginFailed")}
        </InlineAlert>
      )}
      <Button onClick={login} disabled={going}>
        {going ? t("auth.loggingIn") : expired ? t("auth.loginAgain") : t("auth.login")}
      </Button>
    </Block>
  );
}
