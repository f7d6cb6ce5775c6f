import { useTranslation } from "react-i18next";
import { Block, Heading, Paragraph } from "suomifi-ui-components";

/** The inbox screen: built in its own issue; here so the header's link leads somewhere. */
export function Inbox() {
  const { t } = useTranslation();
  return (
    <Block variant="section">
      <Heading variant="h1" mb="s">
        {t("inbox.title")}
      </Heading>
      <Paragraph>{t("inbox.comingSoon")}</Paragraph>
    </Block>
  );
}
