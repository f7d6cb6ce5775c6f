// One way to turn the OpenAPI document into TypeScript, shared by generate-api and the staleness test.
import openapiTS, { astToString } from "openapi-typescript";

const HEADER = "// Generated from openapi.json by `npm run generate-api`; do not edit.\n";

/** The text of src/api/schema.d.ts for `document` (the parsed OpenAPI document). */
export async function schemaText(document) {
  const ast = await openapiTS(document, { alphabetize: true });
  return HEADER + astToString(ast);
}
