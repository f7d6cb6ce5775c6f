import { expect, test } from "@playwright/test";
import { answerApi, expectAccessible, logInAs } from "./demo_login";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const CLIENT = {
  id: CLIENT_ID,
  name: "Aino Aalto",
  preferred_language: "fi",
  municipality: "091",
  contact: { phone: null, email: null, address: null },
  registered_at: "2026-11-01T10:00:00Z",
  registered_by: "sw-1001",
};
const TEAM = {
  id: "t-1",
  client_id: CLIENT_ID,
  organisation: "1234567-8",
  status: "active",
  closed_reason: null,
  status_history: [],
  key_worker: { member_id: "m-1", professional_id: "sw-1001", started_at: "2026-11-10T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1001" },
  key_worker_history: [],
  members: [
    {
      id: "m-1", kind: "professional", name: "Sanna Sosiaali", professional_id: "sw-1001", organisation: "1234567-8", role: "social_worker",
      relation: null, status: "active", contact: {}, starts_on: "2026-11-01T10:00:00Z", ends_on: null,
    },
  ],
};
const step = (from: string | null, to: string, at: string, reason: string | null = null) => ({
  kind: "status", from_status: from, to_status: to, at, by: "sw-1001", by_organisation: "1234567-8", reason, detail: {},
});
const DRAFT = {
  id: "r-2", client_id: CLIENT_ID, service: "debt_counselling", target_organisation: "0123456-7", status: "draft", priority: "urgent",
  requesting_organisation: "1234567-8", requested_by: "sw-1001", as: ["requester"], allowed_next: ["requested", "entered_in_error"],
  accept_by: "2099-12-01T21:59:00Z", escalate_by: "2099-12-03T21:59:00Z", escalated_at: null, reminded_at: null, outcome: null,
  created_at: "2026-11-23T10:00:00Z", reason: "Velkojen järjestely", share: { basic: {}, health: {} }, shared_categories: [], withheld: {},
  history: [step(null, "draft", "2026-11-23T10:00:00Z")],
};
const SENT = {
  ...DRAFT, status: "requested", allowed_next: ["cancelled", "entered_in_error"], shared_categories: ["basic"], withheld: { health: "no_consent" },
  history: [...DRAFT.history, step("draft", "requested", "2026-11-23T10:05:00Z")],
};
const CANCELLED = {
  ...SENT, status: "cancelled", allowed_next: [],
  history: [...SENT.history, step("requested", "cancelled", "2026-11-23T10:10:00Z", "Asiakas muutti")],
};

test.beforeEach(async ({ page }) => {
  // What the client's page asks for besides its referrals.
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}`, (route) => route.fulfill({ json: CLIENT }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/team`, (route) => route.fulfill({ json: TEAM }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/consents`, (route) =>
    route.fulfill({ json: { client_id: CLIENT_ID, consents: [], denials: [] } }),
  );
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/referrals`, (route) => route.fulfill({ json: [] }));
});

test("a referral is drafted, sent showing what was shared and what was withheld and why, and cancelled, by keyboard", async ({ page, baseURL }) => {
  // Three screens' worth of steps, each checked with axe.
  test.setTimeout(120_000);
  let current: object = DRAFT;
  const asked: { path: string; body: unknown }[] = [];
  const record = (path: string, body: unknown) => asked.push({ path, body });
  await answerApi(page, "POST", "/referrals", (route) => {
    record("/referrals", route.request().postDataJSON());
    current = DRAFT;
    return route.fulfill({ status: 201, json: DRAFT });
  });
  await answerApi(page, "GET", "/referrals/r-2", (route) => route.fulfill({ json: current }));
  await answerApi(page, "POST", "/referrals/r-2/send", (route) => {
    record("/referrals/r-2/send", route.request().postDataJSON());
    current = SENT;
    return route.fulfill({ json: SENT });
  });
  await answerApi(page, "POST", "/referrals/r-2/cancel", (route) => {
    record("/referrals/r-2/cancel", route.request().postDataJSON());
    current = CANCELLED;
    return route.fulfill({ json: CANCELLED });
  });
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sw-1001", "keyworker");
  // The first load waits on several answers at once: give a busy machine time.
  await expect(page.getByText("Ei lähetteitä.")).toBeVisible({ timeout: 20_000 });
  await expectAccessible(page);

  // Drafting: the form opens at its first choice; saving it empty names each missing field.
  const open = page.getByRole("button", { name: "Laadi lähete" });
  await open.focus();
  await open.press("Enter");
  const form = page.getByRole("form", { name: "Laadi lähete" });
  await expect(form.getByRole("radio", { name: "Palvelutarpeen arviointi" })).toBeFocused();
  await form.getByRole("button", { name: "Tallenna luonnos" }).press("Enter");
  await expect(form.getByText("Valitse palvelu.")).toBeVisible();
  await expect(form.getByText("Valitse vähintään yksi tietoryhmä.")).toBeVisible();
  await expect(form.getByText("Kirjoita lähetteen syy.")).toBeVisible();
  await expectAccessible(page);

  await form.getByRole("radio", { name: "Velkaneuvonta" }).focus();
  await page.keyboard.press("Space");
  await form.getByRole("textbox", { name: /^Vastaanottava organisaatio/ }).fill("0123456-7");
  await form.getByRole("radio", { name: "Kiireellinen" }).focus();
  await page.keyboard.press("Space");
  for (const category of ["Perustiedot", "Terveys"]) {
    await form.getByRole("checkbox", { name: category }).focus();
    await page.keyboard.press("Space");
  }
  await form.getByRole("textbox", { name: /^Lähetteen syy/ }).fill("Velkojen järjestely");
  await form.getByRole("textbox", { name: /^Vastattava viimeistään/ }).fill("1.12.2099");
  await form.getByRole("button", { name: "Tallenna luonnos" }).press("Enter");

  const referrals = page.getByRole("list", { name: "Lähetteet" });
  await expect(referrals.getByRole("heading", { level: 3, name: "Velkaneuvonta, vastaanottaja 0123456-7" })).toBeFocused();
  await expect(referrals.getByText("Tila: Luonnos")).toBeVisible();
  expect(asked[0]).toMatchObject({
    path: "/referrals",
    body: {
      client_id: CLIENT_ID, service: "debt_counselling", target_organisation: "0123456-7", priority: "urgent",
      reason: "Velkojen järjestely", share: { basic: {}, health: {} },
    },
  });
  await expectAccessible(page);

  // Sending: what was shared and what was withheld, category by category, and why.
  await referrals.getByRole("button", { name: "Lähetä lähete" }).press("Enter");
  const result = page.getByRole("list", { name: "Mitä jaettiin ja mitä jätettiin jakamatta" });
  await expect(result.getByRole("listitem")).toHaveText(["Perustiedot: jaettu", "Terveys: jätetty jakamatta – ei suostumusta"]);
  await expect(referrals.getByRole("status")).toBeFocused();
  await expect(referrals.getByText("Tila: Lähetetty")).toBeVisible();
  await expect(page.getByRole("list", { name: "Jätetty jakamatta" })).toContainText("ei suostumusta");
  await expectAccessible(page);

  // Cancelling: a reason is required; the referral then shows as cancelled, with nothing more to do.
  const cancel = referrals.getByRole("button", { name: "Peru lähete" });
  await cancel.focus();
  await cancel.press("Enter");
  const reason = page.getByRole("textbox", { name: "Miksi lähete perutaan" });
  await expect(reason).toBeFocused();
  await page.getByRole("button", { name: "Peru lähete" }).press("Enter");
  await expect(page.getByText("Kirjoita, miksi lähete perutaan.")).toBeVisible();
  await expectAccessible(page);
  await reason.fill("Asiakas muutti");
  await page.getByRole("button", { name: "Peru lähete" }).press("Enter");
  await expect(referrals.getByText("Tila: Peruttu")).toBeVisible();
  await expect(referrals.getByRole("status")).toBeFocused();
  await expect(referrals.getByRole("status")).toHaveText(/^Lähete peruttiin\./);
  await expect(page.getByRole("list", { name: "Historia" })).toContainText("Asiakas muutti");
  await expect(page.getByRole("button", { name: "Peru lähete" })).toHaveCount(0);
  expect(asked.slice(1)).toEqual([
    { path: "/referrals/r-2/send", body: {} },
    { path: "/referrals/r-2/cancel", body: { reason: "Asiakas muutti" } },
  ]);
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath("referrals.png"), fullPage: true });
});

test("a refused cancel names the states possible now as words, keeping the reason", async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  const { history: _history, reason: _reason, share: _share, shared_categories: _shared, withheld: _withheld, ...summary } = SENT;
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/referrals`, (route) => route.fulfill({ json: [summary] }));
  await answerApi(page, "GET", "/referrals/r-2", (route) => route.fulfill({ json: SENT }));
  await answerApi(page, "POST", "/referrals/r-2/cancel", (route) =>
    route.fulfill({
      status: 409,
      contentType: "application/problem+json",
      body: JSON.stringify({ title: "Conflict", status: 409, current_state: "accepted", allowed: ["cancelled", "entered_in_error"] }),
    }),
  );
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sw-1001", "keyworker");
  const details = page.getByRole("button", { name: /^Tiedot: / });
  await expect(details).toBeVisible({ timeout: 20_000 });
  await details.focus();
  await details.press("Enter");
  const cancel = page.getByRole("button", { name: "Peru lähete" });
  await cancel.focus();
  await cancel.press("Enter");
  await page.getByRole("textbox", { name: "Miksi lähete perutaan" }).fill("Asiakas muutti");
  await page.getByRole("button", { name: "Peru lähete" }).press("Enter");
  await expect(page.getByRole("alert")).toHaveText("Se ei ole mahdollista tässä tilassa. Nyt mahdollista: Peruttu, Kirjattu virheellisesti.");
  await expect(page.getByRole("textbox", { name: "Miksi lähete perutaan" })).toHaveValue("Asiakas muutti");
  await expectAccessible(page);
});
