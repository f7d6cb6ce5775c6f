// The production bundle's JavaScript, gzipped, against the budget (issue 12: at most 300 kB).
// `npm run size` fails above it; the build prints it (`--report`).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const BUDGET = 300 * 1024;

/** Every .js file under `dir` with its gzipped size in bytes. */
export function measure(dir) {
  const files = [];
  const walk = (at) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".js")) files.push({ path, gzip: gzipSync(readFileSync(path)).length });
    }
  };
  walk(dir);
  return { files, total: files.reduce((sum, file) => sum + file.gzip, 0) };
}

const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = resolve(dirname(fileURLToPath(import.meta.url)), "../dist");
  let measured;
  try {
    measured = measure(dist);
  } catch {
    console.error("size: no build in web/dist; run `npm run build` (or `make web`) first");
    process.exit(1);
  }
  const verdict = measured.total <= BUDGET ? "within" : "OVER";
  console.log(`size: JavaScript ${kB(measured.total)} gzip in ${measured.files.length} file(s), ${verdict} the budget of ${kB(BUDGET)}`);
  if (measured.total > BUDGET && !process.argv.includes("--report")) process.exit(1);
  if (measured.total > BUDGET) process.exitCode = 1;
}
