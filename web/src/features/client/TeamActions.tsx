import type { TFunction } from "i18next";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import {
  Button,
  Dropdown,
  DropdownItem,
  Heading,
  InlineAlert,
  Paragraph,
  RadioButton,
  RadioButtonGroup,
  Textarea,
} from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import {
  changeTeamStatus,
  handOver,
  isKeyWorkerRole,
  KEY_WORKER_ROLES,
  refusedField,
  removeMember,
  TEAM_TRANSITIONS,
  type KeyWorkerRole,
  type MemberOut,
  type NextTeamState,
  type TeamOut,
} from "./teamApi";

export type TeamAction = "add" | "remove" | "handOver" | "status";

/** Why the API refused a change to the team, in the user's language; a 409 names what is allowed now. */
export function teamRefusal(error: unknown, t: TFunction, action: TeamAction): string {
  const status = error instanceof ApiError ? error.status : 0;
  const problem = error instanceof ApiError ? error.problem : undefined;
  if (status === 403) return t("team.refused.forbidden");
  if (status === 404) return t("team.refused.notFound");
  if (status === 409) {
    if (problem?.current_state === "closed") return t("team.refused.closed");
    if (action === "remove" && problem?.current_state === "key_worker") return t("team.refused.removeKeyWorker");
    if (action === "remove" && problem?.current_state === "removed") return t("team.refused.removedAlready");
    if (action === "add" && problem?.current_state === "member") return t("team.refused.memberAlready");
    if (action === "handOver" && problem?.current_state === "key_worker") return t("team.refused.keyWorkerAlready");
    if (action === "status") {
      const allowed = (problem?.allowed ?? []).filter((s): s is NextTeamState => ["active", "suspended", "closed"].includes(s));
      return allowed.length > 0
        ? t("team.refused.statusAllowed", { allowed: allowed.map((s) => t(`team.status.word.${s}`)).join(", ") })
        : t("team.refused.statusNone");
    }
    return t("team.refused.conflict");
  }
  if (status === 400) return refusedField(error, "reason") ? t("team.refused.reason") : t("team.refused.invalid");
  return keyReusedText(error, t) ?? t("team.refused.failed");
}

interface ReasonActionProps {
  /** The button's words, also the submit button's. */
  label: string;
  /** Whom or what the action is about, for the button's accessible name and the reason's label. */
  about: string;
  action: TeamAction;
  act: (reason: string) => Promise<void>;
}

/** A button that opens a required reason beside it; on a refusal the reason is kept and the refusal shown there. */
export function ReasonAction({ label, about, action, act }: ReasonActionProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const opener = useRef<HTMLButtonElement>(null);
  const field = useRef<HTMLTextAreaElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() === "") {
      setMissing(true);
      field.current?.focus();
      return;
    }
    setBusy(true);
    setRefusal(undefined);
    try {
      await act(reason.trim());
    } catch (error) {
      setRefusal(teamRefusal(error, t, action));
      setBusy(false);
    }
  };
  const close = () => {
    setOpen(false);
    setRefusal(undefined);
    setTimeout(() => opener.current?.focus());
  };

  if (!open) {
    return (
      <Button ref={opener} variant="secondary" aria-label={`${label}: ${about}`} onClick={() => setOpen(true)} mb="s">
        {label}
      </Button>
    );
  }
  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="team-reason">
      <Textarea
        ref={field}
        labelText={t("team.reason", { action: label, about })}
        value={reason}
        onChange={(event) => {
          setReason(event.target.value);
          setMissing(false);
        }}
        status={missing ? "error" : "default"}
        statusText={missing ? t("team.reasonMissing") : ""}
        maxLength={1000}
        autoFocus
        mb="xs"
      />
      <Button type="submit" disabled={busy} mb="xs">
        {label}
      </Button>{" "}
      <Button variant="secondary" onClick={close} mb="xs">
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

type RemoveField = "member" | "reason";

/** Removing a member (never the key worker, who leaves only by a handover), for a reason. */
export function RemoveMember({ team, nameOf, onRemoved }: { team: TeamOut; nameOf: (member: MemberOut) => string; onRemoved: (name: string) => Promise<void> }) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const removable = team.members.filter((member) => member.status !== "removed" && member.id !== team.key_worker.member_id);
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<Partial<Record<RemoveField, string>>>({});
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const opener = useRef<HTMLButtonElement>(null);
  const memberField = useRef<HTMLButtonElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  // The button is gone once the form is open: focus goes into the form, at its first field.
  useEffect(() => {
    if (open) memberField.current?.focus();
  }, [open]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setRefusal(undefined);
    const member = removable.find((m) => m.id === chosen);
    const found: Partial<Record<RemoveField, string>> = {};
    if (!member) found.member = t("team.removeForm.memberMissing");
    if (!reason.trim()) found.reason = t("team.reasonMissing");
    setProblems(found);
    if (found.member) return memberField.current?.focus();
    if (!member || found.reason) return reasonField.current?.focus();
    setBusy(true);
    try {
      await removeMember(api, team.id, member.id, reason.trim());
      setChosen(null);
      setReason("");
      setOpen(false);
      setBusy(false);
      await onRemoved(nameOf(member));
    } catch (error) {
      if (refusedField(error, "reason")) {
        setProblems({ reason: t("team.refused.reason") });
        reasonField.current?.focus();
      } else setRefusal(teamRefusal(error, t, "remove"));
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <Button ref={opener} variant="secondary" onClick={() => setOpen(true)} disabled={removable.length === 0} mb="s">
        {t("team.removeForm.open")}
      </Button>
    );
  }
  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="team-form" aria-labelledby="team-remove-title">
      <Heading variant="h4" id="team-remove-title" mb="xs">
        {t("team.removeForm.title")}
      </Heading>
      <Dropdown
        ref={memberField}
        labelText={t("team.removeForm.member")}
        visualPlaceholder={t("team.choose")}
        value={chosen}
        onChange={(value: string) => {
          setChosen(value);
          setProblems(({ member: _, ...rest }) => rest);
        }}
        status={problems.member ? "error" : "default"}
        statusText={problems.member}
        mb="m"
      >
        {removable.map((member) => (
          <DropdownItem key={member.id} value={member.id}>
            {nameOf(member)}
          </DropdownItem>
        ))}
      </Dropdown>
      <Textarea
        ref={reasonField}
        labelText={t("team.removeForm.reason")}
        value={reason}
        onChange={(event) => {
          setReason(event.target.value);
          setProblems(({ reason: _, ...rest }) => rest);
        }}
        status={problems.reason ? "error" : "default"}
        statusText={problems.reason ?? ""}
        maxLength={1000}
        mb="xs"
      />
      <Button type="submit" disabled={busy} mb="xs">
        {t("team.removeForm.submit")}
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

/** The status changes the rules allow from the team's status now, each for a reason. */
export function StatusActions({ team, onChanged }: { team: TeamOut; onChanged: (status: NextTeamState) => Promise<void> }) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const next = TEAM_TRANSITIONS[team.status];
  if (next.length === 0) return <Paragraph mb="s">{t("team.status.final")}</Paragraph>;
  return (
    <div className="team-status-actions">
      {next.map((status) => (
        <ReasonAction
          key={`${team.status}-${status}`}
          label={t(`team.status.to.${status}`)}
          about={t("team.status.theTeam")}
          action="status"
          act={async (reason) => {
            await changeTeamStatus(api, team.id, status, reason);
            await onChanged(status);
          }}
        />
      ))}
    </div>
  );
}

/** Professionals of the team's own organisation who may take over: open members other than the key worker. */
export function successorsOf(team: TeamOut): MemberOut[] {
  return team.members.filter(
    (member) =>
      member.kind === "professional" &&
      member.status !== "removed" &&
      member.professional_id !== null &&
      member.organisation === team.organisation &&
      member.id !== team.key_worker.member_id,
  );
}

type HandOverField = "to" | "role" | "reason";

/** Handing the key worker's role to another social welfare professional of the team, for a reason. */
export function HandOver({ team, nameOf, onHandedOver }: { team: TeamOut; nameOf: (member: MemberOut) => string; onHandedOver: () => Promise<void> }) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const successors = successorsOf(team);
  const [open, setOpen] = useState(false);
  const [to, setTo] = useState<string | null>(null);
  const [role, setRole] = useState<KeyWorkerRole | "">("");
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<Partial<Record<HandOverField, string>>>({});
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const opener = useRef<HTMLButtonElement>(null);
  const toField = useRef<HTMLButtonElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  // The button is gone once the form is open: focus goes into the form, at its first field (or its
  // cancel button, when nobody may take over).
  useEffect(() => {
    if (open) (toField.current ?? cancelButton.current)?.focus();
  }, [open]);

  const focusFirst = (found: Partial<Record<HandOverField, string>>) => {
    if (found.to) toField.current?.focus();
    else if (found.role) document.getElementById(`team-handover-role-${KEY_WORKER_ROLES[0]}`)?.focus();
    else if (found.reason) reasonField.current?.focus();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setRefusal(undefined);
    const member = successors.find((m) => m.id === to);
    const found: Partial<Record<HandOverField, string>> = {};
    if (!member) found.to = t("team.handOver.toMissing");
    if (!role) found.role = t("team.handOver.roleMissing");
    if (!reason.trim()) found.reason = t("team.reasonMissing");
    setProblems(found);
    if (!member || !role || Object.keys(found).length > 0) return focusFirst(found);
    setBusy(true);
    try {
      await handOver(
        api,
        team.id,
        { professional_id: member.professional_id!, name: member.name ?? member.professional_id!, organisation: team.organisation, role },
        reason.trim(),
      );
      await onHandedOver();
    } catch (error) {
      const fields: Partial<Record<HandOverField, string>> = {};
      if (refusedField(error, "to", "role")) fields.role = t("team.handOver.roleRefused");
      if (refusedField(error, "reason")) fields.reason = t("team.refused.reason");
      if (Object.keys(fields).length > 0) {
        setProblems(fields);
        focusFirst(fields);
      } else setRefusal(teamRefusal(error, t, "handOver"));
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <Button ref={opener} variant="secondary" onClick={() => setOpen(true)} mb="s">
        {t("team.handOver.open")}
      </Button>
    );
  }
  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="team-form" aria-labelledby="team-handover-title">
      <Heading variant="h4" id="team-handover-title" mb="xs">
        {t("team.handOver.title")}
      </Heading>
      {successors.length === 0 ? (
        <Paragraph mb="s">{t("team.handOver.noneEligible", { organisation: team.organisation })}</Paragraph>
      ) : (
        <>
          <Paragraph mb="s">{t("team.handOver.intro")}</Paragraph>
          <Dropdown
            ref={toField}
            labelText={t("team.handOver.to")}
            visualPlaceholder={t("team.choose")}
            value={to}
            onChange={(value: string) => {
              setTo(value);
              const chosen = successors.find((m) => m.id === value);
              if (chosen && isKeyWorkerRole(chosen.role)) setRole(chosen.role);
              setProblems(({ to: _, ...rest }) => rest);
            }}
            status={problems.to ? "error" : "default"}
            statusText={problems.to}
            mb="m"
          >
            {successors.map((member) => (
              <DropdownItem key={member.id} value={member.id}>
                {nameOf(member)}
              </DropdownItem>
            ))}
          </Dropdown>
          <RadioButtonGroup
            labelText={t("team.handOver.role")}
            name="team-handover-role"
            value={role}
            onChange={(value) => {
              setRole(value as KeyWorkerRole);
              setProblems(({ role: _, ...rest }) => rest);
            }}
            groupStatus={problems.role ? "error" : "default"}
            groupStatusText={problems.role}
            mb="m"
          >
            {KEY_WORKER_ROLES.map((keyWorkerRole) => (
              <RadioButton key={keyWorkerRole} value={keyWorkerRole} id={`team-handover-role-${keyWorkerRole}`}>
                {t(`client.role.${keyWorkerRole}`)}
              </RadioButton>
            ))}
          </RadioButtonGroup>
          <Textarea
            ref={reasonField}
            labelText={t("team.handOver.reason")}
            value={reason}
            onChange={(event) => {
              setReason(event.target.value);
              setProblems(({ reason: _, ...rest }) => rest);
            }}
            status={problems.reason ? "error" : "default"}
            statusText={problems.reason ?? ""}
            maxLength={1000}
            mb="xs"
          />
          <Button type="submit" disabled={busy} mb="xs">
            {t("team.handOver.submit")}
          </Button>{" "}
        </>
      )}
      <Button
        ref={cancelButton}
        variant="secondary"
        onClick={() => {
          setOpen(false);
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

/** A titled group of the key worker's tools. */
export function TeamTools({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="team-tools" role="group" aria-label={title}>
      <Heading variant="h3" mb="xs">
        {title}
      </Heading>
      {children}
    </div>
  );
}
