// After the run: stop devrun (SIGINT to its process group, as Ctrl-C would; it stops every service
// and the OpenID provider), then delete the run's RabbitMQ vhost. Playwright stops its web servers only
// after the global teardown, and the vhost must outlive the services that use it.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";

const PID_FILE = resolve("test-results-system/devrun.pid");
const STOP_WITHIN = 30_000;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopDevrun(): Promise<void> {
  if (!existsSync(PID_FILE)) return;
  const pid = Number(readFileSync(PID_FILE, "utf8").trim());
  rmSync(PID_FILE);
  if (!pid || !running(pid)) return;
  process.kill(-pid, "SIGINT");
  const deadline = Date.now() + STOP_WITHIN;
  while (running(pid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 200));
  if (running(pid)) process.kill(-pid, "SIGKILL");
}

async function deleteVhost(): Promise<void> {
  const vhost = process.env.TIIMI_SYSTEM_VHOST;
  if (!vhost) return;
  const broker = new URL(process.env.TIIMI_AMQP_URI ?? "amqp://guest:guest@127.0.0.1:5672/");
  const api = new URL(process.env.TIIMI_RABBIT_API ?? `http://${broker.hostname}:15672`);
  const user = decodeURIComponent(api.username || broker.username || "guest");
  const password = decodeURIComponent(api.password || broker.password || "guest");
  const response = await fetch(`${api.protocol}//${api.host}/api/vhosts/${encodeURIComponent(vhost)}`, {
    method: "DELETE",
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` },
  });
  if (!response.ok && response.status !== 404) {
    throw new Error(`RabbitMQ's management API answered ${response.status} when deleting vhost ${vhost}`);
  }
}

export default async function teardown(): Promise<void> {
  await stopDevrun();
  await deleteVhost();
}
