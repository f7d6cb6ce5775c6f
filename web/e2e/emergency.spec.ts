import { expect, test } from "@playwright/test";
import { answerApi, expectAccessible, logInAs } from "./demo_login";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const CLIENT = {
  id: CLIENT_ID, name: "Aino Aalto", preferred_language: "fi", municipality: "091",
  contact: { phone: null, email: null, address: null }, registered_at: "2026-11-01T10:00:00Z", registered_by: "sw-1001",
};
const TEAM = {
  id: "t-1", client_id: CLIENT_ID, organisation: "1234567-8", status: "active", closed_reason: null, status_history: [],
  key_worker: { member_id: "m-1", professional_id: "sw-1001", started_at: "2026-11-10T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1001" },
  key_worker_history: [],
  members: [{
    id: "m-1", kind: "professional", name: "Sanna Sosiaali", professional_id: "sw-1001", organisation: "1234567-8",
    role: "social_worker", relation: null, status: "active", contact: {}, starts_on: "2026-11-01T10:00:00Z", ends_on: null,
  }],
};
// The window the mocked gateway opens: seconds, not hours, so that the story sees it end in real time.
const WINDOW_MS = 20_000;

/** HH.MM as the Finnish page writes the window's end, in Finnish time. */
const finnishTime = (iso: string) =>
  new Intl.DateTimeFormat("fi", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Europe/Helsinki" }).format(new Date(iso));

test("a professional outside the team opens emergency access by keyboard, reads under a banner, and is refused after its end", async ({ page, baseURL }) => {
  let endsAt = 0;
  const opened: unknown[] = [];
  const refused = { status: 403, contentType: "application/problem+json", body: JSON.stringify({ title: "Forbidden", status: 403 }) };
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  // The gateway: an outsider's reads are refused unless their window is open.
  await answerApi(page, "GET", /^\/clients\/[\w-]+(\/team|\/referrals)?$/, (route) => {
    if (Date.now() >= endsAt) return route.fulfill(refused);
    const path = new URL(route.request().url()).pathname;
    return route.fulfill({ json: path.endsWith("/team") ? TEAM : path.endsWith("/referrals") ? [] : CLIENT });
  });
  let access: Record<string, unknown> = {};
  await answerApi(page, "POST", `/clients/${CLIENT_ID}/emergency-access`, (route) => {
    opened.push(route.request().postDataJSON());
    const now = Date.now();
    endsAt = now + WINDOW_MS;
    access = {
      id: "ea-1", client_id: CLIENT_ID, professional: "sc-2002", organisation: "1234567-8", reason: "risk_to_health",
      explanation: "Tajuton potilas päivystyksessä", opened_at: new Date(now).toISOString(), ends_at: new Date(endsAt).toISOString(),
      key_worker_id: "sw-1001", reviewed_at: null, reviewed_by: null,
    };
    return route.fulfill({ status: 201, json: access });
  });
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sc-2002", "counsellor");
  await expect(page.getByRole("heading", { level: 1, name: "Ei asiakkaasi tai ei löytynyt" })).toBeVisible();
  await expect(page.getByText("Aino Aalto")).toHaveCount(0);
  await expectAccessible(page);

  const action = page.getByRole("button", { name: "Hätäpääsy", exact: true });
  await action.focus();
  await action.press("Enter");
  await expect(page.getByText("Hätäpääsy kirjataan ja siitä ilmoitetaan")).toBeVisible();
  await expect(page.getByText(/vastuutyöntekijälle ilmoitetaan heti/)).toBeVisible();
  // Nothing is sent without a reason and words; the first reason has the focus.
  const first = page.getByRole("radio", { name: "Vaara asiakkaan hengelle" });
  await expect(first).toBeFocused();
  await page.getByRole("button", { name: "Avaa hätäpääsy" }).press("Enter");
  await expect(page.getByText("Valitse syy.")).toBeVisible();
  await expect(page.getByText("Perustele, miksi tarvitset tiedot nyt.")).toBeVisible();
  await expectAccessible(page);
  expect(opened).toEqual([]);

  await first.focus();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("radio", { name: "Vaara asiakkaan terveydelle" })).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("textbox", { name: "Perustelu" })).toBeFocused();
  await page.keyboard.type("Tajuton potilas päivystyksessä");
  await page.getByRole("button", { name: "Avaa hätäpääsy" }).press("Enter");

  await expect(page.getByRole("heading", { level: 1, name: "Aino Aalto" })).toBeVisible();
  await expect(page.getByText(`Hätäpääsy klo ${finnishTime(String(access.ends_at))} asti`)).toBeVisible();
  await expect(page.getByText(/Syy: Vaara asiakkaan terveydelle\./)).toBeVisible();
  expect(opened).toEqual([{ reason: "risk_to_health", explanation: "Tajuton potilas päivystyksessä" }]);
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath("emergency-open.png"), fullPage: true });

  // The window ends: the page asks again by itself, the gateway refuses, and the client leaves the screen.
  await expect(page.getByRole("heading", { level: 1, name: "Ei asiakkaasi tai ei löytynyt" })).toBeVisible({ timeout: WINDOW_MS + 15_000 });
  await expect(page.getByText("Aino Aalto")).toHaveCount(0);
  await expect(page.getByText(`Hätäpääsysi päättyi klo ${finnishTime(String(access.ends_at))}.`)).toBeVisible();
  await expectAccessible(page);
});

test("the data protection officer reaches the review list from the menu and marks an access reviewed by keyboard", async ({ page, baseURL }) => {
  const ACCESS = {
    id: "ea-1", client_id: CLIENT_ID, professional: "sc-2002", organisation: "1234567-8", reason: "acute_crisis",
    explanation: "Kriisipuhelu yöllä", opened_at: "2026-11-21T08:00:00Z", ends_at: "2026-11-21T12:00:00Z",
    key_worker_id: "sw-1001", reviewed_at: null as string | null, reviewed_by: null as string | null,
  };
  const reviews: unknown[] = [];
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", "/me/clients", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", "/emergency-accesses", (route) => route.fulfill({ json: [ACCESS] }));
  await answerApi(page, "POST", "/emergency-accesses/ea-1/review", (route) => {
    reviews.push(route.request().postDataJSON());
    return route.fulfill({ json: { ...ACCESS, reviewed_at: "2026-11-22T10:00:00Z", reviewed_by: "sw-1001" } });
  });
  await logInAs(page, baseURL!, "/app/clients", "sw-1001", "keyworker");
  const link = page.getByRole("navigation").getByRole("link", { name: "Hätäpääsyt" });
  await link.focus();
  await link.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Tarkastettavat hätäpääsyt" })).toBeVisible();
  const item = page.getByRole("listitem").filter({ hasText: "sc-2002, 1234567-8" });
  await expect(item).toContainText("Akuutti kriisi — Kriisipuhelu yöllä");
  await expect(item).toContainText("Ei vielä tarkastettu.");
  await expectAccessible(page);
  const mark = item.getByRole("button", { name: /^Merkitse tarkastetuksi/ });
  await mark.focus();
  await mark.press("Enter");
  await expect(item).toContainText("Tarkastanut sw-1001");
  expect(reviews).toEqual([{}]);
  await expectAccessible(page);
});

test("the menu has no review list for whom the gateway refuses it", async ({ page, baseURL }) => {
  let asked = 0;
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", "/me/clients", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", "/emergency-accesses", (route) => {
    asked += 1;
    return route.fulfill({ status: 403, contentType: "application/problem+json", body: JSON.stringify({ title: "Forbidden", status: 403 }) });
  });
  await logInAs(page, baseURL!, "/app/clients", "sc-2002", "counsellor");
  await expect(page.getByRole("navigation").getByRole("link", { name: "Omat asiakkaat" })).toBeVisible();
  await expect.poll(() => asked).toBeGreaterThan(0);
  await expect(page.getByRole("navigation").getByRole("link", { name: "Hätäpääsyt" })).toHaveCount(0);
});
