import type { TFunction } from "i18next";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  Button,
  InlineAlert,
  Modal,
  ModalContent,
  ModalFooter,
  ModalTitle,
  Paragraph,
  Text,
  Textarea,
} from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import { revealIdentityCode } from "./api";

/** Where the dialog is mounted beside: the app's root element (index.html). */
export const APP_ELEMENT_ID = "root";

function refusalOf(error: unknown, t: TFunction): string {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 403) return t("client.reveal.refused.forbidden");
  if (status === 404) return t("client.reveal.refused.notFound");
  if (status === 400) return t("client.reveal.refused.invalid");
  return keyReusedText(error, t) ?? t("client.reveal.refused.failed");
}

/**
 * A button that opens a dialog asking why; the code is shown in the dialog only and forgotten when it
 * closes: it is kept in no state outside, no address and no log.
 */
export function RevealCode({ clientId }: { clientId: string }) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const [code, setCode] = useState<string>();
  const opener = useRef<HTMLButtonElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const closer = useRef<HTMLButtonElement>(null);
  // The reveal button is gone once the code is shown: the focus stays in the dialog, on its way out.
  useEffect(() => {
    if (code !== undefined) closer.current?.focus();
  }, [code]);

  const close = () => {
    setOpen(false);
    setCode(undefined);
    setReason("");
    setMissing(false);
    setRefusal(undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() === "") {
      setMissing(true);
      reasonField.current?.focus();
      return;
    }
    setBusy(true);
    setRefusal(undefined);
    try {
      setCode(await revealIdentityCode(api, clientId, reason.trim()));
    } catch (error) {
      setRefusal(refusalOf(error, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button variant="secondary" ref={opener} onClick={() => setOpen(true)} mb="m">
        {t("client.reveal.open")}
      </Button>
      <Modal
        visible={open}
        appElementId={APP_ELEMENT_ID}
        onEscKeyDown={close}
        focusOnOpenRef={reasonField}
        focusOnCloseRef={opener}
        ariaLabelledBy="reveal-title"
      >
        <form onSubmit={(event) => void submit(event)} noValidate>
          <ModalContent>
            <ModalTitle id="reveal-title">{t("client.reveal.title")}</ModalTitle>
            {code === undefined ? (
              <>
                <Paragraph mb="m">{t("client.reveal.intro")}</Paragraph>
                <Textarea
                  ref={reasonField}
                  labelText={t("client.reveal.reason")}
                  value={reason}
                  onChange={(event) => {
                    setReason(event.target.value);
                    setMissing(false);
                  }}
                  status={missing ? "error" : "default"}
                  statusText={missing ? t("client.reveal.reasonMissing") : ""}
                  maxLength={1000}
                  fullWidth
                />
                {refusal && (
                  <InlineAlert status="error" role="alert">
                    {refusal}
                  </InlineAlert>
                )}
              </>
            ) : (
              <Paragraph>
                <Text>{t("client.reveal.code")} </Text>
                <Text variant="bold" className="reveal-code">
                  {code}
                </Text>
              </Paragraph>
            )}
          </ModalContent>
          <ModalFooter>
            {code === undefined && (
              <Button type="submit" disabled={busy}>
                {t("client.reveal.submit")}
              </Button>
            )}
            <Button variant="secondary" ref={closer} onClick={close}>
              {t("client.reveal.close")}
            </Button>
          </ModalFooter>
        </form>
      </Modal>
    </>
  );
}
