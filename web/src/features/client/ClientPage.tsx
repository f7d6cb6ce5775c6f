import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link as RouterDomLink, useParams } from "react-router-dom";
import {
  Block,
  Button,
  Heading,
  InlineAlert,
  LoadingSpinner,
  Paragraph,
  RouterLink,
} from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { HOME, useSession } from "../../lib/session";
import { Consents } from "./Consents";
import { EmergencyAccessAction, EmergencyBanner, timeOfDay } from "./EmergencyAccess";
import { isOpen, rememberEmergencyAccess, useEmergencyAccess } from "./emergencyApi";
import { Referrals } from "./Referrals";
import { RevealCode } from "./RevealCode";
import { StatutoryDisclosures } from "./StatutoryDisclosure";
import { useClientPage, type Client } from "./api";
import { Team } from "./Team";

/** The client's page, /app/clients/:clientId: who the client is and their team. */
export function ClientPage() {
  const { t, i18n } = useTranslation();
  const { clientId = "" } = useParams();
  const [loaded, reload] = useClientPage(clientId);
  const session = useSession();
  // Who is key worker after a handover made on this page, so the key worker's parts follow the role.
  const [handedTo, setHandedTo] = useState<{ clientId: string; subject: string }>();
  const subject = session.identity?.subject;
  const emergency = useEmergencyAccess(subject, clientId);
  const emergencyOpen = isOpen(emergency);
  // When the window ends the page asks again, and the gateway refuses: nothing stays on the screen past it.
  const endsAt = emergency && emergencyOpen ? Date.parse(emergency.ends_at) : undefined;
  useEffect(() => {
    if (endsAt === undefined) return;
    const timer = setTimeout(reload, Math.max(0, endsAt - Date.now()));
    return () => clearTimeout(timer);
  }, [endsAt, reload]);

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
          <>
            <Paragraph mb="m">{t("client.refused.body")}</Paragraph>
            {emergency && !emergencyOpen && (
              <InlineAlert status="neutral" mb="m">
                {t("emergency.ended", { time: timeOfDay(emergency.ends_at, i18n.language) })}
              </InlineAlert>
            )}
            {/* Only a refusal (403) may be passed with a reason: an unknown client (404) has nothing to open. */}
            {status === 403 && subject && (
              <EmergencyAccessAction
                clientId={clientId}
                onOpened={(access) => {
                  rememberEmergencyAccess(subject, access);
                  reload();
                }}
              />
            )}
          </>
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
  const keyWorker = handedTo?.clientId === client.id ? handedTo.subject : team.key_worker.professional_id;
  const isKeyWorker = session.identity?.subject === keyWorker;
  return (
    <Block variant="section">
      <Heading variant="h1" mb="s">
        {client.name}
      </Heading>
      {emergency && emergencyOpen && <EmergencyBanner access={emergency} />}
      {isKeyWorker && (
        <Paragraph mb="s">
          <RouterLink asComponent={RouterDomLink} to={`/app/clients/${client.id}/disclosures`}>
            {t("report.open")}
          </RouterLink>
        </Paragraph>
      )}
      <ClientFacts client={client} />
      {/* The code never leaves the organisation that holds it: no button where the API would refuse. */}
      {session.identity?.organisation === team.organisation && <RevealCode clientId={client.id} />}
      <Team clientId={client.id} team={team} onChanged={(now) => setHandedTo({ clientId: client.id, subject: now.key_worker.professional_id })} />
      <Consents clientId={client.id} isKeyWorker={isKeyWorker} />
      <Referrals clientId={client.id} />
      {/* A disclosure without consent is the holding organisation's to record; the gateway decides the rest. */}
      {session.identity?.organisation === team.organisation && <StatutoryDisclosures clientId={client.id} />}
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
