import { expect, test } from "@playwright/test";
import { answerApi, expectAccessible, logInAs } from "./demo_login";

const ID = "5e5e5e5e-0000-4000-8000-000000000002";
const REQUESTED = {
  id: ID,
  client_id: "c0ffee00-0000-4000-8000-000000000001",
  status: "requested",
  allowed_next: ["accepted", "rejected"],
  as: ["target"],
  service: "housing_guidance",
  priority: "urgent",
  requesting_organisation: "1234567-8",
  target_organisation: "0123456-7",
  requested_by: "sw-1001",
  created_at: "2026-11-20T08:00:00Z",
  accept_by: "2026-11-27T08:00:00Z",
  escalate_by: "2026-11-28T08:00:00Z",
  escalated_at: null,
  reminded_at: null,
  outcome: null,
  history: [],
  shared: { basic: { language: "fi" } },
};

test("a partner sees only the referrals to their organisation, what was shared, and accepts one", async ({ page, baseURL }) => {
  let referral: Record<string, unknown> = REQUESTED;
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: [] }));
  await answerApi(page, "GET", "/partner/referrals", (route) => {
    const { history: _h, shared: _s, ...summary } = referral;
    return route.fulfill({ json: [summary] });
  });
  await answerApi(page, "GET", `/partner/referrals/${ID}`, (route) => route.fulfill({ json: referral }));
  await answerApi(page, "POST", `/partner/referrals/${ID}/accept`, (route) => {
    referral = { ...REQUESTED, status: "accepted", allowed_next: ["in_progress", "on_hold", "completed", "failed"] };
    return route.fulfill({ json: referral });
  });
  await logInAs(page, baseURL!, "/app/partner", "desk-1", "partner");
  await expect(page.getByRole("heading", { level: 1, name: "Meille tulleet lähetteet" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Päävalikko" });
  await expect(nav.getByRole("link")).toHaveText(["Meille tulleet lähetteet", "Viestit"]);
  await expectAccessible(page);

  await page.getByRole("link", { name: "Lähete 5E5E5E5E" }).click();
  await expect(page.getByRole("heading", { level: 3, name: "Perustiedot" })).toBeVisible();
  await expect(page.getByRole("form")).toHaveCount(2);
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath("partner-referral.png"), fullPage: true });

  await page.getByRole("button", { name: "Hyväksy" }).press("Enter");
  await expect(page.getByRole("heading", { level: 2, name: /Nyt:\s*Hyväksytty/ })).toBeFocused();
  await expect(page.getByRole("form", { name: "Aloita" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Hyväksy" })).toHaveCount(0);
  await expectAccessible(page);
});
