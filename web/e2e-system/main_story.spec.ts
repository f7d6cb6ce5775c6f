// The key worker's whole story against the whole system, by keyboard alone: register a client and make
// their team, add a professional of the county (active at once) and an NGO worker (pending), record the
// client's consent (the NGO worker turns active), send a referral that shares one category and withholds
// another, the NGO's desk accepts and completes it, the answer reaches the key worker's inbox and the
// referral's history, the consent is withdrawn (the NGO worker is suspended), the disclosure report is
// printed, and a professional outside the team is refused the client's page. Every action is a key
// pressed on a focused element; the story's client is its own, not one of the demo's.
import { expect, test, type Browser, type Page } from "@playwright/test";
import {
  apiAs,
  checkScreen,
  chooseByKeyboard,
  eventually,
  expectFocusKept,
  getJson,
  logInByKeyboard,
  pressOn,
  USERS,
  type DemoUser,
} from "./system";

const NGO = USERS.ngoWorker.organisation;

/** A valid personal identity code nobody else has: born in the 1900s, its individual number random. */
function newIdentityCode(): string {
  const pick = (from: number, to: number) => from + Math.floor(Math.random() * (to - from + 1));
  const two = (n: number) => String(n).padStart(2, "0");
  const date = `${two(pick(1, 28))}${two(pick(1, 12))}${two(pick(40, 99))}`;
  const individual = String(pick(2, 899)).padStart(3, "0");
  return `${date}-${individual}${"0123456789ABCDEFHJKLMNPRSTUVWXY"[Number(date + individual) % 31]}`;
}

/** A day some days ahead, as a date field wants it typed (d.m.yyyy). */
function daysAhead(days: number): string {
  const day = new Date(Date.now() + days * 86_400_000);
  return `${day.getDate()}.${day.getMonth() + 1}.${day.getFullYear()}`;
}

/** A link or button of the page's navigation, followed by keyboard. */
async function navigate(page: Page, name: string): Promise<void> {
  await pressOn(page.getByRole("navigation").getByRole("link", { name }));
}

/** The client's page loaded afresh through My clients (a reload would log the user out). */
async function reopenClient(page: Page, name: string): Promise<void> {
  await navigate(page, "Omat asiakkaat");
  await pressOn(page.getByRole("list", { name: "Omat asiakkaat" }).getByRole("link", { name }));
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

/** Another person at another browser: their own context, logged in by keyboard. */
async function someoneElse(browser: Browser, user: DemoUser, path: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logInByKeyboard(page, user, path);
  return page;
}

interface ReferralSummary {
  id: string;
  status: string;
}

test("the key worker's whole story by keyboard alone", async ({ page, browser, baseURL }) => {
  test.setTimeout(420_000);
  const name = `Veera Salminen ${Math.floor(Math.random() * 9000 + 1000)}`;
  let clientId = "";
  let referralId = "";
  const team = page.getByRole("region", { name: "Tiimi" });
  const pending = team.getByRole("list", { name: "Odottaa suostumusta" });
  const active = team.getByRole("list", { name: "Aktiiviset" });
  const suspended = team.getByRole("list", { name: "Keskeytetyt" });
  const consents = page.getByRole("region", { name: "Suostumukset" });
  const referrals = page.getByRole("region", { name: "Lähetteet" });

  await test.step("the key worker registers a new client and lands on their page with the team made", async () => {
    await logInByKeyboard(page, USERS.keyWorker, "/app/clients");
    await navigate(page, "Rekisteröi asiakas");
    await expect(page.getByRole("heading", { level: 1, name: "Rekisteröi asiakas" })).toBeVisible();
    const clientName = page.getByRole("textbox", { name: "Nimi" });
    await clientName.focus();
    await clientName.fill(name);
    const code = page.getByRole("textbox", { name: "Henkilötunnus" });
    await code.focus();
    await code.pressSequentially(newIdentityCode());
    await pressOn(page.getByRole("radio", { name: "suomi" }), "Space");
    await expect(page.getByRole("radio", { name: "suomi" })).toBeChecked();
    const municipality = page.getByRole("textbox", { name: /Kuntanumero/ });
    await municipality.focus();
    await municipality.fill("091");
    await pressOn(page.getByRole("radio", { name: "Sosiaalityöntekijä" }), "Space");
    await expect(page.getByRole("radio", { name: "Sosiaalityöntekijä" })).toBeChecked();
    await expect(page.getByText("Tarkistusmerkki ei täsmää")).toHaveCount(0);
    await checkScreen(page, "story-register");
    await pressOn(page.getByRole("button", { name: "Rekisteröi asiakas" }));

    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible({ timeout: 30_000 });
    clientId = new URL(page.url()).pathname.split("/").pop()!;
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(page.getByText("Asiakas rekisteröitiin. Hänen henkilötunnustaan ei näytetä enää.")).toBeVisible();
    await expect(team).toContainText(`${USERS.keyWorker.name}, `);
    await expect(team).toContainText("Tiimin tila: ");
    await expect(active).toContainText(USERS.keyWorker.name);
    await checkScreen(page, "story-client-new");
  });

  /** The key worker adds a professional through the team's form, by keyboard. */
  async function addProfessional(user: DemoUser, role: string): Promise<void> {
    await pressOn(team.getByRole("button", { name: "Lisää jäsen" }));
    const form = team.getByRole("form", { name: "Lisää tiimiin jäsen" });
    await expect(form).toBeVisible();
    await expectFocusKept(page);
    await expect(form.getByRole("radio", { name: "Ammattilainen" })).toBeChecked();
    const fields: [string, string][] = [
      ["Nimi", user.name],
      ["Ammattilaisen käyttäjätunnus", user.id],
      ["Organisaatio", user.organisation],
    ];
    for (const [label, value] of fields) {
      const field = form.getByRole("textbox", { name: new RegExp(`^${label}`) });
      await field.focus();
      await field.fill(value);
    }
    await chooseByKeyboard(page, form.getByRole("button", { name: /Rooli tiimissä/ }), role);
    await pressOn(form.getByRole("button", { name: "Lisää tiimiin" }));
    await expect(form).toHaveCount(0);
    await expect(team.getByRole("heading", { level: 2, name: "Tiimi" })).toBeFocused();
  }

  await test.step("adds the county's counsellor (active at once) and the NGO's worker (waiting for consent)", async () => {
    await addProfessional(USERS.counsellor, "Sosiaaliohjaaja");
    await expect(team.getByRole("status")).toContainText(`${USERS.counsellor.name} lisättiin tiimiin aktiiviseksi jäseneksi.`);
    await expect(active).toContainText(USERS.counsellor.name);
    await checkScreen(page, "story-counsellor-added");

    await addProfessional(USERS.ngoWorker, "Järjestötyöntekijä");
    await expect(team.getByRole("status")).toContainText(`${USERS.ngoWorker.name} lisättiin tiimiin, ja hän odottaa asiakkaan suostumusta.`);
    await expect(pending).toContainText(USERS.ngoWorker.name);
    await expect(active).not.toContainText(USERS.ngoWorker.name);
    await checkScreen(page, "story-ngo-pending");
  });

  await test.step("records the client's consent for the NGO, and the NGO worker turns active", async () => {
    // The team service asks for basic and team information for team coordination before a member of
    // another organisation sees the team; the referral needs its categories for the purpose "referral".
    await pressOn(consents.getByRole("button", { name: "Kirjaa suostumus" }));
    const form = consents.getByRole("form", { name: "Kirjaa suostumus" });
    const organisation = form.getByRole("textbox", { name: /Y-tunnus/ });
    await expect(organisation).toBeFocused();
    await organisation.fill(NGO);
    for (const [category, purpose] of [
      ["Perustiedot", "Tiimin yhteistyö"],
      ["Tiimi", "Tiimin yhteistyö"],
      ["Perustiedot", "Lähete"],
      ["Tiimi", "Lähete"],
    ] as const) {
      const cell = form.getByRole("group", { name: category, exact: true }).getByRole("checkbox", { name: purpose });
      await pressOn(cell, "Space");
      await expect(cell).toBeChecked();
    }
    await pressOn(form.getByRole("radio", { name: "Suullisesti" }), "Space");
    await expect(form.getByRole("radio", { name: "Suullisesti" })).toBeChecked();
    await expect(form.getByRole("radio", { name: "Asiakas", exact: true })).toBeChecked();
    await checkScreen(page, "story-consent-form");
    await pressOn(form.getByRole("button", { name: "Kirjaa suostumus" }));

    await expect(form).toHaveCount(0);
    await expect(consents.getByRole("button", { name: "Kirjaa suostumus" })).toBeFocused();
    await expect(consents.getByRole("status").first()).toContainText("Suostumus kirjattiin.");
    const recorded = consents.getByRole("listitem").filter({ has: page.getByRole("heading", { name: `Suostumus: ${NGO}` }) });
    await expect(recorded).toContainText("Tila: voimassa");
    await expect(recorded).toContainText("Tiedot: Perustiedot, Tiimi");
    await expect(recorded).toContainText("Käyttötarkoitukset: Tiimin yhteistyö, Lähete");

    await eventually(async () => {
      await reopenClient(page, name);
      await expect(active).toContainText(USERS.ngoWorker.name, { timeout: 3_000 });
    });
    await expect(pending).toHaveCount(0);
    await checkScreen(page, "story-ngo-active");
  });

  await test.step("drafts and sends a referral: basic information shared, financial withheld for want of consent", async () => {
    await pressOn(referrals.getByRole("button", { name: "Laadi lähete" }));
    const form = referrals.getByRole("form", { name: "Laadi lähete" });
    // Into the form at its first choice.
    await expect(form.getByRole("radio").first()).toBeFocused();
    await pressOn(form.getByRole("radio", { name: "Järjestön vertaistuki" }), "Space");
    await expect(form.getByRole("radio", { name: "Järjestön vertaistuki" })).toBeChecked();
    const organisation = form.getByRole("textbox", { name: /Vastaanottava organisaatio/ });
    await organisation.focus();
    await organisation.fill(NGO);
    for (const category of ["Perustiedot", "Talous"]) {
      const box = form.getByRole("checkbox", { name: category, exact: true });
      await pressOn(box, "Space");
      await expect(box).toBeChecked();
    }
    const reason = form.getByRole("textbox", { name: /Lähetteen syy/ });
    await reason.focus();
    await reason.fill("Asiakas toivoo vertaistukiryhmää arjen tueksi.");
    const acceptBy = form.getByRole("textbox", { name: /Vastattava viimeistään/ });
    await acceptBy.focus();
    await acceptBy.fill(daysAhead(14));
    await checkScreen(page, "story-referral-form");
    await pressOn(form.getByRole("button", { name: "Tallenna luonnos" }));

    const title = `Järjestön vertaistuki, vastaanottaja ${NGO}`;
    await expect(form).toHaveCount(0);
    await expect(referrals.getByRole("heading", { level: 3, name: title })).toBeFocused();
    await expect(referrals).toContainText("Tila: Luonnos");
    await pressOn(referrals.getByRole("button", { name: "Lähetä lähete" }));

    const result = referrals.getByRole("status").filter({ hasText: `Lähete lähetettiin organisaatiolle ${NGO}` });
    await expect(result).toBeFocused();
    const perCategory = result.getByRole("list", { name: "Mitä jaettiin ja mitä jätettiin jakamatta" });
    await expect(perCategory.getByRole("listitem")).toHaveText(["Perustiedot: jaettu", "Talous: jätetty jakamatta – ei suostumusta"]);
    await expect(referrals).toContainText("Tila: Lähetetty");
    await checkScreen(page, "story-referral-sent");

    const api = await apiAs(USERS.keyWorker, baseURL!);
    const [sent] = await getJson<ReferralSummary[]>(api, `/clients/${clientId}/referrals`);
    await api.dispose();
    expect(sent?.status).toBe("requested");
    referralId = sent!.id;
  });

  await test.step("the NGO's desk sees only the shared category, accepts the referral and completes it", async () => {
    const desk = await someoneElse(browser, USERS.partnerDesk, "/app/partner");
    const reference = referralId.slice(0, 8).toUpperCase();
    await pressOn(desk.getByRole("list", { name: "Meille tulleet lähetteet" }).getByRole("link", { name: `Lähete ${reference}` }));
    await expect(desk.getByRole("heading", { level: 2, name: /Nyt:\s*Lähetetty/ })).toBeVisible();
    const shared = desk.locator("section.partner-shared");
    await expect(shared.getByRole("heading", { level: 3 })).toHaveText(["Perustiedot"]);
    await expect(shared).not.toContainText("Talous");
    await checkScreen(desk, "story-partner-requested");

    await pressOn(desk.getByRole("button", { name: "Hyväksy" }));
    await expect(desk.getByRole("heading", { level: 2, name: /Nyt:\s*Hyväksytty/ })).toBeFocused();
    const complete = desk.getByRole("form", { name: "Merkitse valmiiksi" });
    await pressOn(complete.getByRole("radio", { name: "Tavoite saavutettu" }), "Space");
    await expect(complete.getByRole("radio", { name: "Tavoite saavutettu" })).toBeChecked();
    const summary = complete.getByRole("textbox", { name: /Yhteenveto/ });
    await summary.focus();
    await summary.fill("Asiakas aloitti vertaistukiryhmässä ja jatkaa siellä.");
    await pressOn(complete.getByRole("button", { name: "Merkitse valmiiksi" }));
    await expect(desk.getByRole("heading", { level: 2, name: /Nyt:\s*Valmis/ })).toBeFocused();
    await checkScreen(desk, "story-partner-completed");
    await desk.context().close();
  });

  await test.step("the key worker finds the answer in the inbox, and its link opens the referral's history", async () => {
    const links = page.getByRole("list", { name: "Viestit" }).locator(`a[href$="/app/clients/${clientId}?referral=${referralId}"]`);
    // The answers (accepted, completed) reach the inbox through the broker.
    await eventually(async () => {
      await navigate(page, "Viestit");
      await expect(page.getByRole("heading", { level: 1, name: "Viestit" })).toBeVisible();
      await expect(links).toHaveCount(2, { timeout: 3_000 });
    });
    await checkScreen(page, "story-inbox");
    // Newest first: the referral completed.
    await pressOn(links.first());
    await expect(page).toHaveURL(`${baseURL}/app/clients/${clientId}?referral=${referralId}`);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    const title = `Järjestön vertaistuki, vastaanottaja ${NGO}`;
    await expect(referrals.getByRole("heading", { level: 3, name: title })).toBeFocused();
    const history = referrals.getByRole("list", { name: "Historia" });
    await expect(history).toContainText("Luonnos");
    await expect(history).toContainText("Lähetetty");
    await expect(history).toContainText(`Hyväksytty`);
    await expect(history).toContainText(`Valmis`);
    await expect(history).toContainText(`${USERS.partnerDesk.id}, ${NGO}`);
    await expect(referrals).toContainText("Tila: Valmis");
    await checkScreen(page, "story-referral-answered");
  });

  await test.step("the key worker withdraws the consent, and the NGO worker is suspended", async () => {
    await pressOn(consents.getByRole("button", { name: `Peru: ${NGO}` }));
    const reason = consents.getByRole("textbox", { name: `Syy (Peru: ${NGO})` });
    await expect(reason).toBeFocused();
    await reason.fill("Asiakas perui suostumuksensa tapaamisessa.");
    await reason.press("Tab");
    await expect(consents.getByRole("button", { name: "Peru", exact: true })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(consents).toContainText("Tila: peruttu");
    await expect(consents).toContainText("Asiakas perui suostumuksensa tapaamisessa.");
    // The withdraw button is gone: focus stays on the consent.
    await expect(consents.getByRole("heading", { level: 3, name: `Suostumus: ${NGO}` })).toBeFocused();
    await checkScreen(page, "story-consent-withdrawn");

    await eventually(async () => {
      await reopenClient(page, name);
      await expect(suspended).toContainText(USERS.ngoWorker.name, { timeout: 3_000 });
    });
    await expect(active).not.toContainText(USERS.ngoWorker.name);
    await expect(active).toContainText(USERS.counsellor.name);
    await checkScreen(page, "story-ngo-suspended");
  });

  await test.step("the key worker prints the disclosure report, which lists what the NGO was given", async () => {
    await pressOn(page.getByRole("link", { name: "Selvitys tietojen luovutuksista" }));
    await expect(page.locator("#report-client")).toHaveText(name);
    const rows = page.locator("article.report").getByRole("row");
    const toNgo = rows.filter({ hasText: "Luovutettu" }).filter({ hasText: NGO }).filter({ hasText: "Lähete" });
    await expect(toNgo).toHaveCount(1);
    await expect(toNgo).toContainText("Perustiedot");
    await expect(toNgo).not.toContainText("Talous");
    await checkScreen(page, "story-disclosure-report");
    // The print button, by keyboard (the headless browser prints nothing), then the page as printed.
    await pressOn(page.getByRole("button", { name: "Tulosta" }));
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("button", { name: "Tulosta" })).toBeHidden();
    await expect(page.getByRole("banner")).toBeHidden();
    await expect(toNgo).toBeVisible();
    const pdf = await page.pdf({ path: test.info().outputPath("disclosure-report.pdf"), format: "A4" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await page.emulateMedia({ media: "screen" });
  });

  await test.step("a professional outside the team is refused the client's page", async () => {
    // The nurse is on every demo team, not on this one; she reads the app in Swedish.
    const nurse = await someoneElse(browser, USERS.nurse, `/app/clients/${clientId}`);
    await expect(nurse.getByRole("heading", { level: 1, name: "Inte din klient, eller hittades inte" })).toBeVisible();
    await expect(nurse.getByText(name)).toHaveCount(0);
    await checkScreen(nurse, "story-outsider-refused");
    const asNurse = await apiAs(USERS.nurse, baseURL!);
    expect((await asNurse.get(`/clients/${clientId}`)).status()).toBe(403);
    await asNurse.dispose();
    await nurse.context().close();
  });
});
