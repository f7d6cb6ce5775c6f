import type { TFunction } from "i18next";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link as RouterDomLink, useParams } from "react-router-dom";
import {
  Block,
  Button,
  Heading,
  InlineAlert,
  Paragraph,
  RadioButton,
  RadioButtonGroup,
  RouterLink,
  StaticChip,
  Textarea,
  VisuallyHidden,
} from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import {
  answerReferral,
  answersAllowed,
  NEEDS_REASON,
  OUTCOMES,
  referenceOf,
  usePartnerReferral,
  type PartnerAnswer,
  type Referral,
} from "./api";
import { LoadState } from "../../components/LoadState";

/** One referral addressed to my organisation: only what was shared, and the answers allowed now. */
export function PartnerReferral() {
  const { t } = useTranslation();
  const { referralId = "" } = useParams();
  const [loaded, reload] = usePartnerReferral(referralId);
  const [referral, setReferral] = useState<Referral>();
  const [allowed, setAllowed] = useState<string[]>([]);
  const [said, setSaid] = useState("");
  const statusHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (loaded.status !== "ready") return;
    setReferral(loaded.data);
    setAllowed(loaded.data.allowed_next);
  }, [loaded]);

  return (
    <Block variant="section">
      <RouterLink asComponent={RouterDomLink} to="/app/partner">
        {t("partner.back")}
      </RouterLink>
      <Heading variant="h1" mt="s" mb="s">
        {t("partner.referral", { reference: referenceOf(referralId) })}
      </Heading>
      <VisuallyHidden role="status">{said}</VisuallyHidden>
      <LoadState
        loaded={loaded}
        loadingText={t("partner.loadingOne")}
        errorText={(error) => refusalOf(error, t)}
        retryText={t("partner.retry")}
        onRetry={reload}
      />
      {referral && (
        <>
          <dl className="partner-facts">
            <dt>{t("partner.facts.service")}</dt>
            <dd>{t(`partner.service.${referral.service}`)}</dd>
            <dt>{t("partner.facts.priority")}</dt>
            <dd>{t(`partner.priority.${referral.priority}`)}</dd>
            <dt>{t("partner.facts.from")}</dt>
            <dd>{referral.requesting_organisation}</dd>
          </dl>
          <Heading variant="h2" mb="s" ref={statusHeading} tabIndex={-1}>
            {t("partner.now")} <StaticChip>{t(`partner.status.${referral.status}`)}</StaticChip>
          </Heading>
          <Shared referral={referral} />
          <Answers
            referral={referral}
            allowed={allowed}
            onAnswered={(next) => {
              setReferral(next);
              setAllowed(next.allowed_next);
              setSaid(t("partner.answered", { status: t(`partner.status.${next.status}`) }));
              statusHeading.current?.focus();
            }}
            onAllowed={setAllowed}
          />
        </>
      )}
    </Block>
  );
}

function Shared({ referral }: { referral: Referral }) {
  const { t } = useTranslation();
  const shared = Object.entries(referral.shared ?? {});
  return (
    <section className="partner-shared">
      <Heading variant="h2" mb="s">
        {t("partner.shared")}
      </Heading>
      {shared.length === 0 && <Paragraph>{t("partner.noShared")}</Paragraph>}
      {shared.map(([category, content]) => (
        <div key={category} className="partner-category">
          <Heading variant="h3" mb="xs">
            {t(`partner.category.${category}`)}
          </Heading>
          <dl>
            {Object.entries(content ?? {}).map(([field, value]) => (
              <div key={field}>
                <dt>{field}</dt>
                <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </section>
  );
}

/** Why the API refused, in the user's language; a 409 names the answers that are allowed now. */
function refusalOf(error: unknown, t: TFunction, current?: string): string {
  if (!(error instanceof ApiError)) return t("partner.refused.failed");
  if (error.status === 409) {
    const answers = answersAllowed(current ?? error.problem?.current_state ?? "", error.problem?.allowed ?? []);
    return answers.length > 0
      ? t("partner.refused.conflict", { answers: answers.map((a) => t(`partner.answer.${a}`)).join(", ") })
      : t("partner.refused.conflictNone");
  }
  if (error.status === 400) {
    const errors = error.problem?.errors ?? {};
    if ("reason" in errors) return t("partner.refused.reason");
    if ("outcome" in errors) return t("partner.refused.outcome");
    return t("partner.refused.invalid");
  }
  if (error.status === 403) return t("partner.refused.forbidden");
  if (error.status === 404) return t("partner.refused.notFound");
  return keyReusedText(error, t) ?? t("partner.refused.failed");
}

function Answers({
  referral,
  allowed,
  onAnswered,
  onAllowed,
}: {
  referral: Referral;
  allowed: string[];
  onAnswered: (next: Referral) => void;
  onAllowed: (allowed: string[]) => void;
}) {
  const { t } = useTranslation();
  const answers = answersAllowed(referral.status, allowed);
  // A 409 takes away the answer it refused, so it is said above the answers still possible.
  const [conflict, setConflict] = useState<string>();
  return (
    <section className="partner-answers">
      <Heading variant="h2" mb="s">
        {t("partner.answers")}
      </Heading>
      {conflict && (
        <InlineAlert status="error" role="alert" className="partner-refusal">
          {conflict}
        </InlineAlert>
      )}
      {answers.length === 0 && <Paragraph>{t("partner.noAnswers")}</Paragraph>}
      {answers.map((answer) => (
        <AnswerForm
          key={answer}
          referral={referral}
          answer={answer}
          onAnswered={(next) => {
            setConflict(undefined);
            onAnswered(next);
          }}
          onConflict={(message, nowAllowed) => {
            setConflict(message);
            onAllowed(nowAllowed);
          }}
        />
      ))}
    </section>
  );
}

function AnswerForm({
  referral,
  answer,
  onAnswered,
  onConflict,
}: {
  referral: Referral;
  answer: PartnerAnswer;
  onAnswered: (next: Referral) => void;
  onConflict: (message: string, allowed: string[]) => void;
}) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const [reason, setReason] = useState("");
  const [outcome, setOutcome] = useState("");
  const [summary, setSummary] = useState("");
  const [refusal, setRefusal] = useState<string>();
  const [missing, setMissing] = useState<string>();
  const [busy, setBusy] = useState(false);
  const needsReason = NEEDS_REASON.includes(answer);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setRefusal(undefined);
    if (needsReason && !reason.trim()) return setMissing(t("partner.refused.reason"));
    if (answer === "complete" && !outcome) return setMissing(t("partner.refused.outcome"));
    setMissing(undefined);
    setBusy(true);
    try {
      const details =
        answer === "complete"
          ? { outcome: { code: outcome, ...(summary.trim() ? { summary: summary.trim() } : {}) } }
          : needsReason
            ? { reason: reason.trim() }
            : {};
      onAnswered(await answerReferral(api, referral.id, answer, details));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.problem?.allowed) {
        onConflict(refusalOf(error, t, referral.status), error.problem.allowed);
      } else setRefusal(refusalOf(error, t, referral.status));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="partner-answer" onSubmit={(event) => void send(event)} noValidate aria-label={t(`partner.answer.${answer}`)}>
      {needsReason && (
        <Textarea
          labelText={t(`partner.reasonFor.${answer}`)}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          status={missing ? "error" : "default"}
          statusText={missing}
          fullWidth
          mb="s"
        />
      )}
      {answer === "complete" && (
        <>
          <RadioButtonGroup
            labelText={t("partner.outcome")}
            name={`outcome-${referral.id}`}
            value={outcome}
            onChange={setOutcome}
            groupStatus={missing ? "error" : "default"}
            groupStatusText={missing}
            mb="s"
          >
            {OUTCOMES.map((code) => (
              <RadioButton key={code} value={code}>
                {t(`partner.outcomes.${code}`)}
              </RadioButton>
            ))}
          </RadioButtonGroup>
          <Textarea
            labelText={t("partner.summary")}
            optionalText={t("partner.optional")}
            value={summary}
            onChange={(event) => setSummary(event.target.value)}
            fullWidth
            mb="s"
          />
        </>
      )}
      <Button type="submit" variant={answer === "reject" || answer === "fail" ? "secondary" : "default"} disabled={busy}>
        {t(`partner.answer.${answer}`)}
      </Button>
      {refusal && (
        <InlineAlert status="error" role="alert" className="partner-refusal">
          {refusal}
        </InlineAlert>
      )}
    </form>
  );
}
