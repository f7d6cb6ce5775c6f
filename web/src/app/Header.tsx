import { useTranslation } from "react-i18next";
import { Button, Text } from "suomifi-ui-components";
import { UnreadCount } from "../features/inbox/UnreadCount";
import { useSession } from "../lib/session";
import { LanguagePicker } from "./LanguagePicker";

/** The product's name, who is logged in and for which organisation, the language, messages, logout. */
export function Header() {
  const { t } = useTranslation();
  const session = useSession();
  const identity = session.status === "authenticated" ? session.identity : undefined;
  return (
    <header className="header">
      <Text className="header-name" variant="lead">
        {t("app.name")}
      </Text>
      <div className="header-tools">
        {identity && (
          <>
            <Text smallScreen className="header-who">
              {t("header.signedInAs", { name: identity.name, organisation: identity.organisation })}
            </Text>
            <UnreadCount />
          </>
        )}
        <LanguagePicker />
        {identity && (
          <Button variant="secondary" onClick={() => void session.logout()}>
            {t("header.logout")}
          </Button>
        )}
      </div>
    </header>
  );
}
