// Browser stories against the whole system: `npm run e2e:system` (make web-e2e runs it after `npm run e2e`).
// Its web server is `python -m tiimi_shared.devrun` with every service, the gateway (serving web/dist, or
// TIIMI_WEB_DIST), the local OpenID provider, SQLite databases in a fresh var directory under
// test-results-system/ and a RabbitMQ vhost of its own, made for the run (e2e-system/prepare.mjs) and
// deleted after it (e2e-system/teardown.ts), on free ports: a running `make run` or pytest is not disturbed.
// devrun seeds its demo (examples/demo_seed.py) before the first story starts.
import { defineConfig } from "@playwright/test";
import { execFileSync, execSync } from "node:child_process";
import { resolve } from "node:path";

const chromium = process.env.TIIMI_CHROMIUM ?? execSync("command -v chromium || true").toString().trim();
if (!chromium) throw new Error("no chromium on the path: apt-get install -y chromium (or set TIIMI_CHROMIUM)");

// Chosen once by the runner and passed to its workers through the environment.
function chosen(variable: string, choose: () => string): string {
  process.env[variable] ??= choose();
  return process.env[variable];
}
// Seven ports in a row: the gateway, the OpenID provider, and the five services' ops addresses.
const FIRST_PORT = Number(chosen("TIIMI_SYSTEM_FIRST_PORT", () => execSync("node e2e-system/free_ports.mjs 7").toString().trim()));
const PORT = String(FIRST_PORT);
const OIDC_PORT = String(FIRST_PORT + 1);
const OPS_FIRST_PORT = String(FIRST_PORT + 2);
const VHOST = chosen("TIIMI_SYSTEM_VHOST", () => `tiimi_e2e_${Math.random().toString(16).slice(2, 14)}`);
// The broker `make run` uses, with the run's own vhost in place of its path.
const broker = new URL(process.env.TIIMI_AMQP_URI ?? "amqp://guest:guest@127.0.0.1:5672/");
broker.pathname = `/${encodeURIComponent(VHOST)}`;
export const AMQP_URI = broker.toString();
export const VAR_DIR = resolve("test-results-system/var");
const APP = `http://127.0.0.1:${PORT}`;
// Should the system fail to start, Playwright runs no global teardown: the runner deletes the vhost
// as it exits all the same (a vhost already deleted is no error).
if (!process.env.TEST_WORKER_INDEX && !process.env.TIIMI_SYSTEM_EXIT_HOOK) {
  process.env.TIIMI_SYSTEM_EXIT_HOOK = "1";
  process.once("exit", () => {
    const api = new URL(process.env.TIIMI_RABBIT_API ?? `http://${broker.hostname}:15672`);
    const auth = `${decodeURIComponent(api.username || broker.username || "guest")}:${decodeURIComponent(api.password || broker.password || "guest")}`;
    try {
      execFileSync("curl", ["-s", "-o", "/dev/null", "-u", auth, "-X", "DELETE", `${api.protocol}//${api.host}/api/vhosts/${encodeURIComponent(VHOST)}`], { timeout: 10_000, stdio: "ignore" });
    } catch {
      process.stderr.write(`tiimi e2e: RabbitMQ's management API did not delete the vhost ${VHOST}\n`);
    }
  });
}
const python = process.env.TIIMI_PYTHON ?? "../.venv/bin/python";

export default defineConfig({
  testDir: "e2e-system",
  outputDir: "test-results-system/artefacts",
  globalSetup: "./e2e-system/setup.ts",
  globalTeardown: "./e2e-system/teardown.ts",
  // A loaded two-core machine: the services answer through the broker, and events take their time.
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: APP,
    locale: "fi-FI",
    timezoneId: "Europe/Helsinki",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: chromium,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    },
  },
  webServer: {
    // prepare.mjs wipes the var directory and makes the vhost; devrun then takes the shell's process
    // (exec), so its pid, written for teardown.ts, leads the process group a SIGINT stops.
    command:
      `node e2e-system/prepare.mjs && echo $$ > "$TIIMI_VAR_DIR/../devrun.pid" && ` +
      `exec ${python} -m tiimi_shared.devrun consent team referral notify gateway`,
    // Up once the demo is seeded, or its seed failed (e2e-system/setup.ts then says so): every service
    // answers by then (devrun seeds only after each one's /health/ready).
    wait: { stdout: /demo seeded for key worker/, stderr: /the demo seed did not finish|tiimi: .* failed|not ready after/ },
    env: {
      TIIMI_HTTP_ADDRESS: `127.0.0.1:${PORT}`,
      TIIMI_OPS_FIRST_PORT: OPS_FIRST_PORT,
      TIIMI_OIDC_PORT: OIDC_PORT,
      TIIMI_VAR_DIR: VAR_DIR,
      TIIMI_AMQP_URI: AMQP_URI,
      TIIMI_DEMO_SEED: "true",
      // devrun's own provider, whatever the shell points the gateway at.
      TIIMI_JWT_JWKS_URL: "",
      TIIMI_CLOCK_OFFSET_FILE: `${VAR_DIR}/clock-offset`,
      PYTHONUNBUFFERED: "1",
    },
    stdout: "pipe",
    stderr: "pipe",
    reuseExistingServer: false,
    timeout: 240_000,
    gracefulShutdown: { signal: "SIGINT", timeout: 20_000 },
  },
});
