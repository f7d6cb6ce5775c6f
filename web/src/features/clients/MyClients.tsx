import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link as RouterDomLink } from "react-router-dom";
import {
  Block,
  Button,
  Heading,
  InlineAlert,
  LoadingSpinner,
  Paragraph,
  RouterLink,
  SearchInput,
  StaticChip,
  Text,
} from "suomifi-ui-components";
import { useMyClients, type Involvement } from "./api";
import { filterClients, rowOf } from "./search";

/** My clients: the teams I am in, as key worker or member, searchable. */
export function MyClients() {
  const { t } = useTranslation();
  const [loaded, reload] = useMyClients();
  const [query, setQuery] = useState("");
  // A row is found by the words shown on it, in the user's language.
  const rows = useMemo(() => {
    const labels = (involvement: Involvement) => [
      t(`clients.role.${involvement.as}`),
      t(`clients.teamStatus.${involvement.team_status}`),
    ];
    return loaded.status === "ready" ? loaded.data.map((involvement) => rowOf(involvement, labels)) : [];
  }, [loaded, t]);
  const shown = filterClients(rows, query);

  return (
    <Block variant="section">
      <Heading variant="h1" mb="s">
        {t("clients.title")}
      </Heading>
      <Paragraph mb="m">{t("clients.intro")}</Paragraph>
      {loaded.status === "loading" && <LoadingSpinner status="loading" text={t("clients.loading")} textAlign="right" />}
      {loaded.status === "error" && (
        <InlineAlert status="error" role="alert">
          <Paragraph mb="s">{t("clients.error")}</Paragraph>
          <Button variant="secondary" onClick={reload}>
            {t("clients.retry")}
          </Button>
        </InlineAlert>
      )}
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
              {shown.map(({ involvement, reference }) => (
                <li key={involvement.team_id} className="clients-row">
                  <RouterLink asComponent={RouterDomLink} to={`/app/clients/${involvement.client_id}`}>
                    {t("clients.client", { reference })}
                  </RouterLink>
                  <Text>{t(`clients.role.${involvement.as}`)}</Text>
                  <StaticChip>{t(`clients.teamStatus.${involvement.team_status}`)}</StaticChip>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Block>
  );
}
