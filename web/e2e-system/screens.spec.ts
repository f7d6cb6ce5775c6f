// Every screen the key worker and the partner have, in Finnish, Swedish and English, picked in the
// header: axe finds nothing and a full-page screenshot of each is kept with the run's artefacts.
import { expect, test } from "@playwright/test";
import { apiAs, checkScreen, chooseLanguage, CLIENTS, getJson, logIn, USERS, type Language } from "./system";

const LANGUAGES: Language[] = ["fi", "sv", "en"];

for (const language of LANGUAGES) {
  test(`the key worker's screens in ${language}`, async ({ page }) => {
    await logIn(page, USERS.keyWorker, "/app/clients");
    await chooseLanguage(page, language);
    // The nav's links in their order: My clients, Register, Inbox.
    const nav = page.getByRole("navigation").getByRole("link");
    await expect(page.getByRole("link", { name: CLIENTS.aino })).toBeVisible();
    await checkScreen(page, `${language}-my-clients`);

    await nav.nth(1).click();
    await expect(page.getByRole("textbox").first()).toBeVisible();
    await checkScreen(page, `${language}-register`);

    await nav.nth(0).click();
    await page.getByRole("link", { name: CLIENTS.linnea }).click();
    await expect(page.getByRole("heading", { level: 1, name: CLIENTS.linnea })).toBeVisible();
    await checkScreen(page, `${language}-client`);

    await page.locator('a[href$="/disclosures"]').click();
    await expect(page.locator("#report-client")).toHaveText(CLIENTS.linnea);
    await checkScreen(page, `${language}-disclosure-report`);

    await nav.nth(2).click();
    await expect(page.getByRole("button", { name: /: / }).first()).toBeVisible();
    await checkScreen(page, `${language}-inbox`);
  });

  test(`the partner's screens in ${language}`, async ({ page, baseURL }) => {
    const api = await apiAs(USERS.partnerDesk, baseURL!);
    const [first] = await getJson<{ id: string }[]>(api, "/partner/referrals");
    await api.dispose();
    expect(first, "a referral addressed to the NGO").toBeDefined();
    await logIn(page, USERS.partnerDesk, "/app/partner");
    await chooseLanguage(page, language);
    const referral = page.getByRole("link", { name: new RegExp(first!.id.slice(0, 8).toUpperCase()) });
    await expect(referral).toBeVisible();
    await checkScreen(page, `${language}-partner-referrals`);

    await referral.click();
    await expect(page.getByRole("heading", { level: 2 }).first()).toBeVisible();
    await checkScreen(page, `${language}-partner-referral`);
  });
}
