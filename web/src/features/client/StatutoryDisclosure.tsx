import type { TFunction } from "i18next";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  Button,
  Checkbox,
  CheckboxGroup,
  Heading,
  InlineAlert,
  Paragraph,
  RadioButton,
  RadioButtonGroup,
  Textarea,
  TextInput,
} from "suomifi-ui-components";
import { LoadState } from "../../components/LoadState";
import { ApiError, refusedFieldsOf } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import { languageOf } from "../../lib/i18n";
import { CATEGORIES, IDENTIFIER, type Category } from "./consentApi";
import {
  JUSTIFICATION_MAX,
  RECIPIENT_KINDS,
  basesCovering,
  recordStatutoryDisclosure,
  useLegalBases,
  type LegalBasis,
  type RecipientKind,
  type StatutoryDisclosure,
} from "./statutoryApi";
import "./ConsentForm.css";

type Field = "recipient_organisation" | "recipient_kind" | "categories" | "legal_basis" | "justification";
type Problems = Partial<Record<Field, string>>;
const FIELDS: readonly Field[] = ["recipient_organisation", "recipient_kind", "categories", "legal_basis", "justification"];

interface Draft {
  organisation: string;
  kind?: RecipientKind;
  categories: ReadonlySet<Category>;
  basis?: string;
  justification: string;
}

/** What is wrong with the draft before anything is sent, in the user's language. */
function problemsOf(draft: Draft, covering: readonly LegalBasis[], t: TFunction): Problems {
  const problems: Problems = {};
  const organisation = draft.organisation.trim();
  if (!organisation) problems.recipient_organisation = t("statutory.errors.organisationMissing");
  else if (!IDENTIFIER.test(organisation)) problems.recipient_organisation = t("statutory.errors.organisationFormat");
  if (!draft.kind) problems.recipient_kind = t("statutory.errors.kindMissing");
  if (draft.categories.size === 0) problems.categories = t("statutory.errors.categoriesMissing");
  if (draft.kind && draft.categories.size > 0 && covering.length === 0) problems.legal_basis = t("statutory.noBasis");
  else if (!draft.basis || !covering.some((basis) => basis.id === draft.basis)) problems.legal_basis = t("statutory.errors.basisMissing");
  const justification = draft.justification.trim();
  if (!justification) problems.justification = t("statutory.errors.justificationMissing");
  else if (justification.length > JUSTIFICATION_MAX) problems.justification = t("statutory.errors.justificationTooLong", { max: JUSTIFICATION_MAX });
  return problems;
}

/** The gateway's refusal: beside the fields it names, or about the whole. */
function refusalOf(error: unknown, t: TFunction): { fields: Problems; whole?: string } {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 400) {
    const fields: Problems = {};
    for (const name of refusedFieldsOf(error instanceof ApiError ? error.problem?.errors : undefined)) {
      const field = FIELDS.find((known) => known === name.split(".")[0]);
      if (field) fields[field] = t(`statutory.refused.fields.${field}`);
    }
    return { fields, ...(Object.keys(fields).length === 0 ? { whole: t("statutory.refused.invalid") } : {}) };
  }
  if (status === 403) return { fields: {}, whole: t("statutory.refused.forbidden") };
  if (status === 404) return { fields: {}, whole: t("statutory.refused.notFound") };
  return { fields: {}, whole: keyReusedText(error, t) ?? t("statutory.refused.failed") };
}

/**
 * Disclosure without consent, on the client's page for the organisation that holds the client's data:
 * a button that opens the form; what was recorded is said after it closes.
 */
export function StatutoryDisclosures({ clientId }: { clientId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [recorded, setRecorded] = useState<string>();
  const opener = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !open) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <section aria-labelledby="client-statutory">
      <Heading variant="h2" id="client-statutory" mb="s">
        {t("statutory.title")}
      </Heading>
      <Paragraph mb="s">{t("statutory.intro")}</Paragraph>
      {recorded && !open && (
        <InlineAlert status="neutral" role="status" mb="m">
          {recorded}
        </InlineAlert>
      )}
      {open ? (
        <StatutoryDisclosureForm
          clientId={clientId}
          onRecorded={(disclosure) => {
            setRecorded(t("statutory.recorded", { organisation: disclosure.recipient_organisation, statute: disclosure.statute }));
            setOpen(false);
          }}
          onCancel={() => setOpen(false)}
        />
      ) : (
        <Button
          variant="secondary"
          ref={opener}
          onClick={() => {
            setRecorded(undefined);
            setOpen(true);
          }}
          mb="m"
        >
          {t("statutory.open")}
        </Button>
      )}
    </section>
  );
}

interface FormProps {
  clientId: string;
  onRecorded: (disclosure: StatutoryDisclosure) => void;
  onCancel: () => void;
}

export function StatutoryDisclosureForm({ clientId, onRecorded, onCancel }: FormProps) {
  const { t, i18n } = useTranslation();
  const language = languageOf(i18n.language) ?? "fi";
  const api = useSubmissionApi();
  const id = useId();
  const [loaded, reload] = useLegalBases();
  const [draft, setDraft] = useState<Draft>({ organisation: "", categories: new Set(), justification: "" });
  const [checking, setChecking] = useState(false);
  const [refused, setRefused] = useState<Problems>({});
  const [whole, setWhole] = useState<string>();
  const [saving, setSaving] = useState(false);
  const organisationInput = useRef<HTMLInputElement | null>(null);

  const bases = loaded.status === "ready" ? loaded.data : [];
  const covering = basesCovering(bases, draft.kind, draft.categories);
  const checked = checking ? problemsOf(draft, covering, t) : {};
  const shown = (field: Field) => refused[field] ?? checked[field];
  const status = (field: Field) => (shown(field) ? "error" : "default");
  const change = (field: Field, next: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...next }));
    setRefused(({ [field]: _, ...rest }) => rest);
  };

  const focusFirst = (problems: Problems) => {
    if (problems.recipient_organisation) organisationInput.current?.focus();
    else if (problems.recipient_kind) document.getElementById(`${id}-kind-${RECIPIENT_KINDS[0]}`)?.focus();
    else if (problems.categories) document.getElementById(`${id}-category-${CATEGORIES[0]}`)?.focus();
    else if (problems.legal_basis) (document.getElementById(`${id}-basis-${covering[0]?.id}`) ?? document.getElementById(`${id}-bases`))?.focus();
    else if (problems.justification) document.getElementById(`${id}-justification`)?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    setWhole(undefined);
    const problems = problemsOf(draft, covering, t);
    if (Object.keys(problems).length > 0 || !draft.kind || !draft.basis) return focusFirst(problems);
    setSaving(true);
    try {
      onRecorded(
        await recordStatutoryDisclosure(api, clientId, {
          recipient_organisation: draft.organisation.trim(),
          recipient_kind: draft.kind,
          categories: CATEGORIES.filter((category) => draft.categories.has(category)),
          legal_basis: draft.basis,
          justification: draft.justification.trim(),
        }),
      );
    } catch (error) {
      const refusal = refusalOf(error, t);
      setRefused(refusal.fields);
      setWhole(refusal.whole);
      focusFirst(refusal.fields);
    } finally {
      setSaving(false);
    }
  };

  if (loaded.status !== "ready") {
    return (
      <LoadState
        loaded={loaded}
        loadingText={t("statutory.loadingBases")}
        errorText={t("statutory.basesError")}
        retryText={t("client.retry")}
        onRetry={reload}
      />
    );
  }
  return (
    <form noValidate onSubmit={(event) => void submit(event)} className="consent-form" aria-labelledby={`${id}-title`}>
      <Heading variant="h3" id={`${id}-title`} mb="xs">
        {t("statutory.formTitle")}
      </Heading>
      <InlineAlert status="warning" mb="m">
        {t("statutory.warning")}
      </InlineAlert>
      <TextInput
        ref={organisationInput}
        labelText={t("statutory.organisation")}
        hintText={t("statutory.organisationHint")}
        value={draft.organisation}
        onChange={(value) => change("recipient_organisation", { organisation: String(value ?? "") })}
        status={status("recipient_organisation")}
        statusText={shown("recipient_organisation")}
        autoComplete="off"
        spellCheck={false}
        autoFocus
        mb="m"
      />
      <RadioButtonGroup
        labelText={t("statutory.kind")}
        name={`${id}-kind`}
        value={draft.kind ?? ""}
        onChange={(value) => change("recipient_kind", { kind: RECIPIENT_KINDS.find((kind) => kind === value) })}
        groupStatus={status("recipient_kind")}
        groupStatusText={shown("recipient_kind") ?? ""}
        mb="m"
      >
        {RECIPIENT_KINDS.map((kind) => (
          <RadioButton key={kind} value={kind} id={`${id}-kind-${kind}`}>
            {t(`statutory.kinds.${kind}`)}
          </RadioButton>
        ))}
      </RadioButtonGroup>
      <CheckboxGroup
        labelText={t("statutory.categories")}
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
              change("categories", { categories });
            }}
          >
            {t(`client.category.${category}`)}
          </Checkbox>
        ))}
      </CheckboxGroup>
      {covering.length > 0 ? (
        <RadioButtonGroup
          labelText={t("statutory.basis")}
          groupHintText={t("statutory.basisHint")}
          name={`${id}-basis`}
          value={draft.basis ?? ""}
          onChange={(value) => change("legal_basis", { basis: value })}
          groupStatus={status("legal_basis")}
          groupStatusText={shown("legal_basis") ?? ""}
          mb="m"
        >
          {covering.map((basis) => (
            <RadioButton key={basis.id} value={basis.id} id={`${id}-basis-${basis.id}`} hintText={basis.description[language]}>
              {basis.statute}
            </RadioButton>
          ))}
        </RadioButtonGroup>
      ) : (
        // No basis to choose yet: why, where the list would be; the refusal if nothing covers the choice.
        <div id={`${id}-bases`} tabIndex={-1} className="statutory-bases">
          {draft.kind && draft.categories.size > 0 ? (
            <InlineAlert status={checking || refused.legal_basis ? "error" : "warning"} role={checking ? "alert" : undefined} mb="m">
              {refused.legal_basis ?? t("statutory.noBasis")}
            </InlineAlert>
          ) : (
            <Paragraph mb="m">{t("statutory.chooseFirst")}</Paragraph>
          )}
        </div>
      )}
      <Textarea
        id={`${id}-justification`}
        labelText={t("statutory.justification")}
        hintText={t("statutory.justificationHint")}
        value={draft.justification}
        onChange={(event) => change("justification", { justification: event.target.value })}
        status={status("justification")}
        statusText={shown("justification")}
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
          {saving ? t("statutory.saving") : t("statutory.save")}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t("statutory.cancel")}
        </Button>
      </div>
    </form>
  );
}
