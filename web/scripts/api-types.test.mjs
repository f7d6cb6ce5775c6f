// The committed API types are those of the committed OpenAPI document; the gateway's side
// (services/gateway/tests/test_apidoc.py) checks that document against the gateway's code.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { schemaText } from "./api-types.mjs";

const web = resolve(import.meta.dirname, "..");

describe("the typed API client", () => {
  it("is generated from the current openapi.json (else: npm run generate-api)", async () => {
    const document = JSON.parse(readFileSync(resolve(web, "openapi.json"), "utf-8"));
    const committed = readFileSync(resolve(web, "src/api/schema.d.ts"), "utf-8");
    expect(committed === (await schemaText(document)), "src/api/schema.d.ts is stale: run `npm run generate-api` in web/").toBe(true);
  });
});
