import type { TFunction } from "i18next";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link as RouterDomLink, useNavigate } from "react-router-dom";
import { Block, Button, Heading, InlineAlert, LoadingSpinner, Paragraph, RadioButton, RadioButtonGroup, RouterLink } from "suomifi-ui-components";
import { ApiError } from "../../lib/api";
import { keyReusedText, useSubmissionApi } from "../../lib/idempotency";
import { HOME } from "../../lib/session";
import { createTeam } from "./api";

/** A key worker is a social welfare professional (Social Welfare Act 1301/2014 §42). */
export const KEY_WORKER_ROLES = ["social_worker", "social_counsellor"] as const;
export type KeyWorkerRole = (typeof KEY_WORKER_ROLES)[number];

/** Where a registered client with a team is shown: their own page. */
export const clientPage = (clientId: string) => `/app/clients/${clientId}`;

interface Refusal {
  text: string;
  /** The role was refused: the message goes beside the role. */
  role?: boolean;
  /** The client has a team already: their page can be opened. */
  exists?: boolean;
}

function refusalOf(error: unknown, t: TFunction): Refusal {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 403) return { text: t("register.team.refused.forbidden") };
  if (status === 404) return { text: t("register.team.refused.notFound") };
  if (status === 409) return { text: t("register.team.refused.exists"), exists: true };
  if (status === 400) {
    const errors = (error instanceof ApiError ? error.problem?.errors : undefined) ?? {};
    const role = "role" in errors || "key_worker.role" in errors || "key_worker" in errors;
    return role ? { text: t("register.team.refused.role"), role } : { text: t("register.team.refused.invalid") };
  }
  return { text: keyReusedText(error, t) ?? t("register.team.refused.failed") };
}

/**
 * After the client is saved: their team is made with the registrar as key worker, then their page opens.
 * On a refusal only the client's id is kept, and the team can be asked for again.
 */
export function MakeTeam({ clientId, role: chosen, name }: { clientId: string; role: KeyWorkerRole; name: string }) {
  const { t } = useTranslation();
  const api = useSubmissionApi();
  const navigate = useNavigate();
  const [role, setRole] = useState<KeyWorkerRole>(chosen);
  const [busy, setBusy] = useState(true);
  const [refusal, setRefusal] = useState<Refusal>();
  const alert = useRef<HTMLDivElement>(null);
  const asked = useRef(false);

  const make = useCallback(
    async (asRole: KeyWorkerRole) => {
      setBusy(true);
      setRefusal(undefined);
      try {
        await createTeam(api, { client_id: clientId, name, role: asRole });
        navigate(clientPage(clientId), { state: { registered: clientId } });
      } catch (error) {
        setRefusal(refusalOf(error, t));
        setBusy(false);
        setTimeout(() => alert.current?.focus());
      }
    },
    [api, clientId, name, navigate, t],
  );
  useEffect(() => {
    if (asked.current) return;
    asked.current = true;
    void make(chosen);
  }, [make, chosen]);

  return (
    <Block variant="section" className="register">
      <Heading variant="h1" mb="s">
        {t("register.title")}
      </Heading>
      <Paragraph mb="m">{t("register.team.saved")}</Paragraph>
      {busy && <LoadingSpinner status="loading" text={t("register.team.making")} textAlign="right" />}
      {refusal && (
        <>
          <div ref={alert} tabIndex={-1}>
            <InlineAlert status="error" role="alert" className="register-failure">
              {refusal.text}
            </InlineAlert>
          </div>
          {refusal.exists ? (
            <RouterLink asComponent={RouterDomLink} to={clientPage(clientId)}>
              {t("register.toClient")}
            </RouterLink>
          ) : (
            <>
              <RadioButtonGroup
                labelText={t("register.team.role")}
                name="key_worker_role_again"
                value={role}
                onChange={(value) => setRole(value as KeyWorkerRole)}
                groupStatus={refusal.role ? "error" : "default"}
                groupStatusText={refusal.role ? refusal.text : undefined}
                mt="m"
                mb="m"
              >
                {KEY_WORKER_ROLES.map((keyWorkerRole) => (
                  <RadioButton key={keyWorkerRole} value={keyWorkerRole} id={`register-team-role-${keyWorkerRole}`}>
                    {t(`client.role.${keyWorkerRole}`)}
                  </RadioButton>
                ))}
              </RadioButtonGroup>
              <Button onClick={() => void make(role)} mb="s">
                {t("register.team.again")}
              </Button>
              <Paragraph>
                <RouterLink asComponent={RouterDomLink} to={HOME}>
                  {t("app.toMyClients")}
                </RouterLink>
              </Paragraph>
            </>
          )}
        </>
      )}
    </Block>
  );
}
