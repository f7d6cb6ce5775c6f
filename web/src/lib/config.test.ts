import { describe, expect, it, vi } from "vitest";
import { ConfigError, loadConfig } from "./config";

const CONFIG = {
  issuer: "http://127.0.0.1:8010",
  client_id: "tiimi-web",
  scope: "openid profile tiimi",
  redirect_uri: "http://127.0.0.1:8000/app/callback",
  post_logout_redirect_uri: "http://127.0.0.1:8000/",
};

const answering = (status: number, body: unknown) =>
  vi.fn<typeof fetch>(async () => new Response(JSON.stringify(body), { status }));

describe("the login settings", () => {
  it("come from the gateway's /app/config.json", async () => {
    const fetcher = answering(200, { ...CONFIG, extra: "ignored" });
    await expect(loadConfig(fetcher)).resolves.toEqual(CONFIG);
    expect(fetcher.mock.calls[0]![0]).toBe("/app/config.json");
  });

  it("name the field that is missing", async () => {
    const { client_id: _, ...without } = CONFIG;
    await expect(loadConfig(answering(200, without))).rejects.toThrow(new ConfigError("/app/config.json has no client_id"));
  });

  it("fail when the gateway does not answer them", async () => {
    await expect(loadConfig(answering(503, {}))).rejects.toBeInstanceOf(ConfigError);
  });
});
