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
const BASES = [{
  id: "sha-18-threat", statute: "Sosiaalihuoltolaki 812/2000 18 §", categories: ["basic", "health"], recipient_kinds: ["police"],
  description: {
    fi: "Poliisille henkeen tai terveyteen kohdistuvan uhan arvioimiseksi",
    sv: "Till polisen för att bedöma ett hot mot liv eller hälsa",
    en: "To the police, to assess a threat to life or health",
  },
}];

test("a professional of the holding organisation records a disclosure without consent, only under a basis that covers it", async ({ page, baseURL }) => {
  const sent: unknown[] = [];
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}`, (route) => route.fulfill({ json: CLIENT }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/team`, (route) => route.fulfill({ json: TEAM }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/referrals`, (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", `/clients/${CLIENT_ID}/consents`, (route) =>
    route.fulfill({ json: { client_id: CLIENT_ID, consents: [], denials: [] } }),
  );
  await answerApi(page, "GET", "/legal-bases", (route) => route.fulfill({ json: BASES }));
  await answerApi(page, "POST", `/clients/${CLIENT_ID}/statutory-disclosures`, (route) => {
    const body = route.request().postDataJSON();
    sent.push(body);
    return route.fulfill({ status: 201, json: { client_id: CLIENT_ID, ...body, statute: BASES[0]!.statute, entries: [] } });
  });
  await logInAs(page, baseURL!, `/app/clients/${CLIENT_ID}`, "sw-1001", "keyworker");
  const opener = page.getByRole("button", { name: "Kirjaa luovutus ilman suostumusta" });
  await opener.focus();
  await opener.press("Enter");
  const organisation = page.getByRole("textbox", { name: "Vastaanottavan organisaation tunnus" });
  await expect(organisation).toBeFocused();
  await organisation.fill("Poliisi-Pirkanmaa");
  // By keyboard: the design system's labels lie over its inputs.
  const press = async (role: "radio" | "checkbox", name: string) => {
    const control = page.getByRole(role, { name, exact: true });
    await control.focus();
    await control.press("Space");
    return control;
  };
  await expect(await press("radio", "Poliisi")).toBeChecked();
  await expect(await press("checkbox", "Perustiedot")).toBeChecked();
  await expect(await press("checkbox", "Talous")).toBeChecked();
  // Nothing in the list covers finances to the police: the form says so and sends nothing.
  await expect(page.getByText(/Mikään hyvinvointialueen luettelon lakiperuste ei salli/)).toBeVisible();
  await expectAccessible(page);
  await expect(await press("checkbox", "Talous")).not.toBeChecked();
  const basis = page.getByRole("radio", { name: /Sosiaalihuoltolaki 812\/2000 18 §/ });
  await expect(page.getByText("Poliisille henkeen tai terveyteen kohdistuvan uhan arvioimiseksi")).toBeVisible();
  await basis.focus();
  await basis.press("Space");
  await expect(basis).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("textbox", { name: "Perustelu" })).toBeFocused();
  await page.keyboard.type("Uhkaus toimistolla");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Kirjaa luovutus", exact: true }).press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Kirjattu" })).toHaveText(
    "Kirjattu: luovutus vastaanottajalle Poliisi-Pirkanmaa, peruste Sosiaalihuoltolaki 812/2000 18 §. Vastuutyöntekijälle on ilmoitettu.",
  );
  await expect(opener).toBeFocused();
  expect(sent).toEqual([{
    recipient_organisation: "Poliisi-Pirkanmaa", recipient_kind: "police", categories: ["basic"], legal_basis: "sha-18-threat",
    justification: "Uhkaus toimistolla",
  }]);
  await expectAccessible(page);
});
