import type { TFunction } from "i18next";
import { useId, useRef, useState, type FormEvent } from "react";
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
  StatusText,
  Text,
  TextInput,
} from "suomifi-ui-components";
import { ApiError, refusedFieldsOf } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import type { Consent } from "./api";
import {
  CATEGORIES,
  GIVER_KINDS,
  IDENTIFIER,
  METHODS,
  PURPOSES,
  RELATIONS,
  cellOf,
  endOf,
  idsOf,
  dayOf,
  recordConsent,
  scopesOf,
  startOf,
  today,
  type Cell,
  type GiverKind,
  type GrantBody,
  type Method,
  type Relation,
} from "./consentApi";
import "./ConsentForm.css";

export type ConsentField = "organisation" | "professionals" | "grid" | "from" | "until" | "method" | "relation";
const FIELDS: ConsentField[] = ["organisation", "professionals", "grid", "from", "until", "method", "relation"];

export interface ConsentDraft {
  organisation: string;
  professionals: string;
  cells: ReadonlySet<Cell>;
  from: string;
  until: string;
  method: Method | "";
  kind: GiverKind;
  relation: Relation | "";
}
type Problems = Partial<Record<ConsentField, string>>;

export const EMPTY_CONSENT: ConsentDraft = {
  organisation: "", professionals: "", cells: new Set(), from: "", until: "", method: "", kind: "client", relation: "",
};

/** What is wrong with the draft, field by field, in the user's language: the consent service's rules. */
export function consentProblems(draft: ConsentDraft, t: TFunction, now: Date = new Date()): Problems {
  const problems: Problems = {};
  const organisation = draft.organisation.trim();
  if (!organisation) problems.organisation = t("consentForm.errors.organisationMissing");
  else if (!IDENTIFIER.test(organisation)) problems.organisation = t("consentForm.errors.organisationFormat");
  const wrong = idsOf(draft.professionals).filter((id) => !IDENTIFIER.test(id));
  if (wrong.length > 0) problems.professionals = t("consentForm.errors.professionalsFormat", { ids: wrong.join(", ") });
  if (draft.cells.size === 0) problems.grid = t("consentForm.errors.gridMissing");
  const from = dayOf(draft.from);
  const until = dayOf(draft.until);
  if (draft.from.trim() && !from) problems.from = t("consentForm.errors.date");
  if (draft.until.trim() && !until) problems.until = t("consentForm.errors.date");
  else if (until && until < (from ?? today(now))) problems.until = t("consentForm.errors.untilBeforeFrom");
  else if (until && until < today(now)) problems.until = t("consentForm.errors.untilPast");
  if (!draft.method) problems.method = t("consentForm.errors.methodMissing");
  if (draft.kind === "legal_representative" && !draft.relation) problems.relation = t("consentForm.errors.relationMissing");
  return problems;
}

/** The requests a checked draft makes: one a scope of the grid (usually one), the rest the same. */
export function grantsOf(draft: ConsentDraft, now: Date = new Date()): GrantBody[] {
  const professionals = idsOf(draft.professionals);
  const from = dayOf(draft.from);
  const until = dayOf(draft.until);
  return scopesOf(draft.cells).map(({ categories, purposes }) => ({
    recipient_organisation: draft.organisation.trim(),
    ...(professionals.length > 0 ? { professionals } : {}),
    categories,
    purposes,
    // Left out, a consent is valid from the moment it is recorded.
    ...(from && from !== today(now) ? { valid_from: startOf(from) } : {}),
    ...(until ? { valid_until: endOf(until) } : {}),
    method: draft.method as Method,
    given_by: draft.kind === "legal_representative" ? { kind: draft.kind, relation: draft.relation as Relation } : { kind: draft.kind },
  }));
}

/** The field a name in the API's 400 `errors` concerns, if the form has it. */
function fieldOf(name: string): ConsentField | undefined {
  const [head, next] = name.split(".");
  if (head === "recipient_organisation") return "organisation";
  if (head === "professionals") return "professionals";
  if (head === "categories" || head === "purposes") return "grid";
  if (head === "valid_from") return "from";
  if (head === "valid_until") return "until";
  if (head === "method") return "method";
  if (head === "given_by") return next === "relation" ? "relation" : undefined;
  return undefined;
}

/** The API's refusal, field by field in the user's language, and what it said about the whole. */
export function consentRefusal(error: unknown, t: TFunction): { fields: Problems; whole?: string } {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 400) {
    const fields: Problems = {};
    let unplaced = false;
    for (const name of refusedFieldsOf(error instanceof ApiError ? error.problem?.errors : undefined)) {
      const field = fieldOf(name);
      if (field) fields[field] ??= t(`consentForm.refused.fields.${field}`);
      else unplaced = true;
    }
    const placed = Object.keys(fields).length > 0;
    return { fields, ...(unplaced || !placed ? { whole: t("consentForm.refused.invalid") } : {}) };
  }
  if (status === 403) return { fields: {}, whole: t("consentForm.refused.forbidden") };
  if (status === 404) return { fields: {}, whole: t("consentForm.refused.notFound") };
  if (status === 409) return { fields: {}, whole: t("consentForm.refused.conflict") };
  if (status === 413) return { fields: {}, whole: t("consentForm.refused.tooLarge") };
  return { fields: {}, whole: keyReusedText(error, t) ?? t("consentForm.refused.failed") };
}

interface Props {
  clientId: string;
  /** Each consent as the API recorded it, at once, so the list shows it even if a later one is refused. */
  onRecorded: (consent: Consent) => void;
  /** Every checked cell is recorded. */
  onDone: (count: number) => void;
  onCancel: () => void;
}

/** Record a consent the client or their legal representative gave: whom, what for which purpose, how long, how. */
export function ConsentForm({ clientId, onRecorded, onDone, onCancel }: Props) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const id = useId();
  const [draft, setDraft] = useState<ConsentDraft>(EMPTY_CONSENT);
  const [checking, setChecking] = useState(false);
  const [refused, setRefused] = useState<Problems>({});
  const [whole, setWhole] = useState<string>();
  const [saving, setSaving] = useState(false);
  const inputs = useRef<Partial<Record<"organisation" | "professionals" | "from" | "until", HTMLInputElement | null>>>({});

  const checked = checking ? consentProblems(draft, t) : {};
  const shown = (field: ConsentField) => refused[field] ?? checked[field];
  const status = (field: ConsentField) => (shown(field) ? "error" : "default");

  const change = <K extends keyof ConsentDraft>(key: K, field: ConsentField | undefined, value: ConsentDraft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    if (field) setRefused(({ [field]: _, ...rest }) => rest);
  };
  const toggle = (cell: Cell, on: boolean) => {
    const cells = new Set(draft.cells);
    if (on) cells.add(cell);
    else cells.delete(cell);
    change("cells", "grid", cells);
  };

  const focusFirst = (problems: Problems) => {
    const first = FIELDS.find((field) => problems[field]);
    if (first === "grid") document.getElementById(`${id}-cell-${CATEGORIES[0]}-${PURPOSES[0]}`)?.focus();
    else if (first === "method") document.getElementById(`${id}-method-${METHODS[0]}`)?.focus();
    else if (first === "relation") document.getElementById(`${id}-relation-${RELATIONS[0]}`)?.focus();
    else if (first) inputs.current[first]?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    setWhole(undefined);
    const problems = consentProblems(draft, t);
    if (Object.keys(problems).length > 0) return focusFirst(problems);
    setSaving(true);
    let recorded = 0;
    let left = draft.cells;
    try {
      for (const grant of grantsOf(draft)) {
        onRecorded(await recordConsent(api, clientId, grant));
        recorded += 1;
        // What is recorded leaves the grid, so that trying again does not record it twice.
        left = new Set([...left].filter((cell) => !grant.purposes.some((p) => grant.categories.some((c) => cellOf(c, p) === cell))));
      }
      onDone(recorded);
    } catch (error) {
      setDraft((current) => ({ ...current, cells: left }));
      const refusal = consentRefusal(error, t);
      setRefused(refusal.fields);
      setWhole(
        recorded > 0 && refusal.whole ? `${t("consentForm.partly", { count: recorded })} ${refusal.whole}` : refusal.whole,
      );
      focusFirst(refusal.fields);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form noValidate onSubmit={(event) => void submit(event)} className="consent-form" aria-labelledby={`${id}-title`}>
      <Heading variant="h3" id={`${id}-title`} mb="xs">
        {t("consentForm.title")}
      </Heading>
      <Paragraph mb="m">{t("consentForm.intro")}</Paragraph>
      <TextInput
        ref={(element) => void (inputs.current.organisation = element)}
        labelText={t("consentForm.organisation")}
        hintText={t("consentForm.organisationHint")}
        value={draft.organisation}
        onChange={(value) => change("organisation", "organisation", String(value ?? ""))}
        status={status("organisation")}
        statusText={shown("organisation")}
        autoComplete="off"
        spellCheck={false}
        autoFocus
        mb="m"
      />
      <TextInput
        ref={(element) => void (inputs.current.professionals = element)}
        labelText={t("consentForm.professionals")}
        hintText={t("consentForm.professionalsHint")}
        optionalText={t("consentForm.optional")}
        value={draft.professionals}
        onChange={(value) => change("professionals", "professionals", String(value ?? ""))}
        status={status("professionals")}
        statusText={shown("professionals")}
        autoComplete="off"
        spellCheck={false}
        mb="m"
      />
      <fieldset className="consent-grid" aria-describedby={shown("grid") ? `${id}-grid-status` : `${id}-grid-hint`}>
        <legend>
          <Text variant="bold">{t("consentForm.grid")}</Text>
        </legend>
        <Paragraph id={`${id}-grid-hint`} mb="xs">
          {t("consentForm.gridHint")}
        </Paragraph>
        <div className="consent-grid-rows">
          {CATEGORIES.map((category) => (
            <CheckboxGroup key={category} labelText={t(`client.category.${category}`)} className="consent-grid-row">
              {PURPOSES.map((purpose) => (
                <Checkbox
                  key={purpose}
                  id={`${id}-cell-${category}-${purpose}`}
                  variant="small"
                  checked={draft.cells.has(cellOf(category, purpose))}
                  onClick={({ checkboxState }) => toggle(cellOf(category, purpose), checkboxState)}
                  status={status("grid")}
                >
                  {t(`client.purpose.${purpose}`)}
                </Checkbox>
              ))}
            </CheckboxGroup>
          ))}
        </div>
        <StatusText id={`${id}-grid-status`} status={status("grid")} ariaLiveMode="off">
          {shown("grid")}
        </StatusText>
      </fieldset>
        <DateInput
          ref={(element) => void (inputs.current.from = element)}
          labelText={t("consentForm.from")}
          hintText={t("consentForm.fromHint")}
          optionalText={t("consentForm.optional")}
          value={draft.from}
          onChange={({ value }) => change("from", "from", value)}
          status={status("from")}
          statusText={shown("from")}
          mb="m"
        />
        <DateInput
          ref={(element) => void (inputs.current.until = element)}
          labelText={t("consentForm.until")}
          hintText={t("consentForm.untilHint")}
          optionalText={t("consentForm.optional")}
          value={draft.until}
          onChange={({ value }) => change("until", "until", value)}
          status={status("until")}
          statusText={shown("until")}
          mb="m"
        />
      <RadioButtonGroup
        labelText={t("consentForm.method")}
        name={`${id}-method`}
        value={draft.method}
        onChange={(value) => change("method", "method", value as Method)}
        groupStatus={status("method")}
        groupStatusText={shown("method")}
        mb="m"
      >
        {METHODS.map((method) => (
          <RadioButton key={method} value={method} id={`${id}-method-${method}`}>
            {t(`consentForm.methods.${method}`)}
          </RadioButton>
        ))}
      </RadioButtonGroup>
      <RadioButtonGroup
        labelText={t("consentForm.givenBy")}
        name={`${id}-kind`}
        value={draft.kind}
        onChange={(value) => {
          const kind = value as GiverKind;
          setDraft((current) => ({ ...current, kind, relation: kind === "client" ? "" : current.relation }));
          setRefused(({ relation: _, ...rest }) => rest);
        }}
        mb="m"
      >
        {GIVER_KINDS.map((kind) => (
          <RadioButton key={kind} value={kind} id={`${id}-kind-${kind}`}>
            {t(`consentForm.givenByKinds.${kind}`)}
          </RadioButton>
        ))}
      </RadioButtonGroup>
      {draft.kind === "legal_representative" && (
        <RadioButtonGroup
          labelText={t("consentForm.relation")}
          name={`${id}-relation`}
          value={draft.relation}
          onChange={(value) => change("relation", "relation", value as Relation)}
          groupStatus={status("relation")}
          groupStatusText={shown("relation")}
          mb="m"
        >
          {RELATIONS.map((relation) => (
            <RadioButton key={relation} value={relation} id={`${id}-relation-${relation}`}>
              {t(`consentForm.relations.${relation}`)}
            </RadioButton>
          ))}
        </RadioButtonGroup>
      )}
      {whole && (
        <InlineAlert status="error" role="alert" className="consent-form-refusal">
          {whole}
        </InlineAlert>
      )}
      <div className="consent-form-actions">
        <Button type="submit" disabled={saving}>
          {saving ? t("consentForm.saving") : t("consentForm.save")}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t("consentForm.cancel")}
        </Button>
      </div>
    </form>
  );
}
