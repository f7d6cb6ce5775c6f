// Browser tests in Debian's Chromium (no browser downloads here): `npm run e2e`.
import { defineConfig } from "@playwright/test";
import { execSync } from "node:child_process";

const chromium = process.env.TIIMI_CHROMIUM ?? execSync("command -v chromium || true").toString().trim();
if (!chromium) throw new Error("no chromium on the path: apt-get install -y chromium (or set TIIMI_CHROMIUM)");
const PORT = Number(process.env.TIIMI_E2E_PORT ?? 8766);
const python = process.env.TIIMI_PYTHON ?? "../.venv/bin/python";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 30_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: "fi-FI",
    trace: "retain-on-failure",
    screenshot: "on",
    launchOptions: {
      executablePath: chromium,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    },
  },
  webServer: {
    command: `${python} e2e/serve_build.py ${PORT}`,
    url: `http://127.0.0.1:${PORT}/health/live`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
