import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiContext, ApiError, createApi } from "../../lib/api";
import { createI18n } from "../../lib/i18n";
import { StaticSession, type Session } from "../../lib/session";
import { memberOf, memberProblems, type MemberForm } from "./AddMember";
import { Team } from "./Team";
import { successorsOf, teamRefusal } from "./TeamActions";
import { refusedField, TEAM_TRANSITIONS, type TeamOut } from "./teamApi";

const CLIENT_ID = "3f2c91ab-0000-4000-8000-000000000003";
const ORG = "1234567-8";
const professional = (id: string, name: string, status: string, role: string, organisation: string, professionalId = `p-${id}`) => ({
  id, kind: "professional" as const, name, professional_id: professionalId, organisation, role: role as TeamOut["members"][number]["role"],
  relation: null, status: status as TeamOut["members"][number]["status"], contact: {}, starts_on: "2026-11-01T10:00:00Z", ends_on: null,
});
const period = { member_id: "m-1", professional_id: "sw-1001", started_at: "2026-11-10T10:00:00Z", ended_at: null, handover_reason: null, changed_by: "sw-1001" };
const TEAM: TeamOut = {
  id: "t-3", client_id: CLIENT_ID, organisation: ORG, status: "active", closed_reason: null, status_history: [],
  key_worker: period, key_worker_history: [period],
  members: [
    professional("m-1", "Sanna Sosiaali", "active", "social_worker", ORG, "sw-1001"),
    professional("m-2", "Noora Neuvoja", "active", "nurse", ORG),
    professional("m-3", "Sami Ohjaaja", "active", "social_counsellor", ORG, "sc-2002"),
    professional("m-4", "Olli Muualla", "pending_consent", "social_worker", "0123456-7"),
  ],
};

afterEach(cleanup);

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const t = createI18n("en").t;

function session(subject: string): Session {
  return {
    status: "authenticated",
    identity: { subject, name: "U", organisation: ORG, kind: "professional", locale: "en" },
    accessToken: () => "a-token",
    login: async () => undefined,
    completeLogin: async () => "/app/clients",
    logout: async () => undefined,
    expire: () => undefined,
  };
}

function shown(fetcher: (request: Request) => Promise<Response>, subject = "sw-1001", team: TeamOut = TEAM) {
  const api = createApi({ accessToken: () => "a-token", onUnauthorized: vi.fn(), baseUrl: "http://tiimi.test", fetch: fetcher as typeof fetch });
  render(
    <I18nextProvider i18n={createI18n("en")}>
      <StaticSession session={session(subject)}>
        <ApiContext.Provider value={api}>
          <Team clientId={CLIENT_ID} team={team} />
        </ApiContext.Provider>
      </StaticSession>
    </I18nextProvider>,
  );
}

const click = (name: string | RegExp) => act(async () => void fireEvent.click(screen.getByRole("button", { name })));
const posts = (fetcher: ReturnType<typeof vi.fn>) =>
  (fetcher.mock.calls as [Request][]).map(([request]) => request).filter((request) => request.method === "POST");

const FORM: MemberForm = { kind: "professional", name: "", professional_id: "", organisation: "", role: "", relation: "", email: "", phone: "" };

describe("the team's rules as the forms check them", () => {
  it("asks a professional's name, id, organisation and role; a close one's name and relation, contact optional", () => {
    expect(Object.keys(memberProblems(FORM, t)).sort()).toEqual(["name", "organisation", "professional_id", "role"]);
    expect(memberProblems({ ...FORM, name: "A", professional_id: "sw 1", organisation: "1234567-8", role: "nurse" }, t)).toEqual({
      professional_id: "Enter the professional's user id: letters, digits and . _ : - only, at most 64 characters.",
    });
    const closeOne = { ...FORM, kind: "close_one" as const, name: "Kalle", relation: "parent", phone: "12", email: "x@" };
    expect(memberProblems(closeOne, t)).toEqual({
      phone: "Enter a phone number of 5 to 20 digits, for example +358 40 123 4567.",
      email: "Enter an email address such as name@example.fi.",
    });
    expect(memberProblems({ ...closeOne, phone: "+358 40 123", email: "" }, t)).toEqual({});
  });

  it("sends a professional nested, a close one with only the contact given", () => {
    expect(memberOf({ ...FORM, name: " Noora ", professional_id: "ngo-77", organisation: "0123456-7", role: "ngo_worker" })).toEqual({
      kind: "professional",
      professional: { name: "Noora", professional_id: "ngo-77", organisation: "0123456-7", role: "ngo_worker" },
    });
    expect(memberOf({ ...FORM, kind: "close_one", name: "Kalle", relation: "parent", phone: "040 123 456" })).toEqual({
      kind: "close_one", name: "Kalle", relation: "parent", contact: { phone: "040 123 456" },
    });
  });

  it("offers the status changes the rules allow, and hands over only to a professional of the team's own organisation", () => {
    expect(TEAM_TRANSITIONS.active).toEqual(["suspended", "closed"]);
    expect(TEAM_TRANSITIONS.closed).toEqual([]);
    expect(successorsOf(TEAM).map((m) => m.name)).toEqual(["Noora Neuvoja", "Sami Ohjaaja"]);
  });

  it("says a 409's allowed next states as words, and finds a refused field nested or dotted", () => {
    const conflict = new ApiError(409, { status: 409, current_state: "active", allowed: ["closed"] });
    expect(teamRefusal(conflict, t, "status")).toBe("Not possible from the team's status now. The team can become: closed.");
    expect(teamRefusal(new ApiError(409, { current_state: "key_worker", allowed: ["hand_over"] }), t, "remove")).toBe(
      "The key worker leaves the team only by handing the role over.",
    );
    expect(refusedField(new ApiError(400, { errors: { professional: { role: ["x"] } } }), "professional", "role")).toBe(true);
    expect(refusedField(new ApiError(400, { errors: { "to.role": ["x"] } }), "to", "role")).toBe(true);
    expect(refusedField(new ApiError(400, { errors: { name: ["x"] } }), "professional", "role")).toBe(false);
  });
});

describe("the team on the client's page", () => {
  it("shows a member who is not the key worker the team without the key worker's tools", () => {
    shown(vi.fn(), "sc-2002");
    expect(screen.getByRole("list", { name: "Active" })).toBeTruthy();
    expect(screen.queryByRole("group", { name: "The key worker's tools" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Add a member" })).toBeNull();
  });

  it("adds a member after checking the form, then shows the team as the API has it", async () => {
    const added = professional("m-5", "Noora Järjestö", "pending_consent", "ngo_worker", "0123456-7", "ngo-77");
    const fetcher = vi.fn(async (request: Request) =>
      request.method === "POST" ? json(201, added) : json(200, { ...TEAM, members: [...TEAM.members, added] }),
    );
    shown(fetcher);
    await click("Add a member");
    await click("Add to the team");
    expect(screen.getByText("Enter the member's name.")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText("Name"));
    expect(fetcher).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Noora Järjestö" } });
    fireEvent.change(screen.getByLabelText("Professional's user id", { exact: false }), { target: { value: "ngo-77" } });
    fireEvent.change(screen.getByLabelText("Organisation", { exact: false }), { target: { value: "0123456-7" } });
    await click(/Role in the team/);
    fireEvent.click(await screen.findByRole("option", { name: "NGO worker" }, { timeout: 5000 }));
    await click("Add to the team");
    expect(await screen.findByText("Noora Järjestö was added to the team and waits for the client's consent.")).toBeTruthy();
    expect(within(screen.getByRole("list", { name: "Waiting for consent" })).getByText("Noora Järjestö")).toBeTruthy();
    expect(await posts(fetcher)[0]!.json()).toEqual({
      kind: "professional",
      professional: { name: "Noora Järjestö", professional_id: "ngo-77", organisation: "0123456-7", role: "ngo_worker" },
    });
  });

  it("shows the API's 400 beside the field and a 409 beside the form, keeping what was typed", async () => {
    const fetcher = vi
      .fn(async (_request: Request) => json(409, { title: "Conflict", status: 409, current_state: "member" }))
      .mockImplementationOnce(async () => json(400, { title: "Invalid request", status: 400, errors: { relation: ["Must be one of…"] } }));
    shown(fetcher);
    await click("Add a member");
    fireEvent.click(screen.getByLabelText("Close one"));
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Kalle Koti" } });
    await click(/Relation to the client/);
    fireEvent.click(await screen.findByRole("option", { name: "Parent" }, { timeout: 5000 }));
    await click("Add to the team");
    expect(await screen.findByText("Choose the close one's relation to the client.")).toBeTruthy();
    await click("Add to the team");
    expect((await screen.findByRole("alert")).textContent).toBe("This person is already a member of the team.");
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("Kalle Koti");
  });

  it("changes the status with a reason, a 409's allowed states shown beside the action with the reason kept", async () => {
    let refuse = true;
    const fetcher = vi.fn(async (request: Request) => {
      if (request.method === "GET") return json(200, { ...TEAM, status: "suspended" });
      if (refuse) return json(409, { title: "Conflict", status: 409, current_state: "active", allowed: ["closed"] });
      return json(200, { ...TEAM, status: "suspended" });
    });
    shown(fetcher);
    expect(screen.queryByRole("button", { name: "Activate the team: the team" })).toBeNull();
    await click("Suspend the team: the team");
    await click("Suspend the team");
    expect(screen.getByText("Give a reason.")).toBeTruthy();
    const reason = screen.getByRole("textbox", { name: "Reason (Suspend the team: the team)" }) as HTMLTextAreaElement;
    fireEvent.change(reason, { target: { value: "Client abroad" } });
    await click("Suspend the team");
    expect((await screen.findByRole("alert")).textContent).toBe("Not possible from the team's status now. The team can become: closed.");
    expect(reason.value).toBe("Client abroad");
    refuse = false;
    await click("Suspend the team");
    expect(await screen.findByText("The team's status is now: Suspended.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Activate the team: the team" })).toBeTruthy();
    expect(await posts(fetcher)[1]!.json()).toEqual({ status: "suspended", reason: "Client abroad" });
  });

  it("removes a member with a reason and hands the role over, after which the tools are gone", async () => {
    const handedOver = { ...TEAM, key_worker: { ...period, member_id: "m-3", professional_id: "sc-2002" } };
    let handed = false;
    const fetcher = vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      if (path === "/teams/t-3/handover") {
        handed = true;
        return json(200, handedOver);
      }
      if (path.endsWith("/remove")) return json(200, { ...TEAM.members[1], status: "removed" });
      return json(200, handed ? handedOver : { ...TEAM, members: TEAM.members.map((m) => (m.id === "m-2" ? { ...m, status: "removed" } : m)) });
    });
    shown(fetcher);
    await click("Remove a member");
    await click(/Member to remove/);
    fireEvent.click(await screen.findByRole("option", { name: "Noora Neuvoja" }, { timeout: 5000 }));
    fireEvent.change(screen.getByLabelText("Reason for removing"), { target: { value: "Care ended" } });
    await click("Remove from the team");
    expect(await screen.findByText("Noora Neuvoja was removed from the team.")).toBeTruthy();
    expect(new URL(posts(fetcher)[0]!.url).pathname).toBe("/teams/t-3/members/m-2/remove");

    await click("Hand over the key worker's role");
    await click("Hand over");
    expect(screen.getByText("Choose the new key worker.")).toBeTruthy();
    await click(/New key worker/);
    fireEvent.click(await screen.findByRole("option", { name: "Sami Ohjaaja" }, { timeout: 5000 }));
    expect((screen.getByLabelText("Social counsellor") as HTMLInputElement).checked).toBe(true);
    fireEvent.change(screen.getByLabelText("Reason for the handover"), { target: { value: "Moving on" } });
    await click("Hand over");
    expect(await screen.findByText("The key worker's role was handed over.")).toBeTruthy();
    expect(screen.queryByRole("group", { name: "The key worker's tools" })).toBeNull();
    expect(await posts(fetcher)[1]!.json()).toEqual({
      to: { professional_id: "sc-2002", name: "Sami Ohjaaja", organisation: ORG, role: "social_counsellor" },
      reason: "Moving on",
    });
  });
});
