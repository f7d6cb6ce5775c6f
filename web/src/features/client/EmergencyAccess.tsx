import type { TFunction } from "i18next";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Button, Heading, InlineAlert, Paragraph, RadioButton, RadioButtonGroup, Textarea } from "suomifi-ui-components";
import { ApiError, refusedFieldsOf } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import {
  EMERGENCY_REASONS,
  EXPLANATION_MAX,
  openEmergencyAccess,
  type EmergencyAccess,
  type EmergencyReason,
} from "./emergencyApi";

type Field = "reason" | "explanation";
type Problems = Partial<Record<Field, string>>;

// The client is in Finland: the window's end is told in Finnish time, as the report's times are.
const ZONE = "Europe/Helsinki";

/** The time of day an ISO instant is, "14.30" or "14:30" as the language writes it. */
export function timeOfDay(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: ZONE }).format(new Date(iso));
}

/** The API's refusal, field by field where it names them, and what it said about the whole. */
function refusalOf(error: unknown, t: TFunction): { fields: Problems; whole?: string } {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 400) {
    const fields: Problems = {};
    for (const name of refusedFieldsOf(error instanceof ApiError ? error.problem?.errors : undefined)) {
      const head = name.split(".")[0];
      if (head === "reason") fields.reason = t("emergency.refused.reason");
      else if (head === "explanation") fields.explanation = t("emergency.refused.explanation");
    }
    return { fields, ...(Object.keys(fields).length === 0 ? { whole: t("emergency.refused.invalid") } : {}) };
  }
  if (status === 409) return { fields: {}, whole: t("emergency.refused.member") };
  if (status === 403) return { fields: {}, whole: t("emergency.refused.forbidden") };
  if (status === 404) return { fields: {}, whole: t("emergency.refused.notFound") };
  return { fields: {}, whole: keyReusedText(error, t) ?? t("emergency.refused.failed") };
}

interface Props {
  clientId: string;
  onOpened: (access: EmergencyAccess) => void;
}

/**
 * The clearly marked way past a refusal: a button that opens a form asking for the reason from the list
 * and in words, warning that the access is logged and the key worker told. Nothing opens without it.
 */
export function EmergencyAccessAction({ clientId, onOpened }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    // Back to the button when the form is cancelled, so the keyboard user is not left at the page's top.
    if (wasOpen.current && !open) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <section aria-labelledby="emergency-title" className="emergency-access">
      <Heading variant="h2" id="emergency-title" mb="xs">
        {t("emergency.title")}
      </Heading>
      <Paragraph mb="s">{t("emergency.intro")}</Paragraph>
      {open ? (
        <EmergencyAccessForm clientId={clientId} onOpened={onOpened} onCancel={() => setOpen(false)} />
      ) : (
        <Button variant="secondary" ref={opener} onClick={() => setOpen(true)} mb="m">
          {t("emergency.open")}
        </Button>
      )}
    </section>
  );
}

function EmergencyAccessForm({ clientId, onOpened, onCancel }: Props & { onCancel: () => void }) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const id = useId();
  const [reason, setReason] = useState<EmergencyReason>();
  const [explanation, setExplanation] = useState("");
  const [problems, setProblems] = useState<Problems>({});
  const [whole, setWhole] = useState<string>();
  const [saving, setSaving] = useState(false);

  const focusFirst = (found: Problems) => {
    if (found.reason) document.getElementById(`${id}-reason-${EMERGENCY_REASONS[0]}`)?.focus();
    else if (found.explanation) document.getElementById(`${id}-explanation`)?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setWhole(undefined);
    const found: Problems = {};
    if (!reason) found.reason = t("emergency.reasonMissing");
    if (!explanation.trim()) found.explanation = t("emergency.explanationMissing");
    else if (explanation.trim().length > EXPLANATION_MAX) found.explanation = t("emergency.explanationTooLong", { max: EXPLANATION_MAX });
    setProblems(found);
    if (!reason || Object.keys(found).length > 0) return focusFirst(found);
    setSaving(true);
    try {
      onOpened(await openEmergencyAccess(api, clientId, reason, explanation.trim()));
    } catch (error) {
      const refusal = refusalOf(error, t);
      setProblems(refusal.fields);
      setWhole(refusal.whole);
      focusFirst(refusal.fields);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form noValidate onSubmit={(event) => void submit(event)} aria-labelledby="emergency-title" className="emergency-form">
      <InlineAlert status="warning" labelText={t("emergency.warningTitle")} mb="m">
        {t("emergency.warning")}
      </InlineAlert>
      <RadioButtonGroup
        labelText={t("emergency.reason")}
        name={`${id}-reason`}
        value={reason ?? ""}
        onChange={(value) => {
          setReason(EMERGENCY_REASONS.find((known) => known === value));
          setProblems(({ reason: _, ...rest }) => rest);
        }}
        groupStatus={problems.reason ? "error" : "default"}
        groupStatusText={problems.reason ?? ""}
        mb="m"
      >
        {EMERGENCY_REASONS.map((known, index) => (
          <RadioButton key={known} value={known} id={`${id}-reason-${known}`} autoFocus={index === 0}>
            {t(`emergency.reasons.${known}`)}
          </RadioButton>
        ))}
      </RadioButtonGroup>
      <Textarea
        id={`${id}-explanation`}
        labelText={t("emergency.explanation")}
        hintText={t("emergency.explanationHint")}
        value={explanation}
        onChange={(event) => {
          setExplanation(event.target.value);
          setProblems(({ explanation: _, ...rest }) => rest);
        }}
        status={problems.explanation ? "error" : "default"}
        statusText={problems.explanation ?? ""}
        fullWidth
        mb="m"
      />
      {whole && (
        <InlineAlert status="error" role="alert" mb="m">
          {whole}
        </InlineAlert>
      )}
      <div className="emergency-actions">
        <Button type="submit" disabled={saving}>
          {saving ? t("emergency.opening") : t("emergency.submit")}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t("emergency.cancel")}
        </Button>
      </div>
    </form>
  );
}

/** What stays on the client's page while the window is open: whose access this is, why, and until when. */
export function EmergencyBanner({ access }: { access: EmergencyAccess }) {
  const { t, i18n } = useTranslation();
  return (
    <InlineAlert status="warning" className="emergency-banner" labelText={t("emergency.banner", { time: timeOfDay(access.ends_at, i18n.language) })} mb="m">
      {t("emergency.bannerBody", { reason: t(`emergency.reasons.${access.reason}`) })}
    </InlineAlert>
  );
}
