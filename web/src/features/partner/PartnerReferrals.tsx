import { useTranslation } from "react-i18next";
import { Link as RouterDomLink } from "react-router-dom";
import { Block, Heading, Paragraph, RouterLink, StaticChip, Text } from "suomifi-ui-components";
import { referenceOf, usePartnerReferrals } from "./api";
import { LoadState } from "../../components/LoadState";

/** Referrals addressed to my organisation: each by its id, its service, priority, state and deadline. */
export function PartnerReferrals() {
  const { t, i18n } = useTranslation();
  const [loaded, reload] = usePartnerReferrals();
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" });
  return (
    <Block variant="section">
      <Heading variant="h1" mb="s">
        {t("partner.title")}
      </Heading>
      <Paragraph mb="m">{t("partner.intro")}</Paragraph>
      <LoadState
        loaded={loaded}
        loadingText={t("partner.loading")}
        errorText={t("partner.error")}
        retryText={t("partner.retry")}
        onRetry={reload}
      />
      {loaded.status === "ready" && loaded.data.length === 0 && <Paragraph>{t("partner.empty")}</Paragraph>}
      {loaded.status === "ready" && loaded.data.length > 0 && (
        <ul className="partner-list" aria-label={t("partner.title")}>
          {loaded.data.map((referral) => (
            <li key={referral.id} className="partner-row">
              <RouterLink asComponent={RouterDomLink} to={`/app/partner/referrals/${referral.id}`}>
                {t("partner.referral", { reference: referenceOf(referral.id) })}
              </RouterLink>
              <Text>{t(`partner.service.${referral.service}`)}</Text>
              <Text>{t(`partner.priority.${referral.priority}`)}</Text>
              <StaticChip>{t(`partner.status.${referral.status}`)}</StaticChip>
              <Text>{t("partner.acceptBy", { date: date.format(new Date(referral.accept_by)) })}</Text>
            </li>
          ))}
        </ul>
      )}
    </Block>
  );
}
