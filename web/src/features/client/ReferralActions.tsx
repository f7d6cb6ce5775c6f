import type { TFunction } from "i18next";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button, Heading, InlineAlert, Paragraph, Textarea } from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import type { Referral } from "./api";
import { MAX_CANCEL_REASON, cancelReferral, sendReferral, statesAsWords, withheldReason } from "./referralApi";
import "./Referrals.css";

/** Why the API refused an action, in the user's language; a 409 names the states possible now. */
export function refusalOf(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return t("referralForm.refused.failed");
  if (error.status === 409) {
    const allowed = error.problem?.allowed ?? [];
    return allowed.length > 0
      ? t("referralForm.refused.conflict", { states: statesAsWords(allowed, t) })
      : t("referralForm.refused.conflictNone");
  }
  if (error.status === 403) return t("referralForm.refused.forbiddenAction");
  if (error.status === 404) return t("referralForm.refused.notFoundReferral");
  if (error.status === 400) return t("referralForm.refused.invalid");
  if (error.status === 503) return t("referralForm.refused.unavailable");
  return keyReusedText(error, t) ?? t("referralForm.refused.failed");
}

/** What one may do to a referral now: send a draft, cancel it; each answer shown beside the action. */
export function ReferralActions({ referral, onChanged }: { referral: Referral; onChanged: (referral: Referral) => void }) {
  const { t } = useTranslation();
  // What the last action here did, said where focus goes once its button is gone.
  const [sent, setSent] = useState<Referral>();
  const [cancelled, setCancelled] = useState(false);
  const mayCancel = referral.allowed_next.includes("cancelled");
  const maySend = referral.status === "draft" && referral.allowed_next.includes("requested");
  return (
    <div className="referral-actions">
      {sent && <SendResult referral={sent} />}
      {cancelled && <Said>{t("referralForm.cancel.done")}</Said>}
      {(maySend || mayCancel) && (
        <div className="referral-buttons">
          {maySend && (
            <SendAction
              referral={referral}
              onSent={(next) => {
                setSent(next);
                onChanged(next);
              }}
            />
          )}
          {mayCancel && (
            <CancelAction
              referral={referral}
              onCancelled={(next) => {
                setSent(undefined);
                setCancelled(true);
                onChanged(next);
              }}
            />
          )}
        </div>
      )}
    </div>
  );
}

function SendAction({ referral, onSent }: { referral: Referral; onSent: (referral: Referral) => void }) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const send = async () => {
    setBusy(true);
    setRefusal(undefined);
    try {
      onSent(await sendReferral(api, referral.id));
    } catch (error) {
      setRefusal(refusalOf(error, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <Button onClick={() => void send()} disabled={busy} aria-describedby={refusal ? `referral-send-refusal-${referral.id}` : undefined}>
        {busy ? t("referralForm.sending") : t("referralForm.send")}
      </Button>
      {refusal && (
        <InlineAlert status="error" role="alert" id={`referral-send-refusal-${referral.id}`} className="referral-failure">
          {refusal}
        </InlineAlert>
      )}
    </div>
  );
}

/** A status message that takes focus when it appears, so keyboard users land on what happened. */
function Said({ children }: { children: ReactNode }) {
  const here = useRef<HTMLDivElement>(null);
  useEffect(() => here.current?.focus(), []);
  return (
    <div role="status" tabIndex={-1} ref={here} className="referral-sent">
      {children}
    </div>
  );
}

/** What sending did, category by category: shared, or withheld and why. */
export function SendResult({ referral }: { referral: Referral }) {
  const { t } = useTranslation();
  const shared = referral.shared_categories ?? [];
  const withheld = Object.entries(referral.withheld ?? {});
  return (
    <Said>
      <Heading variant="h4" mb="xs">
        {t("referralForm.sent.title", { organisation: referral.target_organisation })}
      </Heading>
      {shared.length === 0 && <Paragraph mb="xs">{t("referralForm.sent.nothingShared")}</Paragraph>}
      <ul aria-label={t("referralForm.sent.perCategory")}>
        {shared.map((category) => (
          <li key={category}>{t("referralForm.sent.shared", { category: t(`partner.category.${category}`) })}</li>
        ))}
        {withheld.map(([category, reason]) => (
          <li key={category}>
            {t("referralForm.sent.withheld", { category: t(`partner.category.${category}`), reason: withheldReason(reason, t) })}
          </li>
        ))}
      </ul>
    </Said>
  );
}

function CancelAction({ referral, onCancelled }: { referral: Referral; onCancelled: (referral: Referral) => void }) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string>();
  const [refusal, setRefusal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const openerId = `referral-cancel-${referral.id}`;

  const close = () => {
    setOpen(false);
    setTimeout(() => document.getElementById(openerId)?.focus(), 0);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (!trimmed) {
      setProblem(t("referralForm.cancel.reasonMissing"));
      field.current?.focus();
      return;
    }
    if (trimmed.length > MAX_CANCEL_REASON) {
      setProblem(t("referralForm.cancel.reasonLong", { max: MAX_CANCEL_REASON }));
      field.current?.focus();
      return;
    }
    setBusy(true);
    setRefusal(undefined);
    try {
      onCancelled(await cancelReferral(api, referral.id, trimmed));
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.problem?.errors?.reason) {
        setProblem(t("referralForm.cancel.reasonRefused"));
        field.current?.focus();
      } else setRefusal(refusalOf(error, t));
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <Button id={openerId} variant="secondary" aria-expanded={false} onClick={() => setOpen(true)}>
        {t("referralForm.cancel.open")}
      </Button>
    );
  }
  return (
    <form noValidate onSubmit={(event) => void submit(event)} className="referral-cancel">
      <Textarea
        ref={field}
        labelText={t("referralForm.cancel.reason")}
        value={reason}
        onChange={(event) => {
          setReason(event.target.value);
          setProblem(undefined);
        }}
        status={problem ? "error" : "default"}
        statusText={problem ?? ""}
        autoFocus
        fullWidth
        mb="xs"
      />
      <div className="referral-buttons">
        <Button type="submit" disabled={busy}>
          {t("referralForm.cancel.confirm")}
        </Button>
        <Button variant="secondary" onClick={close}>
          {t("referralForm.cancel.keep")}
        </Button>
      </div>
      {refusal && (
        <InlineAlert status="error" role="alert" className="referral-failure">
          {refusal}
        </InlineAlert>
      )}
    </form>
  );
}
