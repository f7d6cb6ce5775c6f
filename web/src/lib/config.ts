// Where and how the app logs in, as the gateway tells it at /app/config.json.

export interface AppConfig {
  issuer: string;
  client_id: string;
  scope: string;
  redirect_uri: string;
  post_logout_redirect_uri: string;
}

const FIELDS = ["issuer", "client_id", "scope", "redirect_uri", "post_logout_redirect_uri"] as const;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The login settings, checked field by field: a missing or empty one is a ConfigError naming it. */
export async function loadConfig(fetcher: typeof fetch = fetch): Promise<AppConfig> {
  const response = await fetcher("/app/config.json", { headers: { Accept: "application/json" } });
  if (!response.ok) {
    throw new ConfigError(`/app/config.json answered ${response.status}`);
  }
  const body: unknown = await response.json();
  if (typeof body !== "object" || body === null) {
    throw new ConfigError("/app/config.json is not an object");
  }
  const record = body as Record<string, unknown>;
  for (const field of FIELDS) {
    const value = record[field];
    if (typeof value !== "string" || value === "") {
      throw new ConfigError(`/app/config.json has no ${field}`);
    }
  }
  return Object.fromEntries(FIELDS.map((field) => [field, record[field]])) as unknown as AppConfig;
}
