// Prints the first of `count` consecutive ports free on 127.0.0.1 (default 1): devrun puts the
// services' ops addresses on five ports in a row from TIIMI_OPS_FIRST_PORT. Below Linux's ephemeral
// range (32768 and up), so that no outgoing connection takes one before the services bind it.
import { createServer } from "node:net";

const count = Number(process.argv[2] ?? "1");

function free(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

for (let attempt = 0; attempt < 200; attempt++) {
  const first = 20000 + Math.floor(Math.random() * (32000 - 20000));
  let all = true;
  for (let port = first; port < first + count && all; port++) all = await free(port);
  if (all) {
    console.log(first);
    process.exit(0);
  }
}
console.error("no free ports found");
process.exit(1);
