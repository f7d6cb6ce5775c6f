// Emergency access (break the glass): a professional outside the client's team opens the client's data
// for a while, for a reason from the list and in words; the gateway logs each read and tells the key worker.
import { useSyncExternalStore } from "react";
import type { components } from "../../api/schema";
import { answer, type Api } from "../../lib/api";

export type EmergencyAccess = components["schemas"]["EmergencyAccessOut"];
export type EmergencyReason = components["schemas"]["EmergencyAccess"]["reason"];

export const EMERGENCY_REASONS: readonly EmergencyReason[] = [
  "risk_to_life",
  "risk_to_health",
  "acute_crisis",
  "urgent_care_continuity",
];
export const EXPLANATION_MAX = 2000;

/** Opens the window (POST /clients/{id}/emergency-access); answers it with its end. */
export function openEmergencyAccess(
  api: Api,
  clientId: string,
  reason: EmergencyReason,
  explanation: string,
): Promise<EmergencyAccess> {
  return api
    .POST("/clients/{client_id}/emergency-access", { params: { path: { client_id: clientId } }, body: { reason, explanation } })
    .then(answer);
}

// The windows this page opened, by who opened it and for which client, so the banner stays while the user
// moves about the app. Kept in the page's memory only, as the tokens are: the gateway is what decides.
const opened = new Map<string, EmergencyAccess>();
const listeners = new Set<() => void>();
const keyOf = (subject: string, clientId: string) => `${subject}\n${clientId}`;

export function rememberEmergencyAccess(subject: string, access: EmergencyAccess): void {
  opened.set(keyOf(subject, access.client_id), access);
  for (const listener of listeners) listener();
}

/** The window `subject` opened for `clientId` in this page, open or ended; undefined if none. */
export function useEmergencyAccess(subject: string | undefined, clientId: string): EmergencyAccess | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => (subject ? opened.get(keyOf(subject, clientId)) : undefined),
  );
}

/** Forgets every window (tests). */
export function forgetEmergencyAccesses(): void {
  opened.clear();
  for (const listener of listeners) listener();
}

/** Whether the window is still open at `now`. */
export function isOpen(access: EmergencyAccess | undefined, now: number = Date.now()): boolean {
  return access !== undefined && Date.parse(access.ends_at) > now;
}
