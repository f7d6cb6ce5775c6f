import { expect, test } from "@playwright/test";
import { answerApi, expectAccessible, logInAs } from "./demo_login";

const MESSAGES = [
  {
    id: "m-1",
    message: "member_added",
    subject: "Sinut lisättiin tiimiin",
    body: "Avaa tiimi nähdäksesi tiimin.",
    link: "http://localhost:8000/teams/aa11bb22-0000-4000-8000-000000000001",
    created_at: "2026-11-20T08:00:00Z",
    read_at: null,
  },
  {
    id: "m-2",
    message: "referral_answered",
    subject: "Lähetteeseen vastattiin",
    body: "Kumppani hyväksyi lähetteen.",
    link: "http://localhost:8000/referrals/5e5e5e5e-0000-4000-8000-000000000002",
    created_at: "2026-11-22T08:00:00Z",
    read_at: null,
  },
];

test("the inbox lists the messages newest first, marks one read, and the header's count follows", async ({ page, baseURL }) => {
  const read = new Set<string>();
  await answerApi(page, "GET", "/inbox", (route) =>
    route.fulfill({ json: MESSAGES.map((m) => (read.has(m.id) ? { ...m, read_at: "2026-11-23T10:00:00Z" } : m)) }),
  );
  await answerApi(page, "POST", /^\/inbox\/[\w-]+\/read$/, (route) => {
    const id = new URL(route.request().url()).pathname.split("/")[2]!;
    read.add(id);
    return route.fulfill({ json: { ...MESSAGES.find((m) => m.id === id)!, read_at: "2026-11-23T10:00:00Z" } });
  });
  await logInAs(page, baseURL!, "/app/inbox", "sw-1001", "keyworker");
  await expect(page.getByRole("heading", { level: 1, name: "Viestit" })).toBeVisible();
  const list = page.getByRole("list", { name: "Viestit" });
  await expect(list.getByRole("heading", { level: 2 })).toHaveText(["Lähetteeseen vastattiin", "Sinut lisättiin tiimiin"]);
  await expect(page.getByRole("link", { name: "2 lukematonta viestiä" })).toBeVisible();
  await expect(page.getByText("Koskee lähetettä 5E5E5E5E")).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath("inbox.png"), fullPage: true });

  await page.getByRole("button", { name: "Merkitse luetuksi: Lähetteeseen vastattiin" }).press("Enter");
  await expect(page.getByRole("link", { name: "1 lukematon viesti" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Merkitse luetuksi: Lähetteeseen vastattiin" })).toHaveCount(0);
  await expect(page.locator("li:focus")).toContainText("Lähetteeseen vastattiin");
  expect([...read]).toEqual(["m-2"]);
  await expectAccessible(page);
});
