import type { TFunction } from "i18next";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Expander, ExpanderContent, ExpanderTitleButton, Heading, InlineAlert, Paragraph, Text } from "suomifi-ui-components";
import { useApi } from "../../lib/api";
import { useSession } from "../../lib/session";
import { AddMember } from "./AddMember";
import { membersByStatus, SHOWN_STATUSES, type Member } from "./api";
import { HandOver, RemoveMember, StatusActions, TeamTools } from "./TeamActions";
import { getTeam, type TeamOut } from "./teamApi";
import "./Team.css";

function dateOf(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium" }).format(new Date(iso));
}

/** Who a member is to the client: a professional's role and organisation, a close one's relation. */
function describe(member: Member, t: TFunction): string {
  if (member.kind === "professional") {
    const role = member.role ? t(`client.role.${member.role}`) : t("client.kind.professional");
    return member.organisation ? `${role}, ${member.organisation}` : role;
  }
  if (member.kind === "client") return t("client.kind.client");
  return member.relation ? t(`client.relation.${member.relation}`) : t("client.kind.closeOne");
}

function nameOf(member: Member, t: TFunction): string {
  return member.name ?? member.professional_id ?? t("client.unnamed");
}

/**
 * The client's team: members by status, the key worker and earlier ones. The key worker also adds and
 * removes members, hands the role over and changes the team's status; after each change the team is
 * shown as the API now has it.
 */
export function Team({ clientId, team: loaded, onChanged }: { clientId: string; team: TeamOut; onChanged?: (team: TeamOut) => void }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const session = useSession();
  const [team, setTeam] = useState(loaded);
  const [said, setSaid] = useState("");
  const [stale, setStale] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => setTeam(loaded), [loaded]);

  const isKeyWorker = session.identity?.subject === team.key_worker.professional_id;
  const groups = membersByStatus(team.members);
  const keyWorker = team.members.find((member) => member.id === team.key_worker.member_id);
  const handovers = team.key_worker_history.filter((period) => period.ended_at !== null);
  const open = team.status !== "closed";

  /** After a change: the team as the API has it now, and a word of what happened. */
  const changed = async (message: string) => {
    try {
      const now = await getTeam(api, clientId);
      setTeam(now);
      setStale(false);
      onChanged?.(now);
    } catch {
      setStale(true);
    }
    setSaid(message);
    heading.current?.focus();
  };
  const members = (list: Member[], label: string) => (
    <ul className="client-list" aria-label={label}>
      {list.map((member) => (
        <li key={member.id}>
          <Text variant="bold">{nameOf(member, t)}</Text>
          <Text>{` — ${describe(member, t)}`}</Text>
        </li>
      ))}
    </ul>
  );

  return (
    <section aria-labelledby="client-team">
      <Heading variant="h2" id="client-team" mb="s" ref={heading} tabIndex={-1}>
        {t("client.team.title")}
      </Heading>
      <div role="status" className="team-said">
        {said && <Paragraph mb="s">{said}</Paragraph>}
        {stale && <InlineAlert status="warning">{t("team.said.stale")}</InlineAlert>}
      </div>
      <Paragraph mb="s">
        {t("client.team.status", { status: t(`clients.teamStatus.${team.status}`), organisation: team.organisation })}
      </Paragraph>
      <Heading variant="h3" mb="xs">
        {t("client.team.keyWorker")}
      </Heading>
      <Paragraph mb="s">
        {t("client.team.keyWorkerSince", {
          name: keyWorker ? nameOf(keyWorker, t) : team.key_worker.professional_id,
          date: dateOf(team.key_worker.started_at, i18n.language),
        })}
      </Paragraph>
      {handovers.length > 0 && (
        <>
          <Heading variant="h3" mb="xs">
            {t("client.team.handovers")}
          </Heading>
          <ul className="client-list" aria-label={t("client.team.handovers")}>
            {handovers.map((period) => (
              <li key={`${period.member_id}-${period.started_at}`}>
                <Text>
                  {t("client.team.handover", {
                    professional: period.professional_id,
                    from: dateOf(period.started_at, i18n.language),
                    to: dateOf(period.ended_at!, i18n.language),
                  })}
                </Text>
                {period.handover_reason && <Text>{` — ${period.handover_reason}`}</Text>}
              </li>
            ))}
          </ul>
        </>
      )}
      {SHOWN_STATUSES.map((status) => (
        <div key={status}>
          <Heading variant="h3" mb="xs">
            {t(`client.members.${status}`)}
          </Heading>
          {groups[status].length === 0 ? (
            <Paragraph mb="s">{t("client.members.none")}</Paragraph>
          ) : (
            members(groups[status], t(`client.members.${status}`))
          )}
        </div>
      ))}
      {groups.removed.length > 0 && (
        <Expander className="client-removed">
          <ExpanderTitleButton asHeading="h3">
            {t("client.members.removedCount", { count: groups.removed.length })}
          </ExpanderTitleButton>
          <ExpanderContent>{members(groups.removed, t("client.members.removed"))}</ExpanderContent>
        </Expander>
      )}
      {isKeyWorker && (
        <TeamTools title={t("team.tools")}>
          {open && (
            <>
              <AddMember
                team={team}
                onAdded={(member) =>
                  changed(t(`team.said.added.${member.status}`, { name: nameOf(member, t) }))
                }
              />
              <RemoveMember
                team={team}
                nameOf={(member) => nameOf(member, t)}
                onRemoved={(name) => changed(t("team.said.removed", { name }))}
              />
              <HandOver team={team} nameOf={(member) => nameOf(member, t)} onHandedOver={() => changed(t("team.said.handedOver"))} />
            </>
          )}
          <StatusActions
            team={team}
            onChanged={(status) => changed(t("team.said.status", { status: t(`clients.teamStatus.${status}`) }))}
          />
        </TeamTools>
      )}
    </section>
  );
}
