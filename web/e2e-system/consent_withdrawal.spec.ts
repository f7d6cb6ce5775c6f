// A withdrawn consent reaches the team: the key worker withdraws the NGO's consent on the client's
// page, and the NGO worker, active on the team through it, turns suspended there once the team
// service has heard of it (an event through the broker).
import { expect, test, type Page } from "@playwright/test";
import { checkScreen, CLIENTS, eventually, logIn, USERS } from "./system";

/** The client's page loaded afresh, through My clients (a reload would log the user out). */
async function reopen(page: Page, name: string) {
  await page.getByRole("navigation").getByRole("link", { name: "Omat asiakkaat" }).click();
  await page.getByRole("list", { name: "Omat asiakkaat" }).getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

test("the key worker withdraws the NGO's consent and the NGO worker turns suspended on the team", async ({ page }) => {
  await logIn(page, USERS.keyWorker, "/app/clients");
  await reopen(page, CLIENTS.aino);
  const team = page.getByRole("region", { name: "Tiimi" });
  await expect(team.getByRole("list", { name: /^Aktiivi/ })).toContainText(USERS.ngoWorker.name);

  const consents = page.getByRole("region", { name: "Suostumukset" });
  await consents.getByRole("button", { name: `Peru: ${USERS.ngoWorker.organisation}` }).click();
  const reason = consents.getByRole("textbox", { name: `Syy (Peru: ${USERS.ngoWorker.organisation})` });
  await expect(reason).toBeFocused();
  await reason.fill("Asiakas perui suostumuksen puhelimessa");
  await reason.press("Tab");
  await page.keyboard.press("Enter");
  await expect(consents).toContainText("Tila: peruttu");
  await expect(consents).toContainText("Asiakas perui suostumuksen puhelimessa");
  await checkScreen(page, "consent-withdrawn");

  await eventually(async () => {
    await reopen(page, CLIENTS.aino);
    await expect(team.getByRole("list", { name: /^Keskeytet/ })).toContainText(USERS.ngoWorker.name, { timeout: 3_000 });
  });
  await expect(team.getByRole("list", { name: /^Aktiivi/ })).not.toContainText(USERS.ngoWorker.name);
  await checkScreen(page, "member-suspended");
});
