import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { createI18n } from "../../lib/i18n";
import { RevealCode } from "./RevealCode";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";

afterEach(() => {
  cleanup();
  document.getElementById("root")?.remove();
});

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function shown(fetcher: (request: Request) => Promise<Response>) {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  const root = document.body.appendChild(document.createElement("div"));
  root.id = "root";
  render(
    <I18nextProvider i18n={createI18n("en")}>
      <ApiContext.Provider value={api}>
        <RevealCode clientId={CLIENT_ID} />
      </ApiContext.Provider>
    </I18nextProvider>,
    { container: root },
  );
}

const open = () => fireEvent.click(screen.getByRole("button", { name: "Reveal the personal identity code" }));
const reason = () => screen.getByRole("textbox", { name: "Why you need the code" });
const reveal = () => fireEvent.click(screen.getByRole("button", { name: "Reveal" }));

describe("Revealing the personal identity code", () => {
  it("asks for a reason first and sends nothing without one", async () => {
    const fetcher = vi.fn(async () => json(200, {}));
    shown(fetcher);
    open();
    reveal();
    expect(await screen.findByText("Tell why you need the code.")).toBeTruthy();
    expect(fetcher).not.toHaveBeenCalled();
  });

  it("sends the reason, shows the code in the dialog only, and forgets it on closing", async () => {
    const log = vi.spyOn(console, "log");
    const fetcher = vi.fn(async (_request: Request) => json(200, { client_id: CLIENT_ID, personal_identity_code: "131052-308T" }));
    shown(fetcher);
    open();
    fireEvent.change(reason(), { target: { value: "Benefit application " } });
    reveal();
    expect(await screen.findByText("131052-308T")).toBeTruthy();
    const request = fetcher.mock.calls[0]![0];
    expect([request.method, new URL(request.url).pathname, await request.json()]).toEqual([
      "POST",
      `/clients/${CLIENT_ID}/identity-code`,
      { reason: "Benefit application" },
    ]);
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(document.body.textContent).not.toContain("131052");
    open();
    expect(document.body.textContent).not.toContain("131052");
    expect((reason() as HTMLTextAreaElement).value).toBe("");
    expect(log).not.toHaveBeenCalled();
  });

  it("shows a refusal for another organisation in the dialog, keeping the reason", async () => {
    shown(vi.fn(async () => json(403, { title: "Forbidden", status: 403 })));
    open();
    fireEvent.change(reason(), { target: { value: "Benefit application" } });
    reveal();
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Only professionals of the team's own organisation may see the code.",
    );
    expect((reason() as HTMLTextAreaElement).value).toBe("Benefit application");
  });
});
