import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ISSUER } from "../playwright.config";

/** What the app's pages ask of another origin than their own and the OpenID provider's, and every console error. */
function watch(page: Page, origin: string) {
  const seen = { thirdParty: [] as string[], errors: [] as string[] };
  page.on("request", (request) => {
    const at = new URL(request.url()).origin;
    const onOurPage = new URL(request.frame().url() || origin).origin === origin;
    if (onOurPage && at !== origin && at !== ISSUER) seen.thirdParty.push(request.url());
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

test("logging in asks the provider for the code flow with PKCE, for this app's callback", async ({ page, baseURL }) => {
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

test("a demo key worker logs in at the provider, sees their name and organisation, and logs out", async ({ page, baseURL }) => {
  const seen = watch(page, baseURL!);
  await page.goto("/app/clients");
  await page.getByRole("button", { name: "Kirjaudu" }).click();
  await page.getByLabel("User").fill("sw-1001");
  await page.getByLabel("Password").fill("keyworker");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(`${baseURL}/app/clients`);
  await expect(page.getByText("Kirjautuneena Sanna Virtanen, 1234567-8")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Omat asiakkaat" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("my-clients.png"), fullPage: true });
  // The token is in the page's memory only.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  expect(stored).not.toMatch(/access_token|eyJ/);
  await page.getByRole("button", { name: "Kirjaudu ulos" }).click();
  await page.getByRole("button", { name: "Log out" }).click(); // the provider asks on its own page
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.getByRole("heading", { level: 1, name: "Kirjaudu tiimiin" })).toBeVisible();
  expect(seen.thirdParty).toEqual([]);
});
