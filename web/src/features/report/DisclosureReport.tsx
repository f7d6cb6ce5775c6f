import type { TFunction } from "i18next";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link as RouterDomLink, useParams } from "react-router-dom";
import { Block, Button, Heading, Paragraph, RadioButton, RadioButtonGroup, RouterLink } from "suomifi-ui-components";
import { LoadState } from "../../components/LoadState";
import { ApiError } from "../../lib/api";
import { LANGUAGES, languageOf, type Language } from "../../lib/i18n";
import { useSession } from "../../lib/session";
import {
  revealsNewestFirst,
  rowsOf,
  useDisclosureReport,
  type Client,
  type Consent,
  type EmergencyAccess,
  type Entry,
  type LegalBasis,
  type Reveal,
  type Row,
  type Team,
} from "./api";
import "./DisclosureReport.css";

/**
 * The disclosure report, /app/clients/:clientId/disclosures: who was given what about the client, when,
 * why and on what basis, for the key worker to print and hand to the client. The report itself is in the
 * client's preferred language unless the key worker picks another; the screen around it stays in theirs.
 */
export function DisclosureReport() {
  const { t } = useTranslation();
  const { clientId = "" } = useParams();
  const [loaded, reload] = useDisclosureReport(clientId);
  const [chosen, setChosen] = useState<Language>();

  if (loaded.status !== "ready") {
    const status = loaded.status === "error" && loaded.error instanceof ApiError ? loaded.error.status : 0;
    const refused = status === 403 || status === 404;
    return (
      <Block variant="section" className="report-screen">
        <Heading variant="h1" mb="s">
          {refused ? t("report.refused.title") : t("report.title")}
        </Heading>
        {refused ? (
          <Paragraph mb="m">{status === 403 ? t("report.refused.forbidden") : t("report.refused.notFound")}</Paragraph>
        ) : (
          <LoadState
            loaded={loaded}
            loadingText={t("report.loading")}
            errorText={t("report.error")}
            retryText={t("report.retry")}
            onRetry={reload}
          />
        )}
        <BackLink clientId={clientId} />
      </Block>
    );
  }

  const { client } = loaded.data;
  const language = chosen ?? client.preferred_language;
  return (
    <Block variant="section" className="report-screen">
      <div className="report-controls">
        <BackLink clientId={clientId} />
        <RadioButtonGroup
          labelText={t("report.language")}
          groupHintText={t("report.languageHint", { language: t(`register.languages.${client.preferred_language}`) })}
          name="report-language"
          value={language}
          onChange={(value) => setChosen(languageOf(value) ?? client.preferred_language)}
          mb="s"
        >
          {LANGUAGES.map((option) => (
            <RadioButton key={option} value={option} id={`report-language-${option}`}>
              {t(`register.languages.${option}`)}
            </RadioButton>
          ))}
        </RadioButtonGroup>
        <Button onClick={() => window.print()}>
          {t("report.print")}
        </Button>
      </div>
      <Report language={language} {...loaded.data} />
    </Block>
  );
}

function BackLink({ clientId }: { clientId: string }) {
  const { t } = useTranslation();
  return (
    <Paragraph mb="s">
      <RouterLink asComponent={RouterDomLink} to={`/app/clients/${clientId}`}>
        {t("report.back")}
      </RouterLink>
    </Paragraph>
  );
}

interface ReportProps {
  language: Language;
  client: Client;
  team: Team;
  entries: Entry[];
  reveals: Reveal[];
  consents: Consent[];
  legalBases: LegalBasis[];
  emergencyAccesses: EmergencyAccess[];
}

/** The printed document: every word of it in `language`, marked so for screen readers too. */
function Report({ language, client, team, entries, reveals, consents, legalBases, emergencyAccesses }: ReportProps) {
  const { i18n } = useTranslation();
  const session = useSession();
  // The report's own translator: fixed to the report's language, whatever the user reads the app in.
  const t = i18n.getFixedT(language);
  const [madeAt] = useState(() => new Date().toISOString());
  useEffect(() => {
    // The printed file is named after the page's title: the report's, never the client's name.
    const before = document.title;
    document.title = t("report.doc.title");
    return () => void (document.title = before);
  }, [t]);
  const names = namesOf(team);
  const made = t("report.doc.made", {
    date: when(madeAt, language),
    name: session.identity?.name ?? "",
    organisation: team.organisation,
  });
  return (
    <article className="report" lang={language} aria-labelledby="report-client">
      <Heading variant="h1" id="report-client" mb="xs">
        {client.name}
      </Heading>
      <Paragraph className="report-lead" mb="xs">
        {t("report.doc.title")}
      </Paragraph>
      <Paragraph className="report-made" mb="m">
        {made}
      </Paragraph>
      <Paragraph mb="m">{t("report.doc.intro")}</Paragraph>
      <Disclosures
        t={t}
        language={language}
        rows={rowsOf(entries)}
        names={names}
        consents={consents}
        legalBases={legalBases}
      />
      <EmergencyAccesses t={t} language={language} accesses={emergencyAccesses} names={names} />
      <Reveals t={t} language={language} reveals={revealsNewestFirst(reveals)} names={names} />
    </article>
  );
}

interface SectionProps {
  t: TFunction;
  language: Language;
  names: Map<string, string>;
}

interface DisclosuresProps extends SectionProps {
  rows: Row[];
  consents: Consent[];
  legalBases: LegalBasis[];
}

function Disclosures({ t, language, rows, names, consents, legalBases }: DisclosuresProps) {
  return (
    <section aria-labelledby="report-disclosures">
      <Heading variant="h2" id="report-disclosures" mb="s">
        {t("report.doc.disclosures")}
      </Heading>
      {rows.length === 0 ? (
        <Paragraph mb="m">{t("report.doc.none")}</Paragraph>
      ) : (
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">{t("report.doc.when")}</th>
              <th scope="col">{t("report.doc.event")}</th>
              <th scope="col">{t("report.doc.who")}</th>
              <th scope="col">{t("report.doc.what")}</th>
              <th scope="col">{t("report.doc.purpose")}</th>
              <th scope="col">{t("report.doc.basis")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <td>{when(row.at, language)}</td>
                <td>{t(`report.kind.${row.kind}`)}</td>
                <td>
                  {row.reason === "statutory_basis"
                    ? [row.recipientKind ? t(`statutory.kinds.${row.recipientKind}`) : null, row.organisation].filter(Boolean).join(", ")
                    : recipient(row.professional, row.organisation, names)}
                </td>
                <td>{row.categories.map((category) => t(`client.category.${category}`)).join(", ") || "—"}</td>
                <td>{row.purpose ? t(`client.purpose.${row.purpose}`) : "—"}</td>
                <td>{basis(row, consents, legalBases, names, language, t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function EmergencyAccesses({ t, language, accesses, names }: SectionProps & { accesses: EmergencyAccess[] }) {
  return (
    <section aria-labelledby="report-emergency">
      <Heading variant="h2" id="report-emergency" mb="s">
        {t("report.doc.emergency")}
      </Heading>
      <Paragraph mb="s">{t("report.doc.emergencyIntro")}</Paragraph>
      {accesses.length === 0 ? (
        <Paragraph mb="m">{t("report.doc.noEmergency")}</Paragraph>
      ) : (
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">{t("report.doc.opened")}</th>
              <th scope="col">{t("report.doc.until")}</th>
              <th scope="col">{t("report.doc.openedBy")}</th>
              <th scope="col">{t("report.doc.why")}</th>
            </tr>
          </thead>
          <tbody>
            {accesses.map((access) => (
              <tr key={access.id}>
                <td>{when(access.opened_at, language)}</td>
                <td>{when(access.ends_at, language)}</td>
                <td>{recipient(access.professional, access.organisation, names)}</td>
                <td>
                  <span className="report-basis-statute">{t(`emergency.reasons.${access.reason}`)}</span>
                  <span className="report-basis-line">{access.explanation}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Reveals({ t, language, reveals, names }: SectionProps & { reveals: Reveal[] }) {
  return (
    <section aria-labelledby="report-reveals">
      <Heading variant="h2" id="report-reveals" mb="s">
        {t("report.doc.reveals")}
      </Heading>
      <Paragraph mb="s">{t("report.doc.revealsIntro")}</Paragraph>
      {reveals.length === 0 ? (
        <Paragraph mb="m">{t("report.doc.noReveals")}</Paragraph>
      ) : (
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">{t("report.doc.when")}</th>
              <th scope="col">{t("report.doc.who")}</th>
              <th scope="col">{t("report.doc.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {reveals.map((reveal) => (
              <tr key={`${reveal.at}-${reveal.requested_by}`}>
                <td>{when(reveal.at, language)}</td>
                <td>{names.get(reveal.requested_by) ?? reveal.requested_by}</td>
                <td>{reveal.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The team's professionals by their login id, so the report names people rather than ids. */
function namesOf(team: Team): Map<string, string> {
  const names = new Map<string, string>();
  for (const member of team.members) {
    if (member.professional_id && member.name) names.set(member.professional_id, member.name);
  }
  return names;
}

function recipient(professional: string | null, organisation: string | null, names: Map<string, string>): string {
  const person = professional ? (names.get(professional) ?? professional) : null;
  return [person, organisation].filter(Boolean).join(", ") || "—";
}

/**
 * On what the entry rests: a statute (named, described in the report's language, with the justification
 * given and who gave the data out), an emergency access, the consent it was made under, or the
 * organisation's own work with the client.
 */
function basis(
  row: Row,
  consents: Consent[],
  legalBases: LegalBasis[],
  names: Map<string, string>,
  language: Language,
  t: TFunction,
): ReactNode {
  if (row.reason === "statutory_basis") {
    const known = legalBases.find((candidate) => candidate.id === row.legalBasis);
    return (
      <>
        <span className="report-basis-statute">
          {known ? t("report.basis.statute", { statute: known.statute }) : t("report.basis.statuteUnknown", { id: row.legalBasis ?? "—" })}
        </span>
        {known && <span className="report-basis-line">{known.description[language]}</span>}
        <span className="report-basis-line">{t("report.basis.justification", { justification: row.justification ?? "—" })}</span>
        {row.professional && (
          <span className="report-basis-line">
            {t("report.basis.givenBy", { name: names.get(row.professional) ?? row.professional })}
          </span>
        )}
      </>
    );
  }
  if (row.reason === "emergency_access") return t("report.basis.emergency");
  if (row.consentId === null) return t("report.basis.ownOrganisation");
  const consent = consents.find((candidate) => candidate.id === row.consentId);
  if (!consent) return t("report.basis.consentUnknown");
  const date = day(consent.recorded_at, language);
  return consent.given_by.kind === "client"
    ? t("report.basis.consent", { date })
    : t("report.basis.representative", { date });
}

// The client is in Finland: times are Finnish time, wherever the report is printed.
const ZONE = "Europe/Helsinki";

function when(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short", timeZone: ZONE }).format(new Date(iso));
}

function day(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeZone: ZONE }).format(new Date(iso));
}
