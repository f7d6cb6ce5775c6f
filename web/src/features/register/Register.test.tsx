import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { createI18n } from "../../lib/i18n";
import { StaticSession, type Session } from "../../lib/session";
import { Register, RegisteredNotice } from "./Register";

afterEach(cleanup);

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const SAVED = {
  id: "c0ffee00-0000-4000-8000-000000000001",
  name: "Maija Meikäläinen",
  preferred_language: "sv",
  municipality: "091",
  contact: { email: "maija@example.fi", phone: null, address: null },
  registered_at: "2026-11-23T10:00:00Z",
  registered_by: "sw-1001",
};

const TEAM = {
  id: "t-9", client_id: SAVED.id, organisation: "1234567-8", status: "proposed", closed_reason: null, status_history: [], members: [],
  key_worker: { member_id: "m-9", professional_id: "sw-1001", started_at: "2026-11-23T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1001" },
  key_worker_history: [],
};

const SESSION: Session = {
  status: "authenticated",
  identity: { subject: "sw-1001", name: "Sanna Sosiaali", organisation: "1234567-8", kind: "professional", locale: "en" },
  accessToken: () => "a-token",
  login: async () => undefined,
  completeLogin: async () => "/app/clients",
  logout: async () => undefined,
  expire: () => undefined,
};

/** The API: the client saved, then the team made, unless told otherwise. */
const answering = (clients: () => Response, teams: () => Response = () => json(201, TEAM)) =>
  vi.fn(async (request: Request) => (new URL(request.url).pathname === "/teams" ? teams() : clients()));

function shown(fetcher: (request: Request) => Promise<Response>) {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: () => undefined, baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  render(
    <I18nextProvider i18n={createI18n("en")}>
      <StaticSession session={SESSION}>
        <ApiContext.Provider value={api}>
          <MemoryRouter initialEntries={["/app/clients/new"]}>
            <Routes>
              <Route path="/app/clients/new" element={<Register />} />
              <Route path="/app/clients" element={<RegisteredNotice />} />
              <Route path="/app/clients/:clientId" element={<RegisteredNotice />} />
            </Routes>
          </MemoryRouter>
        </ApiContext.Provider>
      </StaticSession>
    </I18nextProvider>,
  );
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label, { exact: false }), { target: { value } });

function fillIn(code = "131052-308T") {
  type("Name", "Maija Meikäläinen");
  type("Personal identity code", code);
  fireEvent.click(screen.getByLabelText("Swedish"));
  type("Municipality code", "091");
  type("Email", "maija@example.fi");
  fireEvent.click(screen.getByLabelText("Social counsellor"));
}

async function save() {
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "Register the client" }));
  });
}

describe("registering a client", () => {
  it("checks the identity code as it is typed, with a message that never repeats the code", () => {
    shown(async () => json(500, {}));
    type("Personal identity code", "1310");
    expect(screen.queryByText(/check character|date of birth/)).toBeNull(); // still being typed
    type("Personal identity code", "131052-308X");
    const message = screen.getByText("The check character does not match: check the code.");
    expect(message.textContent).not.toContain("131052");
    type("Personal identity code", "311399-123A");
    expect(screen.getByText("The date of birth in the personal identity code does not exist.")).toBeTruthy();
    type("Personal identity code", "131052-308T");
    expect(screen.queryByText(/check character|date of birth/)).toBeNull();
  });

  it("refuses to send an incomplete form and says what each field lacks, with the focus on the first", async () => {
    const fetcher = vi.fn(async (_request: Request) => json(201, SAVED));
    shown(fetcher);
    await save();
    expect(fetcher).not.toHaveBeenCalled();
    expect(screen.getByText("Enter the client's name.")).toBeTruthy();
    expect(screen.getByText("Enter the personal identity code.")).toBeTruthy();
    expect(screen.getByText("Choose the client's preferred language.")).toBeTruthy();
    expect(screen.getByText("Choose your role as key worker.")).toBeTruthy();
    expect(screen.getByText("Enter the municipality code as three digits.")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText("Name", { exact: false }));
  });

  it("sends the registration, makes the team with me as key worker and goes on to the client's page, the code shown nowhere", async () => {
    const fetcher = answering(() => json(201, SAVED));
    shown(fetcher);
    fillIn(" 131052-308t ");
    await save();
    const request = fetcher.mock.calls[0]![0];
    expect([request.method, new URL(request.url).pathname]).toEqual(["POST", "/clients"]);
    expect(await request.json()).toEqual({
      name: "Maija Meikäläinen",
      personal_identity_code: "131052-308T",
      preferred_language: "sv",
      municipality: "091",
      contact: { email: "maija@example.fi" },
    });
    expect(await screen.findByText("The client was registered. Their personal identity code is not shown again.")).toBeTruthy();
    const team = fetcher.mock.calls[1]![0];
    expect([team.method, new URL(team.url).pathname]).toEqual(["POST", "/teams"]);
    expect(await team.json()).toEqual({ client_id: SAVED.id, name: "Sanna Sosiaali", role: "social_counsellor" });
    // On the client's own page the notice does not link to it again.
    expect(screen.queryByRole("link", { name: "Open the client's page" })).toBeNull();
    expect(document.body.textContent).not.toMatch(/131052/i);
  });

  it("shows the API's refusals next to their fields in the user's language, keeping what was typed", async () => {
    const fetcher = answering(() => json(201, SAVED)).mockImplementationOnce(async () =>
      json(400, { title: "Bad Request", status: 400, errors: { municipality: ["String does not match expected pattern."], contact: { email: ["Not a valid email address."] } } }),
    );
    shown(fetcher);
    fillIn();
    await save();
    expect(screen.getByText("Enter an email address such as name@example.fi.")).toBeTruthy();
    expect(screen.getByText("Enter the municipality code as three digits.")).toBeTruthy();
    expect((screen.getByLabelText("Name", { exact: false }) as HTMLInputElement).value).toBe("Maija Meikäläinen");
    expect((screen.getByLabelText("Personal identity code", { exact: false }) as HTMLInputElement).value).toBe("131052-308T");
    expect(document.activeElement).toBe(screen.getByLabelText("Municipality code", { exact: false }));
    fireEvent.blur(screen.getByLabelText("Municipality code", { exact: false }));
    await save();
    expect(await screen.findByText("The client was registered. Their personal identity code is not shown again.")).toBeTruthy();
  });

  it("keeps the registered client when the team is refused, says why, and makes it on trying again", async () => {
    let refusing = true;
    const fetcher = answering(
      () => json(201, SAVED),
      () => (refusing ? json(503, { title: "Service Unavailable", status: 503 }) : json(201, TEAM)),
    );
    shown(fetcher);
    fillIn();
    await save();
    expect((await screen.findByRole("alert")).textContent).toBe("The team could not be made. The client is registered; try again in a moment.");
    expect(document.body.textContent).not.toMatch(/131052/i);
    expect(screen.queryByLabelText("Personal identity code", { exact: false })).toBeNull();
    refusing = false;
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Try again to make the team" }));
    });
    expect(await screen.findByText("The client was registered. Their personal identity code is not shown again.")).toBeTruthy();
    const asked = fetcher.mock.calls.map(([request]) => `${request.method} ${new URL(request.url).pathname}`);
    expect(asked).toEqual(["POST /clients", "POST /teams", "POST /teams"]);
    expect(await fetcher.mock.calls[2]![0].json()).toEqual({ client_id: SAVED.id, name: "Sanna Sosiaali", role: "social_counsellor" });
  });

  it("shows a refused role beside the role, in the user's language", async () => {
    shown(answering(() => json(201, SAVED), () => json(400, { title: "Invalid request", status: 400, errors: { "key_worker.role": ["a key worker is a social welfare professional"] } })));
    fillIn();
    await save();
    expect((await screen.findAllByText("A key worker is a social worker or a social counsellor.")).length).toBeGreaterThan(0);
    expect(screen.getByRole("button", { name: "Try again to make the team" })).toBeTruthy();
  });

  it("says beside the code that the client is already registered, on a 409", async () => {
    shown(async () => json(409, { title: "Conflict", status: 409 }));
    fillIn();
    await save();
    expect(screen.getByText("A client with this personal identity code is already registered.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Register the client" })).toBeTruthy();
  });

  it("says that nothing was saved when the API fails, keeping the form", async () => {
    shown(async () => json(503, { title: "Service Unavailable", status: 503 }));
    fillIn();
    await save();
    expect(screen.getByRole("alert").textContent).toBe("The client could not be registered. Nothing was saved; try again in a moment.");
    expect((screen.getByLabelText("Email", { exact: false }) as HTMLInputElement).value).toBe("maija@example.fi");
  });
});
