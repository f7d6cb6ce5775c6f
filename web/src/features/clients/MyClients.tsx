import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { Block, Heading, Paragraph, SearchInput } from "suomifi-ui-components";
import { useMyClients, type Involvement } from "./api";
import "./MyClients.css";
import { filterClients, rowOf, sortClients } from "./search";
import { LoadState } from "../../components/LoadState";

type NeedsMe = NonNullable<Involvement["needs_me"]>;

/** What waits for me in one client's team, as short texts; none when nothing does. */
function NeedsMeList({ needs }: { needs: NeedsMe }) {
  const { t, i18n } = useTranslation();
  const date = (at: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium" }).format(new Date(at));
  const texts = [
    needs.overdue_referrals > 0 && t("clients.needs.overdueReferrals", { count: needs.overdue_referrals }),
    needs.pending_members > 0 && t("clients.needs.pendingMembers", { count: needs.pending_members }),
    needs.answered_referrals > 0 && t("clients.needs.answeredReferrals", { count: needs.answered_referrals }),
    needs.consents_ending > 0 &&
      needs.first_consent_ends_at !== null &&
      t("clients.needs.consentsEnding", { count: needs.consents_ending, date: date(needs.first_consent_ends_at) }),
  ].filter((text): text is string => typeof text === "string");
  if (texts.length === 0) return null;
  return (
    <ul className="clients-needs" aria-label={t("clients.needsMe")}>
      {texts.map((text) => (
        <li key={text} className="clients-chip">
          {text}
        </li>
      ))}
    </ul>
  );
}

/** My clients: the teams I am in, as key worker or member, what needs me first, searchable. */
export function MyClients() {
  const { t, i18n } = useTranslation();
  const [loaded, reload] = useMyClients();
  const [query, setQuery] = useState("");
  // A row is found by the words shown on it, in the user's language.
  const rows = useMemo(() => {
    const labels = (involvement: Involvement) => [
      t(`clients.role.${involvement.as}`),
      t(`clients.teamStatus.${involvement.team_status}`),
    ];
    return loaded.status === "ready"
      ? sortClients(
          loaded.data.map((involvement) => rowOf(involvement, labels)),
          i18n.language,
        )
      : [];
  }, [loaded, t, i18n.language]);
  const shown = filterClients(rows, query);

  return (
    <Block variant="section">
      <Heading variant="h1" mb="s">
        {t("clients.title")}
      </Heading>
      <Paragraph mb="m">{t("clients.intro")}</Paragraph>
      <LoadState
        loaded={loaded}
        loadingText={t("clients.loading")}
        errorText={t("clients.error")}
        retryText={t("clients.retry")}
        onRetry={reload}
      />
      {loaded.status === "ready" && rows.length === 0 && <Paragraph>{t("clients.empty")}</Paragraph>}
      {loaded.status === "ready" && rows.length > 0 && (
        <>
          <SearchInput
            labelText={t("clients.search")}
            clearButtonLabel={t("clients.searchClear")}
            searchButtonLabel={t("clients.searchButton")}
            value={query}
            onChange={setQuery}
            onSearch={setQuery}
            fullWidth
          />
          <p role="status" className="clients-count">
            {t("clients.count", { count: shown.length })}
          </p>
          {shown.length === 0 ? (
            <Paragraph>{t("clients.noMatch")}</Paragraph>
          ) : (
            <ul className="clients-list" aria-label={t("clients.title")}>
              {shown.map(({ involvement, name, reference }) => (
                // Plain elements styled like the design system's link and chip: a list of hundreds of
                // rows renders in a third of the time the components take (make bench-web).
                <li key={involvement.team_id} className="clients-row">
                  <Link className="clients-name" to={`/app/clients/${involvement.client_id}`}>
                    {name ?? t("clients.client", { reference })}
                  </Link>
                  <span>{t(`clients.role.${involvement.as}`)}</span>
                  <span className="clients-chip">{t(`clients.teamStatus.${involvement.team_status}`)}</span>
                  {involvement.needs_me !== null && <NeedsMeList needs={involvement.needs_me} />}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Block>
  );
}
