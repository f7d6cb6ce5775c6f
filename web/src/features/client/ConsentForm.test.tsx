import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, ApiError, createApi, refusedFieldsOf } from "../../lib/api";
import { createI18n } from "../../lib/i18n";
import { IDEMPOTENCY_KEY } from "../../lib/idempotency";
import { Consents } from "./Consents";
import { ConsentForm, EMPTY_CONSENT, consentProblems, consentRefusal, grantsOf, type ConsentDraft } from "./ConsentForm";
import { cellOf, dayOf, endOf, idsOf, scopesOf, startOf, type Cell } from "./consentApi";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const NOW = new Date(2026, 10, 23, 12, 0);
const t = createI18n("en").t;

afterEach(cleanup);
// The form is large and jsdom slow on a busy machine.
vi.setConfig({ testTimeout: 20_000 });

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const consentOf = (body: Record<string, unknown>, id = "k-new") => ({
  id, client_id: CLIENT_ID, professionals: [], valid_from: "2026-11-23T10:00:00Z", valid_until: null, status: "active",
  recorded_at: "2026-11-23T10:00:00Z", recorded_by: "sw-1001", withdrawn_at: null, withdrawn_by: null, expired_at: null,
  history: [{ action: "granted", at: "2026-11-23T10:00:00Z", by: "sw-1001", reason: null }],
  ...body,
});

function rendered(fetcher: (request: Request) => Promise<Response>, ui: React.ReactElement, language: "fi" | "sv" | "en" = "en") {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  return render(
    <I18nextProvider i18n={createI18n(language)}>
      <ApiContext.Provider value={api}>{ui}</ApiContext.Provider>
    </I18nextProvider>,
  );
}

/** The text of what an element is described by: the status text suomifi links to its field. */
function description(element: HTMLElement): string {
  const ids = (element.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
}
/**
 * A cell of the grid: the checkbox labelled with the purpose in the group whose legend is the
 * category, as a screen reader finds it (role queries over the whole form are too slow in jsdom).
 */
function cell(category: string, purpose: string): HTMLElement {
  const group = [...document.querySelectorAll("fieldset")].find((fieldset) => fieldset.querySelector("legend")?.textContent === category);
  if (!group) throw new Error(`no group ${category}`);
  return within(group).getByLabelText(purpose);
}
const checked = (element: HTMLElement) => (element as HTMLInputElement).checked;
const valueOf = (element: HTMLElement) => (element as HTMLInputElement).value;

const draft = (change: Partial<ConsentDraft>): ConsentDraft => ({
  ...EMPTY_CONSENT, organisation: "0123456-7", method: "written", cells: new Set<Cell>([cellOf("basic", "referral")]), ...change,
});

describe("the grid's cells as consents", () => {
  it("makes one consent when the purposes share the same information", () => {
    const cells = new Set<Cell>([
      cellOf("health", "team_coordination"), cellOf("basic", "team_coordination"),
      cellOf("basic", "referral"), cellOf("health", "referral"),
    ]);
    expect(scopesOf(cells)).toEqual([{ categories: ["basic", "health"], purposes: ["team_coordination", "referral"] }]);
  });

  it("makes one consent a purpose otherwise, so nothing unticked is ever covered", () => {
    const cells = new Set<Cell>([cellOf("basic", "team_coordination"), cellOf("basic", "referral"), cellOf("health", "referral")]);
    expect(scopesOf(cells)).toEqual([
      { categories: ["basic"], purposes: ["team_coordination"] },
      { categories: ["basic", "health"], purposes: ["referral"] },
    ]);
  });

  it("builds the request: trimmed organisation, each professional once, the days as moments, the giver", () => {
    const grants = grantsOf(
      draft({
        organisation: " 0123456-7 ", professionals: "ngo-77, ngo-78 ngo-77", from: "1.12.2026", until: "31.5.2027",
        kind: "legal_representative", relation: "trustee",
      }),
      NOW,
    );
    expect(grants).toEqual([
      {
        recipient_organisation: "0123456-7", professionals: ["ngo-77", "ngo-78"], categories: ["basic"], purposes: ["referral"],
        valid_from: startOf("2026-12-01"), valid_until: endOf("2027-05-31"), method: "written",
        given_by: { kind: "legal_representative", relation: "trustee" },
      },
    ]);
    expect(new Date(grants[0]!.valid_until!).getDate()).toBe(1); // the whole last day is covered
  });

  it("leaves out what was not given: no professionals, a start of today, no end, no relation for the client", () => {
    expect(grantsOf(draft({ from: "23.11.2026", relation: "" }), NOW)).toEqual([
      { recipient_organisation: "0123456-7", categories: ["basic"], purposes: ["referral"], method: "written", given_by: { kind: "client" } },
    ]);
  });

  it("reads days typed the Finnish way and ids separated any way", () => {
    expect(dayOf("1.2.2027")).toBe("2027-02-01");
    expect(dayOf("31.2.2027")).toBeUndefined();
    expect(dayOf("2027-02-01")).toBeUndefined();
    expect(idsOf(" a-1,b-2\nc-3 ;a-1 ")).toEqual(["a-1", "b-2", "c-3"]);
  });
});

describe("the checks before the API", () => {
  it("asks for what is required, in the user's language", () => {
    expect(consentProblems({ ...EMPTY_CONSENT }, t, NOW)).toEqual({
      organisation: "Write the receiving organisation's business ID.",
      grid: "Tick at least one kind of information for one purpose.",
      method: "Choose how the consent was given.",
    });
    const fi = createI18n("fi").t;
    expect(consentProblems(draft({ kind: "legal_representative" }), fi, NOW)).toEqual({
      relation: "Valitse edustajan suhde asiakkaaseen.",
    });
  });

  it("mirrors the service's rules on ids and on the validity", () => {
    expect(consentProblems(draft({ organisation: "-bad id" }), t, NOW).organisation).toContain("business ID has");
    expect(consentProblems(draft({ professionals: "ok-1, n*t!" }), t, NOW).professionals).toContain("IDs: n*t!.");
    expect(consentProblems(draft({ from: "1.13.2026" }), t, NOW).from).toContain("day.month.year");
    expect(consentProblems(draft({ from: "1.12.2026", until: "30.11.2026" }), t, NOW).until).toBe("The end date cannot be before the start date.");
    expect(consentProblems(draft({ from: "1.1.2026", until: "22.11.2026" }), t, NOW).until).toContain("cannot be in the past");
    expect(consentProblems(draft({ until: "23.11.2026" }), t, NOW)).toEqual({});
  });
});

describe("the API's refusal", () => {
  it("is named field by field, nested as the gateway does or dotted as the consent service does", () => {
    const errors = { given_by: { relation: ["required"] }, "valid_until": ["must be after valid_from"], professionals: { 1: ["bad"] } };
    expect(refusedFieldsOf(errors).sort()).toEqual(["given_by.relation", "professionals.1", "valid_until"]);
    const refusal = consentRefusal(new ApiError(400, { errors: { ...errors, "given_by.relation": ["x"], categories: ["each value once"] } }), t);
    expect(Object.keys(refusal.fields).sort()).toEqual(["grid", "professionals", "relation", "until"]);
    expect(refusal.whole).toBeUndefined();
    expect(consentRefusal(new ApiError(400, { errors: { client_id: ["bad"] } }), t).whole).toBe(
      "The consent was not accepted. Check the fields and try again.",
    );
    expect(consentRefusal(new ApiError(403, undefined), t).whole).toBe("Only the client's key worker may record consents and denials.");
  });
});

describe("the consent form", () => {
  const fill = () => {
    fireEvent.change(screen.getByLabelText(/Receiving organisation's business ID/), { target: { value: "0123456-7" } });
    fireEvent.click(cell("Health", "Referral"));
    fireEvent.click(cell("Basic details", "Referral"));
    fireEvent.click(screen.getByLabelText("In writing"));
    fireEvent.change(screen.getByLabelText(/Valid until/), { target: { value: "31.5.2099" } });
  };

  it("shows the checks beside the fields and focuses the first, asking nothing of the API", () => {
    const fetcher = vi.fn(async () => json(500, {}));
    rendered(fetcher, <ConsentForm clientId={CLIENT_ID} onRecorded={vi.fn()} onDone={vi.fn()} onCancel={vi.fn()} />);
    fireEvent.click(screen.getByText("Record the consent", { selector: "button" }));
    const organisation = screen.getByLabelText(/Receiving organisation's business ID/);
    expect(document.activeElement).toBe(organisation);
    expect(description(organisation)).toMatch(/Write the receiving organisation's business ID\./);
    expect(screen.getByText("Tick at least one kind of information for one purpose.")).toBeTruthy();
    expect(screen.getByText("Choose how the consent was given.")).toBeTruthy();
    expect(fetcher).not.toHaveBeenCalled();
  });

  it("sends the ticked cells and hands back the consent the API recorded", async () => {
    const bodies: unknown[] = [];
    const fetcher = vi.fn(async (request: Request) => {
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      return json(201, consentOf(body));
    });
    const onRecorded = vi.fn();
    const onDone = vi.fn();
    rendered(fetcher, <ConsentForm clientId={CLIENT_ID} onRecorded={onRecorded} onDone={onDone} onCancel={vi.fn()} />);
    fill();
    fireEvent.click(screen.getByText("Record the consent", { selector: "button" }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(1));
    expect(fetcher.mock.calls[0]![0].url).toBe(`http://tiimi.test/clients/${CLIENT_ID}/consents`);
    expect(bodies).toEqual([
      {
        recipient_organisation: "0123456-7", categories: ["basic", "health"], purposes: ["referral"], valid_until: endOf("2099-05-31"),
        method: "written", given_by: { kind: "client" },
      },
    ]);
    expect(onRecorded).toHaveBeenCalledWith(expect.objectContaining({ id: "k-new", recipient_organisation: "0123456-7" }));
  });

  it("shows the API's 400 beside the fields it names, keeping everything typed", async () => {
    const fetcher = vi.fn(async () =>
      json(400, { title: "Invalid request", status: 400, errors: { valid_until: ["must be in the future"], recipient_organisation: ["bad"] } }),
    );
    const onDone = vi.fn();
    rendered(fetcher, <ConsentForm clientId={CLIENT_ID} onRecorded={vi.fn()} onDone={onDone} onCancel={vi.fn()} />, "sv");
    fireEvent.change(screen.getByLabelText(/FO-nummer/), { target: { value: "0123456-7" } });
    fireEvent.click(cell("Hälsa", "Remiss"));
    fireEvent.click(screen.getByLabelText("Muntligt"));
    fireEvent.change(screen.getByLabelText(/Giltigt till/), { target: { value: "31.5.2099" } });
    fireEvent.click(screen.getByText("Registrera samtycket", { selector: "button" }));
    const organisation = screen.getByLabelText(/FO-nummer/);
    await waitFor(() => expect(description(organisation)).toMatch(/FO-numret godkändes inte/));
    expect(document.activeElement).toBe(organisation);
    expect(description(screen.getByLabelText(/Giltigt till/))).toMatch(/Slutdatumet godkändes inte/);
    expect(valueOf(organisation)).toBe("0123456-7");
    expect(valueOf(screen.getByLabelText(/Giltigt till/))).toBe("31.5.2099");
    expect(checked(cell("Hälsa", "Remiss"))).toBe(true);
    expect(checked(screen.getByLabelText("Muntligt"))).toBe(true);
    expect(onDone).not.toHaveBeenCalled();
    // Changing a refused field takes its refusal away.
    fireEvent.change(organisation, { target: { value: "0123456-8" } });
    expect(description(organisation)).not.toMatch(/FO-numret godkändes inte/);
  });

  it("keeps in the grid only what was not recorded when a later consent is refused", async () => {
    let calls = 0;
    const fetcher = vi.fn(async (request: Request) => {
      calls += 1;
      return calls === 1 ? json(201, consentOf((await request.json()) as Record<string, unknown>)) : json(403, { title: "Forbidden", status: 403 });
    });
    const onRecorded = vi.fn();
    rendered(fetcher, <ConsentForm clientId={CLIENT_ID} onRecorded={onRecorded} onDone={vi.fn()} onCancel={vi.fn()} />);
    fireEvent.change(screen.getByLabelText(/Receiving organisation's business ID/), { target: { value: "0123456-7" } });
    fireEvent.click(cell("Basic details", "Team coordination"));
    fireEvent.click(cell("Health", "Referral"));
    fireEvent.click(screen.getByLabelText("Orally"));
    fireEvent.click(screen.getByText("Record the consent", { selector: "button" }));
    await waitFor(() =>
      expect(document.querySelector("[role=alert]")?.textContent).toBe(
        "One consent was recorded; the rest were not. Only the client's key worker may record consents and denials.",
      ),
    );
    expect(onRecorded).toHaveBeenCalledTimes(1);
    expect(checked(cell("Basic details", "Team coordination"))).toBe(false);
    expect(checked(cell("Health", "Referral"))).toBe(true);
  });

  it("sends again with its key only the consent whose answer was lost, the recorded one not at all", async () => {
    const sent: { key: string | null; purposes: unknown }[] = [];
    const fetcher = vi.fn(async (request: Request) => {
      const body = (await request.json()) as Record<string, unknown>;
      sent.push({ key: request.headers.get(IDEMPOTENCY_KEY), purposes: body.purposes });
      if (sent.length === 2) throw new TypeError("Failed to fetch");
      return json(201, consentOf(body, `k-${sent.length}`));
    });
    const onDone = vi.fn();
    rendered(fetcher, <ConsentForm clientId={CLIENT_ID} onRecorded={vi.fn()} onDone={onDone} onCancel={vi.fn()} />);
    fireEvent.change(screen.getByLabelText(/Receiving organisation's business ID/), { target: { value: "0123456-7" } });
    fireEvent.click(cell("Basic details", "Team coordination"));
    fireEvent.click(cell("Health", "Referral"));
    fireEvent.click(screen.getByLabelText("Orally"));
    fireEvent.click(screen.getByText("Record the consent", { selector: "button" }));
    await waitFor(() => expect(document.querySelector("[role=alert]")?.textContent).toMatch(/^One consent was recorded; the rest were not\./));
    fireEvent.click(screen.getByText("Record the consent", { selector: "button" }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(1));
    expect(sent.map((s) => s.purposes)).toEqual([["team_coordination"], ["referral"], ["referral"]]);
    expect(sent[0]!.key).not.toBe(sent[1]!.key);
    expect(sent[2]!.key).toBe(sent[1]!.key);
  });

  it("asks a legal representative's role, and sends it", async () => {
    const bodies: unknown[] = [];
    const fetcher = vi.fn(async (request: Request) => {
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      return json(201, consentOf(body));
    });
    const onDone = vi.fn();
    rendered(fetcher, <ConsentForm clientId={CLIENT_ID} onRecorded={vi.fn()} onDone={onDone} onCancel={vi.fn()} />, "fi");
    fireEvent.change(screen.getByLabelText(/Y-tunnus/), { target: { value: "0123456-7" } });
    fireEvent.click(cell("Perustiedot", "Lähete"));
    fireEvent.click(screen.getByLabelText("Sähköisesti"));
    fireEvent.click(screen.getByLabelText("Asiakkaan laillinen edustaja"));
    fireEvent.click(screen.getByText("Kirjaa suostumus", { selector: "button" }));
    expect(document.activeElement).toBe(screen.getByLabelText("Huoltaja (alaikäisen)"));
    fireEvent.click(screen.getByLabelText("Edunvalvoja"));
    fireEvent.click(screen.getByText("Kirjaa suostumus", { selector: "button" }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(bodies).toEqual([expect.objectContaining({ given_by: { kind: "legal_representative", relation: "trustee" }, method: "electronic" })]);
  });
});

describe("on the client's page", () => {
  const listed = { client_id: CLIENT_ID, consents: [], denials: [] };

  it("shows the key worker the new consent in the list and says it was recorded", async () => {
    const fetcher = vi.fn(async (request: Request) => {
      if (request.method === "GET") return json(200, listed);
      return json(201, consentOf((await request.json()) as Record<string, unknown>));
    });
    rendered(fetcher, <Consents clientId={CLIENT_ID} isKeyWorker />);
    fireEvent.click(await screen.findByText("Record a consent", { selector: "button" }));
    fireEvent.change(screen.getByLabelText(/Receiving organisation's business ID/), { target: { value: "0123456-7" } });
    fireEvent.click(cell("Health", "Referral"));
    fireEvent.click(screen.getByLabelText("In writing"));
    fireEvent.click(screen.getByText("Record the consent", { selector: "button" }));
    expect(await screen.findByText("Consent for 0123456-7", { selector: "h3" })).toBeTruthy();
    expect([...document.querySelectorAll("[role=status]")].map((s) => s.textContent)).toContain("The consent was recorded.");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByText("Record a consent", { selector: "button" })));
  });

  it("shows anyone else no form, and asks the API nothing", () => {
    const fetcher = vi.fn(async () => json(200, listed));
    rendered(fetcher, <Consents clientId={CLIENT_ID} isKeyWorker={false} />);
    expect(screen.queryByText("Record a consent", { selector: "button" })).toBeNull();
    expect(screen.queryByText("Record a denial", { selector: "button" })).toBeNull();
    expect(fetcher).not.toHaveBeenCalled();
  });
});
