import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";
import { Button, Heading, Paragraph, Text } from "suomifi-ui-components";
import { useReferral, useReferrals, type Referral, type ReferralSummary } from "./api";
import { LoadState } from "../../components/LoadState";
import { ReferralActions } from "./ReferralActions";
import { ReferralForm } from "./ReferralForm";
import { withheldReason } from "./referralApi";

function whenOf(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** The client's referrals: status, target and service, each opening to its history and what was shared. */
export function Referrals({ clientId }: { clientId: string }) {
  const { t } = useTranslation();
  const [loaded, reload] = useReferrals(clientId);
  // The list as loaded, then as each action's answer leaves it; a new draft comes first, opened.
  const [referrals, setReferrals] = useState<ReferralSummary[]>([]);
  const [drafted, setDrafted] = useState<Referral>();
  // A message's link opens its referral: /app/clients/<id>?referral=<referral id>.
  const [search] = useSearchParams();
  const asked = search.get("referral");
  useEffect(() => {
    if (loaded.status === "ready") setReferrals(loaded.data);
  }, [loaded]);
  const changed = (referral: Referral) => {
    setReferrals((all) => all.map((one) => (one.id === referral.id ? summaryOf(referral) : one)));
    // A draft made here, folded and opened again, shows as it is now.
    setDrafted((draft) => (draft?.id === referral.id ? referral : draft));
  };
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
      <ReferralForm
        clientId={clientId}
        onDrafted={(referral) => {
          setDrafted(referral);
          setReferrals((all) => [summaryOf(referral), ...all.filter((one) => one.id !== referral.id)]);
        }}
      />
      {loaded.status === "ready" && referrals.length === 0 && <Paragraph>{t("client.referrals.none")}</Paragraph>}
      {referrals.length > 0 && (
        <ul className="client-list" aria-label={t("client.referrals.title")}>
          {referrals.map((referral) => (
            <ReferralItem
              key={referral.id}
              referral={referral}
              drafted={drafted?.id === referral.id ? drafted : undefined}
              asked={referral.id === asked}
              onChanged={changed}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

/** The list's part of a referral the API answered with. */
function summaryOf(referral: Referral): ReferralSummary {
  const {
    reason: _reason, history: _history, share: _share, shared: _shared, shared_categories: _categories, withheld: _withheld,
    ...summary
  } = referral;
  return summary;
}

function ReferralItem({
  referral,
  drafted,
  asked = false,
  onChanged,
}: {
  referral: ReferralSummary;
  /** A referral drafted here just now: shown opened, with focus on it. */
  drafted?: Referral;
  /** The referral the address names (a message's link): shown opened, with focus on it. */
  asked?: boolean;
  onChanged: (referral: Referral) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(drafted !== undefined || asked);
  const heading = useRef<HTMLHeadingElement>(null);
  const focusOnArrival = useRef(drafted !== undefined || asked);
  useEffect(() => {
    if (!focusOnArrival.current) return;
    heading.current?.focus();
    heading.current?.scrollIntoView?.({ block: "start" });
  }, []);
  const title = t("client.referrals.to", {
    service: t(`partner.service.${referral.service}`),
    organisation: referral.target_organisation,
  });
  return (
    <li>
      <Heading variant="h3" mb="xs" ref={heading} tabIndex={-1}>
        {title}
      </Heading>
      <Paragraph mb="xs">{t("client.referrals.status", { status: t(`partner.status.${referral.status}`) })}</Paragraph>
      <Button variant="secondary" aria-expanded={open} aria-label={`${t("client.referrals.details")}: ${title}`} onClick={() => setOpen(!open)} mb="s">
        {t("client.referrals.details")}
      </Button>
      {open && <ReferralDetail referralId={referral.id} drafted={drafted} onChanged={onChanged} />}
    </li>
  );
}

function ReferralDetail({
  referralId,
  drafted,
  onChanged,
}: {
  referralId: string;
  drafted?: Referral;
  onChanged: (referral: Referral) => void;
}) {
  const { t } = useTranslation();
  const [loaded, reload] = useReferral(referralId);
  // What the last action answered, or the draft just made, stands over what was loaded.
  const [changed, setChanged] = useState<Referral | undefined>(drafted);
  const change = (referral: Referral) => {
    setChanged(referral);
    onChanged(referral);
  };
  if (changed) return <Detail referral={changed} onChanged={change} />;
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
  return <Detail referral={loaded.data} onChanged={change} />;
}

function Detail({ referral, onChanged }: { referral: Referral; onChanged: (referral: Referral) => void }) {
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
              {withheldReason(reason, t, t("client.referrals.withheldOther"))}
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
      <ReferralActions referral={referral} onChanged={onChanged} />
    </div>
  );
}
