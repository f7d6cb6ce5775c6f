import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button, Heading, Paragraph, Text } from "suomifi-ui-components";
import { useReferral, useReferrals, type Referral, type ReferralSummary } from "./api";
import { LoadState } from "../../components/LoadState";

// The reasons the referral service gives for withholding a category; any other is named as such.
const WITHHELD_REASONS = new Set([
  "denied_by_client",
  "no_consent",
  "not_yet_valid",
  "expired",
  "withdrawn",
  "professional_not_named",
  "disclosure_not_recorded",
]);

function whenOf(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** The client's referrals: status, target and service, each opening to its history and what was shared. */
export function Referrals({ clientId }: { clientId: string }) {
  const { t } = useTranslation();
  const [loaded, reload] = useReferrals(clientId);
  return (
    <section aria-labelledby="client-referrals">
      <Heading variant="h2" id="client-referrals" mb="s">
        {t("client.referrals.title")}
      </Heading>
      <LoadState
        loaded={loaded}
        loadingText={t("client.referrals.loading")}
        errorText={t("client.referrals.error")}
        retryText={t("client.retry")}
        onRetry={reload}
      />
      {loaded.status === "ready" && loaded.data.length === 0 && <Paragraph>{t("client.referrals.none")}</Paragraph>}
      {loaded.status === "ready" && loaded.data.length > 0 && (
        <ul className="client-list" aria-label={t("client.referrals.title")}>
          {loaded.data.map((referral) => (
            <ReferralItem key={referral.id} referral={referral} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ReferralItem({ referral }: { referral: ReferralSummary }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const title = t("client.referrals.to", {
    service: t(`partner.service.${referral.service}`),
    organisation: referral.target_organisation,
  });
  return (
    <li>
      <Heading variant="h3" mb="xs">
        {title}
      </Heading>
      <Paragraph mb="xs">{t("client.referrals.status", { status: t(`partner.status.${referral.status}`) })}</Paragraph>
      <Button variant="secondary" aria-expanded={open} aria-label={`${t("client.referrals.details")}: ${title}`} onClick={() => setOpen(!open)} mb="s">
        {t("client.referrals.details")}
      </Button>
      {open && <ReferralDetail referralId={referral.id} />}
    </li>
  );
}

function ReferralDetail({ referralId }: { referralId: string }) {
  const { t } = useTranslation();
  const [loaded, reload] = useReferral(referralId);
  if (loaded.status !== "ready") {
    return (
      <LoadState
        loaded={loaded}
        loadingText={t("client.referrals.loadingOne")}
        errorText={t("client.referrals.errorOne")}
        retryText={t("client.retry")}
        onRetry={reload}
      />
    );
  }
  return <Detail referral={loaded.data} />;
}

function Detail({ referral }: { referral: Referral }) {
  const { t, i18n } = useTranslation();
  const shared = referral.shared_categories ?? [];
  const withheld = Object.entries(referral.withheld ?? {});
  return (
    <div className="client-referral">
      <Paragraph mb="xs">{t("client.referrals.reason", { reason: referral.reason })}</Paragraph>
      <Heading variant="h4" mb="xs">
        {t("client.referrals.shared")}
      </Heading>
      {shared.length === 0 ? (
        <Paragraph mb="xs">{t("client.referrals.nothingShared")}</Paragraph>
      ) : (
        <ul aria-label={t("client.referrals.shared")}>
          {shared.map((category) => (
            <li key={category}>{t(`partner.category.${category}`)}</li>
          ))}
        </ul>
      )}
      <Heading variant="h4" mb="xs">
        {t("client.referrals.withheld")}
      </Heading>
      {withheld.length === 0 ? (
        <Paragraph mb="xs">{t("client.referrals.nothingWithheld")}</Paragraph>
      ) : (
        <ul aria-label={t("client.referrals.withheld")}>
          {withheld.map(([category, reason]) => (
            <li key={category}>
              {t(`partner.category.${category}`)}:{" "}
              {WITHHELD_REASONS.has(reason) ? t(`client.withheldReason.${reason}`) : t("client.referrals.withheldOther")}
            </li>
          ))}
        </ul>
      )}
      <Heading variant="h4" mb="xs">
        {t("client.referrals.history")}
      </Heading>
      <ol aria-label={t("client.referrals.history")}>
        {referral.history.map((step) => (
          <li key={`${step.kind}-${step.at}-${step.to_status}`}>
            <Text>
              {step.kind === "status"
                ? t("client.referrals.step", {
                    status: t(`partner.status.${step.to_status}`),
                    when: whenOf(step.at, i18n.language),
                    by: step.by_organisation ? `${step.by}, ${step.by_organisation}` : step.by,
                  })
                : t(`client.referrals.event.${step.kind}`, { when: whenOf(step.at, i18n.language) })}
              {step.reason ? ` — ${step.reason}` : ""}
            </Text>
          </li>
        ))}
      </ol>
    </div>
  );
}
