import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { createI18n } from "../../lib/i18n";
import { Referrals } from "./Referrals";

afterEach(cleanup);
// The whole form rendered and filled in jsdom takes a while on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const SUMMARY = {
  id: "r-1", client_id: CLIENT_ID, service: "housing_guidance", target_organisation: "2345678-9", status: "requested",
  priority: "routine", requesting_organisation: "1234567-8", requested_by: "sw-1001", as: ["requester"],
  allowed_next: ["cancelled", "entered_in_error"], accept_by: "2026-12-01T21:59:00Z", escalate_by: "2026-12-03T21:59:00Z",
  escalated_at: null, reminded_at: null, outcome: null, created_at: "2026-11-10T10:00:00Z",
};
const REQUESTED = {
  ...SUMMARY, reason: "Needs a flat", share: { basic: {} }, shared_categories: ["basic"], withheld: {},
  history: [
    { kind: "status", from_status: null, to_status: "draft", at: "2026-11-10T10:00:00Z", by: "sw-1001", by_organisation: "1234567-8", reason: null, detail: {} },
    { kind: "status", from_status: "draft", to_status: "requested", at: "2026-11-10T11:00:00Z", by: "sw-1001", by_organisation: "1234567-8", reason: null, detail: {} },
  ],
};
const DRAFT = {
  ...SUMMARY, id: "r-2", service: "debt_counselling", target_organisation: "0123456-7", status: "draft",
  allowed_next: ["requested", "entered_in_error"], created_at: "2026-11-23T10:00:00Z",
  reason: "Debts", share: { basic: {}, health: {} }, shared_categories: [], withheld: {},
  history: [{ kind: "status", from_status: null, to_status: "draft", at: "2026-11-23T10:00:00Z", by: "sw-1001", by_organisation: "1234567-8", reason: null, detail: {} }],
};
const SENT = {
  ...DRAFT, status: "requested", allowed_next: ["cancelled", "entered_in_error"], shared_categories: ["basic"], withheld: { health: "no_consent" },
  history: [...DRAFT.history, { kind: "status", from_status: "draft", to_status: "requested", at: "2026-11-23T10:05:00Z", by: "sw-1001", by_organisation: "1234567-8", reason: null, detail: {} }],
};
const CANCELLED = {
  ...REQUESTED, status: "cancelled", allowed_next: [],
  history: [...REQUESTED.history, { kind: "status", from_status: "requested", to_status: "cancelled", at: "2026-11-23T11:00:00Z", by: "sw-1001", by_organisation: "1234567-8", reason: "Found a flat", detail: {} }],
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const problem = (status: number, more: object = {}) => json(status, { title: "Refused", status, ...more });

type Answers = Record<string, (request: Request) => Response | Promise<Response>>;

/** The referrals section, with the API answering `METHOD /path` from `answers`. */
function shown(answers: Answers, language: "fi" | "sv" | "en" = "en", address = `/app/clients/${CLIENT_ID}`) {
  const fetcher = vi.fn(async (request: Request) => {
    const answer = answers[`${request.method} ${new URL(request.url).pathname}`];
    return answer ? answer(request) : json(404, {});
  });
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  render(
    <MemoryRouter initialEntries={[address]}>
      <I18nextProvider i18n={createI18n(language)}>
        <ApiContext.Provider value={api}>
          <Referrals clientId={CLIENT_ID} />
        </ApiContext.Provider>
      </I18nextProvider>
    </MemoryRouter>,
  );
  return fetcher;
}

const posted = (fetcher: ReturnType<typeof shown>, path: string) =>
  Promise.all(
    fetcher.mock.calls
      .map(([request]) => request)
      .filter((request) => request.method === "POST" && new URL(request.url).pathname === path)
      .map((request) => request.clone().json() as Promise<unknown>),
  );

const press = async (element: HTMLElement) => {
  await act(async () => {
    fireEvent.click(element);
  });
};
const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe("a message's link", () => {
  it("opens the referral the address names, with focus on it, and leaves the others folded", async () => {
    shown(
      {
        "GET /clients/3f2c91ab-0000-4000-8000-000000000001/referrals": () => json(200, [SUMMARY, DRAFT]),
        "GET /referrals/r-1": () => json(200, REQUESTED),
      },
      "en",
      `/app/clients/${CLIENT_ID}?referral=r-1`,
    );
    expect(await screen.findByText(/Needs a flat/, undefined, { timeout: 15_000 })).toBeTruthy();
    // Newest first: the draft to 0123456-7, then the asked referral to 2345678-9.
    const details = screen.getAllByRole("button", { name: /^Details: / });
    expect(details.map((button) => [button.getAttribute("aria-label")?.includes("2345678-9"), button.getAttribute("aria-expanded")])).toEqual([
      [false, "false"],
      [true, "true"],
    ]);
    expect(document.activeElement?.tagName).toBe("H3");
    expect(document.activeElement?.textContent).toContain("2345678-9");
  });
});

describe("drafting a referral", () => {
  it("checks the form in the user's language, keeps it on the API's 400 with each field's refusal, then lists the draft opened", async () => {
    let drafts = 0;
    const fetcher = shown({
      "GET /clients/3f2c91ab-0000-4000-8000-000000000001/referrals": () => json(200, [SUMMARY]),
      "GET /referrals/r-2": () => json(200, DRAFT),
      "POST /referrals/r-2/send": () => json(200, SENT),
      "POST /referrals": () =>
        ++drafts === 1
          ? problem(400, { errors: { target_organisation: ["not a valid identifier"], accept_by: ["the acceptance deadline must be in the future"] } })
          : json(201, DRAFT),
    });
    await screen.findByRole("list", { name: "Referrals" });
    await press(screen.getByRole("button", { name: "Draft a referral" }));
    const form = screen.getByRole("form", { name: "Draft a referral" });
    expect(document.activeElement).toBe(within(form).getByRole("radio", { name: "Service need assessment" }));

    await press(within(form).getByRole("button", { name: "Save the draft" }));
    expect(within(form).getByText("Choose the service.")).toBeTruthy();
    expect(within(form).getByText("Choose at least one category of information.")).toBeTruthy();
    expect(within(form).getByText("Write the reason for the referral.")).toBeTruthy();
    expect(fetcher.mock.calls.some(([request]) => request.method === "POST")).toBe(false);

    await press(within(form).getByRole("radio", { name: "Debt counselling" }));
    type("Target organisation", "0123456-7");
    await press(within(form).getByRole("checkbox", { name: "Basic information" }));
    await press(within(form).getByRole("checkbox", { name: "Health" }));
    fireEvent.change(within(form).getByRole("textbox", { name: /^Reason for the referral/ }), { target: { value: "Debts" } });
    type(/^Answer by/, "1.12.2099");
    await press(within(form).getByRole("button", { name: "Save the draft" }));

    const organisation = within(form).getByRole("textbox", { name: /^Target organisation/ });
    expect(within(form).getByText(/^Write the organisation's code with letters/)).toBeTruthy();
    expect(within(form).getByText("The answer day must be today or later.")).toBeTruthy();
    expect(document.activeElement).toBe(organisation);
    expect((organisation as HTMLInputElement).value).toBe("0123456-7");
    expect((within(form).getByRole("checkbox", { name: "Health" }) as HTMLInputElement).checked).toBe(true);

    await press(within(form).getByRole("button", { name: "Save the draft" }));
    const [first, second] = await posted(fetcher, "/referrals");
    expect(second).toEqual(first);
    expect(first).toMatchObject({
      client_id: CLIENT_ID, service: "debt_counselling", target_organisation: "0123456-7", priority: "routine",
      reason: "Debts", share: { basic: {}, health: {} },
    });
    expect(screen.queryByRole("form", { name: "Draft a referral" })).toBeNull();
    const items = within(screen.getByRole("list", { name: "Referrals" })).getAllByRole("heading", { level: 3 });
    expect(items.map((heading) => heading.textContent)).toEqual(["Debt counselling, to 0123456-7", "Housing guidance, to 2345678-9"]);
    expect(document.activeElement).toBe(items[0]);
    expect(screen.getByRole("button", { name: "Send the referral" })).toBeTruthy();

    // Sent, folded and opened again: the draft shows as it now is, not as it was drafted.
    await press(screen.getByRole("button", { name: "Send the referral" }));
    expect(document.activeElement).toBe(screen.getByRole("status"));
    const details = screen.getByRole("button", { name: "Details: Debt counselling, to 0123456-7" });
    await press(details);
    await press(details);
    const drafted = details.closest("li")!;
    expect(within(drafted).getByText("Status: Requested")).toBeTruthy();
    expect(within(drafted).getByRole("list", { name: "Withheld" }).textContent).toContain("Health: no consent");
    expect(screen.queryByRole("button", { name: "Send the referral" })).toBeNull();
  });

  it("says beside the form when the API refuses the drafter", async () => {
    shown({
      "GET /clients/3f2c91ab-0000-4000-8000-000000000001/referrals": () => json(200, []),
      "POST /referrals": () => problem(403),
    }, "fi");
    await screen.findByText("Ei lähetteitä.");
    await press(screen.getByRole("button", { name: "Laadi lähete" }));
    await press(screen.getByRole("radio", { name: "Velkaneuvonta" }));
    type(/^Vastaanottava organisaatio/, "0123456-7");
    await press(screen.getByRole("checkbox", { name: "Perustiedot" }));
    fireEvent.change(screen.getByRole("textbox", { name: /^Lähetteen syy/ }), { target: { value: "Velat" } });
    type(/^Vastattava viimeistään/, "1.12.2099");
    await press(screen.getByRole("button", { name: "Tallenna luonnos" }));
    expect(screen.getByRole("alert").textContent).toBe("Vain asiakkaan tiimin aktiivinen jäsen voi laatia hänelle lähetteen.");
    expect((screen.getByRole("textbox", { name: /^Lähetteen syy/ }) as HTMLTextAreaElement).value).toBe("Velat");
  });
});

describe("sending a draft", () => {
  it("shows per category what was shared and what was withheld and why, and the list and history follow", async () => {
    shown({
      "GET /clients/3f2c91ab-0000-4000-8000-000000000001/referrals": () => json(200, [DRAFT]),
      "GET /referrals/r-2": () => json(200, DRAFT),
      "POST /referrals/r-2/send": () => json(200, { ...SENT, withheld: { health: "no_consent", financial: "something_new" } }),
    });
    await press(await screen.findByRole("button", { name: /^Details: / }));
    expect(screen.queryByRole("button", { name: "Cancel the referral" })).toBeNull();
    await press(await screen.findByRole("button", { name: "Send the referral" }));
    const result = screen.getByRole("status");
    expect(document.activeElement).toBe(result);
    expect(within(result).getByRole("heading").textContent).toBe("The referral was sent to 0123456-7");
    expect(within(result).getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "Basic information: shared",
      "Health: withheld — no consent",
      "Finances: withheld — for a reason tiimi cannot name here; ask the key worker",
    ]);
    expect(screen.getByText("Status: Requested")).toBeTruthy();
    expect(screen.getByRole("list", { name: "History" }).textContent).toContain("Requested");
    expect(screen.queryByRole("button", { name: "Send the referral" })).toBeNull();
    expect(screen.getByRole("button", { name: "Cancel the referral" })).toBeTruthy();
  });

  it("names the states possible now when the referral moved on meanwhile", async () => {
    shown({
      "GET /clients/3f2c91ab-0000-4000-8000-000000000001/referrals": () => json(200, [DRAFT]),
      "GET /referrals/r-2": () => json(200, DRAFT),
      "POST /referrals/r-2/send": () => problem(409, { current_state: "requested", allowed: ["cancelled", "entered_in_error"] }),
    }, "sv");
    await press(await screen.findByRole("button", { name: /^Detaljer: / }));
    await press(await screen.findByRole("button", { name: "Skicka remissen" }));
    expect(screen.getByRole("alert").textContent).toBe("Det är inte möjligt i det här läget. Möjligt nu: Annullerad, Felaktigt registrerad.");
  });

  it("says nothing was shared when the consent service did not answer", async () => {
    shown({
      "GET /clients/3f2c91ab-0000-4000-8000-000000000001/referrals": () => json(200, [DRAFT]),
      "GET /referrals/r-2": () => json(200, DRAFT),
      "POST /referrals/r-2/send": () => problem(503),
    });
    await press(await screen.findByRole("button", { name: /^Details: / }));
    await press(await screen.findByRole("button", { name: "Send the referral" }));
    expect(screen.getByRole("alert").textContent).toBe("A part of tiimi did not answer: nothing was shared or changed. Try again in a moment.");
  });
});

describe("cancelling a referral", () => {
  it("asks for a reason, shows a 409's possible states as words keeping the reason, then the referral as cancelled", async () => {
    let tries = 0;
    const fetcher = shown({
      "GET /clients/3f2c91ab-0000-4000-8000-000000000001/referrals": () => json(200, [SUMMARY]),
      "GET /referrals/r-1": () => json(200, REQUESTED),
      "POST /referrals/r-1/cancel": () => (++tries === 1 ? problem(409, { current_state: "rejected", allowed: [] }) : json(200, CANCELLED)),
    }, "fi");
    await press(await screen.findByRole("button", { name: /^Tiedot: / }));
    await press(await screen.findByRole("button", { name: "Peru lähete" }));
    const reason = screen.getByRole("textbox", { name: "Miksi lähete perutaan" });
    expect(document.activeElement).toBe(reason);
    await press(screen.getByRole("button", { name: "Peru lähete" }));
    expect(screen.getByText("Kirjoita, miksi lähete perutaan.")).toBeTruthy();
    expect(fetcher.mock.calls.some(([request]) => request.method === "POST")).toBe(false);

    fireEvent.change(reason, { target: { value: "Asunto löytyi" } });
    await press(screen.getByRole("button", { name: "Peru lähete" }));
    expect(screen.getByRole("alert").textContent).toBe("Se ei ole mahdollista, eikä tälle lähetteelle voi enää tehdä mitään.");
    expect((screen.getByRole("textbox", { name: "Miksi lähete perutaan" }) as HTMLTextAreaElement).value).toBe("Asunto löytyi");

    await press(screen.getByRole("button", { name: "Peru lähete" }));
    expect(await posted(fetcher, "/referrals/r-1/cancel")).toEqual([{ reason: "Asunto löytyi" }, { reason: "Asunto löytyi" }]);
    expect(screen.getByText("Tila: Peruttu")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole("status"));
    expect(screen.getByRole("status").textContent).toBe("Lähete peruttiin. Vastaanottava organisaatio ei enää näe sille jaettuja tietoja.");
    expect(screen.getByRole("list", { name: "Historia" }).textContent).toContain("Found a flat");
    expect(screen.queryByRole("button", { name: "Peru lähete" })).toBeNull();
  });
});
