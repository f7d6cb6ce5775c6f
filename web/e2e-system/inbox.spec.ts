// The key worker's inbox: the services' messages, unread first counted in the header; marking one
// read lowers the header's count.
import { expect, test } from "@playwright/test";
import { apiAs, checkScreen, eventually, logIn, unreadCount, USERS } from "./system";

test("the inbox shows the unread messages and marking one read lowers the header's count", async ({ page, baseURL }) => {
  const api = await apiAs(USERS.keyWorker, baseURL!);
  await logIn(page, USERS.keyWorker, "/app/inbox");
  await expect(page.getByRole("heading", { level: 1, name: "Viestit" })).toBeVisible();
  const header = page.getByRole("banner");
  // Events of earlier stories may still be arriving: the header's count and the API's agree first.
  let unread = 0;
  await eventually(async () => {
    unread = await unreadCount(api);
    await expect(header.getByRole("link", { name: new RegExp(`^${unread} lukemat`) })).toBeVisible({ timeout: 3_000 });
  });
  expect(unread).toBeGreaterThan(1);
  const markers = page.getByRole("button", { name: /^Merkitse luetuksi: / });
  await expect(markers).toHaveCount(unread);
  await checkScreen(page, "inbox");

  await markers.first().press("Enter");
  await expect(header.getByRole("link", { name: new RegExp(`^${unread - 1} lukemat`) })).toBeVisible();
  await expect(markers).toHaveCount(unread - 1);
  expect(await unreadCount(api)).toBe(unread - 1);
  await checkScreen(page, "inbox-one-read");
  await api.dispose();
});
