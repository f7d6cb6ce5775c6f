import { expect, test } from "@playwright/test";
import { answerApi, expectAccessible, logInAs } from "./demo_login";

test("registering a client: the code checked as typed, a refusal beside its field, then My clients with the notice", async ({
  page,
  baseURL,
}) => {
  const sent: unknown[] = [];
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", "/me/clients", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "POST", "/clients", (route) => {
    sent.push(route.request().postDataJSON());
    return sent.length === 1
      ? route.fulfill({
          status: 400,
          contentType: "application/problem+json",
          body: JSON.stringify({ title: "Bad Request", status: 400, errors: { municipality: ["String does not match expected pattern."] } }),
        })
      : route.fulfill({
          status: 201,
          json: {
            id: "c0ffee00-0000-4000-8000-000000000001",
            name: "Maija Meikäläinen",
            preferred_language: "fi",
            municipality: "091",
            contact: { email: null, phone: null, address: null },
            registered_at: "2026-11-23T10:00:00Z",
            registered_by: "sw-1001",
          },
        });
  });
  await logInAs(page, baseURL!, "/app/clients/new", "sw-1001", "keyworker");
  await expect(page.getByRole("heading", { level: 1, name: "Rekisteröi asiakas" })).toBeVisible();
  await expectAccessible(page);

  // By keyboard: the code is checked as it is typed, and the message does not repeat it.
  await page.getByLabel("Nimi").fill("Maija Meikäläinen");
  const code = page.getByLabel("Henkilötunnus");
  await code.pressSequentially("131052-308X");
  await expect(page.getByText("Tarkistusmerkki ei täsmää: tarkista tunnus.")).toBeVisible();
  await expectAccessible(page);
  await code.press("Backspace");
  await code.press("T");
  await expect(page.getByText("Tarkistusmerkki ei täsmää: tarkista tunnus.")).toHaveCount(0);
  await page.getByLabel("suomi").press("Space");
  await expect(page.getByLabel("suomi")).toBeChecked();
  await page.getByLabel("Kuntanumero").fill("091");
  await page.getByRole("button", { name: "Rekisteröi asiakas" }).press("Enter");

  await expect(page.getByText("Kirjoita kuntanumero kolmena numerona.")).toBeVisible();
  await expect(page.getByLabel("Kuntanumero")).toBeFocused();
  await expect(page.getByLabel("Nimi")).toHaveValue("Maija Meikäläinen");
  // Not fullPage: in headless chromium the click right after a full-page screenshot can be lost.
  await page.screenshot({ path: test.info().outputPath("register-refused.png") });
  await expectAccessible(page);

  await page.getByRole("button", { name: "Rekisteröi asiakas" }).click();
  await expect(page).toHaveURL(`${baseURL}/app/clients`);
  await expect(page.getByText("Asiakas rekisteröitiin. Hänen henkilötunnustaan ei näytetä enää.")).toBeVisible();
  await expect(page.locator("body")).not.toContainText("131052");
  expect(sent[1]).toEqual({ name: "Maija Meikäläinen", personal_identity_code: "131052-308T", preferred_language: "fi", municipality: "091" });
  await expectAccessible(page);
});
