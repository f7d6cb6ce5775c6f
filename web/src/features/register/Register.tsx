import type { TFunction } from "i18next";
import { useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link as RouterDomLink, useLocation } from "react-router-dom";
import {
  Block,
  Button,
  Heading,
  InlineAlert,
  Paragraph,
  RadioButton,
  RadioButtonGroup,
  RouterLink,
  TextInput,
  Toast,
} from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import { useSession } from "../../lib/session";
import { registerClient, type Registration } from "./api";
import { KEY_WORKER_ROLES, MakeTeam, type KeyWorkerRole } from "./MakeTeam";
import { compactHetu, hetuProblem, mayBecomeHetu } from "./hetu";

const LANGUAGES = ["fi", "sv", "en"] as const;
type Field = "name" | "personal_identity_code" | "preferred_language" | "municipality" | "email" | "phone" | "key_worker_role";
const FIELDS: Field[] = ["name", "personal_identity_code", "preferred_language", "municipality", "email", "phone", "key_worker_role"];
type Form = Record<Field, string>;
type Problems = Partial<Record<Field, string>>;

const EMPTY: Form = { name: "", personal_identity_code: "", preferred_language: "", municipality: "", email: "", phone: "", key_worker_role: "" };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What is wrong with each field, in the user's language; the identity code is never repeated. */
function problemsOf(form: Form, t: TFunction, typing: Field | undefined): Problems {
  const problems: Problems = {};
  if (!form.name.trim()) problems.name = t("register.errors.name");
  const hetu = hetuProblem(form.personal_identity_code);
  if (hetu && !(typing === "personal_identity_code" && mayBecomeHetu(form.personal_identity_code))) {
    problems.personal_identity_code = t(`register.errors.hetu.${hetu}`);
  }
  if (!form.preferred_language) problems.preferred_language = t("register.errors.language");
  if (!/^\d{3}$/.test(form.municipality.trim())) problems.municipality = t("register.errors.municipality");
  if (form.email.trim() && !EMAIL.test(form.email.trim())) problems.email = t("register.errors.email");
  if (form.phone.trim().length > 30) problems.phone = t("register.errors.phone");
  if (!KEY_WORKER_ROLES.includes(form.key_worker_role as KeyWorkerRole)) problems.key_worker_role = t("register.team.roleMissing");
  return problems;
}

/** The API's 400, field by field, in the user's language (its own words are English). */
function refusedFields(errors: Record<string, unknown> | undefined, t: TFunction): Problems | undefined {
  if (!errors) return undefined;
  const contact = (errors.contact ?? {}) as Record<string, unknown>;
  const named: Problems = {};
  if (errors.name) named.name = t("register.errors.name");
  if (errors.personal_identity_code) named.personal_identity_code = t("register.errors.hetu.refused");
  if (errors.preferred_language) named.preferred_language = t("register.errors.language");
  if (errors.municipality) named.municipality = t("register.errors.municipality");
  if (contact.email) named.email = t("register.errors.email");
  if (contact.phone) named.phone = t("register.errors.phone");
  return Object.keys(named).length > 0 ? named : undefined;
}

/**
 * Register a client and make their team with the registrar as key worker: the identity code checked as
 * typed, never shown back; the form kept on any refusal; once the client is saved only their id is kept.
 */
export function Register() {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const session = useSession();
  const [form, setForm] = useState<Form>(EMPTY);
  const [registered, setRegistered] = useState<string>();
  const [touched, setTouched] = useState<Set<Field>>(new Set());
  const [typing, setTyping] = useState<Field>();
  const [refused, setRefused] = useState<Problems>({});
  const [failure, setFailure] = useState<string>();
  const [saving, setSaving] = useState(false);
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});

  const checked = problemsOf(form, t, typing);
  const shown = (field: Field) => refused[field] ?? (touched.has(field) ? checked[field] : undefined);

  const change = (field: Field) => (value: unknown) => {
    setForm((current) => ({ ...current, [field]: String(value ?? "") }));
    setTyping(field);
    setRefused(({ [field]: _, ...rest }) => rest);
    // The code is checked as it is typed: once it has a character, its message follows every keystroke.
    if (field === "personal_identity_code") setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));
  };
  const leave = (field: Field) => () => {
    setTyping(undefined);
    setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));
  };
  const focusFirst = (problems: Problems) => {
    const first = FIELDS.find((field) => problems[field]);
    if (first === "preferred_language") document.getElementById("register-language-fi")?.focus();
    else if (first === "key_worker_role") document.getElementById(`register-role-${KEY_WORKER_ROLES[0]}`)?.focus();
    else if (first) inputs.current[first]?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTyping(undefined);
    setTouched(new Set(FIELDS));
    setFailure(undefined);
    const problems = problemsOf(form, t, undefined);
    if (Object.keys(problems).length > 0) {
      focusFirst(problems);
      return;
    }
    const contact = {
      ...(form.email.trim() ? { email: form.email.trim() } : {}),
      ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
    };
    const registration: Registration = {
      name: form.name.trim(),
      personal_identity_code: compactHetu(form.personal_identity_code),
      preferred_language: form.preferred_language as Registration["preferred_language"],
      municipality: form.municipality.trim(),
      ...(Object.keys(contact).length > 0 ? { contact } : {}),
    };
    setSaving(true);
    try {
      const client = await registerClient(api, registration);
      // The form, and the code in it, go now; the team is made for the client's id alone.
      setForm({ ...EMPTY, key_worker_role: form.key_worker_role });
      setRegistered(client.id);
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      const fields = status === 400 ? refusedFields(error instanceof ApiError ? error.problem?.errors : undefined, t) : undefined;
      if (fields) {
        setRefused(fields);
        focusFirst(fields);
      } else if (status === 409) {
        const duplicate = { personal_identity_code: t("register.errors.hetu.duplicate") };
        setRefused(duplicate);
        focusFirst(duplicate);
      } else if (status === 403) setFailure(t("register.refused.forbidden"));
      else if (status === 400) setFailure(t("register.refused.invalid"));
      else setFailure(keyReusedText(error, t) ?? t("register.refused.failed"));
    } finally {
      setSaving(false);
    }
  };

  if (registered) {
    const role = (KEY_WORKER_ROLES as readonly string[]).includes(form.key_worker_role) ? form.key_worker_role : KEY_WORKER_ROLES[0];
    return <MakeTeam clientId={registered} role={role as KeyWorkerRole} name={session.identity?.name || session.identity?.subject || ""} />;
  }
  const status = (field: Field) => (shown(field) ? "error" : "default");
  return (
    <Block variant="section" className="register">
      <Heading variant="h1" mb="s">
        {t("register.title")}
      </Heading>
      <Paragraph mb="m">{t("register.intro")}</Paragraph>
      <form noValidate onSubmit={(event) => void submit(event)}>
        <TextInput
          ref={(element) => void (inputs.current.name = element)}
          labelText={t("register.name")}
          value={form.name}
          onChange={change("name")}
          onBlur={leave("name")}
          status={status("name")}
          statusText={shown("name")}
          autoComplete="off"
          fullWidth
          mb="m"
        />
        <TextInput
          ref={(element) => void (inputs.current.personal_identity_code = element)}
          labelText={t("register.hetu")}
          hintText={t("register.hetuHint")}
          value={form.personal_identity_code}
          onChange={change("personal_identity_code")}
          onBlur={leave("personal_identity_code")}
          status={status("personal_identity_code")}
          statusText={shown("personal_identity_code")}
          autoComplete="off"
          spellCheck={false}
          mb="m"
        />
        <RadioButtonGroup
          labelText={t("register.language")}
          name="preferred_language"
          value={form.preferred_language}
          onChange={change("preferred_language")}
          groupStatus={status("preferred_language")}
          groupStatusText={shown("preferred_language")}
          mb="m"
        >
          {LANGUAGES.map((language) => (
            <RadioButton key={language} value={language} id={`register-language-${language}`}>
              {t(`register.languages.${language}`)}
            </RadioButton>
          ))}
        </RadioButtonGroup>
        <TextInput
          ref={(element) => void (inputs.current.municipality = element)}
          labelText={t("register.municipality")}
          hintText={t("register.municipalityHint")}
          value={form.municipality}
          onChange={change("municipality")}
          onBlur={leave("municipality")}
          status={status("municipality")}
          statusText={shown("municipality")}
          inputMode="numeric"
          mb="m"
        />
        <TextInput
          ref={(element) => void (inputs.current.email = element)}
          labelText={t("register.email")}
          optionalText={t("register.optional")}
          type="email"
          value={form.email}
          onChange={change("email")}
          onBlur={leave("email")}
          status={status("email")}
          statusText={shown("email")}
          autoComplete="off"
          fullWidth
          mb="m"
        />
        <TextInput
          ref={(element) => void (inputs.current.phone = element)}
          labelText={t("register.phone")}
          optionalText={t("register.optional")}
          type="tel"
          value={form.phone}
          onChange={change("phone")}
          onBlur={leave("phone")}
          status={status("phone")}
          statusText={shown("phone")}
          autoComplete="off"
          mb="m"
        />
        <RadioButtonGroup
          labelText={t("register.team.role")}
          groupHintText={t("register.team.roleHint")}
          name="key_worker_role"
          value={form.key_worker_role}
          onChange={change("key_worker_role")}
          groupStatus={status("key_worker_role")}
          groupStatusText={shown("key_worker_role")}
          mb="m"
        >
          {KEY_WORKER_ROLES.map((role) => (
            <RadioButton key={role} value={role} id={`register-role-${role}`}>
              {t(`client.role.${role}`)}
            </RadioButton>
          ))}
        </RadioButtonGroup>
        {failure && (
          <InlineAlert status="error" role="alert" className="register-failure">
            {failure}
          </InlineAlert>
        )}
        <Button type="submit" disabled={saving}>
          {saving ? t("register.saving") : t("register.save")}
        </Button>
      </form>
    </Block>
  );
}

/** Said on the screen a registration leads to, once: the client is saved and their code will not be shown. */
export function RegisteredNotice() {
  const { t } = useTranslation();
  const location = useLocation();
  const registered = (location.state as { registered?: unknown } | null)?.registered;
  if (typeof registered !== "string") return null;
  const page = `/app/clients/${registered}`;
  return (
    <Toast className="register-saved" aria-live="polite">
      <Paragraph mb="xs">{t("register.saved")}</Paragraph>
      {location.pathname !== page && (
        <RouterLink asComponent={RouterDomLink} to={page}>
          {t("register.toClient")}
        </RouterLink>
      )}
    </Toast>
  );
}
