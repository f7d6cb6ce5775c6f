// The closed loop of a referral: the NGO's desk sees the referrals addressed to the NGO, accepts one
// and completes it with an outcome; the key worker then sees the answer in the referral's history on
// the client's page.
import { expect, test } from "@playwright/test";
import { apiAs, checkScreen, CLIENTS, clientId, getJson, logIn, USERS } from "./system";

interface ReferralSummary {
  id: string;
  status: string;
  service: string;
  target_organisation: string;
}

test("the partner accepts and completes a referral, and the key worker sees the answer in its history", async ({ page, browser, baseURL }) => {
  // The seeded referral to the NGO that waits for an answer: Erik's debt counselling.
  const api = await apiAs(USERS.keyWorker, baseURL!);
  const erik = await clientId(api, CLIENTS.erik);
  const referrals = await getJson<ReferralSummary[]>(api, `/clients/${erik}/referrals`);
  const referral = referrals.find((r) => r.status === "requested" && r.service === "debt_counselling");
  expect(referral, "the demo's requested referral for Erik").toBeDefined();
  const reference = referral!.id.slice(0, 8).toUpperCase();
  await api.dispose();

  await logIn(page, USERS.partnerDesk, "/app/partner");
  await expect(page.getByRole("heading", { level: 1, name: "Meille tulleet lähetteet" })).toBeVisible();
  const asDesk = await apiAs(USERS.partnerDesk, baseURL!);
  const addressed = await getJson<ReferralSummary[]>(asDesk, "/partner/referrals");
  await asDesk.dispose();
  expect(addressed.length).toBeGreaterThan(0);
  expect(addressed.every((r) => r.target_organisation === USERS.partnerDesk.organisation)).toBe(true);
  const list = page.getByRole("list", { name: "Meille tulleet lähetteet" });
  await expect(list.getByRole("link")).toHaveCount(addressed.length);
  await checkScreen(page, "partner-referrals");

  await list.getByRole("link", { name: `Lähete ${reference}` }).click();
  await expect(page.getByRole("heading", { level: 2, name: /Nyt:\s*Lähetetty/ })).toBeVisible();
  await checkScreen(page, "partner-referral-requested");
  await page.getByRole("button", { name: "Hyväksy" }).press("Enter");
  await expect(page.getByRole("heading", { level: 2, name: /Nyt:\s*Hyväksytty/ })).toBeFocused();

  const complete = page.getByRole("form", { name: "Merkitse valmiiksi" });
  // suomifi's radio button: its label takes the pointer, and the radio follows.
  await complete.locator("label", { hasText: "Tavoite saavutettu" }).click();
  await expect(complete.getByRole("radio", { name: "Tavoite saavutettu" })).toBeChecked();
  await complete.getByRole("textbox", { name: /Yhteenveto/ }).fill("Velkajärjestelyn hakemus tehty yhdessä");
  await complete.getByRole("button", { name: "Merkitse valmiiksi" }).press("Enter");
  await expect(page.getByRole("heading", { level: 2, name: /Nyt:\s*Valmis/ })).toBeFocused();
  await checkScreen(page, "partner-referral-completed");

  // The key worker, in a browser of their own.
  const context = await browser.newContext();
  const keyWorker = await context.newPage();
  await logIn(keyWorker, USERS.keyWorker, `/app/clients/${erik}`);
  const section = keyWorker.getByRole("region", { name: "Lähetteet" });
  await section.getByRole("button", { name: /^Tiedot: Velkaneuvonta/ }).click();
  const history = section.getByRole("list", { name: "Historia" });
  await expect(history).toContainText(`Hyväksytty`);
  await expect(history).toContainText(`Valmis`);
  await expect(history).toContainText(`${USERS.partnerDesk.id}, ${USERS.partnerDesk.organisation}`);
  await checkScreen(keyWorker, "client-referral-answered");
  await context.close();
});
