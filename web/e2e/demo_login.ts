import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type Route } from "@playwright/test";

/** Logs a demo user in at the real local provider, starting from `path`, and waits to be back there. */
export async function logInAs(page: Page, baseURL: string, path: string, user: string, password: string) {
  await page.goto(path);
  await page.getByRole("button", { name: "Kirjaudu" }).click();
  await page.getByLabel("User").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  // The way back through the provider is slow on a loaded machine; the stories wait for it, not fail.
  await expect(page).toHaveURL(`${baseURL}${path}`, { timeout: 60_000 });
}

/** The key the app makes for a change it sends (src/lib/idempotency.ts): a random UUID. */
export const IDEMPOTENCY_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Answers the API's `method path` in the page, where the stories run without the services: only the
 * API's own paths, never the app's pages (/app/inbox is a page, /inbox the API). Every change the app
 * sends must carry an Idempotency-Key, as the gateway's repeats need: a story whose change goes without
 * one fails (softly, so that the story still shows what the screen did).
 */
export async function answerApi(
  page: Page,
  method: string,
  path: string | RegExp,
  answer: (route: Route) => Promise<void> | void,
) {
  await page.route(
    (url) => (typeof path === "string" ? url.pathname === path : path.test(url.pathname)),
    async (route) => {
      if (route.request().method() !== method) return route.fallback();
      if (method !== "GET") {
        const key = await route.request().headerValue("Idempotency-Key");
        expect.soft(key, `the Idempotency-Key of ${method} ${new URL(route.request().url()).pathname}`).toMatch(IDEMPOTENCY_KEY);
      }
      return answer(route);
    },
  );
}

/** The Idempotency-Key a change the app sent carried. */
export function keyOf(route: Route): Promise<string | null> {
  return route.request().headerValue("Idempotency-Key");
}

/** No WCAG 2.1 A or AA violation on the page as it is now. */
export async function expectAccessible(page: Page) {
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
}
