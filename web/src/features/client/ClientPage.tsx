import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link as RouterDomLink, useParams } from "react-router-dom";
import {
  Block,
  Button,
  Expander,
  ExpanderContent,
  ExpanderTitleButton,
  Heading,
  InlineAlert,
  LoadingSpinner,
  Paragraph,
  RouterLink,
  Text,
} from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { HOME, useSession } from "../../lib/session";
import { Consents } from "./Consents";
import { Referrals } from "./Referrals";
import { RevealCode } from "./RevealCode";
import { membersByStatus, SHOWN_STATUSES, useClientPage, type Client, type Member, type Team } from "./api";

/** The client's page, /app/clients/:clientId: who the client is and their team. */
export function ClientPage() {
  const { t } = useTranslation();
  const { clientId = "" } = useParams();
  const [loaded, reload] = useClientPage(clientId);
  const session = useSession();

  if (loaded.status === "loading") {
    return (
      <Block variant="section">
        <Heading variant="h1" mb="s">
          {t("client.title")}
        </Heading>
        <LoadingSpinner status="loading" text={t("client.loading")} textAlign="right" />
      </Block>
    );
  }
  if (loaded.status === "error") {
    const status = loaded.error instanceof ApiError ? loaded.error.status : 0;
    // Outside the team the API answers 403 or 404 alike: the page does not tell which.
    const refused = status === 403 || status === 404;
    return (
      <Block variant="section">
        <Heading variant="h1" mb="s">
          {refused ? t("client.refused.title") : t("client.title")}
        </Heading>
        {refused ? (
          <Paragraph mb="m">{t("client.refused.body")}</Paragraph>
        ) : (
          <InlineAlert status="error" role="alert">
            <Paragraph mb="s">{t("client.error")}</Paragraph>
            <Button variant="secondary" onClick={reload}>
              {t("client.retry")}
            </Button>
          </InlineAlert>
        )}
        <RouterLink asComponent={RouterDomLink} to={HOME}>
          {t("app.toMyClients")}
        </RouterLink>
      </Block>
    );
  }
  const { client, team } = loaded.data;
  const isKeyWorker = session.identity?.subject === team.key_worker.professional_id;
  return (
    <Block variant="section">
      <Heading variant="h1" mb="s">
        {client.name}
      </Heading>
      {isKeyWorker && (
        <Paragraph mb="s">
          <RouterLink asComponent={RouterDomLink} to={`/app/clients/${client.id}/disclosures`}>
            {t("report.open")}
          </RouterLink>
        </Paragraph>
      )}
      <ClientFacts client={client} />
      <RevealCode clientId={client.id} />
      <TeamSection team={team} />
      <Consents clientId={client.id} isKeyWorker={isKeyWorker} />
      <Referrals clientId={client.id} />
    </Block>
  );
}

function ClientFacts({ client }: { client: Client }) {
  const { t } = useTranslation();
  const facts: [string, string][] = [
    [t("client.language"), t(`register.languages.${client.preferred_language}`)],
    [t("client.municipality"), client.municipality],
  ];
  if (client.contact.phone) facts.push([t("client.phone"), client.contact.phone]);
  if (client.contact.email) facts.push([t("client.email"), client.contact.email]);
  if (client.contact.address) facts.push([t("client.address"), client.contact.address]);
  return (
    <dl className="client-facts" aria-label={t("client.facts")}>
      {facts.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

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

function TeamSection({ team }: { team: Team }) {
  const { t, i18n } = useTranslation();
  const groups = membersByStatus(team.members);
  const keyWorker = team.members.find((member) => member.id === team.key_worker.member_id);
  const handovers = team.key_worker_history.filter((period) => period.ended_at !== null);
  return (
    <section aria-labelledby="client-team">
      <Heading variant="h2" id="client-team" mb="s">
        {t("client.team.title")}
      </Heading>
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
        <MemberGroup key={status} title={t(`client.members.${status}`)} members={groups[status]} />
      ))}
      {groups.removed.length > 0 && (
        <Expander className="client-removed">
          <ExpanderTitleButton asHeading="h3">
            {t("client.members.removedCount", { count: groups.removed.length })}
          </ExpanderTitleButton>
          <ExpanderContent>
            <Members members={groups.removed} label={t("client.members.removed")} />
          </ExpanderContent>
        </Expander>
      )}
    </section>
  );
}

function MemberGroup({ title, members }: { title: string; members: Member[] }) {
  const { t } = useTranslation();
  return (
    <>
      <Heading variant="h3" mb="xs">
        {title}
      </Heading>
      {members.length === 0 ? <Paragraph mb="s">{t("client.members.none")}</Paragraph> : <Members members={members} label={title} />}
    </>
  );
}

function Members({ members, label }: { members: Member[]; label: string }) {
  const { t } = useTranslation();
  return (
    <ul className="client-list" aria-label={label}>
      {members.map((member) => (
        <li key={member.id}>
          <Text variant="bold">{nameOf(member, t)}</Text>
          <Text>{` — ${describe(member, t)}`}</Text>
        </li>
      ))}
    </ul>
  );
}
