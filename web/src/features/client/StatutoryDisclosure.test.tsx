import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, createApi } from "../../lib/api";
import { IDEMPOTENCY_KEY } from "../../lib/idempotency";
import { createI18n } from "../../lib/i18n";
import { basesCovering } from "./statutoryApi";
import { StatutoryDisclosures } from "./StatutoryDisclosure";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000001";
const BASES = [
  {
    id: "sha-18-threat", statute: "Act 812/2000 §18", categories: ["basic", "health"], recipient_kinds: ["police"],
    description: { fi: "Poliisille uhan arvioimiseksi", sv: "Till polisen för att bedöma ett hot", en: "To the police, to assess a threat to life or health" },
  },
  {
    id: "cwa-25", statute: "Act 417/2007 §25", categories: ["basic", "team", "assessment"], recipient_kinds: ["child_welfare", "police"],
    description: { fi: "Lastensuojeluilmoitus", sv: "Barnskyddsanmälan", en: "A child welfare notification" },
  },
];
const RECORDED = {
  client_id: CLIENT_ID, recipient_organisation: "Police-Pirkanmaa", recipient_kind: "police", legal_basis: "sha-18-threat",
  statute: "Act 812/2000 §18", justification: "Threat made at the office", entries: [],
};

afterEach(cleanup);

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status < 400 ? "application/json" : "application/problem+json" },
  });
}

function shown(post: () => Response) {
  const fetcher = vi.fn(async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (request.method === "GET" && path === "/legal-bases") return json(200, BASES);
    if (request.method === "POST" && path === `/clients/${CLIENT_ID}/statutory-disclosures`) return post();
    return json(404, {});
  });
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  render(
    <I18nextProvider i18n={createI18n("en")}>
      <ApiContext.Provider value={api}>
        <StatutoryDisclosures clientId={CLIENT_ID} />
      </ApiContext.Provider>
    </I18nextProvider>,
  );
  return fetcher;
}

const open = async () => {
  fireEvent.click(screen.getByRole("button", { name: "Record a disclosure without consent" }));
  await screen.findByRole("textbox", { name: "Receiving organisation's identifier" });
};
const check = (name: string) => fireEvent.click(screen.getByRole("checkbox", { name }));
const save = () => fireEvent.click(screen.getByRole("button", { name: "Record the disclosure" }));
const posts = (fetcher: ReturnType<typeof shown>) => fetcher.mock.calls.map(([request]) => request).filter((request) => request.method === "POST");

async function filled() {
  await open();
  fireEvent.change(screen.getByRole("textbox", { name: "Receiving organisation's identifier" }), { target: { value: " Police-Pirkanmaa " } });
  fireEvent.click(screen.getByRole("radio", { name: "Police" }));
  check("Health");
  check("Basic details");
  fireEvent.click(await screen.findByRole("radio", { name: /^Act 812\/2000 §18/ }));
  fireEvent.change(screen.getByRole("textbox", { name: "Justification" }), { target: { value: "Threat made at the office" } });
}

describe("Recording a disclosure without consent", () => {
  it("sends nothing until the recipient, its kind, the information, a basis and a justification are given", async () => {
    const fetcher = shown(() => json(201, RECORDED));
    await open();
    save();
    expect(await screen.findByText("Write the receiving organisation's identifier.")).toBeTruthy();
    expect(screen.getByText("Choose the kind of recipient.")).toBeTruthy();
    expect(screen.getByText("Choose at least one kind of information.")).toBeTruthy();
    expect(screen.getByText("Write the justification.")).toBeTruthy();
    expect(posts(fetcher)).toEqual([]);
  });

  it("lists only the bases that cover the kind and every category, and says so when none does", async () => {
    shown(() => json(201, RECORDED));
    await open();
    expect(screen.getByText(/Choose the kind of recipient and the information first/)).toBeTruthy();
    fireEvent.click(screen.getByRole("radio", { name: "Police" }));
    check("Basic details");
    expect(screen.getByRole("radio", { name: /^Act 812\/2000 §18/ })).toBeTruthy();
    expect(screen.getByRole("radio", { name: /^Act 417\/2007 §25/ })).toBeTruthy();
    expect(screen.getByText("To the police, to assess a threat to life or health")).toBeTruthy();
    check("Health");
    expect(screen.queryByRole("radio", { name: /^Act 417\/2007 §25/ })).toBeNull();
    check("Finances");
    expect(screen.queryByRole("radio", { name: /^Act 812\/2000 §18/ })).toBeNull();
    expect(screen.getByText(/No legal basis in the county's list covers giving this information/)).toBeTruthy();
  });

  it("records the disclosure with its key and says what was recorded", async () => {
    const fetcher = shown(() => json(201, RECORDED));
    await filled();
    save();
    expect(
      (await screen.findByRole("status")).textContent,
    ).toBe("Recorded: the disclosure to Police-Pirkanmaa under Act 812/2000 §18. The key worker has been told.");
    const [post] = posts(fetcher);
    expect(post!.headers.get(IDEMPOTENCY_KEY)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await post!.json()).toEqual({
      recipient_organisation: "Police-Pirkanmaa",
      recipient_kind: "police",
      categories: ["basic", "health"],
      legal_basis: "sha-18-threat",
      justification: "Threat made at the office",
    });
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Record a disclosure without consent"));
  });

  it("shows the gateway's refusals beside the field it names, or for the whole, keeping what was typed", async () => {
    let answer = () => json(400, { title: "Bad Request", status: 400, errors: { categories: ["not covered"] } });
    shown(() => answer());
    await filled();
    save();
    expect(await screen.findByText("The legal basis does not cover all of this information.")).toBeTruthy();
    answer = () => json(403, { title: "Forbidden", status: 403 });
    save();
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Only a professional of the organisation that holds the client's information may record its disclosure.",
    );
    expect((screen.getByRole("textbox", { name: "Justification" }) as HTMLTextAreaElement).value).toBe("Threat made at the office");
  });
});

describe("basesCovering", () => {
  it("needs a kind and at least one category, and every category covered", () => {
    const bases = BASES as Parameters<typeof basesCovering>[0];
    expect(basesCovering(bases, undefined, new Set(["basic"]))).toEqual([]);
    expect(basesCovering(bases, "police", new Set())).toEqual([]);
    expect(basesCovering(bases, "child_welfare", new Set(["basic", "team"])).map((basis) => basis.id)).toEqual(["cwa-25"]);
    expect(basesCovering(bases, "court", new Set(["basic"]))).toEqual([]);
  });
});
