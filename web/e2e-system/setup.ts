// Before the first story: the stories read the demo devrun seeds (examples/demo_seed.py), so a run
// whose seed failed stops here, pointing at the services' logs, instead of failing story by story.
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export default function setup(): void {
  const varDir = resolve("test-results-system/var");
  if (!existsSync(resolve(varDir, "demo-seeded"))) {
    throw new Error(
      `the demo was not seeded (see the web server's output above and the services' logs in ${varDir}/log/): ` +
        "the stories need it",
    );
  }
}
