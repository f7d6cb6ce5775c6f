// Run by the system config's web server before devrun: a fresh TIIMI_VAR_DIR (databases, keys, logs,
// the demo's marker) and a fresh RabbitMQ virtual host, so the run shares nothing with `make run` or
// the pytest suite. The vhost is deleted by teardown.ts after the run.
import { mkdirSync, rmSync } from "node:fs";

const varDir = process.env.TIIMI_VAR_DIR;
if (!varDir) throw new Error("TIIMI_VAR_DIR is not set");
rmSync(varDir, { recursive: true, force: true });
mkdirSync(varDir, { recursive: true });

const uri = process.env.TIIMI_AMQP_URI ?? "";
const vhost = vhostOf(uri);
const user = decodeURIComponent(new URL(uri).username || "guest");
await management(uri, "PUT", `/vhosts/${encodeURIComponent(vhost)}`);
await management(uri, "PUT", `/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(user)}`, {
  configure: ".*",
  write: ".*",
  read: ".*",
});
console.log(`tiimi e2e: fresh vhost ${vhost} and ${varDir}`);

/** The vhost named in an AMQP URI's path. */
function vhostOf(amqpUri) {
  const path = new URL(amqpUri).pathname;
  return path.length > 1 ? decodeURIComponent(path.slice(1)) : "/";
}

async function management(amqpUri, method, path, body) {
  const broker = new URL(amqpUri);
  const api = new URL(process.env.TIIMI_RABBIT_API ?? `http://${broker.hostname}:15672`);
  const user = decodeURIComponent(api.username || broker.username || "guest");
  const password = decodeURIComponent(api.password || broker.password || "guest");
  const response = await fetch(`${api.protocol}//${api.host}/api${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok && !(method === "DELETE" && response.status === 404)) {
    throw new Error(`RabbitMQ's management API answered ${response.status} to ${method} ${path}`);
  }
}
