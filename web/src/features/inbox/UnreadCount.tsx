import { useTranslation } from "react-i18next";
import { Link as RouterDomLink } from "react-router-dom";
import { RouterLink } from "suomifi-ui-components";
import { useUnreadCount } from "./api";

/** The header's link to the inbox, with the unread count once it is known. */
export function UnreadCount() {
  const { t } = useTranslation();
  const unread = useUnreadCount();
  return (
    <RouterLink asComponent={RouterDomLink} to="/app/inbox">
      {unread === undefined ? t("nav.inbox") : t("header.unread", { count: unread })}
    </RouterLink>
  );
}
