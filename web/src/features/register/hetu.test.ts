import { describe, expect, it } from "vitest";
import { hetuProblem, mayBecomeHetu } from "./hetu";

const CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY";
const code = (date: string, sign: string, individual: string) => date + sign + individual + CHECK[Number(date + individual) % 31];

describe("the personal identity code check", () => {
  it.each([..."+-YXWVUABCDEF"])("accepts the century sign %s, the signs of 2023 included", (sign) => {
    const date = "ABCDEF".includes(sign) ? "010105" : "131052";
    expect(hetuProblem(code(date, sign, "308"))).toBeUndefined();
  });

  it("accepts the documented example, in lower case and with space around, as the service does", () => {
    expect(hetuProblem("131052-308T")).toBeUndefined();
    expect(hetuProblem(" 131052-308t ")).toBeUndefined();
    expect(hetuProblem(code("290200", "A", "002"))).toBeUndefined(); // 29 February 2000
  });

  it.each([
    ["131052-308X", "checksum"],
    ["131052-308U", "checksum"],
    ["311399-123A", "date"],
    ["290201A0026", "date"], // no 29 Feb in 2001
    ["310252-308Y", "date"],
    ["131052G308T", "format"],
    ["131052-30T", "format"],
    ["131052-308TT", "format"],
    ["010594Y9021", "individual"], // a temporary number
    [code("131052", "-", "001"), "individual"],
    ["", "empty"],
  ] as const)("refuses %s: %s", (bad, problem) => {
    expect(hetuProblem(bad)).toBe(problem);
  });

  it("keeps quiet while a code may still become valid, not once it cannot", () => {
    expect(["", "1", "131052", "131052-", "131052A30"].map(mayBecomeHetu)).toEqual([true, true, true, true, true]);
    expect(["x", "13105x", "131052G", "131052-308T"].map(mayBecomeHetu)).toEqual([false, false, false, false]);
  });
});
