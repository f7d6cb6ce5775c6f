import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

const ISSUER = "http://127.0.0.1:8010";

/** Whatever the page asks of another origin than its own and the OpenID provider's, and every console error. */
function watch(page: Page, origin: string) {
  const seen = { thirdParty: [] as string[], errors: [] as string[] };
  page.on("request", (request) => {
    const at = new URL(request.url()).origin;
    if (at !== origin && at !== ISSUER) seen.thirdParty.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error") seen.errors.push(message.text());
  });
  return seen;
}

test("the login page appears with no policy violation, no third-party request and no accessibility violation", async ({
  page,
  baseURL,
}) => {
  const seen = watch(page, baseURL!);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Kirjaudu tiimiin" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Kirjaudu" })).toBeVisible();
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
  expect(seen).toEqual({ thirdParty: [], errors: [] });
});

test("an address inside the app asks for a login first, in the language picked", async ({ page }) => {
  await page.goto("/app/clients");
  await expect(page.getByRole("heading", { level: 1, name: "Kirjaudu tiimiin" })).toBeVisible();
  await page.getByRole("button", { name: /^Valitse kieli/ }).click();
  await page.getByRole("menuitem", { name: "På svenska (SV)" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Logga in i tiimi" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "sv");
});

test("logging in goes to the provider with the code flow and PKCE, for this app's callback", async ({ page, baseURL }) => {
  // The provider, as far as the app needs it before the user leaves: its discovery document.
  await page.route(`${ISSUER}/.well-known/openid-configuration`, (route) =>
    route.fulfill({
      json: {
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/auth`,
        token_endpoint: `${ISSUER}/token`,
        end_session_endpoint: `${ISSUER}/session/end`,
        jwks_uri: `${ISSUER}/jwks`,
      },
      headers: { "Access-Control-Allow-Origin": baseURL! },
    }),
  );
  let authorize: URL | undefined;
  await page.route(`${ISSUER}/auth?*`, (route) => {
    authorize = new URL(route.request().url());
    return route.fulfill({ contentType: "text/html", body: "<title>provider</title>" });
  });
  await page.goto("/app/clients");
  await page.getByRole("button", { name: "Kirjaudu" }).click();
  await expect(page).toHaveTitle("provider");
  const asked = Object.fromEntries(authorize!.searchParams);
  expect(asked).toMatchObject({
    client_id: "tiimi-web",
    response_type: "code",
    scope: "openid profile tiimi",
    redirect_uri: `${baseURL}/app/callback`,
    code_challenge_method: "S256",
  });
  expect(asked.code_challenge).toMatch(/^[\w-]{43}$/);
  // Nothing but the login's one-time state was written down in the browser; no token.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  expect(stored).toBe("{}");
});
