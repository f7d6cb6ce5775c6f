import { expect, test } from "@playwright/test";
import { answerApi, expectAccessible, logInAs } from "./demo_login";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const CLIENT = {
  id: CLIENT_ID,
  name: "Aino Aalto",
  preferred_language: "sv",
  municipality: "091",
  contact: { phone: null, email: null, address: null },
  registered_at: "2026-11-01T10:00:00Z",
  registered_by: "sw-1001",
};
const member = (id: string, name: string, professionalId: string, role: string, organisation: string) => ({
  id, kind: "professional", name, professional_id: professionalId, organisation, role, relation: null, status: "active",
  contact: {}, starts_on: "2026-11-01T10:00:00Z", ends_on: null,
});
const TEAM = {
  id: "t-1", client_id: CLIENT_ID, organisation: "1234567-8", status: "active", closed_reason: null, status_history: [],
  key_worker: { member_id: "m-1", professional_id: "sw-1001", started_at: "2026-11-01T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1001" },
  key_worker_history: [],
  members: [
    member("m-1", "Sanna Sosiaali", "sw-1001", "social_worker", "1234567-8"),
    member("m-2", "Noora Neuvoja", "ngo-77", "ngo_worker", "0123456-7"),
  ],
};
const CONSENT = {
  id: "k-1", client_id: CLIENT_ID, recipient_organisation: "0123456-7", categories: ["basic", "health"],
  purposes: ["team_coordination"], status: "active", valid_from: "2026-11-02T10:00:00Z", valid_until: null,
  method: "written", given_by: { kind: "client", relation: null }, professionals: [], recorded_at: "2026-11-02T10:00:00Z",
  recorded_by: "sw-1001", withdrawn_at: null, withdrawn_by: null, expired_at: null,
  history: [{ action: "granted", at: "2026-11-02T10:00:00Z", by: "sw-1001", reason: null }],
};
const entry = (seq: number, at: string, kind: string, category: string, rest: Record<string, unknown> = {}) => ({
  seq, entry_id: `e-${seq}`, at, kind, category, organisation: "0123456-7", professional: "ngo-77",
  purpose: "team_coordination", outcome: "permit", reason: "permitted", consent_id: "k-1", denial_id: null, ...rest,
});
const ENTRIES = [
  entry(1, "2026-11-03T08:00:00Z", "decision", "basic"),
  entry(2, "2026-11-03T08:00:00Z", "decision", "health"),
  entry(3, "2026-11-04T09:30:00Z", "access", "basic", {
    organisation: "1234567-8", professional: "sw-1001", purpose: null, reason: "own_organisation", consent_id: null,
  }),
  entry(4, "2026-11-06T12:00:00Z", "disclosure", "basic", { purpose: "referral" }),
  // Given to the police against the client's denial, on a statutory basis, in two categories.
  ...(["basic", "health"] as const).map((category, index) =>
    entry(5 + index, "2026-11-20T12:00:00Z", "disclosure", category, {
      organisation: "Poliisi-Pirkanmaa", professional: "sw-1001", purpose: null, reason: "statutory_basis", consent_id: null,
      legal_basis: "sha-18-threat", recipient_kind: "police", justification: "Uhkaus toimistolla",
    }),
  ),
  // A read in an emergency window.
  entry(7, "2026-11-21T08:10:00Z", "access", "basic", {
    organisation: "1234567-8", professional: "sc-2002", reason: "emergency_access", consent_id: null,
  }),
];
const EMERGENCY = [{
  id: "ea-1", client_id: CLIENT_ID, professional: "sc-2002", organisation: "1234567-8", reason: "risk_to_life",
  explanation: "Löydetty tajuttomana", opened_at: "2026-11-21T08:00:00Z", ends_at: "2026-11-21T12:00:00Z",
  key_worker_id: "sw-1001", reviewed_at: null, reviewed_by: null,
}];
const LEGAL_BASES = [{
  id: "sha-18-threat", statute: "Sosiaalihuoltolaki 812/2000 18 §", categories: ["basic", "health"], recipient_kinds: ["police"],
  description: {
    fi: "Poliisille henkeen tai terveyteen kohdistuvan uhan arvioimiseksi",
    sv: "Till polisen för att bedöma ett hot mot liv eller hälsa",
    en: "To the police, to assess a threat to life or health",
  },
}];
const REVEALS = [{ at: "2026-11-04T09:30:00Z", reason: "Etuushakemus", requested_by: "sw-1001" }];
const FORBIDDEN = { status: 403, contentType: "application/problem+json", body: JSON.stringify({ title: "Forbidden", status: 403 }) };

test.beforeEach(async ({ page }) => {
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}`, (route) => route.fulfill({ json: CLIENT }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/team`, (route) => route.fulfill({ json: TEAM }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/referrals`, (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/consents`, (route) =>
    route.fulfill({ json: { client_id: CLIENT_ID, consents: [CONSENT], denials: [] } }),
  );
});

test("the key worker opens the disclosure report from the client's page by keyboard, in the client's language, and prints it", async ({ page, baseURL }) => {
  test.slow(); // a login, two screens, three axe runs and a PDF
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/disclosures`, (route) =>
    route.fulfill({ json: { client_id: CLIENT_ID, entries: ENTRIES, emergency_accesses: EMERGENCY } }),
  );
  await answerApi(page, "GET", "/legal-bases", (route) => route.fulfill({ json: LEGAL_BASES }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/identity-code/reveals`, (route) => route.fulfill({ json: REVEALS }));
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sw-1001", "keyworker");
  const link = page.getByRole("link", { name: "Selvitys tietojen luovutuksista" });
  await expect(link).toBeVisible();
  await expectAccessible(page);
  await link.focus();
  await link.press("Enter");
  await expect(page).toHaveURL(`${baseURL}/app/clients/${CLIENT_ID}/disclosures`);

  // The report in the client's Swedish; the screen around it in the user's Finnish.
  const report = page.locator("article.report");
  await expect(report.getByRole("heading", { level: 1, name: "Aino Aalto" })).toBeVisible();
  await expect(report).toHaveAttribute("lang", "sv");
  await expect(report.getByText("Redogörelse för utlämnande av dina uppgifter")).toBeVisible();
  const rows = report.getByRole("table").first().getByRole("row");
  await expect(rows).toHaveCount(6);
  await expect(rows.nth(1)).toContainText("Nödåtkomst: utan samtycke");
  // The statutory disclosure: to whom, the statute, what it allows in the report's language, why, by whom.
  await expect(rows.nth(2)).toContainText("Polisen, Poliisi-Pirkanmaa");
  await expect(rows.nth(2)).toContainText("Utan samtycke, med stöd av lag: Sosiaalihuoltolaki 812/2000 18 §");
  await expect(rows.nth(2)).toContainText("Till polisen för att bedöma ett hot mot liv eller hälsa");
  await expect(rows.nth(2)).toContainText("Motivering: Uhkaus toimistolla");
  await expect(rows.nth(3)).toContainText("Utlämnad");
  await expect(rows.nth(5)).toContainText("Noora Neuvoja, 0123456-7");
  await expect(rows.nth(5)).toContainText("Ditt samtycke");
  const emergency = report.getByRole("region", { name: "Nödåtkomst till dina uppgifter" });
  await expect(emergency.getByRole("row").nth(1)).toContainText("Fara för klientens liv");
  await expect(emergency.getByRole("row").nth(1)).toContainText("Löydetty tajuttomana");
  await expect(report.getByRole("table").nth(2)).toContainText("Etuushakemus");
  await expect(page.getByRole("radio", { name: "ruotsi" })).toBeChecked();
  await expectAccessible(page);

  // Another language, by keyboard, before printing.
  await page.getByRole("radio", { name: "ruotsi" }).focus();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("radio", { name: "englanti" })).toBeChecked();
  await expect(report).toHaveAttribute("lang", "en");
  await expect(report.getByText("Disclosures of your information")).toBeVisible();
  await expect(page.getByRole("button", { name: "Tulosta" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("radio", { name: "englanti" }).press("ArrowUp");
  await expect(report).toHaveAttribute("lang", "sv");

  await page.screenshot({ path: test.info().outputPath("report.png"), fullPage: true });

  // Printed: only the report, no header, navigation or button.
  await page.emulateMedia({ media: "print" });
  await expect(page.locator("header.header")).toBeHidden();
  await expect(page.getByRole("navigation")).toBeHidden();
  await expect(page.getByRole("button", { name: "Tulosta" })).toBeHidden();
  await expect(page.getByRole("radiogroup")).toBeHidden();
  await expect(page.getByRole("button")).toHaveCount(0);
  await expect(report.getByRole("heading", { level: 1, name: "Aino Aalto" })).toBeVisible();
  await expect(report).toContainText("1234567-8");
  await expect(report.getByText("Utan samtycke, med stöd av lag: Sosiaalihuoltolaki 812/2000 18 §")).toBeVisible();
  await expect(report.getByRole("region", { name: "Nödåtkomst till dina uppgifter" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("report-print.png"), fullPage: true });
  await page.pdf({ path: test.info().outputPath("report.pdf"), format: "A4", printBackground: true });
});

test("a professional who is not the key worker is told the report is the key worker's", async ({ page, baseURL }) => {
  await answerApi(page, "GET", /^\/clients\/[\w-]+\/(disclosures|identity-code\/reveals|consents)$/, (route) => route.fulfill(FORBIDDEN));
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}/disclosures`, "sc-2002", "counsellor");
  await expect(page.getByRole("heading", { level: 1, name: "Ei käytettävissäsi" })).toBeVisible();
  await expect(page.getByText("Vain asiakkaan vastuutyöntekijä voi nähdä ja tulostaa selvityksen tietojen luovutuksista.")).toBeVisible();
  await expect(page.getByText("Aino Aalto")).toHaveCount(0);
  await expectAccessible(page);
});

test("the client's page links to the report for the key worker only", async ({ page, baseURL }) => {
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sc-2002", "counsellor");
  await expect(page.getByRole("heading", { level: 1, name: "Aino Aalto" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Selvitys tietojen luovutuksista" })).toHaveCount(0);
});
