import { expect, test, type Page } from "@playwright/test";
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
      id: "m-1", kind: "professional", name: "Sanna Sosiaali", professional_id: "sw-1001", organisation: "1234567-8",
      role: "social_worker", relation: null, status: "active", contact: {}, starts_on: "2026-11-01T10:00:00Z", ends_on: null,
    },
  ],
};
const problem = (status: number, body: Record<string, unknown>) => ({
  status, contentType: "application/problem+json", body: JSON.stringify({ status, ...body }),
});

/** The demo login, waiting longer for the way back from the provider on a machine shared with other runs. */
async function logIn(page: Page, baseURL: string, user: string, password: string) {
  const path = `/app/clients/${CLIENT_ID}`;
  await logInAs(page, baseURL, path, user, password).catch(() => expect(page).toHaveURL(`${baseURL}${path}`, { timeout: 60_000 }));
}

test.beforeEach(async ({ page }) => {
  // Long stories, with axe in every state, on a machine shared with other runs.
  test.setTimeout(150_000);
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/referrals`, (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}`, (route) => route.fulfill({ json: CLIENT }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/team`, (route) => route.fulfill({ json: TEAM }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/consents`, (route) =>
    route.fulfill({ json: { client_id: CLIENT_ID, consents: [], denials: [] } }),
  );
});

test("the key worker records a consent by keyboard; the checks and the API's refusal are shown beside their fields", async ({ page, baseURL }) => {
  const bodies: Record<string, unknown>[] = [];
  await answerApi(page, "POST", `/clients/${CLIENT_ID}/consents`, (route) => {
    const body = route.request().postDataJSON() as Record<string, unknown>;
    bodies.push(body);
    if (bodies.length === 1) {
      return route.fulfill(problem(400, { title: "Invalid request", errors: { valid_until: ["must be in the future; an ended consent cannot be granted"] } }));
    }
    return route.fulfill({
      status: 201,
      json: {
        ...body, id: "k-new", client_id: CLIENT_ID, status: "active", valid_from: "2026-11-23T10:00:00Z", valid_until: body.valid_until ?? null,
        professionals: body.professionals ?? [], recorded_at: "2026-11-23T10:00:00Z", recorded_by: "sw-1001",
        withdrawn_at: null, withdrawn_by: null, expired_at: null,
        history: [{ action: "granted", at: "2026-11-23T10:00:00Z", by: "sw-1001", reason: null }],
      },
    });
  });
  await logIn(page, baseURL!, "sw-1001", "keyworker");
  await expect(page.getByText("Suostumuksia ei ole kirjattu.")).toBeVisible();

  const opener = page.getByRole("button", { name: "Kirjaa suostumus" });
  await opener.focus();
  await opener.press("Enter");
  const form = page.getByRole("form", { name: "Kirjaa suostumus" });
  const organisation = form.getByRole("textbox", { name: /Vastaanottavan organisaation Y-tunnus/ });
  await expect(organisation).toBeFocused();
  await expectAccessible(page);

  // Sent empty: each missing answer is said beside its field, and the first field in error has focus.
  await form.getByRole("button", { name: "Kirjaa suostumus" }).press("Enter");
  await expect(organisation).toBeFocused();
  await expect(form.getByText("Kirjoita vastaanottavan organisaation Y-tunnus.")).toBeVisible();
  await expect(form.getByText("Valitse ainakin yksi tieto yhteen käyttötarkoitukseen.")).toBeVisible();
  await expect(form.getByText("Valitse, miten suostumus annettiin.")).toBeVisible();
  await expectAccessible(page);

  await page.keyboard.type("0123456-7");
  await page.keyboard.press("Tab");
  await expect(form.getByRole("textbox", { name: /Nimetyt ammattilaiset/ })).toBeFocused();
  await page.keyboard.type("ngo-77");
  await page.keyboard.press("Tab");
  await expect(form.getByRole("group", { name: "Perustiedot" }).getByRole("checkbox", { name: "Tiimin yhteistyö" })).toBeFocused();
  for (const [category, purpose] of [["Perustiedot", "Lähete"], ["Terveys", "Lähete"]] as const) {
    const cell = form.getByRole("group", { name: category }).getByRole("checkbox", { name: purpose });
    await cell.focus();
    await cell.press("Space");
    await expect(cell).toBeChecked();
  }
  const until = form.getByRole("textbox", { name: /Voimassa asti/ });
  await until.focus();
  await page.keyboard.type("31.5.2099");
  const written = form.getByRole("radio", { name: "Kirjallisesti" });
  await written.focus();
  await written.press("Space");
  await expect(written).toBeChecked();
  await expect(form.getByText("Valitse, miten suostumus annettiin.")).toHaveCount(0);

  // The API refuses the end date: said beside it, focus there, everything typed kept.
  await form.getByRole("button", { name: "Kirjaa suostumus" }).press("Enter");
  await expect(until).toBeFocused();
  await expect(form.getByText("Päättymispäivää ei hyväksytty: sen on oltava alkamisen jälkeen eikä menneisyydessä.")).toBeVisible();
  await expect(organisation).toHaveValue("0123456-7");
  await expect(form.getByRole("group", { name: "Terveys" }).getByRole("checkbox", { name: "Lähete" })).toBeChecked();
  await expectAccessible(page);
  await form.screenshot({ path: test.info().outputPath("consent-form.png") });

  await form.getByRole("button", { name: "Kirjaa suostumus" }).press("Enter");
  await expect(page.getByRole("heading", { level: 3, name: "Suostumus: 0123456-7" })).toBeVisible();
  await expect(page.getByText("Tiedot: Perustiedot, Terveys")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Suostumus kirjattiin." })).toBeVisible();
  await expect(opener).toBeFocused();
  expect(bodies[1]).toEqual({
    recipient_organisation: "0123456-7", professionals: ["ngo-77"], categories: ["basic", "health"], purposes: ["referral"],
    valid_until: bodies[1]!.valid_until, method: "written", given_by: { kind: "client" },
  });
  expect(new Date(String(bodies[1]!.valid_until)).getFullYear()).toBe(2099);
  await expectAccessible(page);
});

test("the key worker records a denial of one organisation by keyboard; it appears among the denials", async ({ page, baseURL }) => {
  const bodies: unknown[] = [];
  await answerApi(page, "POST", `/clients/${CLIENT_ID}/denials`, (route) => {
    const body = route.request().postDataJSON() as Record<string, unknown>;
    bodies.push(body);
    return route.fulfill({
      status: 201,
      json: {
        ...body, id: "d-new", client_id: CLIENT_ID, status: "in_force", reason: null, recorded_at: "2026-11-23T10:00:00Z",
        recorded_by: "sw-1001", lifted_at: null, lifted_by: null,
      },
    });
  });
  await logIn(page, baseURL!, "sw-1001", "keyworker");
  const opener = page.getByRole("button", { name: "Kirjaa kielto" });
  await opener.focus();
  await opener.press("Enter");
  const form = page.getByRole("form", { name: "Kirjaa kielto" });
  const everyone = form.getByRole("radio", { name: "Kaikkia organisaatioita" });
  await expect(everyone).toBeFocused();
  await expectAccessible(page);

  await everyone.press("ArrowDown");
  await expect(form.getByRole("radio", { name: "Yhtä organisaatiota" })).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(form.getByRole("textbox", { name: /Y-tunnus/ })).toBeFocused();
  await page.keyboard.type("0123456-7");
  await form.getByRole("button", { name: "Kirjaa kielto" }).press("Enter");
  await expect(form.getByText("Valitse ainakin yksi tieto.")).toBeVisible();
  await expect(form.getByRole("checkbox", { name: "Perustiedot" })).toBeFocused();
  await expectAccessible(page);

  await page.keyboard.press("Space");
  await form.getByRole("checkbox", { name: "Terveys" }).focus();
  await page.keyboard.press("Space");
  await form.getByRole("button", { name: "Kirjaa kielto" }).press("Enter");
  await expect(page.getByRole("list", { name: "Kiellot" })).toContainText("Kielletty: 0123456-7: Perustiedot, Terveys");
  await expect(page.getByRole("status").filter({ hasText: "Kielto kirjattiin." })).toBeVisible();
  await expect(opener).toBeFocused();
  expect(bodies).toEqual([{ organisation: "0123456-7", categories: ["basic", "health"] }]);
  await expectAccessible(page);
});

test("a professional who is not the key worker sees no form", async ({ page, baseURL }) => {
  await logIn(page, baseURL!, "sc-2002", "counsellor");
  await expect(page.getByText("Vain vastuutyöntekijä näkee ja hallitsee asiakkaan suostumuksia ja kieltoja.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Kirjaa suostumus" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Kirjaa kielto" })).toHaveCount(0);
  await expectAccessible(page);
});
