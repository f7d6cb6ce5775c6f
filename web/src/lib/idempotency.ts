// Every change the app sends carries an Idempotency-Key, so that sending it again is safe: the gateway
// answers a repeat of a key with the first answer and changes nothing more (README, "Safe to repeat").
//
// One key a submission: when a change is sent and no answer comes (the network failed) or the answer
// is a 5xx, nobody knows whether it happened, so the same request sent again (the user pressing save
// once more) goes with the same key and happens at most once. Any other answer (success, or a 4xx:
// the change was decided) lets the key go, and so does sending something else (the form was changed):
// the next submission gets a new key.
import type { TFunction } from "i18next";
import type { Middleware } from "openapi-fetch";
import { useMemo, useState } from "react";
import { ApiError, useApi, type Api } from "./api";

export const IDEMPOTENCY_KEY = "Idempotency-Key";

/** A new key: a random UUID (version 4) from getRandomValues, which a page outside a secure context has too. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether a send that ended so may have changed something nobody heard of: no answer at all, or a 5xx. */
export function outcomeUnknown(status: number | undefined): boolean {
  return status === undefined || status >= 500;
}

const CHANGES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The keys of one form's submissions. It remembers the last request it keyed until that request's
 * outcome is known; the same request sent again meanwhile gets the same key, anything else a new one.
 */
export class SubmissionKeys {
  private pending: { request: string; key: string } | undefined;

  constructor(private readonly mint: () => string = newIdempotencyKey) {}

  /** The key to send `request` (its method, address and body) with. */
  keyFor(request: string): string {
    if (this.pending?.request !== request) this.pending = { request, key: this.mint() };
    return this.pending.key;
  }

  /** How the send with `key` ended (`undefined`: no answer): a known outcome lets the key go. */
  settle(key: string | null, status: number | undefined): void {
    if (this.pending?.key === key && !outcomeUnknown(status)) this.pending = undefined;
  }

  /** Puts the key on each change as it leaves, and settles it when the answer comes. */
  readonly middleware: Middleware = {
    onRequest: async ({ request }) => {
      if (!CHANGES.has(request.method)) return undefined;
      const body = await request.clone().text();
      request.headers.set(IDEMPOTENCY_KEY, this.keyFor(`${request.method} ${request.url}\n${body}`));
      return request;
    },
    onResponse: ({ request, response }) => {
      if (CHANGES.has(request.method)) this.settle(request.headers.get(IDEMPOTENCY_KEY), response.status);
      return undefined;
    },
    // A send that failed before any answer (onError) keeps its key: the change may have arrived.
  };
}

type Change = "POST" | "PUT" | "PATCH" | "DELETE";
type Send = (url: unknown, init?: { middleware?: Middleware[] }) => unknown;

/** The API with `keys` on every change it sends; reads go as they are. */
export function withSubmissionKeys(api: Api, keys: SubmissionKeys): Api {
  // openapi-fetch takes middleware for one request too; the types of its methods are too generic to restate.
  const keyed = <M extends Change>(method: M): Api[M] => {
    const send = api[method] as unknown as Send;
    const withKeys: Send = (url, init) => send(url, { ...init, middleware: [...(init?.middleware ?? []), keys.middleware] });
    return withKeys as unknown as Api[M];
  };
  return { ...api, POST: keyed("POST"), PUT: keyed("PUT"), PATCH: keyed("PATCH"), DELETE: keyed("DELETE") };
}

/**
 * The API for a form that changes something: each change it sends carries an Idempotency-Key, the same
 * when the form sends the same request again after no answer or a 5xx. The keys live as long as the form.
 */
export function useSubmissionApi(): Api {
  const api = useApi();
  const [keys] = useState(() => new SubmissionKeys());
  return useMemo(() => withSubmissionKeys(api, keys), [api, keys]);
}

/** Whether the gateway refused the request's Idempotency-Key as used for a different request (a 422 naming it). */
export function keyReused(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 422) return false;
  const errors = error.problem?.errors;
  return typeof errors === "object" && errors !== null && IDEMPOTENCY_KEY in errors;
}

/** The words for a refused Idempotency-Key, if `error` is that: nothing was changed, and saving again sends it anew. */
export function keyReusedText(error: unknown, t: TFunction): string | undefined {
  return keyReused(error) ? t("app.keyReused") : undefined;
}
