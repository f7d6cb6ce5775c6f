import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, ApiError, createApi } from "../../lib/api";
import { createI18n } from "../../lib/i18n";
import { IDEMPOTENCY_KEY } from "../../lib/idempotency";
import { Consents } from "./Consents";
import { DenialForm, EMPTY_DENIAL, denialProblems, denialRefusal, denyOf } from "./DenialForm";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const t = createI18n("en").t;

afterEach(cleanup);
// The form is large and jsdom slow on a busy machine.
vi.setConfig({ testTimeout: 20_000 });

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const denialOf = (body: Record<string, unknown>) => ({
  id: "d-new", client_id: CLIENT_ID, status: "in_force", reason: null, recorded_at: "2026-11-23T10:00:00Z", recorded_by: "sw-1001",
  lifted_at: null, lifted_by: null, ...body,
});

function rendered(fetcher: (request: Request) => Promise<Response>, ui: React.ReactElement, language: "fi" | "sv" | "en" = "en") {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  return render(
    <I18nextProvider i18n={createI18n(language)}>
      <ApiContext.Provider value={api}>{ui}</ApiContext.Provider>
    </I18nextProvider>,
  );
}

function description(element: HTMLElement): string {
  const ids = (element.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
}
const button = (name: string) => screen.getByText(name, { selector: "button" });

describe("a denial's request and checks", () => {
  it("denies every organisation with null, or one organisation by its business id, the categories in order", () => {
    expect(denyOf({ whom: "everyone", organisation: "ignored", categories: new Set(["health", "basic"]), reason: "" })).toEqual({
      organisation: null, categories: ["basic", "health"],
    });
    expect(denyOf({ whom: "organisation", organisation: " 0123456-7 ", categories: new Set(["financial"]), reason: "" })).toEqual({
      organisation: "0123456-7", categories: ["financial"],
    });
    expect(denyOf({ whom: "everyone", organisation: "", categories: new Set(["health"]), reason: "  Ei halua  " })).toEqual({
      organisation: null, categories: ["health"], reason: "Ei halua",
    });
  });

  it("refuses a reason longer than the consent service keeps", () => {
    expect(denialProblems({ ...EMPTY_DENIAL, categories: new Set(["basic"]), reason: "x".repeat(1001) }, t)).toEqual({
      reason: "Write the reason in at most 1000 characters.",
    });
  });

  it("asks for the categories, and for a valid business id when one organisation is meant", () => {
    expect(denialProblems(EMPTY_DENIAL, t)).toEqual({ categories: "Choose at least one kind of information." });
    expect(denialProblems({ whom: "organisation", organisation: "", categories: new Set(["basic"]), reason: "" }, t)).toEqual({
      organisation: "Write the receiving organisation's business ID.",
    });
    expect(denialProblems({ whom: "organisation", organisation: "no spaces", categories: new Set(["basic"]), reason: "" }, t).organisation).toContain(
      "business ID has",
    );
  });

  it("places the API's 400 beside its field", () => {
    expect(denialRefusal(new ApiError(400, { errors: { organisation: ["not a valid identifier"] } }), t)).toEqual({
      fields: { organisation: "The business ID was not accepted. Check it." },
    });
    expect(denialRefusal(new ApiError(409, undefined), t).whole).toContain("reload the page");
  });
});

describe("the denial form", () => {
  it("shows a missing choice beside the categories and focuses the first, asking nothing of the API", () => {
    const fetcher = vi.fn(async () => json(500, {}));
    rendered(fetcher, <DenialForm clientId={CLIENT_ID} onRecorded={vi.fn()} onCancel={vi.fn()} />, "fi");
    fireEvent.click(button("Kirjaa kielto"));
    expect(screen.getByText("Valitse ainakin yksi tieto.")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText("Perustiedot"));
    expect(fetcher).not.toHaveBeenCalled();
  });

  it("shows the API's refusal of the organisation beside it, keeping what was chosen", async () => {
    const fetcher = vi.fn(async () => json(400, { title: "Invalid request", status: 400, errors: { organisation: ["not a valid identifier"] } }));
    const onRecorded = vi.fn();
    rendered(fetcher, <DenialForm clientId={CLIENT_ID} onRecorded={onRecorded} onCancel={vi.fn()} />, "sv");
    fireEvent.click(screen.getByLabelText("En organisation"));
    fireEvent.change(screen.getByLabelText(/FO-nummer/), { target: { value: "0123456-7" } });
    fireEvent.click(screen.getByLabelText("Hälsa"));
    fireEvent.click(button("Registrera förbudet"));
    const organisation = screen.getByLabelText(/FO-nummer/);
    await waitFor(() => expect(description(organisation)).toMatch(/FO-numret godkändes inte/));
    expect(document.activeElement).toBe(organisation);
    expect((organisation as HTMLInputElement).value).toBe("0123456-7");
    expect((screen.getByLabelText("Hälsa") as HTMLInputElement).checked).toBe(true);
    expect(onRecorded).not.toHaveBeenCalled();
  });

  it("on the client's page, puts the new denial among the denials and says so", async () => {
    const bodies: unknown[] = [];
    const fetcher = vi.fn(async (request: Request) => {
      if (request.method === "GET") return json(200, { client_id: CLIENT_ID, consents: [], denials: [] });
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      return json(201, denialOf(body));
    });
    rendered(fetcher, <Consents clientId={CLIENT_ID} isKeyWorker />);
    fireEvent.click(await screen.findByText("Record a denial", { selector: "button" }));
    fireEvent.click(screen.getByLabelText("Finances"));
    fireEvent.click(button("Record the denial"));
    expect(await screen.findByText("Denied to all organisations: Finances")).toBeTruthy();
    expect(bodies).toEqual([{ organisation: null, categories: ["financial"] }]);
    expect(fetcher.mock.calls[1]![0].url).toBe(`http://tiimi.test/clients/${CLIENT_ID}/denials`);
    expect([...document.querySelectorAll("[role=status]")].map((s) => s.textContent)).toContain("The denial was recorded.");
    await waitFor(() => expect(document.activeElement).toBe(button("Record a denial")));
  });
});

describe("a denial sent again", () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  /** The client's page over an API whose denials answer in turn what `answers` say; what each POST carried. */
  function page(...answers: ((body: Record<string, unknown>) => Response)[]) {
    const sent: { key: string | null; body: Record<string, unknown> }[] = [];
    const fetcher = vi.fn(async (request: Request) => {
      if (request.method === "GET") return json(200, { client_id: CLIENT_ID, consents: [], denials: [] });
      const body = (await request.json()) as Record<string, unknown>;
      sent.push({ key: request.headers.get(IDEMPOTENCY_KEY), body });
      return answers.shift()!(body);
    });
    rendered(fetcher, <Consents clientId={CLIENT_ID} isKeyWorker />);
    return sent;
  }
  let made = 0;
  const recorded = (body: Record<string, unknown>) => json(201, denialOf({ ...body, id: `d-${(made += 1)}` }));
  const lost = (): Response => {
    throw new TypeError("Failed to fetch");
  };

  it("goes with the same key after its answer was lost, and the next denial with a new one", async () => {
    const sent = page(lost, recorded, recorded);
    fireEvent.click(await screen.findByText("Record a denial", { selector: "button" }));
    fireEvent.click(screen.getByLabelText("Finances"));
    fireEvent.click(button("Record the denial"));
    expect(await screen.findByText("This could not be recorded. Nothing you wrote was lost; try again in a moment.")).toBeTruthy();
    fireEvent.click(button("Record the denial"));
    expect(await screen.findByText("Denied to all organisations: Finances")).toBeTruthy();

    fireEvent.click(await screen.findByText("Record a denial", { selector: "button" }));
    fireEvent.click(screen.getByLabelText("Finances"));
    fireEvent.click(button("Record the denial"));
    await waitFor(() => expect(sent).toHaveLength(3));
    expect(sent.map((s) => s.body)).toEqual(Array(3).fill({ organisation: null, categories: ["financial"] }));
    expect(sent[0]!.key).toMatch(UUID);
    expect(sent[1]!.key).toBe(sent[0]!.key);
    expect(sent[2]!.key).toMatch(UUID);
    expect(sent[2]!.key).not.toBe(sent[0]!.key);
  });

  it("says so when the gateway refuses the key as used for another request, and the next press goes with a new key", async () => {
    const reused = () =>
      json(422, { title: "Unprocessable content", status: 422, errors: { [IDEMPOTENCY_KEY]: ["already used for a different request"] } });
    const sent = page(reused, recorded);
    fireEvent.click(await screen.findByText("Record a denial", { selector: "button" }));
    fireEvent.click(screen.getByLabelText("Health"));
    fireEvent.click(button("Record the denial"));
    expect(
      await screen.findByText("The change was not saved: it was sent with a key already used for a different change. Check the details and save again."),
    ).toBeTruthy();
    expect((screen.getByLabelText("Health") as HTMLInputElement).checked).toBe(true);
    fireEvent.click(button("Record the denial"));
    expect(await screen.findByText("Denied to all organisations: Health")).toBeTruthy();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.key).toMatch(UUID);
    expect(sent[1]!.key).not.toBe(sent[0]!.key);
  });
});
