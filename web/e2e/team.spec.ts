import { expect, test, type Locator, type Page } from "@playwright/test";
import { answerApi, expectAccessible, logInAs } from "./demo_login";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000002";
const ORG = "1234567-8";
const CLIENT = {
  id: CLIENT_ID,
  name: "Aino Aalto",
  preferred_language: "fi",
  municipality: "091",
  contact: { phone: null, email: null, address: null },
  registered_at: "2026-11-01T10:00:00Z",
  registered_by: "sw-1001",
};
type Member = Record<string, unknown> & { id: string; status: string };
const professional = (id: string, name: string, status: string, role: string, organisation: string, professionalId = `p-${id}`): Member => ({
  id, kind: "professional", name, professional_id: professionalId, organisation, role, relation: null, status,
  contact: {}, starts_on: "2026-11-01T10:00:00Z", ends_on: null,
});
const keyWorkerPeriod = (memberId: string, professionalId: string) => ({
  member_id: memberId, professional_id: professionalId, started_at: "2026-11-10T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1001",
});

/** The team as the mocked API has it; each change below alters it, and the page loads it again. */
function freshTeam() {
  return {
    id: "t-2",
    client_id: CLIENT_ID,
    organisation: ORG,
    status: "active",
    closed_reason: null,
    status_history: [],
    key_worker: keyWorkerPeriod("m-1", "sw-1001"),
    key_worker_history: [keyWorkerPeriod("m-1", "sw-1001")],
    members: [
      professional("m-1", "Sanna Sosiaali", "active", "social_worker", ORG, "sw-1001"),
      professional("m-2", "Noora Neuvoja", "active", "nurse", ORG),
      professional("m-3", "Sami Ohjaaja", "active", "social_counsellor", ORG, "sc-2002"),
    ],
  };
}

/** Chooses an option of a suomifi dropdown by keyboard alone. */
async function choose(page: Page, dropdown: Locator, option: string) {
  await dropdown.focus();
  await dropdown.press("Enter");
  const wanted = page.getByRole("option", { name: option });
  await expect(wanted).toBeVisible();
  for (let step = 0; step < 20; step += 1) {
    if ((await wanted.getAttribute("aria-selected")) === "true" || (await wanted.evaluate((el) => el.classList.contains("fi-dropdown_item--hasKeyboardFocus")))) break;
    await page.keyboard.press("ArrowDown");
  }
  await page.keyboard.press("Enter");
  await expect(dropdown).toContainText(option);
}

async function mockApi(page: Page) {
  let team = freshTeam();
  const sent: Record<string, unknown[]> = { members: [], remove: [], status: [], handover: [] };
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}`, (route) => route.fulfill({ json: CLIENT }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/team`, (route) => route.fulfill({ json: team }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/referrals`, (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/consents`, (route) =>
    route.fulfill({ json: { client_id: CLIENT_ID, consents: [], denials: [] } }),
  );
  await answerApi(page, "POST", "/teams/t-2/members", (route) => {
    const body = route.request().postDataJSON() as { professional: { name: string; professional_id: string; organisation: string; role: string } };
    sent.members!.push(body);
    const p = body.professional;
    const member = professional(`m-${team.members.length + 1}`, p.name, p.organisation === ORG ? "active" : "pending_consent", p.role, p.organisation, p.professional_id);
    team = { ...team, members: [...team.members, member] };
    return route.fulfill({ status: 201, json: member });
  });
  await answerApi(page, "POST", /^\/teams\/t-2\/members\/[^/]+\/remove$/, (route) => {
    sent.remove!.push(route.request().postDataJSON());
    const id = new URL(route.request().url()).pathname.split("/")[4]!;
    team = { ...team, members: team.members.map((m) => (m.id === id ? { ...m, status: "removed" } : m)) };
    return route.fulfill({ json: team.members.find((m) => m.id === id) });
  });
  await answerApi(page, "POST", "/teams/t-2/status", (route) => {
    const body = route.request().postDataJSON() as { status: string };
    sent.status!.push(body);
    // The first try is refused as if another key worker had just closed the way: only closing is allowed.
    if (sent.status!.length === 1) {
      return route.fulfill({
        status: 409,
        contentType: "application/problem+json",
        body: JSON.stringify({ title: "Conflict", status: 409, detail: "an active team cannot become suspended", current_state: "active", allowed: ["closed"] }),
      });
    }
    team = { ...team, status: body.status };
    return route.fulfill({ json: team });
  });
  await answerApi(page, "POST", "/teams/t-2/handover", (route) => {
    const body = route.request().postDataJSON() as { to: { professional_id: string } };
    sent.handover!.push(body);
    const member = team.members.find((m) => m.professional_id === body.to.professional_id)!;
    team = { ...team, key_worker: keyWorkerPeriod(member.id, body.to.professional_id) };
    return route.fulfill({ json: team });
  });
  return sent;
}

test.setTimeout(240_000);

test("the key worker adds, removes, changes the status and hands over by keyboard, a refusal beside its action, axe in every state", async ({
  page,
  baseURL,
}) => {
  const sent = await mockApi(page);
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sw-1001", "keyworker");
  const tools = page.getByRole("group", { name: "Vastuutyöntekijän toiminnot" });
  await expect(tools).toBeVisible();
  await expectAccessible(page);

  // Adding a professional of another organisation: they wait for consent.
  const add = tools.getByRole("button", { name: "Lisää jäsen" });
  await add.focus();
  await add.press("Enter");
  const submitAdd = tools.getByRole("button", { name: "Lisää tiimiin" });
  await submitAdd.press("Enter");
  await expect(page.getByLabel("Nimi")).toBeFocused();
  await expect(page.getByText("Kirjoita jäsenen nimi.")).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Nimi").fill("Noora Järjestö");
  await page.getByLabel("Ammattilaisen käyttäjätunnus").fill("ngo-77");
  await page.getByLabel("Organisaatio").fill("0123456-7");
  await choose(page, tools.getByRole("button", { name: /Rooli tiimissä/ }), "Järjestötyöntekijä");
  await expectAccessible(page);
  await submitAdd.press("Enter");
  await expect(page.getByText("Noora Järjestö lisättiin tiimiin, ja hän odottaa asiakkaan suostumusta.")).toBeVisible();
  await expect(page.getByRole("list", { name: "Odottaa suostumusta" })).toContainText("Noora Järjestö — Järjestötyöntekijä, 0123456-7");
  expect(sent.members).toEqual([{ kind: "professional", professional: { name: "Noora Järjestö", professional_id: "ngo-77", organisation: "0123456-7", role: "ngo_worker" } }]);
  await expectAccessible(page);

  // Removing a member needs a reason.
  const remove = tools.getByRole("button", { name: "Poista jäsen" });
  await remove.focus();
  await remove.press("Enter");
  await choose(page, tools.getByRole("button", { name: /Poistettava jäsen/ }), "Noora Neuvoja");
  await tools.getByRole("button", { name: "Poista tiimistä" }).press("Enter");
  await expect(page.getByText("Kirjoita syy.")).toBeVisible();
  await expect(page.getByLabel("Poistamisen syy")).toBeFocused();
  await expectAccessible(page);
  await page.getByLabel("Poistamisen syy").fill("Hoitosuhde päättyi");
  await tools.getByRole("button", { name: "Poista tiimistä" }).press("Enter");
  await expect(page.getByText("Noora Neuvoja poistettiin tiimistä.")).toBeVisible();
  await expect(page.getByRole("button", { name: "2 poistettua jäsentä" }).or(page.getByRole("button", { name: "1 poistettu jäsen" }))).toBeVisible();
  expect(sent.remove).toEqual([{ reason: "Hoitosuhde päättyi" }]);
  await expectAccessible(page);

  // Changing the status: the refusal, with what is allowed now in words, beside the action; the reason kept.
  const suspend = tools.getByRole("button", { name: "Keskeytä tiimi: tiimi" });
  await suspend.focus();
  await suspend.press("Enter");
  const reason = page.getByLabel("Syy (Keskeytä tiimi: tiimi)");
  await expect(reason).toBeFocused();
  await reason.fill("Asiakas ulkomailla");
  await tools.getByRole("button", { name: "Keskeytä tiimi", exact: true }).press("Enter");
  const refusal = tools.getByRole("alert");
  await expect(refusal).toHaveText("Ei mahdollista tiimin nykyisestä tilasta. Tiimin tilaksi voi nyt tulla: suljettu.");
  await expect(reason).toHaveValue("Asiakas ulkomailla");
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath("team-refused.png") });
  await tools.getByRole("button", { name: "Keskeytä tiimi", exact: true }).press("Enter");
  await expect(page.getByText("Tiimin tila on nyt: Keskeytetty.")).toBeVisible();
  await expect(tools.getByRole("button", { name: "Aktivoi tiimi: tiimi" })).toBeVisible();
  expect(sent.status).toEqual([{ status: "suspended", reason: "Asiakas ulkomailla" }, { status: "suspended", reason: "Asiakas ulkomailla" }]);
  await expectAccessible(page);

  // Handing over: afterwards the tools are gone, for I am no longer the key worker.
  const handOver = tools.getByRole("button", { name: "Siirrä vastuutyöntekijyys" });
  await handOver.focus();
  await handOver.press("Enter");
  await choose(page, tools.getByRole("button", { name: /Uusi vastuutyöntekijä/ }), "Sami Ohjaaja");
  await expect(page.getByLabel("Sosiaaliohjaaja")).toBeChecked();
  await page.getByLabel("Siirron syy").fill("Siirryn toiseen yksikköön");
  await expectAccessible(page);
  await tools.getByRole("button", { name: "Siirrä", exact: true }).press("Enter");
  await expect(page.getByText("Vastuutyöntekijyys siirrettiin.")).toBeVisible();
  await expect(page.getByText(/^Sami Ohjaaja, /)).toBeVisible();
  await expect(page.getByRole("group", { name: "Vastuutyöntekijän toiminnot" })).toHaveCount(0);
  // The consents follow the role too: they are the new key worker's now.
  await expect(page.getByText("Vain vastuutyöntekijä näkee ja hallitsee asiakkaan suostumuksia ja kieltoja.")).toBeVisible();
  expect(sent.handover).toEqual([
    { to: { professional_id: "sc-2002", name: "Sami Ohjaaja", organisation: ORG, role: "social_counsellor" }, reason: "Siirryn toiseen yksikköön" },
  ]);
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath("team-handed-over.png"), fullPage: true });
});

test("a member who is not the key worker sees the team read-only", async ({ page, baseURL }) => {
  await mockApi(page);
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sc-2002", "counsellor");
  await expect(page.getByRole("list", { name: "Aktiiviset" })).toContainText("Sami Ohjaaja");
  await expect(page.getByRole("group", { name: "Vastuutyöntekijän toiminnot" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Lisää jäsen" })).toHaveCount(0);
  await expectAccessible(page);
});
