import { useEffect, useRef, useState } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link as RouterDomLink } from "react-router-dom";
import {
  Block,
  Button,
  Heading,
  InlineAlert,
  Paragraph,
  RouterLink,
  StaticChip,
  Text,
  VisuallyHidden,
} from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import { useSession } from "../../lib/session";
import { appRouteOf, itemOf, markRead, publishUnread, useInbox, type InboxItem } from "./api";
import { LoadState } from "../../components/LoadState";

/** Why marking read failed, in the user's language: the status decides the words. */
function refusalOf(error: unknown, t: TFunction): string {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 403) return t("inbox.refused.forbidden");
  if (status === 404) return t("inbox.refused.notFound");
  return keyReusedText(error, t) ?? t("inbox.refused.failed");
}

/** The inbox: my messages, newest first, the unread ones marked, each with a way to mark it read. */
export function Inbox() {
  const { t } = useTranslation();
  const [loaded, reload] = useInbox();
  const [items, setItems] = useState<InboxItem[]>([]);
  useEffect(() => {
    if (loaded.status !== "ready") return;
    setItems(loaded.data);
    publishUnread(loaded.data);
  }, [loaded]);

  return (
    <Block variant="section">
      <Heading variant="h1" mb="s">
        {t("inbox.title")}
      </Heading>
      <LoadState
        loaded={loaded}
        loadingText={t("inbox.loading")}
        errorText={t("inbox.error")}
        retryText={t("inbox.retry")}
        onRetry={reload}
      />
      {loaded.status === "ready" && items.length === 0 && <Paragraph>{t("inbox.empty")}</Paragraph>}
      {loaded.status === "ready" && items.length > 0 && (
        <Messages
          items={items}
          onRead={(read) => {
            const next = items.map((item) => (item.id === read.id ? read : item));
            setItems(next);
            publishUnread(next);
          }}
        />
      )}
    </Block>
  );
}

function Messages({ items, onRead }: { items: InboxItem[]; onRead: (read: InboxItem) => void }) {
  const { t } = useTranslation();
  const [said, setSaid] = useState("");
  return (
    <>
      <Paragraph mb="m">{t("inbox.count", { count: items.filter((item) => item.read_at === null).length })}</Paragraph>
      <VisuallyHidden role="status">{said}</VisuallyHidden>
      <ul className="inbox-list" aria-label={t("inbox.title")}>
        {items.map((item) => (
          <Message
            key={item.id}
            item={item}
            onRead={(read) => {
              onRead(read);
              setSaid(t("inbox.markedRead", { subject: read.subject }));
            }}
          />
        ))}
      </ul>
    </>
  );
}

function Message({ item, onRead }: { item: InboxItem; onRead: (read: InboxItem) => void }) {
  const { t, i18n } = useTranslation();
  const api = useSubmissionApi();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const row = useRef<HTMLLIElement>(null);
  const unread = item.read_at === null;
  const route = appRouteOf(item.link, session.identity?.kind ?? "professional");
  const about = route ? undefined : itemOf(item.link);
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(item.created_at),
  );

  const read = async () => {
    setBusy(true);
    setRefusal(undefined);
    try {
      onRead(await markRead(api, item.id));
      row.current?.focus(); // the button is gone: the message itself keeps the focus
    } catch (error) {
      setRefusal(refusalOf(error, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li ref={row} tabIndex={-1} className={unread ? "inbox-item inbox-item-unread" : "inbox-item"}>
      <Heading variant="h2" className="inbox-subject">
        {route ? (
          <RouterLink asComponent={RouterDomLink} to={route}>
            {item.subject}
          </RouterLink>
        ) : (
          item.subject
        )}
      </Heading>
      <div className="inbox-meta">
        <Text>{when}</Text>
        {unread && <StaticChip>{t("inbox.unread")}</StaticChip>}
      </div>
      <Paragraph className="inbox-body">{item.body}</Paragraph>
      {about && <Text>{t(`inbox.about.${about.kind}`, { reference: about.reference })}</Text>}
      {unread && (
        <div className="inbox-actions">
          <Button
            variant="secondary"
            disabled={busy}
            aria-label={t("inbox.markReadOf", { subject: item.subject })}
            onClick={() => void read()}
          >
            {t("inbox.markRead")}
          </Button>
          {refusal && (
            <InlineAlert status="error" role="alert">
              {refusal}
            </InlineAlert>
          )}
        </div>
      )}
    </li>
  );
}
