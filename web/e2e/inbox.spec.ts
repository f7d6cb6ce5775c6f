import { expect, test, type Page } from "@playwright/test";
import { answerApi, expectAccessible, logInAs } from "./demo_login";

// The machine these run on is shared with other runs: the stories get more time than the default.
test.describe.configure({ timeout: 90_000 });

/** The demo login, waiting longer for the way back from the provider on a machine shared with other runs. */
async function logIn(page: Page, baseURL: string, path: string, user: string, password: string) {
  await logInAs(page, baseURL, path, user, password).catch(() => expect(page).toHaveURL(`${baseURL}${path}`, { timeout: 60_000 }));
}

const CLIENT = "c0ffee00-0000-4000-8000-000000000001";
const REFERRAL = "5e5e5e5e-0000-4000-8000-000000000002";
const READ_AT = "2026-11-23T10:00:00Z";

const MESSAGES = [
  {
    // Written before messages linked to the app's pages: the team it names has no page of its own.
    id: "m-0",
    message: "member_added",
    subject: "Sinut lisättiin tiimiin aiemmin",
    body: "Avaa tiimi nähdäksesi tiimin.",
    link: "http://localhost:8000/teams/aa11bb22-0000-4000-8000-000000000001",
    created_at: "2026-11-18T08:00:00Z",
    read_at: null,
  },
  {
    id: "m-1",
    message: "member_added",
    subject: "Sinut lisättiin tiimiin",
    body: "Sinut on lisätty asiakkaan tiimiin.",
    link: `http://127.0.0.1:8000/app/clients/${CLIENT}`,
    created_at: "2026-11-20T08:00:00Z",
    read_at: null,
  },
  {
    id: "m-2",
    message: "referral_answered",
    subject: "Lähetteeseen vastattiin",
    body: "Kumppani hyväksyi lähetteen.",
    link: `http://127.0.0.1:8000/app/clients/${CLIENT}?referral=${REFERRAL}`,
    created_at: "2026-11-22T08:00:00Z",
    read_at: null,
  },
];

const RECEIVED = {
  id: "m-9",
  message: "referral_received",
  subject: "Uusi lähete: asumisneuvonta",
  body: "Organisaatio 1234567-8 on lähettänyt lähetteen palveluun: asumisneuvonta.",
  link: `http://127.0.0.1:8000/app/partner/referrals/${REFERRAL}`,
  created_at: "2026-11-22T08:00:00Z",
  read_at: null,
};

const REQUESTED = {
  id: REFERRAL,
  client_id: CLIENT,
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

test("the inbox lists the messages newest first, each linked to its page, marks one read, and the header's count follows", async ({
  page,
  baseURL,
}) => {
  const read = new Set<string>();
  await answerApi(page, "GET", "/inbox", (route) =>
    route.fulfill({ json: MESSAGES.map((m) => (read.has(m.id) ? { ...m, read_at: READ_AT } : m)) }),
  );
  await answerApi(page, "POST", /^\/inbox\/[\w-]+\/read$/, (route) => {
    const id = new URL(route.request().url()).pathname.split("/")[2]!;
    read.add(id);
    return route.fulfill({ json: { ...MESSAGES.find((m) => m.id === id)!, read_at: READ_AT } });
  });
  await logIn(page, baseURL!, "/app/inbox", "sw-1001", "keyworker");
  await expect(page.getByRole("heading", { level: 1, name: "Viestit" })).toBeVisible();
  const list = page.getByRole("list", { name: "Viestit" });
  await expect(list.getByRole("heading", { level: 2 })).toHaveText([
    "Lähetteeseen vastattiin",
    "Sinut lisättiin tiimiin",
    "Sinut lisättiin tiimiin aiemmin",
  ]);
  await expect(list.getByRole("link", { name: "Lähetteeseen vastattiin" })).toHaveAttribute(
    "href",
    `/app/clients/${CLIENT}?referral=${REFERRAL}`,
  );
  await expect(list.getByRole("link", { name: "Sinut lisättiin tiimiin", exact: true })).toHaveAttribute("href", `/app/clients/${CLIENT}`);
  await expect(list.getByRole("link", { name: "Sinut lisättiin tiimiin aiemmin" })).toHaveCount(0);
  await expect(page.getByText("Koskee tiimiä AA11BB22")).toBeVisible();
  await expect(page.getByRole("link", { name: "3 lukematonta viestiä" })).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: test.info().outputPath("inbox.png"), fullPage: true });

  await page.getByRole("button", { name: "Merkitse luetuksi: Lähetteeseen vastattiin" }).press("Enter");
  await expect(page.getByRole("link", { name: "2 lukematonta viestiä" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Merkitse luetuksi: Lähetteeseen vastattiin" })).toHaveCount(0);
  await expect(page.locator("li:focus")).toContainText("Lähetteeseen vastattiin");
  expect([...read]).toEqual(["m-2"]);
  await expectAccessible(page);

  // The link is the app's own: following it by keyboard opens the client's page at the referral, no reload.
  await list.getByRole("link", { name: "Lähetteeseen vastattiin" }).press("Enter");
  await expect(page).toHaveURL(`${baseURL}/app/clients/${CLIENT}?referral=${REFERRAL}`);
  await expect(page.getByRole("link", { name: "2 lukematonta viestiä" })).toBeVisible();
});

test("a partner desk sees the messages to its organisation and opens the referral from one", async ({ page, baseURL }) => {
  let inbox: Array<Omit<typeof RECEIVED, "read_at"> & { read_at: string | null }> = [RECEIVED];
  await answerApi(page, "GET", "/inbox", (route) => route.fulfill({ json: inbox }));
  await answerApi(page, "POST", `/inbox/${RECEIVED.id}/read`, (route) => {
    inbox = [{ ...RECEIVED, read_at: READ_AT }];
    return route.fulfill({ json: inbox[0] });
  });
  await answerApi(page, "GET", "/partner/referrals", (route) => {
    const { history: _h, shared: _s, ...summary } = REQUESTED;
    return route.fulfill({ json: [summary] });
  });
  await answerApi(page, "GET", `/partner/referrals/${REFERRAL}`, (route) => route.fulfill({ json: REQUESTED }));
  await logIn(page, baseURL!, "/app/inbox", "desk-1", "partner");
  await expect(page.getByRole("link", { name: "1 lukematon viesti" })).toBeVisible();
  const message = page.getByRole("link", { name: "Uusi lähete: asumisneuvonta" });
  await expect(message).toHaveAttribute("href", `/app/partner/referrals/${REFERRAL}`);
  await expectAccessible(page);

  await page.getByRole("button", { name: "Merkitse luetuksi: Uusi lähete: asumisneuvonta" }).press("Enter");
  await expect(page.getByRole("link", { name: "0 lukematonta viestiä" })).toBeVisible();

  await message.press("Enter");
  await expect(page).toHaveURL(`${baseURL}/app/partner/referrals/${REFERRAL}`);
  await expect(page.getByRole("heading", { level: 1, name: "Lähete 5E5E5E5E" })).toBeVisible();
  await expectAccessible(page);
});
