import type { TFunction } from "i18next";
import { useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Button, Checkbox, CheckboxGroup, Heading, InlineAlert, Paragraph, RadioButton, RadioButtonGroup, Textarea, TextInput } from "suomifi-ui-components";
import { ApiError, refusedFieldsOf } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import type { Denial } from "./api";
import { CATEGORIES, IDENTIFIER, recordDenial, type Category, type DenyBody } from "./consentApi";
import "./ConsentForm.css";

export type DenialField = "organisation" | "categories" | "reason";
type Whom = "everyone" | "organisation";
export interface DenialDraft {
  whom: Whom;
  organisation: string;
  categories: ReadonlySet<Category>;
  /** The client's own words, if they gave a reason; kept with the denial. */
  reason: string;
}
type Problems = Partial<Record<DenialField, string>>;

export const EMPTY_DENIAL: DenialDraft = { whom: "everyone", organisation: "", categories: new Set(), reason: "" };
const REASON_MAX = 1000;

/** What is wrong with the draft, in the user's language: the consent service's rules. */
export function denialProblems(draft: DenialDraft, t: TFunction): Problems {
  const problems: Problems = {};
  const organisation = draft.organisation.trim();
  if (draft.whom === "organisation" && !organisation) problems.organisation = t("consentForm.errors.organisationMissing");
  else if (draft.whom === "organisation" && !IDENTIFIER.test(organisation)) problems.organisation = t("consentForm.errors.organisationFormat");
  if (draft.categories.size === 0) problems.categories = t("consentForm.errors.categoriesMissing");
  if (draft.reason.trim().length > REASON_MAX) problems.reason = t("consentForm.errors.reasonTooLong", { max: REASON_MAX });
  return problems;
}

/** The request a checked draft makes; a denial of every organisation says so with null. */
export function denyOf(draft: DenialDraft): DenyBody {
  return {
    organisation: draft.whom === "organisation" ? draft.organisation.trim() : null,
    categories: CATEGORIES.filter((category) => draft.categories.has(category)),
    ...(draft.reason.trim() ? { reason: draft.reason.trim() } : {}),
  };
}

/** The API's refusal, field by field in the user's language, and what it said about the whole. */
export function denialRefusal(error: unknown, t: TFunction): { fields: Problems; whole?: string } {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 400) {
    const fields: Problems = {};
    let unplaced = false;
    for (const name of refusedFieldsOf(error instanceof ApiError ? error.problem?.errors : undefined)) {
      const head = name.split(".")[0];
      if (head === "organisation") fields.organisation = t("consentForm.refused.fields.organisation");
      else if (head === "categories") fields.categories = t("consentForm.refused.fields.categories");
      else if (head === "reason") fields.reason = t("consentForm.refused.fields.reason");
      else unplaced = true;
    }
    const placed = Object.keys(fields).length > 0;
    return { fields, ...(unplaced || !placed ? { whole: t("consentForm.refused.invalid") } : {}) };
  }
  if (status === 403) return { fields: {}, whole: t("consentForm.refused.forbidden") };
  if (status === 404) return { fields: {}, whole: t("consentForm.refused.notFound") };
  if (status === 409) return { fields: {}, whole: t("consentForm.refused.conflict") };
  return { fields: {}, whole: keyReusedText(error, t) ?? t("consentForm.refused.failed") };
}

interface Props {
  clientId: string;
  onRecorded: (denial: Denial) => void;
  onCancel: () => void;
}

/** Record the client's denial: of every organisation or of one, for the categories chosen. */
export function DenialForm({ clientId, onRecorded, onCancel }: Props) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const id = useId();
  const [draft, setDraft] = useState<DenialDraft>(EMPTY_DENIAL);
  const [checking, setChecking] = useState(false);
  const [refused, setRefused] = useState<Problems>({});
  const [whole, setWhole] = useState<string>();
  const [saving, setSaving] = useState(false);
  const organisationInput = useRef<HTMLInputElement | null>(null);

  const checked = checking ? denialProblems(draft, t) : {};
  const shown = (field: DenialField) => refused[field] ?? checked[field];
  const status = (field: DenialField) => (shown(field) ? "error" : "default");
  const forget = (field: DenialField) => setRefused(({ [field]: _, ...rest }) => rest);

  const focusFirst = (problems: Problems) => {
    if (problems.organisation) organisationInput.current?.focus();
    else if (problems.categories) document.getElementById(`${id}-category-${CATEGORIES[0]}`)?.focus();
    else if (problems.reason) document.getElementById(`${id}-reason`)?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    setWhole(undefined);
    const problems = denialProblems(draft, t);
    if (Object.keys(problems).length > 0) return focusFirst(problems);
    setSaving(true);
    try {
      onRecorded(await recordDenial(api, clientId, denyOf(draft)));
    } catch (error) {
      const refusal = denialRefusal(error, t);
      setRefused(refusal.fields);
      setWhole(refusal.whole);
      focusFirst(refusal.fields);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form noValidate onSubmit={(event) => void submit(event)} className="consent-form" aria-labelledby={`${id}-title`}>
      <Heading variant="h4" id={`${id}-title`} mb="xs">
        {t("consentForm.denial.title")}
      </Heading>
      <Paragraph mb="m">{t("consentForm.denial.intro")}</Paragraph>
      <RadioButtonGroup
        labelText={t("consentForm.denial.whom")}
        name={`${id}-whom`}
        value={draft.whom}
        onChange={(value) => {
          setDraft((current) => ({ ...current, whom: value as Whom }));
          forget("organisation");
        }}
        mb="m"
      >
        <RadioButton value="everyone" id={`${id}-whom-everyone`} autoFocus>
          {t("consentForm.denial.everyone")}
        </RadioButton>
        <RadioButton value="organisation" id={`${id}-whom-organisation`}>
          {t("consentForm.denial.oneOrganisation")}
        </RadioButton>
      </RadioButtonGroup>
      {draft.whom === "organisation" && (
        <TextInput
          ref={organisationInput}
          labelText={t("consentForm.organisation")}
          hintText={t("consentForm.organisationHint")}
          value={draft.organisation}
          onChange={(value) => {
            setDraft((current) => ({ ...current, organisation: String(value ?? "") }));
            forget("organisation");
          }}
          status={status("organisation")}
          statusText={shown("organisation")}
          autoComplete="off"
          spellCheck={false}
          mb="m"
        />
      )}
      <CheckboxGroup
        labelText={t("consentForm.denial.categories")}
        groupStatus={status("categories")}
        groupStatusText={shown("categories")}
        mb="m"
      >
        {CATEGORIES.map((category) => (
          <Checkbox
            key={category}
            id={`${id}-category-${category}`}
            checked={draft.categories.has(category)}
            onClick={({ checkboxState }) => {
              const categories = new Set(draft.categories);
              if (checkboxState) categories.add(category);
              else categories.delete(category);
              setDraft((current) => ({ ...current, categories }));
              forget("categories");
            }}
          >
            {t(`client.category.${category}`)}
          </Checkbox>
        ))}
      </CheckboxGroup>
      <Textarea
        id={`${id}-reason`}
        labelText={t("consentForm.denial.reason")}
        optionalText={t("consentForm.optional")}
        hintText={t("consentForm.denial.reasonHint")}
        value={draft.reason}
        onChange={(event) => {
          const reason = event.target.value;
          setDraft((current) => ({ ...current, reason }));
          forget("reason");
        }}
        status={status("reason")}
        statusText={shown("reason")}
        fullWidth
        mb="m"
      />
      {whole && (
        <InlineAlert status="error" role="alert" className="consent-form-refusal">
          {whole}
        </InlineAlert>
      )}
      <div className="consent-form-actions">
        <Button type="submit" disabled={saving}>
          {saving ? t("consentForm.saving") : t("consentForm.denial.save")}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t("consentForm.cancel")}
        </Button>
      </div>
    </form>
  );
}
