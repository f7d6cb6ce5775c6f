// Browser tests in Debian's Chromium (no browser downloads here): `npm run e2e`.
// They serve the build through the gateway's own web-app routes (e2e/serve_build.py) beside the
// local OpenID provider (deploy/oidc) on free ports of their own, so a running `make run` is not disturbed;
// the API is not there: the stories against the whole system come with the screens.
import { defineConfig } from "@playwright/test";
import { execSync } from "node:child_process";

const chromium = process.env.TIIMI_CHROMIUM ?? execSync("command -v chromium || true").toString().trim();
if (!chromium) throw new Error("no chromium on the path: apt-get install -y chromium (or set TIIMI_CHROMIUM)");
// Free ports, chosen once by the runner and passed to its workers through the environment, so
// two test runs on one machine do not collide.
function freePort(variable: string): number {
  process.env[variable] ??= execSync(
    `node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"`,
  )
    .toString()
    .trim();
  return Number(process.env[variable]);
}
const PORT = freePort("TIIMI_E2E_PORT");
const OIDC_PORT = freePort("TIIMI_E2E_OIDC_PORT");
const APP = `http://127.0.0.1:${PORT}`;
export const ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
const python = process.env.TIIMI_PYTHON ?? "../.venv/bin/python";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // Generous: a login through the provider and axe on a large page are slow on a loaded 2-core machine.
  timeout: 90_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: APP,
    locale: "fi-FI",
    trace: "retain-on-failure",
    screenshot: "on",
    launchOptions: {
      executablePath: chromium,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    },
  },
  webServer: [
    {
      command: "node ../deploy/oidc/server.js",
      url: `${ISSUER}/.well-known/openid-configuration`,
      env: {
        TIIMI_OIDC_PORT: String(OIDC_PORT),
        TIIMI_OIDC_REDIRECT_URIS: `${APP}/app/callback`,
        TIIMI_OIDC_POST_LOGOUT_URIS: `${APP}/`,
        TIIMI_VAR_DIR: "test-results/var",
      },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `${python} e2e/serve_build.py ${PORT}`,
      url: `${APP}/health/live`,
      env: { TIIMI_OIDC_ISSUER: ISSUER, TIIMI_WEB_DIST: process.env.TIIMI_WEB_DIST ?? "" },
      reuseExistingServer: false,
      timeout: 30_000,
    },
  ],
});
