import type { TFunction } from "i18next";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Button, Dropdown, DropdownItem, Heading, InlineAlert, Paragraph, RadioButton, RadioButtonGroup, TextInput } from "suomifi-ui-components";
import { useSubmissionApi } from "../../lib/idempotency";
import { teamRefusal } from "./TeamActions";
import { addMember, EMAIL, IDENTIFIER, PHONE, refusedField, RELATIONS, ROLES, type MemberOut, type NewMember, type TeamOut } from "./teamApi";

type Kind = "professional" | "close_one";
type Field = "name" | "professional_id" | "organisation" | "role" | "relation" | "email" | "phone";
const ORDER: Field[] = ["name", "professional_id", "organisation", "role", "relation", "email", "phone"];
export type MemberForm = Record<Field, string> & { kind: Kind };
type Problems = Partial<Record<Field, string>>;

const EMPTY: MemberForm = { kind: "professional", name: "", professional_id: "", organisation: "", role: "", relation: "", email: "", phone: "" };

/** What is wrong with the new member, in the user's language, by the team service's rules. */
export function memberProblems(form: MemberForm, t: TFunction): Problems {
  const problems: Problems = {};
  if (!form.name.trim()) problems.name = t("team.add.errors.name");
  else if (form.name.trim().length > 200) problems.name = t("team.add.errors.nameLong");
  if (form.kind === "professional") {
    if (!IDENTIFIER.test(form.professional_id.trim())) problems.professional_id = t("team.add.errors.professionalId");
    if (!IDENTIFIER.test(form.organisation.trim())) problems.organisation = t("team.add.errors.organisation");
    if (!form.role) problems.role = t("team.add.errors.role");
  } else {
    if (!form.relation) problems.relation = t("team.add.errors.relation");
    if (form.email.trim() && !EMAIL.test(form.email.trim())) problems.email = t("team.add.errors.email");
    if (form.phone.trim() && !PHONE.test(form.phone.trim())) problems.phone = t("team.add.errors.phone");
  }
  return problems;
}

/** The body of POST /teams/{id}/members for this form. */
export function memberOf(form: MemberForm): NewMember {
  if (form.kind === "professional") {
    return {
      kind: "professional",
      professional: {
        name: form.name.trim(),
        professional_id: form.professional_id.trim(),
        organisation: form.organisation.trim(),
        role: form.role,
      },
    };
  }
  const contact = {
    ...(form.email.trim() ? { email: form.email.trim() } : {}),
    ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
  };
  return {
    kind: "close_one",
    name: form.name.trim(),
    relation: form.relation,
    ...(Object.keys(contact).length > 0 ? { contact } : {}),
  };
}

/** The API's 400, field by field, in the user's language. */
function refusedFields(error: unknown, form: MemberForm, t: TFunction): Problems {
  const found: Problems = {};
  const at = form.kind === "professional" ? ["professional"] : [];
  if (refusedField(error, ...at, "name")) found.name = t("team.add.errors.name");
  if (refusedField(error, "professional", "professional_id")) found.professional_id = t("team.add.errors.professionalId");
  if (refusedField(error, "professional", "organisation")) found.organisation = t("team.add.errors.organisation");
  if (refusedField(error, "professional", "role")) found.role = t("team.add.errors.role");
  if (refusedField(error, "relation")) found.relation = t("team.add.errors.relation");
  if (refusedField(error, "contact", "email")) found.email = t("team.add.errors.email");
  if (refusedField(error, "contact", "phone")) found.phone = t("team.add.errors.phone");
  return found;
}

/** The key worker adds a professional or a close one; nothing typed is lost on a refusal. */
export function AddMember({ team, onAdded }: { team: TeamOut; onAdded: (member: MemberOut) => Promise<void> }) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<MemberForm>(EMPTY);
  const [problems, setProblems] = useState<Problems>({});
  const [refusal, setRefusal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const fields = useRef<Partial<Record<Field, HTMLInputElement | HTMLButtonElement | null>>>({});

  // The button is gone once the form is open: focus goes into the form, at its first choice.
  useEffect(() => {
    if (open) document.querySelector<HTMLInputElement>('input[name="team-add-kind"]:checked')?.focus();
  }, [open]);

  const change = (field: Field | "kind") => (value: unknown) => {
    setForm((current) => ({ ...current, [field]: String(value ?? "") }));
    if (field !== "kind") setProblems(({ [field]: _, ...rest }) => rest);
    else setProblems({});
  };
  const focusFirst = (found: Problems) => {
    const first = ORDER.find((field) => found[field]);
    if (first) fields.current[first]?.focus();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setRefusal(undefined);
    const found = memberProblems(form, t);
    setProblems(found);
    if (Object.keys(found).length > 0) return focusFirst(found);
    setBusy(true);
    try {
      const member = await addMember(api, team.id, memberOf(form));
      setForm(EMPTY);
      setOpen(false);
      setBusy(false);
      await onAdded(member);
    } catch (error) {
      const named = refusedFields(error, form, t);
      if (Object.keys(named).length > 0) {
        setProblems(named);
        focusFirst(named);
      } else setRefusal(teamRefusal(error, t, "add"));
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <Button ref={opener} variant="secondary" onClick={() => setOpen(true)} mb="s">
        {t("team.add.open")}
      </Button>
    );
  }
  const status = (field: Field) => (problems[field] ? "error" : "default");
  const text = (field: Field, label: string, more: { optional?: boolean; hint?: string } = {}) => (
    <TextInput
      ref={(element) => void (fields.current[field] = element)}
      labelText={label}
      hintText={more.hint}
      optionalText={more.optional ? t("team.add.optional") : undefined}
      value={form[field]}
      onChange={change(field)}
      status={status(field)}
      statusText={problems[field]}
      autoComplete="off"
      mb="m"
    />
  );
  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="team-form" aria-labelledby="team-add-title">
      <Heading variant="h4" id="team-add-title" mb="xs">
        {t("team.add.title")}
      </Heading>
      <RadioButtonGroup labelText={t("team.add.kind")} name="team-add-kind" value={form.kind} onChange={change("kind")} mb="m">
        <RadioButton value="professional" id="team-add-kind-professional">
          {t("client.kind.professional")}
        </RadioButton>
        <RadioButton value="close_one" id="team-add-kind-close-one">
          {t("client.kind.closeOne")}
        </RadioButton>
      </RadioButtonGroup>
      {text("name", t("team.add.name"))}
      {form.kind === "professional" ? (
        <>
          {text("professional_id", t("team.add.professionalId"), { hint: t("team.add.professionalIdHint") })}
          {text("organisation", t("team.add.organisation"), { hint: t("team.add.organisationHint", { organisation: team.organisation }) })}
          <Dropdown
            ref={(element) => void (fields.current.role = element)}
            labelText={t("team.add.role")}
            visualPlaceholder={t("team.choose")}
            value={form.role || null}
            onChange={change("role")}
            status={status("role")}
            statusText={problems.role}
            mb="m"
          >
            {ROLES.map((role) => (
              <DropdownItem key={role} value={role}>
                {t(`client.role.${role}`)}
              </DropdownItem>
            ))}
          </Dropdown>
        </>
      ) : (
        <>
          <Dropdown
            ref={(element) => void (fields.current.relation = element)}
            labelText={t("team.add.relation")}
            visualPlaceholder={t("team.choose")}
            value={form.relation || null}
            onChange={change("relation")}
            status={status("relation")}
            statusText={problems.relation}
            mb="m"
          >
            {RELATIONS.map((relation) => (
              <DropdownItem key={relation} value={relation}>
                {t(`client.relation.${relation}`)}
              </DropdownItem>
            ))}
          </Dropdown>
          {text("email", t("team.add.email"), { optional: true })}
          {text("phone", t("team.add.phone"), { optional: true })}
        </>
      )}
      {form.kind === "professional" && <Paragraph mb="s">{t("team.add.consentNote")}</Paragraph>}
      <Button type="submit" disabled={busy} mb="xs">
        {t("team.add.submit")}
      </Button>{" "}
      <Button
        variant="secondary"
        onClick={() => {
          setOpen(false);
          setRefusal(undefined);
          setTimeout(() => opener.current?.focus());
        }}
        mb="xs"
      >
        {t("team.cancel")}
      </Button>
      {refusal && (
        <InlineAlert status="error" role="alert">
          {refusal}
        </InlineAlert>
      )}
    </form>
  );
}
