// The gateway's API, typed from its OpenAPI document (src/api/schema.d.ts, `npm run generate-api`).
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { createContext, useContext } from "react";
import type { components, paths } from "../api/schema";

export type Api = Client<paths>;
export type Problem = components["schemas"]["Problem"];

/** A refusal or failure from the API, with its status and problem details when it sent them. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | undefined,
  ) {
    super(problem?.title ? `${status} ${problem.title}` : `the API answered ${status}`);
  }
}

interface ApiOptions {
  accessToken: () => string | undefined;
  /** The API refused the token: the session is over. */
  onUnauthorized: () => void;
  baseUrl?: string;
  fetch?: typeof fetch;
}

export function createApi({ accessToken, onUnauthorized, baseUrl, fetch: fetcher }: ApiOptions): Api {
  const api = createClient<paths>({
    baseUrl: baseUrl ?? window.location.origin,
    ...(fetcher ? { fetch: fetcher } : {}),
  });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = accessToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  };
  api.use(auth);
  return api;
}

/**
 * A 400's `errors` as dotted field names ("given_by.relation", "professionals.0"): the gateway nests
 * them as marshmallow does, a service may name them dotted already; both come out the same.
 */
export function refusedFieldsOf(errors: unknown, prefix = ""): string[] {
  if (typeof errors !== "object" || errors === null || Array.isArray(errors)) return prefix ? [prefix] : [];
  return Object.entries(errors).flatMap(([key, value]) => {
    const name = prefix ? `${prefix}.${key}` : key;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? refusedFieldsOf(value, name) : [name];
  });
}

/** The data of an openapi-fetch answer, or an ApiError. */
export function answer<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined && result.response.ok) return result.data;
  const problem = typeof result.error === "object" && result.error !== null ? (result.error as Partial<Problem>) : undefined;
  throw new ApiError(result.response.status, problem);
}

export const ApiContext = createContext<Api | undefined>(undefined);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside an ApiContext provider");
  return api;
}
