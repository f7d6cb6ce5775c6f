// The browser half of `make bench-web` (web/bench/bench_web.py starts the system and runs this):
// in Debian's chromium, how soon "My clients" shows every client and its search filters.
//
// "Interactive" is measured inside the page, without the test driver's round trips: as soon as
// the last of the expected rows is in the DOM, at the next frame (the one that paints them) a
// query is typed into the search field (its value set and an input event sent, as a keystroke
// does); interactive is the frame that paints the filtered list. So the time includes the
// main thread being free to take the typing, not only the rows being drawn.
//
// Two ways to My clients, each `BENCH_RUNS` times after a warm-up of each:
// - in-app: from the inbox, a click on the navigation's "My clients"; timed from the click;
// - full load: a new tab opens /app/clients. The app keeps its tokens in the page's memory only
//   (no storage), so a fresh load has no session of its own: it offers the login, and one click
//   goes to the OpenID provider, whose own session (its cookie) sends the browser straight back
//   without the form. "Interactive, from the page" is timed from the navigation start of the
//   document the provider sends back to (/app/callback: the app loads, trades the code for
//   tokens, then shows My clients); "incl. login trip" from the new tab's first request.
import { chromium } from "@playwright/test";

const APP = process.env.BENCH_APP;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const EXPECT = Number(process.env.BENCH_EXPECT ?? 200);
const QUERY = process.env.BENCH_QUERY ?? "";
const QUERY_EXPECT = Number(process.env.BENCH_QUERY_EXPECT ?? 1);
const USER = { name: "sw-1001", password: "keyworker" };
if (!APP || !QUERY) throw new Error("BENCH_APP and BENCH_QUERY are set by web/bench/bench_web.py");

const ROWS = "ul.clients-list > li.clients-row";
const SEARCH = "main input";
const TIMEOUT = 60_000;

/**
 * In every document of a page: window.__benchArm() starts watching for the list; its promise
 * window.__benchDone answers the times (performance.now() of this document). `autoArm` arms it at
 * once in the app's login callback document (the full load).
 */
function benchWatch({ rows, search, expect, query, queryExpect, autoArm }) {
  const count = () => document.querySelectorAll(rows).length;
  const type = (input) => {
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setValue.call(input, query);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  window.__benchArm = () => {
    const started = performance.now();
    const times = { started };
    window.__benchDone = new Promise((resolve) => {
      let stage = "list";
      const check = () => {
        if (stage === "list" && count() === expect && document.querySelector(search)) {
          stage = "painting";
          requestAnimationFrame(() => {
            times.list = performance.now();
            stage = "filter";
            type(document.querySelector(search));
            times.typed = performance.now();
          });
        } else if (stage === "filter" && count() === queryExpect) {
          stage = "done";
          requestAnimationFrame(() => {
            times.interactive = performance.now();
            times.epoch = performance.timeOrigin + times.interactive;
            const request = performance
              .getEntriesByType("resource")
              .filter((entry) => new URL(entry.name).pathname === "/me/clients")
              .pop();
            if (request) {
              times.requestStart = request.startTime;
              times.responseEnd = request.responseEnd;
            }
            observer.disconnect();
            resolve(times);
          });
        }
      };
      const observer = new MutationObserver(check);
      const observe = () => {
        observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
        check();
      };
      if (document.documentElement) observe();
      else document.addEventListener("readystatechange", observe, { once: true });
    });
  };
  if (autoArm && location.pathname === "/app/callback") window.__benchArm();
}

const watch = (autoArm) => ({ rows: ROWS, search: SEARCH, expect: EXPECT, query: QUERY, queryExpect: QUERY_EXPECT, autoArm });

async function logIn(page) {
  await page.goto(`${APP}/app/clients`);
  await page.getByRole("button", { name: "Kirjaudu" }).click();
  await page.getByLabel("User").fill(USER.name);
  await page.getByLabel("Password").fill(USER.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`${APP}/app/clients`, { timeout: TIMEOUT });
  await page.waitForFunction(([rows, expect]) => document.querySelectorAll(rows).length === expect, [ROWS, EXPECT], {
    timeout: TIMEOUT,
  });
}

/** From the inbox, a click on "My clients" in the navigation, until the list is interactive. */
async function inApp(page) {
  await page.locator('nav a[href="/app/inbox"]').click();
  await page.waitForURL(`${APP}/app/inbox`);
  // The inbox has loaded and the browser is quiet again before the timed click.
  await page.waitForTimeout(500);
  const times = await page.evaluate(async () => {
    performance.clearResourceTimings();
    window.__benchArm();
    const clicked = performance.now();
    document.querySelector('nav a[href="/app/clients"]').click();
    return { clicked, ...(await window.__benchDone) };
  });
  const from = times.clicked;
  return {
    list: times.list - from,
    interactive: times.interactive - from,
    before_request: times.requestStart - from,
    request: times.responseEnd - times.requestStart,
    render: times.list - times.responseEnd,
    filter: times.interactive - times.typed,
  };
}

/** A new tab at /app/clients, with the provider's session there, until the list is interactive. */
async function fullLoad(context) {
  const page = await context.newPage();
  await page.addInitScript(benchWatch, watch(true));
  const started = Date.now();
  await page.goto(`${APP}/app/clients`);
  const login = page.getByRole("button", { name: "Kirjaudu" });
  await login.waitFor({ timeout: TIMEOUT });
  const boot = Date.now() - started;
  await login.click();
  await page.waitForURL(`${APP}/app/clients`, { timeout: TIMEOUT });
  await page.waitForFunction(() => window.__benchDone !== undefined, undefined, { timeout: TIMEOUT });
  const times = await page.evaluate(() => window.__benchDone);
  await page.close();
  return { boot, list: times.list, interactive: times.interactive, total: times.epoch - started };
}

/** Typing with the real keyboard filters the list too (checked once, after the timed runs). */
async function keyboardFilters(page) {
  await page.locator('nav a[href="/app/inbox"]').click();
  await page.waitForURL(`${APP}/app/inbox`);
  await page.locator('nav a[href="/app/clients"]').click();
  await page.waitForFunction(([rows, expect]) => document.querySelectorAll(rows).length === expect, [ROWS, EXPECT]);
  const search = page.locator(SEARCH);
  await search.click();
  const started = Date.now();
  await page.keyboard.type(QUERY);
  await page.waitForFunction(
    ([rows, expect]) => document.querySelectorAll(rows).length === expect,
    [ROWS, QUERY_EXPECT],
    { polling: "raf" },
  );
  return Date.now() - started;
}

const browser = await chromium.launch({
  executablePath: process.env.TIIMI_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const context = await browser.newContext({ locale: "fi-FI", viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  await page.addInitScript(benchWatch, watch(false));
  await logIn(page);
  console.log(`bench-web: logged in as ${USER.name}; warm-up`);
  const warmUp = { in_app: await inApp(page), full_load: await fullLoad(context) };
  const inApps = [];
  const fullLoads = [];
  for (let run = 1; run <= RUNS; run += 1) {
    inApps.push(await inApp(page));
    fullLoads.push(await fullLoad(context));
    console.log(
      `bench-web: run ${run}/${RUNS}: in-app ${Math.round(inApps.at(-1).interactive)} ms, ` +
        `full load ${Math.round(fullLoads.at(-1).interactive)} ms (incl. login trip ${Math.round(fullLoads.at(-1).total)} ms)`,
    );
  }
  // The same navigation with the API's answer recorded once and served by the browser itself:
  // what is left is the app's own work (rendering and filtering), without the services.
  const answered = page.waitForResponse((response) => new URL(response.url()).pathname === "/me/clients");
  await inApp(page);
  const recorded = await (await answered).body();
  await page.route(
    (url) => url.pathname === "/me/clients",
    (route) => route.fulfill({ status: 200, contentType: "application/json", body: recorded }),
  );
  await inApp(page);
  // Where the browser's time goes in those runs: the page's script, style and layout, in ms.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const metrics = async () =>
    Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const rendered = [];
  const work = { script: [], style: [], layout: [] };
  for (let run = 1; run <= RUNS; run += 1) {
    const before = await metrics();
    rendered.push(await inApp(page));
    const after = await metrics();
    for (const [key, metric] of [["script", "ScriptDuration"], ["style", "RecalcStyleDuration"], ["layout", "LayoutDuration"]]) {
      work[key].push((after[metric] - before[metric]) * 1000);
    }
  }
  await page.unroute((url) => url.pathname === "/me/clients");
  console.log(
    `bench-web: in-app with the answer served by the browser: ${rendered.map((r) => Math.round(r.interactive)).join(", ")} ms`,
  );
  const keyboard = await keyboardFilters(page);
  const column = (runs, key) => runs.map((run) => run[key]);
  console.log(
    JSON.stringify({
      warm_up: warmUp,
      in_app: {
        list_ms: column(inApps, "list"),
        interactive_ms: column(inApps, "interactive"),
        parts_ms: Object.fromEntries(
          ["before_request", "request", "render", "filter"].map((key) => [key, column(inApps, key)]),
        ),
      },
      full_load: {
        boot_ms: column(fullLoads, "boot"),
        list_ms: column(fullLoads, "list"),
        interactive_ms: column(fullLoads, "interactive"),
        total_ms: column(fullLoads, "total"),
      },
      in_app_answer_recorded: {
        list_ms: column(rendered, "list"),
        interactive_ms: column(rendered, "interactive"),
        // Measured around the whole run, the inbox visit before the click included.
        work_ms: work,
      },
      keyboard_filter_ms: keyboard,
    }),
  );
} finally {
  await browser.close();
}
