import type { TFunction } from "i18next";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button, Heading, InlineAlert, Paragraph, Text, Textarea } from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import { liftDenial, useConsents, withdrawConsent, type Consent, type Denial } from "./api";
import { LoadState } from "../../components/LoadState";
import { ConsentForm } from "./ConsentForm";
import { DenialForm } from "./DenialForm";

function refusalOf(error: unknown, t: TFunction): string {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 403) return t("client.consents.refused.forbidden");
  if (status === 404) return t("client.consents.refused.notFound");
  if (status === 409) return t("client.consents.refused.conflict");
  if (status === 400) return t("client.consents.refused.invalid");
  return keyReusedText(error, t) ?? t("client.consents.refused.failed");
}

function dateOf(iso: string | null, language: string): string {
  return iso ? new Intl.DateTimeFormat(language, { dateStyle: "medium" }).format(new Date(iso)) : "";
}

/** The client's consents and denials: the key worker's alone; anyone else is told so. */
export function Consents({ clientId, isKeyWorker }: { clientId: string; isKeyWorker: boolean }) {
  const { t } = useTranslation();
  const [loaded, reload] = useConsents(clientId, isKeyWorker);
  const [consents, setConsents] = useState<Consent[]>([]);
  const [denials, setDenials] = useState<Denial[]>([]);
  useEffect(() => {
    if (loaded.status !== "ready" || !loaded.data) return;
    setConsents(loaded.data.consents);
    setDenials(loaded.data.denials);
  }, [loaded]);

  return (
    <section aria-labelledby="client-consents">
      <Heading variant="h2" id="client-consents" mb="s">
        {t("client.consents.title")}
      </Heading>
      {!isKeyWorker && <Paragraph mb="m">{t("client.consents.keyWorkerOnly")}</Paragraph>}
      {isKeyWorker && (
        <LoadState
          loaded={loaded}
          loadingText={t("client.consents.loading")}
          errorText={(error) => refusalOf(error, t)}
          retryText={t("client.retry")}
          onRetry={reload}
        />
      )}
      {isKeyWorker && loaded.status === "ready" && (
        <>
          <Recorder
            label={t("consentForm.record")}
            form={(close) => (
              <ConsentForm
                clientId={clientId}
                onRecorded={(consent) => setConsents((all) => [consent, ...all])}
                onDone={(count) => close(t("consentForm.recorded", { count }))}
                onCancel={() => close()}
              />
            )}
          />
          {consents.length === 0 ? (
            <Paragraph mb="m">{t("client.consents.none")}</Paragraph>
          ) : (
            <ul className="client-list" aria-label={t("client.consents.title")}>
              {consents.map((consent) => (
                <ConsentItem
                  key={consent.id}
                  clientId={clientId}
                  consent={consent}
                  onChanged={(changed) => setConsents((all) => all.map((c) => (c.id === changed.id ? changed : c)))}
                />
              ))}
            </ul>
          )}
          <Heading variant="h3" mb="xs">
            {t("client.denials.title")}
          </Heading>
          <Recorder
            label={t("consentForm.denial.record")}
            form={(close) => (
              <DenialForm
                clientId={clientId}
                onRecorded={(denial) => {
                  setDenials((all) => [denial, ...all]);
                  close(t("consentForm.denial.recorded"));
                }}
                onCancel={() => close()}
              />
            )}
          />
          {denials.length === 0 ? (
            <Paragraph mb="m">{t("client.denials.none")}</Paragraph>
          ) : (
            <ul className="client-list" aria-label={t("client.denials.title")}>
              {denials.map((denial) => (
                <DenialItem
                  key={denial.id}
                  clientId={clientId}
                  denial={denial}
                  onChanged={(changed) => setDenials((all) => all.map((d) => (d.id === changed.id ? changed : d)))}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function ConsentItem({ clientId, consent, onChanged }: { clientId: string; consent: Consent; onChanged: (c: Consent) => void }) {
  const { t, i18n } = useTranslation();
  const api = useSubmissionApi();
  const categories = consent.categories.map((c) => t(`client.category.${c}`)).join(", ");
  const purposes = consent.purposes.map((p) => t(`client.purpose.${p}`)).join(", ");
  // Once withdrawn, the consent's button is gone: focus stays on the consent, now shown as withdrawn.
  const heading = useRef<HTMLHeadingElement>(null);
  const validity = consent.valid_until
    ? t("client.consents.validUntil", { from: dateOf(consent.valid_from, i18n.language), until: dateOf(consent.valid_until, i18n.language) })
    : t("client.consents.validFrom", { from: dateOf(consent.valid_from, i18n.language) });
  return (
    <li>
      <Heading variant="h3" mb="xs" ref={heading} tabIndex={-1}>
        {t("client.consents.to", { organisation: consent.recipient_organisation })}
      </Heading>
      <Paragraph>{t("client.consents.status", { status: t(`client.consents.statuses.${consent.status}`) })}</Paragraph>
      <Paragraph>{t("client.consents.categories", { categories })}</Paragraph>
      <Paragraph>{t("client.consents.purposes", { purposes })}</Paragraph>
      <Paragraph mb="xs">{validity}</Paragraph>
      <ul aria-label={t("client.consents.history", { organisation: consent.recipient_organisation })}>
        {consent.history.map((entry) => (
          <li key={`${entry.action}-${entry.at}`}>
            <Text>
              {t(`client.consents.actions.${entry.action}`, { date: dateOf(entry.at, i18n.language), by: entry.by ?? "—" })}
              {entry.reason ? ` — ${entry.reason}` : ""}
            </Text>
          </li>
        ))}
      </ul>
      {consent.status === "active" && (
        <ReasonAction
          label={t("client.consents.withdraw")}
          about={consent.recipient_organisation}
          act={(reason) =>
            withdrawConsent(api, clientId, consent.id, reason).then((withdrawn) => {
              onChanged(withdrawn);
              heading.current?.focus();
            })
          }
        />
      )}
    </li>
  );
}

function DenialItem({ clientId, denial, onChanged }: { clientId: string; denial: Denial; onChanged: (d: Denial) => void }) {
  const { t, i18n } = useTranslation();
  const api = useSubmissionApi();
  const categories = denial.categories.map((c) => t(`client.category.${c}`)).join(", ");
  const whom = denial.organisation ?? t("client.denials.everyone");
  // Once lifted, the denial's button is gone: focus stays on the denial, now shown as lifted.
  const item = useRef<HTMLLIElement>(null);
  return (
    <li ref={item} tabIndex={-1}>
      <Text variant="bold">{t("client.denials.of", { organisation: whom, categories })}</Text>
      <Paragraph>
        {denial.status === "in_force"
          ? t("client.denials.inForce", { date: dateOf(denial.recorded_at, i18n.language) })
          : t("client.denials.lifted", { date: dateOf(denial.lifted_at, i18n.language) })}
        {denial.reason ? ` — ${denial.reason}` : ""}
      </Paragraph>
      {denial.status === "in_force" && (
        <ReasonAction
          label={t("client.denials.lift")}
          about={whom}
          act={(reason) =>
            liftDenial(api, clientId, denial.id, reason).then((lifted) => {
              onChanged(lifted);
              item.current?.focus();
            })
          }
        />
      )}
    </li>
  );
}

/** A button that opens a form in its place; closed, the form gives focus back to it and what it did is said beside it. */
function Recorder({ label, form }: { label: string; form: (close: (said?: string) => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  const [said, setSaid] = useState("");
  const opener = useRef<HTMLButtonElement>(null);
  const closed = useRef(false);
  useEffect(() => {
    if (open || !closed.current) return;
    closed.current = false;
    opener.current?.focus();
  }, [open]);
  const close = (message?: string) => {
    closed.current = true;
    setSaid(message ?? "");
    setOpen(false);
  };
  return (
    <>
      <div role="status">{said && <Paragraph mb="s">{said}</Paragraph>}</div>
      {open ? (
        form(close)
      ) : (
        <Button
          ref={opener}
          variant="secondary"
          onClick={() => {
            setSaid("");
            setOpen(true);
          }}
          mb="m"
        >
          {label}
        </Button>
      )}
    </>
  );
}

/** A button that opens a reason field beside it; the reason is kept on a refusal, shown beside the action. */
function ReasonAction({ label, about, act }: { label: string; about: string; act: (reason: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const opener = useRef<HTMLButtonElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() === "") return setMissing(true);
    setBusy(true);
    setRefusal(undefined);
    try {
      await act(reason.trim());
    } catch (error) {
      setRefusal(refusalOf(error, t));
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <Button ref={opener} variant="secondary" aria-label={`${label}: ${about}`} onClick={() => setOpen(true)} mb="s">
        {label}
      </Button>
    );
  }
  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="client-reason">
      <Textarea
        labelText={t("client.consents.reason", { action: label, about })}
        value={reason}
        onChange={(event) => {
          setReason(event.target.value);
          setMissing(false);
        }}
        status={missing ? "error" : "default"}
        statusText={missing ? t("client.consents.reasonMissing") : ""}
        maxLength={1000}
        autoFocus
        mb="xs"
      />
      <Button type="submit" disabled={busy} mb="xs">
        {label}
      </Button>
      <Button
        variant="secondary"
        onClick={() => {
          setOpen(false);
          // Back to the button that opened the reason, once it is there again.
          setTimeout(() => opener.current?.focus());
        }}
        mb="xs"
      >
        {t("client.consents.cancel")}
      </Button>
      {refusal && (
        <InlineAlert status="error" role="alert">
          {refusal}
        </InlineAlert>
      )}
    </form>
  );
}
