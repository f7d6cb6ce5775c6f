// What every story against the whole system needs: the demo users, logging in as one of them at the
// real provider, the gateway's API as one of them (for setting data up and for finding ids), waiting
// for what the services do after an event, the header's language switch, and each screen's checks.
import { expect, request, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { expectAccessible, logInAs } from "../e2e/demo_login";

/** The local provider's demo users (deploy/oidc/users.json) and what the demo seed made them. */
export const USERS = {
  /** The key worker of every seeded client, in the county 1234567-8. */
  keyWorker: { id: "sw-1001", password: "keyworker", organisation: "1234567-8", kind: "professional", name: "Sanna Virtanen" },
  /** A social counsellor of the county, active on every seeded team. */
  counsellor: { id: "sc-2002", password: "counsellor", organisation: "1234567-8", kind: "professional", name: "Mikko Korhonen" },
  /** A nurse of the county, active on every seeded team. */
  nurse: { id: "nurse-5", password: "nurse", organisation: "1234567-8", kind: "professional", name: "Nina Lindholm" },
  /** The NGO 0123456-7's worker: active, pending and suspended on one seeded team each. */
  ngoWorker: { id: "ngo-77", password: "ngo", organisation: "0123456-7", kind: "professional", name: "Alex Laine" },
  /** The NGO's referral desk: a partner user, who sees the referrals addressed to the NGO. */
  partnerDesk: { id: "desk-1", password: "partner", organisation: "0123456-7", kind: "partner", name: "NGO referral desk" },
} as const;
export type DemoUser = (typeof USERS)[keyof typeof USERS];

/** The seeded clients by name (examples/demo_seed.py); their ids differ on each run: see clientId. */
export const CLIENTS = {
  /** The NGO worker active (consent given); a referral completed, one requested and soon overdue. */
  aino: "Aino Heikkinen",
  /** The NGO worker pending (no consent yet); a referral drafted, one requested. */
  erik: "Erik Lindqvist",
  /** The NGO worker suspended (consent withdrawn). */
  grace: "Grace Mensah",
  /** No NGO; a consent ending within a week, a denial. */
  matti: "Matti Laaksonen",
  linnea: "Linnea Holm",
} as const;

const python = process.env.TIIMI_PYTHON ?? "../.venv/bin/python";

/** Logs `user` in at the real provider, starting at `path`, and waits to be back there. */
export async function logIn(page: Page, user: DemoUser, path: string): Promise<void> {
  const origin = new URL(test.info().project.use.baseURL ?? "").origin;
  await logInAs(page, origin, path, user.id, user.password);
  await expect(page.getByRole("banner").getByText(new RegExp(user.name))).toBeVisible();
}

/**
 * The gateway's API as `user`, with a token of the gateway's own local minting (gateway.mint, with
 * the run's secret in its var directory): the same identity the provider's token carries.
 * Dispose of it at the end of the story.
 */
export async function apiAs(user: DemoUser, baseURL: string): Promise<APIRequestContext> {
  const token = execFileSync(
    python,
    ["-m", "gateway.mint", user.kind === "partner" ? "--partner" : "--professional", user.id, "--organisation", user.organisation],
    { env: mintEnv() },
  )
    .toString()
    .trim();
  return request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
}

// gateway.mint's own issuer (tiimi-local) and the audience the gateway checks beside the provider's.
function mintEnv(): NodeJS.ProcessEnv {
  const { TIIMI_JWT_ISSUER: _issuer, TIIMI_JWT_SECRET: _secret, ...env } = process.env;
  return { ...env, TIIMI_VAR_DIR: resolve("test-results-system/var"), TIIMI_JWT_AUDIENCE: "tiimi-gateway" };
}

/** The answer to `GET path` as JSON; fails the story on any other status than 200. */
export async function getJson<T>(api: APIRequestContext, path: string): Promise<T> {
  const response = await api.get(path);
  expect(response.status(), `GET ${path}`).toBe(200);
  return (await response.json()) as T;
}

interface Involvement {
  client_id: string;
  team_id: string;
}
interface ClientOut {
  id: string;
  name: string | null;
}

interface InboxItem {
  id: string;
  subject: string;
  read_at: string | null;
}

/** How many of the user's inbox messages are unread, as the API has it now. */
export async function unreadCount(api: APIRequestContext): Promise<number> {
  return (await getJson<InboxItem[]>(api, "/inbox")).filter((item) => item.read_at === null).length;
}

/** The id of the seeded client of that name, as the key worker's My clients has it. */
export async function clientId(keyWorkerApi: APIRequestContext, name: string): Promise<string> {
  const involvements = await getJson<Involvement[]>(keyWorkerApi, "/me/clients");
  for (const involvement of involvements) {
    const client = await getJson<ClientOut>(keyWorkerApi, `/clients/${involvement.client_id}`);
    if (client.name === name) return client.id;
  }
  throw new Error(`no client of the demo's named ${name}: was the demo seeded?`);
}

/**
 * Waits for what the services do after an event (a team hearing of a withdrawn consent, an inbox
 * filling up): runs `check` until it passes, `check` reloading what it looks at itself.
 */
export async function eventually(check: () => Promise<void>, timeout = 45_000): Promise<void> {
  await expect(check).toPass({ timeout, intervals: [500, 1_000, 2_000] });
}

export type Language = "fi" | "sv" | "en";
const LANGUAGE_NAMES: Record<Language, string> = { fi: "Suomeksi (FI)", sv: "På svenska (SV)", en: "In English (EN)" };

/** Picks a language in the header's menu (the app keeps it while it is not reloaded). */
export async function chooseLanguage(page: Page, language: Language): Promise<void> {
  if ((await page.locator("html").getAttribute("lang")) === language) return;
  await page.locator("header").getByRole("button", { name: /\((FI|SV|EN)\)/ }).click();
  await page.getByRole("menuitem", { name: LANGUAGE_NAMES[language] }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", language);
}

/** axe finds nothing, and a full-page screenshot is kept with the run's artefacts (never committed). */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await expect(page.getByRole("progressbar")).toHaveCount(0);
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

/** Presses `key` on `target` once it has the focus: what a keyboard user does, no pointer involved. */
export async function pressOn(target: Locator, key = "Enter"): Promise<void> {
  await target.focus();
  await expect(target).toBeFocused();
  await target.press(key);
}

/** Focus is still on something of the page's after an action, not dropped to the document's body. */
export async function expectFocusKept(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => document.activeElement !== null && document.activeElement !== document.body), {
      message: "focus was dropped to the page's body",
    })
    .toBe(true);
}

/** Logs `user` in at the real provider by keyboard alone, starting at `path`, and waits to be back there. */
export async function logInByKeyboard(page: Page, user: DemoUser, path: string): Promise<void> {
  const origin = new URL(test.info().project.use.baseURL ?? "").origin;
  await page.goto(path);
  await pressOn(page.getByRole("button", { name: /^(Kirjaudu|Logga in|Log in)$/ }));
  // The provider's own form: the user field takes the focus as it opens.
  const userField = page.getByLabel("User");
  await expect(userField).toBeFocused({ timeout: 30_000 });
  await userField.fill(user.id);
  await userField.press("Tab");
  const password = page.getByLabel("Password");
  await expect(password).toBeFocused();
  await password.fill(user.password);
  await password.press("Enter");
  await expect(page).toHaveURL(`${origin}${path}`, { timeout: 60_000 });
  await expect(page.getByRole("banner").getByText(new RegExp(user.name))).toBeVisible();
}

/**
 * Picks `option` in a design system dropdown by keyboard: Enter opens its list, the arrow keys move
 * through it until the option has the keyboard's focus, and Enter chooses it.
 */
export async function chooseByKeyboard(page: Page, dropdown: Locator, option: string): Promise<void> {
  await pressOn(dropdown, "Enter");
  const list = page.getByRole("listbox");
  await expect(list).toBeVisible();
  const wanted = list.getByRole("option", { name: option, exact: true });
  await expect(wanted).toHaveCount(1);
  const total = await list.getByRole("option").count();
  for (let moves = 0; moves <= total; moves += 1) {
    if (/hasKeyboardFocus/.test((await wanted.getAttribute("class")) ?? "")) break;
    await page.keyboard.press("ArrowDown");
  }
  await expect(wanted).toHaveClass(/hasKeyboardFocus/);
  await page.keyboard.press("Enter");
  await expect(list).toBeHidden();
  await expect(dropdown).toContainText(option);
}
