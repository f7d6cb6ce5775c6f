// Who sees a client's page: the team's key worker does; an NGO worker still waiting for the client's
// consent (outside the team until then) is refused it.
import { expect, test } from "@playwright/test";
import { apiAs, checkScreen, CLIENTS, clientId, logIn, USERS } from "./system";

test("the key worker sees the seeded clients in My clients and opens a client's page", async ({ page, baseURL }) => {
  await logIn(page, USERS.keyWorker, "/app/clients");
  await expect(page.getByRole("heading", { level: 1, name: "Omat asiakkaat" })).toBeVisible();
  const list = page.getByRole("list", { name: "Omat asiakkaat" });
  for (const name of Object.values(CLIENTS)) await expect(list.getByRole("link", { name })).toBeVisible();
  await checkScreen(page, "my-clients");

  await list.getByRole("link", { name: CLIENTS.matti }).click();
  await expect(page.getByRole("heading", { level: 1, name: CLIENTS.matti })).toBeVisible();
  const team = page.getByRole("region", { name: "Tiimi" });
  await expect(team).toContainText(`${USERS.keyWorker.name}`);
  await expect(team).toContainText(`${USERS.nurse.name}`);
  const api = await apiAs(USERS.keyWorker, baseURL!);
  expect(page.url()).toBe(`${baseURL}/app/clients/${await clientId(api, CLIENTS.matti)}`);
  await api.dispose();
  await checkScreen(page, "client");
});

test("an NGO worker waiting for the client's consent is refused the client's page", async ({ page, baseURL }) => {
  const api = await apiAs(USERS.keyWorker, baseURL!);
  const erik = await clientId(api, CLIENTS.erik);
  await api.dispose();
  // ngo-77 reads the app in English (their locale at the provider).
  await logIn(page, USERS.ngoWorker, `/app/clients/${erik}`);
  await expect(page.getByRole("heading", { level: 1, name: "Not your client, or not found" })).toBeVisible();
  await expect(page.getByText(CLIENTS.erik)).toHaveCount(0);
  await checkScreen(page, "refused");

  const asNgo = await apiAs(USERS.ngoWorker, baseURL!);
  expect((await asNgo.get(`/clients/${erik}`)).status()).toBe(403);
  await asNgo.dispose();
});
