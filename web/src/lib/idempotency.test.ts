import { describe, expect, it, vi } from "vitest";
import { answer, ApiError, createApi } from "./api";
import { createI18n } from "./i18n";
import { IDEMPOTENCY_KEY, keyReused, keyReusedText, newIdempotencyKey, SubmissionKeys, withSubmissionKeys } from "./idempotency";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TEAM_ID = "t-1";

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** An API whose changes carry one form's keys, over a fetch that answers in turn what `answers` say. */
function keyedApi(...answers: (() => Response)[]) {
  const seen: { method: string; url: string; key: string | null; body: string }[] = [];
  const fetcher = vi.fn(async (request: Request) => {
    seen.push({ method: request.method, url: request.url, key: request.headers.get(IDEMPOTENCY_KEY), body: await request.text() });
    const next = answers.shift();
    if (!next) throw new Error("no answer planned for this request");
    return next();
  });
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  return { api: withSubmissionKeys(api, new SubmissionKeys()), seen };
}

const lost = () => {
  throw new TypeError("Failed to fetch");
};
const ok = () => json(200, { id: TEAM_ID });
const problem = (status: number, errors?: Record<string, unknown>) => () => json(status, { title: "refused", status, errors });

/** Suspends the team for a reason: one submission of the status form; the answer or the error. */
function suspend(api: ReturnType<typeof keyedApi>["api"], reason: string) {
  return api
    .POST("/teams/{team_id}/status", { params: { path: { team_id: TEAM_ID } }, body: { status: "suspended", reason } })
    .then(answer)
    .catch((error: unknown) => error);
}

describe("a new key", () => {
  it("is a random version 4 UUID, another each time", () => {
    const keys = Array.from({ length: 50 }, newIdempotencyKey);
    for (const key of keys) expect(key).toMatch(UUID);
    expect(new Set(keys).size).toBe(50);
  });
});

describe("the keys of a form's submissions", () => {
  it("sends the same key again after no answer came (a network error)", async () => {
    const { api, seen } = keyedApi(lost, ok);
    expect(await suspend(api, "moved")).toBeInstanceOf(TypeError);
    expect(await suspend(api, "moved")).toEqual({ id: TEAM_ID });
    expect(seen.map((s) => s.key)).toEqual([expect.stringMatching(UUID), seen[0]!.key]);
  });

  it("sends the same key again after a 5xx, as often as it takes", async () => {
    const { api, seen } = keyedApi(problem(503), problem(500), ok);
    expect(await suspend(api, "moved")).toMatchObject({ status: 503 });
    expect(await suspend(api, "moved")).toMatchObject({ status: 500 });
    await suspend(api, "moved");
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(seen[0]!.key).toMatch(UUID);
  });

  it("makes a new key for the next submission after a success", async () => {
    const { api, seen } = keyedApi(ok, ok);
    await suspend(api, "moved");
    await suspend(api, "moved");
    expect(seen[0]!.key).toMatch(UUID);
    expect(seen[1]!.key).toMatch(UUID);
    expect(seen[1]!.key).not.toBe(seen[0]!.key);
  });

  it("makes a new key after a 4xx: the change was decided, nothing is left to find out", async () => {
    const { api, seen } = keyedApi(problem(409), problem(400, { reason: ["too long"] }), ok);
    expect(await suspend(api, "moved")).toMatchObject({ status: 409 });
    expect(await suspend(api, "moved")).toMatchObject({ status: 400 });
    await suspend(api, "moved");
    expect(new Set(seen.map((s) => s.key)).size).toBe(3);
  });

  it("makes a new key when the form was changed after a lost answer, and keeps it for that request", async () => {
    const { api, seen } = keyedApi(lost, lost, ok);
    await suspend(api, "moved");
    await suspend(api, "moved abroad");
    await suspend(api, "moved abroad");
    expect(seen.map((s) => JSON.parse(s.body).reason)).toEqual(["moved", "moved abroad", "moved abroad"]);
    expect(seen[1]!.key).not.toBe(seen[0]!.key);
    expect(seen[2]!.key).toBe(seen[1]!.key);
  });

  it("makes a new key for another address with the same body", async () => {
    const { api, seen } = keyedApi(lost, ok);
    await api.POST("/inbox/{item_id}/read", { params: { path: { item_id: "i-1" } }, body: {} }).catch(() => undefined);
    await api.POST("/inbox/{item_id}/read", { params: { path: { item_id: "i-2" } }, body: {} });
    expect(seen[1]!.key).not.toBe(seen[0]!.key);
  });

  it("puts no key on a read, and leaves the API it was made from without keys", async () => {
    const seen: (string | null)[] = [];
    const fetcher = vi.fn(async (request: Request) => {
      seen.push(request.headers.get(IDEMPOTENCY_KEY));
      return json(200, []);
    });
    const plain = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
    const keyed = withSubmissionKeys(plain, new SubmissionKeys());
    await keyed.GET("/inbox");
    await plain.POST("/inbox/{item_id}/read", { params: { path: { item_id: "i-1" } }, body: {} });
    await keyed.POST("/inbox/{item_id}/read", { params: { path: { item_id: "i-1" } }, body: {} });
    expect(seen).toEqual([null, null, expect.stringMatching(UUID)]);
  });

  it("keeps the bearer token on a keyed change", async () => {
    const fetcher = vi.fn(async (request: Request) => {
      expect(request.headers.get("Authorization")).toBe("Bearer a-token");
      return json(200, {});
    });
    const api = withSubmissionKeys(
      createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch }),
      new SubmissionKeys(),
    );
    await api.POST("/inbox/{item_id}/read", { params: { path: { item_id: "i-1" } }, body: {} });
    expect(fetcher).toHaveBeenCalledTimes(1);
  });
});

describe("a refused key", () => {
  const t = createI18n("fi").t;

  it("is a 422 naming the Idempotency-Key header, and is told in the user's words", () => {
    const refused = new ApiError(422, { status: 422, errors: { [IDEMPOTENCY_KEY]: ["already used for a different request"] } });
    expect(keyReused(refused)).toBe(true);
    expect(keyReusedText(refused, t)).toBe(
      "Muutosta ei tallennettu: se lähetettiin tunnisteella, jota oli jo käytetty toiseen muutokseen. Tarkista tiedot ja tallenna uudelleen.",
    );
  });

  it("is not any other refusal", () => {
    expect(keyReused(new ApiError(422, { errors: { reason: ["x"] } }))).toBe(false);
    expect(keyReused(new ApiError(400, { errors: { [IDEMPOTENCY_KEY]: ["not valid"] } }))).toBe(false);
    expect(keyReused(new ApiError(422, undefined))).toBe(false);
    expect(keyReused(new TypeError("Failed to fetch"))).toBe(false);
    expect(keyReusedText(new ApiError(409, undefined), t)).toBeUndefined();
  });
});
