// The typed API client's types, from the gateway's OpenAPI document, in one command:
// the document as the gateway's code describes it now (no running system needed)
// goes to openapi.json, and openapi-typescript turns it into src/api/schema.d.ts.
// The staleness tests (pytest and vitest) compare against these two files.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { schemaText } from "./api-types.mjs";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const python = process.env.TIIMI_PYTHON ?? resolve(web, "../.venv/bin/python");
if (!existsSync(python)) {
  console.error(`generate-api: ${python} not found; run \`make install\` at the repository's root first`);
  process.exit(1);
}
const document = execFileSync(python, ["-m", "gateway.apidoc"], { encoding: "utf-8", stdio: ["ignore", "pipe", "inherit"] });
writeFileSync(resolve(web, "openapi.json"), document);
writeFileSync(resolve(web, "src/api/schema.d.ts"), await schemaText(JSON.parse(document)));
console.log("generate-api: wrote openapi.json and src/api/schema.d.ts");
