#!/usr/bin/env node
// Time to first render of a pack's index.html in headless Chromium, through the Chrome
// DevTools protocol (no npm package: node's own fetch and WebSocket).
//
//   node --experimental-websocket scripts/first_render.mjs PACK/index.html [RUNS] [SHOT.png]
//
// Starts Debian's `chromium` headless with a fresh profile and no network use beyond its
// own debugging port on 127.0.0.1, opens the page RUNS times (default 5) in a new tab each
// time, and prints, per run and as medians: first contentful paint, largest contentful
// paint (the last of the large elements — a chart, a table — to be painted),
// DOMContentLoaded and the load event (every chart image loaded), in milliseconds from
// navigation start. With SHOT.png, the last run's
// first 1280×2000 pixels are saved there, for a person to look at.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [page, runsArg, shot] = process.argv.slice(2);
if (!page) {
  console.error("usage: node --experimental-websocket scripts/first_render.mjs PACK/index.html [RUNS] [SHOT.png]");
  process.exit(2);
}
const runs = Number(runsArg ?? 5);
const url = pathToFileURL(resolve(page)).href;
const browser = process.env.CHROMIUM ?? "chromium";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const profile = mkdtempSync(join(tmpdir(), "treem-chromium-"));
const chrome = spawn(
  browser,
  [
    "--headless",
    "--disable-gpu",
    "--no-sandbox",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--remote-debugging-port=0",
    "--window-size=1280,2000",
    `--user-data-dir=${profile}`,
    "about:blank",
  ],
  { stdio: "ignore" },
);

async function debuggingPort() {
  for (let i = 0; i < 200; i++) {
    try {
      return readFileSync(join(profile, "DevToolsActivePort"), "utf8").split("\n")[0];
    } catch {
      await sleep(50);
    }
  }
  throw new Error("Chromium did not open its debugging port");
}

function connect(wsUrl) {
  const ws = new WebSocket(wsUrl);
  let next = 1;
  const waiting = new Map();
  const events = [];
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && waiting.has(msg.id)) {
      const { ok, fail } = waiting.get(msg.id);
      waiting.delete(msg.id);
      msg.error ? fail(new Error(JSON.stringify(msg.error))) : ok(msg.result);
    } else if (msg.method) {
      events.push(msg);
    }
  };
  const send = (method, params = {}) =>
    new Promise((ok, fail) => {
      const id = next++;
      waiting.set(id, { ok, fail });
      ws.send(JSON.stringify({ id, method, params }));
    });
  const until = async (method) => {
    for (;;) {
      const i = events.findIndex((e) => e.method === method);
      if (i >= 0) return events.splice(i, 1)[0];
      await sleep(5);
    }
  };
  return new Promise((ok) => (ws.onopen = () => ok({ ws, send, until })));
}

const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
const ms = (x) => (x == null ? "n/a" : `${x.toFixed(0)} ms`);

try {
  const port = await debuggingPort();
  const base = `http://127.0.0.1:${port}`;
  const rows = [];
  for (let run = 1; run <= runs; run++) {
    const target = await (await fetch(`${base}/json/new?about:blank`, { method: "PUT" })).json();
    const tab = await connect(target.webSocketDebuggerUrl);
    await tab.send("Page.enable");
    await tab.send("Network.enable");
    await tab.send("Network.setCacheDisabled", { cacheDisabled: true });
    await tab.send("Page.navigate", { url });
    await tab.until("Page.loadEventFired");
    // The first paint may come after the load event of a small page: wait for it (up to
    // 10 s) with a buffered observer.
    const { result } = await tab.send("Runtime.evaluate", {
      returnByValue: true,
      awaitPromise: true,
      expression: `new Promise((done) => {
        const report = () => {
          const nav = performance.getEntriesByType("navigation")[0];
          const fcp = performance.getEntriesByName("first-contentful-paint")[0];
          done({
            fcp: fcp ? fcp.startTime : null,
            lcp: largest,
            dcl: nav.domContentLoadedEventEnd,
            load: nav.loadEventEnd,
            rows: document.querySelectorAll("tr").length,
          });
        };
        let largest = null;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) largest = e.startTime;
        }).observe({ type: "largest-contentful-paint", buffered: true });
        // Past the load event and the first paint, the largest paint is known after a frame.
        const settle = () => requestAnimationFrame(() => setTimeout(report, 200));
        if (performance.getEntriesByName("first-contentful-paint").length) return settle();
        new PerformanceObserver(settle).observe({ type: "paint", buffered: true });
        setTimeout(report, 10000);
      })`,
    });
    const t = result.value;
    rows.push(t);
    console.log(
      `run ${run}: first contentful paint ${ms(t.fcp)}, largest contentful paint ${ms(t.lcp)}, DOMContentLoaded ${ms(t.dcl)}, load ${ms(t.load)} (${t.rows} table rows)`,
    );
    if (run === runs && shot) {
      const { data } = await tab.send("Page.captureScreenshot", {
        format: "png",
        clip: { x: 0, y: 0, width: 1280, height: 2000, scale: 1 },
      });
      writeFileSync(shot, Buffer.from(data, "base64"));
    }
    tab.ws.close();
    await fetch(`${base}/json/close/${target.id}`);
  }
  const bytes = statSync(page).size;
  console.log(
    `median of ${runs}: first contentful paint ${ms(median(rows.map((r) => r.fcp)))}, ` +
      `largest contentful paint ${ms(median(rows.map((r) => r.lcp)))}, ` +
      `DOMContentLoaded ${ms(median(rows.map((r) => r.dcl)))}, load ${ms(median(rows.map((r) => r.load)))}; ` +
      `${page}: ${(bytes / 1e6).toFixed(2)} MB, ${rows[0].rows} table rows`,
  );
} finally {
  chrome.kill();
  await sleep(300);
  rmSync(profile, { recursive: true, force: true });
}
