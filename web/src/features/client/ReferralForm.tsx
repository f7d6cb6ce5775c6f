import type { TFunction } from "i18next";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  Button,
  Checkbox,
  CheckboxGroup,
  DateInput,
  Heading,
  InlineAlert,
  Paragraph,
  RadioButton,
  RadioButtonGroup,
  TextInput,
  Textarea,
} from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import type { Referral } from "./api";
import {
  CATEGORIES,
  MAX_REASON,
  ORGANISATION,
  PRIORITIES,
  SERVICES,
  draftReferral,
  type Category,
  type Draft,
  type Priority,
  type Service,
} from "./referralApi";
import "./Referrals.css";

export type Field = "service" | "target_organisation" | "priority" | "share" | "reason" | "accept_by" | "escalate_by";
export const FIELDS: Field[] = ["service", "target_organisation", "priority", "share", "reason", "accept_by", "escalate_by"];
export interface Form {
  service: Service | "";
  target_organisation: string;
  priority: Priority;
  share: Category[];
  reason: string;
  /** Dates as typed, day.month.year (31.12.2026). */
  accept_by: string;
  escalate_by: string;
}
export type Problems = Partial<Record<Field, string>>;

export const EMPTY_FORM: Form = {
  service: "",
  target_organisation: "",
  priority: "routine",
  share: [],
  reason: "",
  accept_by: "",
  escalate_by: "",
};

const DAY = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const pad = (n: number) => String(n).padStart(2, "0");

/** Today in the user's time zone, as YYYY-MM-DD. */
function today(now: Date): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A typed day (31.12.2026) as YYYY-MM-DD, or undefined if it is no real day. */
export function dayOf(typed: string): string | undefined {
  const match = DAY.exec(typed.trim());
  if (!match) return undefined;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The end of a typed day in the user's time zone: a deadline "by" that day. */
export function endOfDay(typed: string): string {
  return new Date(`${dayOf(typed)}T23:59:00`).toISOString();
}

/** What is wrong with each field, in the user's language, by the rules the services apply. */
export function problemsOf(form: Form, t: TFunction, now: Date = new Date()): Problems {
  const problems: Problems = {};
  if (!form.service) problems.service = t("referralForm.errors.service");
  const organisation = form.target_organisation.trim();
  if (!organisation) problems.target_organisation = t("referralForm.errors.organisationMissing");
  else if (!ORGANISATION.test(organisation)) problems.target_organisation = t("referralForm.errors.organisation");
  if (form.share.length === 0) problems.share = t("referralForm.errors.share");
  if (!form.reason.trim()) problems.reason = t("referralForm.errors.reasonMissing");
  else if (form.reason.trim().length > MAX_REASON) problems.reason = t("referralForm.errors.reasonLong", { max: MAX_REASON });
  const acceptBy = dayOf(form.accept_by);
  if (!form.accept_by.trim()) problems.accept_by = t("referralForm.errors.acceptByMissing");
  else if (!acceptBy) problems.accept_by = t("referralForm.errors.day");
  else if (acceptBy < today(now)) problems.accept_by = t("referralForm.errors.acceptByPast");
  if (form.escalate_by.trim()) {
    const escalateBy = dayOf(form.escalate_by);
    if (!escalateBy) problems.escalate_by = t("referralForm.errors.day");
    else if (acceptBy && escalateBy <= acceptBy) problems.escalate_by = t("referralForm.errors.escalateBy");
  }
  return problems;
}

/** The API's 400, field by field, in the user's language (its own words are English). */
export function refusedFields(errors: Record<string, unknown> | undefined, t: TFunction): Problems | undefined {
  if (!errors) return undefined;
  const named: Problems = {};
  if (errors.service) named.service = t("referralForm.errors.service");
  if (errors.target_organisation) named.target_organisation = t("referralForm.errors.organisation");
  if (errors.priority) named.priority = t("referralForm.errors.priority");
  if (errors.share) named.share = t("referralForm.errors.shareRefused");
  if (errors.reason) named.reason = t("referralForm.errors.reasonRefused");
  if (errors.accept_by) named.accept_by = t("referralForm.errors.acceptByPast");
  if (errors.escalate_by) named.escalate_by = t("referralForm.errors.escalateBy");
  return Object.keys(named).length > 0 ? named : undefined;
}

/** What the form asks the API for. */
export function draftOf(form: Form, clientId: string): Draft {
  return {
    client_id: clientId,
    service: form.service,
    target_organisation: form.target_organisation.trim(),
    priority: form.priority,
    reason: form.reason.trim(),
    // The categories asked for; the service shares each only where the client's consent permits.
    share: Object.fromEntries(form.share.map((category) => [category, {}])),
    accept_by: endOfDay(form.accept_by),
    ...(form.escalate_by.trim() ? { escalate_by: endOfDay(form.escalate_by) } : {}),
  };
}

function refusalOf(error: unknown, t: TFunction): string {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 403) return t("referralForm.refused.forbidden");
  if (status === 404) return t("referralForm.refused.notFound");
  if (status === 400) return t("referralForm.refused.invalid");
  return keyReusedText(error, t) ?? t("referralForm.refused.failed");
}

/** Draft a referral for the client: any member of the team may; nothing is shared until it is sent. */
export function ReferralForm({ clientId, onDrafted }: { clientId: string; onDrafted: (referral: Referral) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <Button id="referral-form-open" variant="secondary" aria-expanded={false} onClick={() => setOpen(true)} mb="m">
        {t("referralForm.open")}
      </Button>
    );
  }
  return (
    <DraftForm
      clientId={clientId}
      onClose={() => {
        setOpen(false);
        // Back to the button that opened the form, once it is there again.
        setTimeout(() => document.getElementById("referral-form-open")?.focus(), 0);
      }}
      onDrafted={(referral) => {
        setOpen(false);
        onDrafted(referral);
      }}
    />
  );
}

function DraftForm({ clientId, onClose, onDrafted }: { clientId: string; onClose: () => void; onDrafted: (referral: Referral) => void }) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const [form, setForm] = useState<Form>(EMPTY_FORM);
  const [touched, setTouched] = useState<Set<Field>>(new Set());
  const [refused, setRefused] = useState<Problems>({});
  const [failure, setFailure] = useState<string>();
  const [saving, setSaving] = useState(false);
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | HTMLTextAreaElement | null>>>({});

  // Into the form, at its first choice.
  useEffect(() => document.getElementById(`referral-service-${SERVICES[0]}`)?.focus(), []);

  const checked = problemsOf(form, t);
  const shown = (field: Field) => refused[field] ?? (touched.has(field) ? checked[field] : undefined);
  const status = (field: Field) => (shown(field) ? "error" : "default");

  const set = <F extends Field>(field: F, value: Form[F]) => {
    setForm((current) => ({ ...current, [field]: value }));
    setRefused(({ [field]: _, ...rest }) => rest);
  };
  const leave = (field: Field) => () => setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));
  const focusFirst = (problems: Problems) => {
    const first = FIELDS.find((field) => problems[field]);
    if (first === "service") document.getElementById(`referral-service-${SERVICES[0]}`)?.focus();
    else if (first === "priority") document.getElementById(`referral-priority-${PRIORITIES[0]}`)?.focus();
    else if (first === "share") document.getElementById(`referral-share-${CATEGORIES[0]}`)?.focus();
    else if (first) inputs.current[first]?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(new Set(FIELDS));
    setFailure(undefined);
    const problems = problemsOf(form, t);
    if (Object.keys(problems).length > 0) {
      focusFirst(problems);
      return;
    }
    setSaving(true);
    try {
      onDrafted(await draftReferral(api, draftOf(form, clientId)));
    } catch (error) {
      const fields =
        error instanceof ApiError && error.status === 400 ? refusedFields(error.problem?.errors, t) : undefined;
      if (fields) {
        setRefused(fields);
        focusFirst(fields);
      } else setFailure(refusalOf(error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form noValidate onSubmit={(event) => void submit(event)} className="referral-form" aria-labelledby="referral-form-title">
      <Heading variant="h3" id="referral-form-title" mb="xs">
        {t("referralForm.title")}
      </Heading>
      <Paragraph mb="m">{t("referralForm.intro")}</Paragraph>
      <RadioButtonGroup
        labelText={t("referralForm.service")}
        name="service"
        value={form.service}
        onChange={(value) => set("service", value as Service)}
        groupStatus={status("service")}
        groupStatusText={shown("service")}
        mb="m"
      >
        {SERVICES.map((service) => (
          <RadioButton key={service} value={service} id={`referral-service-${service}`}>
            {t(`partner.service.${service}`)}
          </RadioButton>
        ))}
      </RadioButtonGroup>
      <TextInput
        ref={(element) => void (inputs.current.target_organisation = element)}
        labelText={t("referralForm.organisation")}
        hintText={t("referralForm.organisationHint")}
        value={form.target_organisation}
        onChange={(value) => set("target_organisation", String(value ?? ""))}
        onBlur={leave("target_organisation")}
        status={status("target_organisation")}
        statusText={shown("target_organisation")}
        autoComplete="off"
        spellCheck={false}
        mb="m"
      />
      <RadioButtonGroup
        labelText={t("referralForm.priority")}
        name="priority"
        value={form.priority}
        onChange={(value) => set("priority", value as Priority)}
        groupStatus={status("priority")}
        groupStatusText={shown("priority")}
        mb="m"
      >
        {PRIORITIES.map((priority) => (
          <RadioButton key={priority} value={priority} id={`referral-priority-${priority}`}>
            {t(`partner.priority.${priority}`)}
          </RadioButton>
        ))}
      </RadioButtonGroup>
      <CheckboxGroup
        labelText={t("referralForm.share")}
        groupHintText={t("referralForm.shareHint")}
        groupStatus={status("share")}
        groupStatusText={shown("share")}
        mb="m"
      >
        {CATEGORIES.map((category) => (
          <Checkbox
            key={category}
            id={`referral-share-${category}`}
            checked={form.share.includes(category)}
            onClick={({ checkboxState }) => {
              set("share", checkboxState ? [...form.share, category] : form.share.filter((c) => c !== category));
              setTouched((current) => new Set(current).add("share"));
            }}
          >
            {t(`partner.category.${category}`)}
          </Checkbox>
        ))}
      </CheckboxGroup>
      <Textarea
        ref={(element) => void (inputs.current.reason = element)}
        labelText={t("referralForm.reason")}
        hintText={t("referralForm.reasonHint")}
        value={form.reason}
        onChange={(event) => set("reason", event.target.value)}
        onBlur={leave("reason")}
        status={status("reason")}
        statusText={shown("reason")}
        fullWidth
        mb="m"
      />
      <DateInput
        ref={(element) => void (inputs.current.accept_by = element)}
        labelText={t("referralForm.acceptBy")}
        hintText={t("referralForm.acceptByHint")}
        value={form.accept_by}
        onChange={({ value }) => set("accept_by", value)}
        onBlur={leave("accept_by")}
        status={status("accept_by")}
        statusText={shown("accept_by")}
        mb="m"
      />
      <DateInput
        ref={(element) => void (inputs.current.escalate_by = element)}
        labelText={t("referralForm.escalateBy")}
        hintText={t("referralForm.escalateByHint")}
        optionalText={t("referralForm.optional")}
        value={form.escalate_by}
        onChange={({ value }) => set("escalate_by", value)}
        onBlur={leave("escalate_by")}
        status={status("escalate_by")}
        statusText={shown("escalate_by")}
        mb="m"
      />
      {failure && (
        <InlineAlert status="error" role="alert" className="referral-failure">
          {failure}
        </InlineAlert>
      )}
      <div className="referral-buttons">
        <Button type="submit" disabled={saving}>
          {saving ? t("referralForm.saving") : t("referralForm.save")}
        </Button>
        <Button variant="secondary" onClick={onClose}>
          {t("referralForm.close")}
        </Button>
      </div>
    </form>
  );
}
