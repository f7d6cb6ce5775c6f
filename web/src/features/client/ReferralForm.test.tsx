import { describe, expect, it } from "vitest";
import { createI18n } from "../../lib/i18n";
import { dayOf, draftOf, EMPTY_FORM, endOfDay, problemsOf, refusedFields, type Form } from "./ReferralForm";
import { statesAsWords, withheldReason } from "./referralApi";

const fi = createI18n("fi").t;
const en = createI18n("en").t;
const NOW = new Date(2026, 10, 23, 12, 0);
const FILLED: Form = {
  service: "housing_guidance",
  target_organisation: " 2345678-9 ",
  priority: "urgent",
  share: ["basic", "health"],
  reason: "  Needs a flat  ",
  accept_by: "1.12.2026",
  escalate_by: "",
};

describe("the referral form's checks", () => {
  it("names every missing field in the user's language", () => {
    expect(problemsOf(EMPTY_FORM, fi, NOW)).toEqual({
      service: "Valitse palvelu.",
      target_organisation: "Kirjoita vastaanottavan organisaation tunnus.",
      share: "Valitse vähintään yksi tietoryhmä.",
      reason: "Kirjoita lähetteen syy.",
      accept_by: "Anna päivä, johon mennessä vastaanottajan tulee vastata.",
    });
  });

  it("finds nothing wrong in a filled form", () => {
    expect(problemsOf(FILLED, en, NOW)).toEqual({});
  });

  it("refuses an organisation code the gateway would refuse, and a reason too long", () => {
    const problems = problemsOf({ ...FILLED, target_organisation: "Asunto säätiö", reason: "x".repeat(2001) }, en, NOW);
    expect(problems.target_organisation).toMatch(/^Write the organisation's code with letters/);
    expect(problems.reason).toBe("The reason can be at most 2000 characters.");
  });

  it("takes days as day.month.year, refusing impossible ones, past ones, and an escalation not after the answer day", () => {
    expect(dayOf("1.12.2026")).toBe("2026-12-01");
    expect(dayOf("31.2.2026")).toBeUndefined();
    expect(dayOf("2026-12-01")).toBeUndefined();
    expect(problemsOf({ ...FILLED, accept_by: "31.2.2027" }, en, NOW).accept_by).toBe("Write the day as day.month.year, e.g. 31.12.2026.");
    expect(problemsOf({ ...FILLED, accept_by: "22.11.2026" }, en, NOW).accept_by).toBe("The answer day must be today or later.");
    expect(problemsOf({ ...FILLED, accept_by: "23.11.2026" }, en, NOW).accept_by).toBeUndefined();
    expect(problemsOf({ ...FILLED, escalate_by: "1.12.2026" }, en, NOW).escalate_by).toBe("This day must come after the answer day.");
    expect(problemsOf({ ...FILLED, escalate_by: "3.12.2026" }, en, NOW).escalate_by).toBeUndefined();
  });

  it("asks for what the API takes: the categories to share, deadlines at the end of the day", () => {
    expect(draftOf({ ...FILLED, escalate_by: "3.12.2026" }, "c-1")).toEqual({
      client_id: "c-1",
      service: "housing_guidance",
      target_organisation: "2345678-9",
      priority: "urgent",
      reason: "Needs a flat",
      share: { basic: {}, health: {} },
      accept_by: endOfDay("1.12.2026"),
      escalate_by: endOfDay("3.12.2026"),
    });
    expect(new Date(endOfDay("1.12.2026")).getHours()).toBe(23);
    expect("escalate_by" in draftOf(FILLED, "c-1")).toBe(false);
  });

  it("maps the API's 400 to the fields it names, in the user's language", () => {
    expect(refusedFields({ accept_by: ["must be in the future"], share: ["health: holds a personal identity code"] }, en)).toEqual({
      accept_by: "The answer day must be today or later.",
      share: "The information asked to share was not accepted. It must not contain a personal identity code.",
    });
    expect(refusedFields({ client_id: ["not a uuid"] }, en)).toBeUndefined();
    expect(refusedFields(undefined, en)).toBeUndefined();
  });
});

describe("the words for a referral's refusals and sharing", () => {
  it("says why a category was withheld, with a general sentence for a reason it does not know", () => {
    expect(withheldReason("denied_by_client", fi)).toBe("asiakas kielsi");
    expect(withheldReason("no_consent", en)).toBe("no consent");
    expect(withheldReason("consent_withdrawn", en)).toBe("the consent was withdrawn");
    expect(withheldReason("unknown_client", createI18n("sv").t)).toBe("inga samtycken har registrerats för klienten");
    expect(withheldReason("something_new", en)).toBe("for a reason tiimi cannot name here; ask the key worker");
  });

  it("names the allowed next states as words", () => {
    expect(statesAsWords(["cancelled", "entered_in_error"], fi)).toBe("Peruttu, Kirjattu virheellisesti");
  });
});
