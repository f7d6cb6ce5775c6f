import type { TFunction } from "i18next";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link as RouterDomLink } from "react-router-dom";
import { Block, Button, Heading, InlineAlert, Paragraph, RouterLink, Text } from "suomifi-ui-components";
import { LoadState } from "../../components/LoadState";
import { ApiError } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import { markReviewed, useEmergencyAccesses, type EmergencyAccess } from "./api";

/** Where the review list is. */
export const REVIEW_PATH = "/app/emergency-accesses";
const ZONE = "Europe/Helsinki";

function when(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short", timeZone: ZONE }).format(new Date(iso));
}

function refusalOf(error: unknown, t: TFunction): string {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 403) return t("review.refused.forbidden");
  if (status === 404) return t("review.refused.notFound");
  if (status === 409) return t("review.refused.conflict");
  return keyReusedText(error, t) ?? t("review.refused.failed");
}

/** The menu's link to the review list, for whoever the gateway lets read it: a refusal (403) hides it. */
export function ReviewNavLink() {
  const { t } = useTranslation();
  const [loaded] = useEmergencyAccesses();
  if (loaded.status !== "ready") return null;
  return (
    <RouterLink asComponent={RouterDomLink} to={REVIEW_PATH}>
      {t("review.nav")}
    </RouterLink>
  );
}

/** The data protection officer's review list: who opened whose data, why, when, reviewed or not. */
export function EmergencyReview() {
  const { t } = useTranslation();
  const [loaded, reload] = useEmergencyAccesses();
  const [accesses, setAccesses] = useState<EmergencyAccess[]>([]);
  useEffect(() => {
    if (loaded.status === "ready") setAccesses(loaded.data);
  }, [loaded]);
  const forbidden = loaded.status === "error" && loaded.error instanceof ApiError && loaded.error.status === 403;
  const waiting = accesses.filter((access) => access.reviewed_at === null).length;
  return (
    <Block variant="section">
      <Heading variant="h1" mb="s">
        {t("review.title")}
      </Heading>
      {forbidden ? (
        <Paragraph mb="m">{t("review.refused.forbidden")}</Paragraph>
      ) : (
        <LoadState loaded={loaded} loadingText={t("review.loading")} errorText={t("review.error")} retryText={t("review.retry")} onRetry={reload} />
      )}
      {loaded.status === "ready" && (
        <>
          <Paragraph mb="m">{t("review.waiting", { count: waiting })}</Paragraph>
          {accesses.length === 0 ? (
            <Paragraph mb="m">{t("review.none")}</Paragraph>
          ) : (
            <ul className="client-list" aria-label={t("review.title")}>
              {accesses.map((access) => (
                <AccessItem
                  key={access.id}
                  access={access}
                  onReviewed={(now) => setAccesses((all) => all.map((one) => (one.id === now.id ? now : one)))}
                />
              ))}
            </ul>
          )}
        </>
      )}
      {forbidden && (
        <RouterLink asComponent={RouterDomLink} to="/app/clients">
          {t("app.toMyClients")}
        </RouterLink>
      )}
    </Block>
  );
}

function AccessItem({ access, onReviewed }: { access: EmergencyAccess; onReviewed: (now: EmergencyAccess) => void }) {
  const { t, i18n } = useTranslation();
  const api = useSubmissionApi();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const headingId = `access-${access.id}`;
  const review = async () => {
    setBusy(true);
    setRefusal(undefined);
    try {
      onReviewed(await markReviewed(api, access.id));
    } catch (error) {
      setRefusal(refusalOf(error, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li aria-labelledby={headingId}>
      <Heading variant="h2" id={headingId} mb="xxs">
        {t("review.who", { professional: access.professional, organisation: access.organisation })}
      </Heading>
      <Paragraph mb="xxs">{t("review.client", { client: access.client_id })}</Paragraph>
      <Paragraph mb="xxs">
        {t("review.when", { from: when(access.opened_at, i18n.language), until: when(access.ends_at, i18n.language) })}
      </Paragraph>
      <Paragraph mb="xxs">
        <Text variant="bold">{t(`emergency.reasons.${access.reason}`)}</Text>
        <Text>{` — ${access.explanation}`}</Text>
      </Paragraph>
      {access.key_worker_id && <Paragraph mb="xxs">{t("review.told", { keyWorker: access.key_worker_id })}</Paragraph>}
      {access.reviewed_at ? (
        <Paragraph mb="m">{t("review.reviewed", { by: access.reviewed_by ?? "—", at: when(access.reviewed_at, i18n.language) })}</Paragraph>
      ) : (
        <>
          <Paragraph mb="xs">{t("review.notReviewed")}</Paragraph>
          <Button
            variant="secondary"
            disabled={busy}
            onClick={() => void review()}
            aria-label={t("review.markLabel", { professional: access.professional, from: when(access.opened_at, i18n.language) })}
            mb="m"
          >
            {t("review.mark")}
          </Button>
        </>
      )}
      {refusal && (
        <InlineAlert status="error" role="alert" mb="m">
          {refusal}
        </InlineAlert>
      )}
    </li>
  );
}
