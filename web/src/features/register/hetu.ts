// The Finnish personal identity code (henkilötunnus), checked by the team service's rule (python-stdnum's
// hetu.validate): DDMMYY, a century sign (+ 1800s; - Y X W V U 1900s; A B C D E F 2000s, the letters since
// 2023), an individual number 002–899 (900–999 are temporary numbers, refused), and the check character.

const CENTURY: Record<string, number> = { "+": 1800, "-": 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900 };
for (const sign of "ABCDEF") CENTURY[sign] = 2000;
const CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY";
const SHAPE = /^(\d{2})(\d{2})(\d{2})([-+ABCDEFYXWVU])(\d{3})([0-9ABCDEFHJKLMNPRSTUVWXY])$/;

/** Why a code is refused; never the code itself. */
export type HetuProblem = "empty" | "format" | "date" | "individual" | "checksum";

/** The code as the service stores it: no surrounding space, upper case. */
export function compactHetu(code: string): string {
  return code.trim().toUpperCase();
}

/** What is wrong with the code, or undefined when it is a valid personal identity code. */
export function hetuProblem(code: string): HetuProblem | undefined {
  const compact = compactHetu(code);
  if (compact === "") return "empty";
  const parts = SHAPE.exec(compact);
  if (!parts) return "format";
  const [, day, month, year, sign, individual, check] = parts as unknown as string[];
  const fullYear = CENTURY[sign!]! + Number(year);
  const date = new Date(Date.UTC(fullYear, Number(month) - 1, Number(day)));
  if (date.getUTCFullYear() !== fullYear || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) {
    return "date";
  }
  const number = Number(individual);
  if (number < 2 || number >= 900) return "individual";
  if (CHECK[Number(`${day}${month}${year}${individual}`) % 31] !== check) return "checksum";
  return undefined;
}

/** Whether the code so far could still become a valid one: no message while it is being typed. */
export function mayBecomeHetu(code: string): boolean {
  const compact = compactHetu(code);
  if (compact.length >= 11) return false;
  const pattern = ["\\d", "\\d", "\\d", "\\d", "\\d", "\\d", "[-+ABCDEFYXWVU]", "\\d", "\\d", "\\d"];
  return pattern.slice(0, compact.length).every((part, i) => new RegExp(`^${part}$`).test(compact[i]!));
}
