import { expect, test } from "@playwright/test";
import { answerApi, expectAccessible, logInAs } from "./demo_login";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const CLIENT = {
  id: CLIENT_ID,
  name: "Aino Aalto",
  preferred_language: "fi",
  municipality: "091",
  contact: { phone: "+358 40 123 4567", email: null, address: null },
  registered_at: "2026-11-01T10:00:00Z",
  registered_by: "sw-1001",
};
const member = (id: string, name: string, status: string, role: string, organisation: string) => ({
  id, kind: "professional", name, professional_id: `p-${id}`, organisation, role, relation: null, status,
  contact: {}, starts_on: "2026-11-01T10:00:00Z", ends_on: null,
});
const TEAM = {
  id: "t-1",
  client_id: CLIENT_ID,
  organisation: "1234567-8",
  status: "active",
  closed_reason: null,
  status_history: [],
  key_worker: { member_id: "m-1", professional_id: "sw-1001", started_at: "2026-11-10T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1002" },
  key_worker_history: [
    { member_id: "m-5", professional_id: "sw-1002", started_at: "2026-11-01T10:00:00Z", ended_at: "2026-11-10T10:00:00Z", handover_reason: "Siirtyi toiseen yksikköön", changed_by: "sw-1002" },
  ],
  members: [
    member("m-1", "Sanna Sosiaali", "active", "social_worker", "1234567-8"),
    member("m-2", "Noora Neuvoja", "pending_consent", "ngo_worker", "Auttava käsi ry"),
    member("m-4", "Pekka Poissa", "removed", "physician", "Terveysasema"),
  ],
};

test.beforeEach(async ({ page }) => {
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/referrals`, (route) => route.fulfill({ json: [] }));
  // A later route for the same path wins: the consents story answers with its own.
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/consents`, (route) =>
    route.fulfill({ json: { client_id: CLIENT_ID, consents: [], denials: [] } }),
  );
});

test("the client's page shows the client and the team by status, the removed folded away, by keyboard", async ({ page, baseURL }) => {
  await answerApi(page, "GET", `/clients/${CLIENT_ID}`, (route) => route.fulfill({ json: CLIENT }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/team`, (route) => route.fulfill({ json: TEAM }));
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sw-1001", "keyworker");
  await expect(page.getByRole("heading", { level: 1, name: "Aino Aalto" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Odottaa suostumusta" })).toContainText("Noora Neuvoja — Järjestötyöntekijä, Auttava käsi ry");
  await expect(page.getByRole("list", { name: "Aiemmat vastuutyöntekijät" })).toContainText("Siirtyi toiseen yksikköön");
  await expectAccessible(page);

  const removed = page.getByRole("button", { name: "1 poistettu jäsen" });
  await removed.focus();
  await removed.press("Enter");
  await expect(page.getByRole("list", { name: "Poistetut" })).toContainText("Pekka Poissa — Lääkäri, Terveysasema");
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath("client.png"), fullPage: true });
});

test("a professional outside the team is told the client is not theirs or not found", async ({ page, baseURL }) => {
  await answerApi(page, "GET", /^\/clients\/[\w-]+(\/team)?$/, (route) =>
    route.fulfill({ status: 403, contentType: "application/problem+json", body: JSON.stringify({ title: "Forbidden", status: 403 }) }),
  );
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sw-1001", "keyworker");
  await expect(page.getByRole("heading", { level: 1, name: "Ei asiakkaasi tai ei löytynyt" })).toBeVisible();
  await expect(page.getByText("Aino Aalto")).toHaveCount(0);
  await expectAccessible(page);
});

test("revealing the code asks why, shows it in the dialog only, and shows another organisation's refusal there", async ({ page, baseURL }) => {
  const reasons: unknown[] = [];
  const consoleSaid: string[] = [];
  page.on("console", (message) => consoleSaid.push(message.text()));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}`, (route) => route.fulfill({ json: CLIENT }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/team`, (route) => route.fulfill({ json: TEAM }));
  await answerApi(page, "POST", `/clients/${CLIENT_ID}/identity-code`, (route) => {
    reasons.push(route.request().postDataJSON());
    return reasons.length === 1
      ? route.fulfill({ json: { client_id: CLIENT_ID, personal_identity_code: "131052-308T" } })
      : route.fulfill({ status: 403, contentType: "application/problem+json", body: JSON.stringify({ title: "Forbidden", status: 403 }) });
  });
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sw-1001", "keyworker");
  const opener = page.getByRole("button", { name: "Näytä henkilötunnus" });
  await opener.focus();
  await opener.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Näytä henkilötunnus" });
  await expect(dialog.getByRole("textbox", { name: "Miksi tarvitset tunnuksen" })).toBeFocused();
  await dialog.getByRole("button", { name: "Näytä", exact: true }).press("Enter");
  await expect(dialog.getByText("Kerro, miksi tarvitset tunnuksen.")).toBeVisible();
  await expectAccessible(page);
  await dialog.getByRole("textbox", { name: "Miksi tarvitset tunnuksen" }).fill("Etuushakemus");
  await dialog.getByRole("button", { name: "Näytä", exact: true }).press("Enter");
  await expect(dialog.getByText("131052-308T")).toBeVisible();
  expect(page.url()).not.toContain("131052");
  await expectAccessible(page);
  await page.keyboard.press("Escape");
  await expect(page.getByText("131052-308T")).toHaveCount(0);
  await expect(opener).toBeFocused();

  await opener.press("Enter");
  await dialog.getByRole("textbox", { name: "Miksi tarvitset tunnuksen" }).fill("Toinen syy");
  await dialog.getByRole("button", { name: "Näytä", exact: true }).press("Enter");
  await expect(dialog.getByRole("alert")).toHaveText("Tunnuksen voivat nähdä vain tiimin oman organisaation ammattilaiset.");
  await expectAccessible(page);
  expect(reasons).toEqual([{ reason: "Etuushakemus" }, { reason: "Toinen syy" }]);
  expect(consoleSaid.join("\n")).not.toContain("131052");
});

test("the key worker sees the consents and denials, and lifts a denial with a reason by keyboard", async ({ page, baseURL }) => {
  const DENIAL = {
    id: "d-1", client_id: CLIENT_ID, organisation: null, categories: ["financial"], status: "in_force", reason: null,
    recorded_at: "2026-11-02T10:00:00Z", recorded_by: "sw-1001", lifted_at: null, lifted_by: null,
  };
  const CONSENT = {
    id: "k-1", client_id: CLIENT_ID, recipient_organisation: "Auttava käsi ry", categories: ["basic", "health"],
    purposes: ["team_coordination"], status: "active", valid_from: "2026-11-01T10:00:00Z", valid_until: "2027-05-01T10:00:00Z",
    method: "written", given_by: { kind: "client" }, professionals: [], recorded_at: "2026-11-01T10:00:00Z", recorded_by: "sw-1001",
    withdrawn_at: null, withdrawn_by: null, expired_at: null,
    history: [{ action: "granted", at: "2026-11-01T10:00:00Z", by: "sw-1001", reason: null }],
  };
  const lifted: unknown[] = [];
  await answerApi(page, "GET", `/clients/${CLIENT_ID}`, (route) => route.fulfill({ json: CLIENT }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/team`, (route) => route.fulfill({ json: TEAM }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/consents`, (route) =>
    route.fulfill({ json: { client_id: CLIENT_ID, consents: [CONSENT], denials: [DENIAL] } }),
  );
  await answerApi(page, "POST", `/clients/${CLIENT_ID}/denials/d-1/lift`, (route) => {
    lifted.push(route.request().postDataJSON());
    return route.fulfill({ json: { ...DENIAL, status: "lifted", lifted_at: "2026-11-23T10:00:00Z", lifted_by: "sw-1001" } });
  });
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sw-1001", "keyworker");
  await expect(page.getByRole("heading", { level: 3, name: "Suostumus: Auttava käsi ry" })).toBeVisible();
  await expect(page.getByText("Tiedot: Perustiedot, Terveys")).toBeVisible();
  await expectAccessible(page);

  const lift = page.getByRole("button", { name: "Kumoa kielto: kaikki organisaatiot" });
  await lift.focus();
  await lift.press("Enter");
  const reason = page.getByRole("textbox", { name: "Syy (Kumoa kielto: kaikki organisaatiot)" });
  await expect(reason).toBeFocused();
  await reason.fill("Asiakas pyysi");
  await page.getByRole("button", { name: "Kumoa kielto", exact: true }).press("Enter");
  await expect(page.getByRole("list", { name: "Kiellot" })).toContainText("Kumottu");
  expect(lifted).toEqual([{ reason: "Asiakas pyysi" }]);
  await expectAccessible(page);
});

test("a referral opens by keyboard to what was shared, what was withheld and why, and its history", async ({ page, baseURL }) => {
  const SUMMARY = {
    id: "r-1", client_id: CLIENT_ID, service: "housing_guidance", target_organisation: "Asuntosäätiö", status: "accepted",
    priority: "routine", requesting_organisation: "1234567-8", requested_by: "sw-1001", as: ["requester"],
    allowed_next: ["in_progress"], accept_by: "2026-11-20T10:00:00Z", escalate_by: "2026-11-22T10:00:00Z", escalated_at: null,
    reminded_at: null, outcome: null, created_at: "2026-11-10T10:00:00Z",
  };
  await answerApi(page, "GET", `/clients/${CLIENT_ID}`, (route) => route.fulfill({ json: CLIENT }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/team`, (route) => route.fulfill({ json: TEAM }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/referrals`, (route) => route.fulfill({ json: [SUMMARY] }));
  await answerApi(page, "GET", "/referrals/r-1", (route) =>
    route.fulfill({
      json: {
        ...SUMMARY, reason: "Tarvitsee asunnon", share: {}, shared: {}, shared_categories: ["basic"], withheld: { health: "denied_by_client" },
        history: [
          { kind: "status", from_status: "draft", to_status: "requested", at: "2026-11-10T10:00:00Z", by: "sw-1001", by_organisation: "1234567-8", reason: null, detail: {} },
          { kind: "status", from_status: "requested", to_status: "accepted", at: "2026-11-11T10:00:00Z", by: "as-1", by_organisation: "Asuntosäätiö", reason: "Meillä on tilaa", detail: {} },
        ],
      },
    }),
  );
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sw-1001", "keyworker");
  const details = page.getByRole("button", { name: /^Tiedot: / });
  await details.focus();
  await details.press("Enter");
  await expect(page.getByRole("list", { name: "Jätetty jakamatta" })).toContainText("asiakas kielsi");
  await expect(page.getByRole("list", { name: "Historia" })).toContainText("Meillä on tilaa");
  await expectAccessible(page);
});
