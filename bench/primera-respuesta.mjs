#!/usr/bin/env node
// primera-respuesta.mjs: from the page's load event to the answer to a digit drawn right then
// (the goal: a drawn digit answered <= 1 s after load on localhost). Figures, not a test.
//
//   node bench/primera-respuesta.mjs [--rounds 5] [--root DIR]... [--ventana-nueva | --comparar-ventanas]
//
// With several --root DIR (assembled pages, e.g. another commit's web/dist), each round opens
// every one of them in turn, each served by its own scripts/serve.mjs, so a loaded machine's
// noise falls on all alike; the summary then gives each one's median and their ratio to the
// first. Without --root it measures web/dist.
//
// Each round is a first visit in a fresh Chromium context (empty caches, no service worker)
// to scripts/serve.mjs on loopback, from a window that was opened first and left to settle
// (windowOpen below: Chromium loads its own omnibox UI with every new window).
// --ventana-nueva navigates as soon as the window exists, as this bench did before;
// --comparar-ventanas measures both ways in alternation. As soon as the load event has fired, a 7 is drawn on the
// drawing panel (drawSeven, tests/web/acts.mjs: the tests' own stroke); the page answers the finished drawing once the pretrained network is in the
// worker (the prediction's data-pending is "false" again after the pen lifted). Printed per
// round, in ms from the start of navigation: the load event, the pretrained network answering
// (the active-model line), the pen down and lifted, and the finished drawing's digit shown; then
// "load → answer" and the load average. The last line is one JSON object, with the medians of
// load → answer and of navigation → answer (work moved before the load event moves the first
// one and not the second).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { drawSeven } from '../tests/web/acts.mjs';
import { launchBrowser, startServer } from '../tests/web/harness.mjs';
import { cpuModel, loadAverage } from './machine.mjs';

const args = process.argv.slice(2);
const ROUNDS = Number(args.includes('--rounds') ? args[args.indexOf('--rounds') + 1] : 5);
const ROOTS = args.flatMap((a, i) => (a === '--root' ? [args[i + 1]] : []));
// How the page's window is opened (windowOpen): settled first, or (--ventana-nueva)
// navigated at once, Chromium's own window UI loading alongside; --comparar-ventanas alternates both.
const WINDOWS = args.includes('--comparar-ventanas') ? [false, true] : [args.includes('--ventana-nueva')];

/**
 * The page a round navigates in: a new window (`context`, fresh caches, no service worker),
 * opened the way a teacher's browser is, before she types the address. Chromium loads, with
 * each new window, its own omnibox popup (chrome://omnibox-popup.top-chrome, a WebUI renderer
 * of about 100 modules): 0.7-1.6 s of one core in a trace, and it fell in the middle of the
 * page's load on a 2-core machine, as did the closing of the last round's window. So the
 * window shows about:blank until the machine's CPUs are at least 80% idle over a quarter
 * second (/proc/stat; 6 s at most), and only then is the page's address opened.
 * `nueva` (--ventana-nueva) navigates at once.
 */
export async function windowOpen(context, { freshWindow = false } = {}) {
  const page = await context.newPage();
  if (freshWindow) return page;
  await page.goto('about:blank');
  const cpu = () => readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  for (const until = Date.now() + 6000; Date.now() < until;) {
    const a = cpu();
    await new Promise((r) => setTimeout(r, 250));
    const b = cpu();
    const total = b.reduce((sum, v, i) => sum + v - a[i], 0);
    if (total > 0 && (b[3] + b[4] - a[3] - a[4]) / total >= 0.8) break;  // idle + iowait
  }
  return page;
}

async function round(browser, url, freshWindow) {
  const context = await browser.newContext();
  const page = await windowOpen(context, { freshWindow });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="active-model"]')?.dataset.model !== 'preentrenada') return;
      window.__red ??= performance.now();
      observer.disconnect();
    }).observe(document, { subtree: true, attributes: true, childList: true });
  });
  await page.goto(url, { waitUntil: 'commit' });
  const { penDown, penUp, answer: answerAt } = await drawSeven(page);
  // The active-model line may come after the answer: the page answers the drawing first.
  await page.waitForFunction(() => window.__red !== undefined, null, { timeout: 30_000 });
  const r = await page.evaluate(() => ({
    load: performance.getEntriesByType('navigation')[0].loadEventEnd, red: window.__red,
    digito: document.querySelector('[data-testid="prediction"]').textContent,
  }));
  await context.close();
  return { ...r, penDown, penUp, answerAt };
}

const servers = ROOTS.length
  ? await Promise.all(ROOTS.map((root) => startServer({ args: ['--root', root] })))
  : [await startServer()];
// Each case is a root and a way of opening the window.
const cases = (ROOTS.length ? ROOTS : ['web/dist']).flatMap((root, k) => WINDOWS.map((freshWindow) => ({
  url: servers[k].url, freshWindow, name: WINDOWS.length > 1 ? `${root} (${freshWindow ? 'new' : 'settled'} window)` : root,
})));
const names = cases.map((c) => c.name);
console.log(`CPU: ${cpuModel()}; load average ${loadAverage()}`);
const browser = await launchBrowser();
const results = names.map(() => []);
const sinceNavigation = names.map(() => []);  // the answer in ms from the start of navigation
try {
  for (let i = 0; i < ROUNDS; i++) {
    for (const [k, { url, freshWindow }] of cases.entries()) {
      const r = await round(browser, url, freshWindow);
      const f = (v) => `${v.toFixed(0)} ms`;
      console.log(`round ${i + 1}${names.length > 1 ? ` ${names[k]}` : ''}: load ${f(r.load)}, network answering ${f(r.red)}, pen down ${f(r.penDown)}, lifted ${f(r.penUp)}, ` +
        `digit ${r.digito} shown ${f(r.answerAt)}: load → answer ${f(r.answerAt - r.load)}; load average ${loadavg()[0].toFixed(2)}`);
      results[k].push(Math.round(r.answerAt - r.load));
      sinceNavigation[k].push(Math.round(r.answerAt));
    }
  }
} finally {
  await browser.close();
  for (const server of servers) server.close();
}
const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1];
if (names.length === 1) {
  console.log(JSON.stringify({ load_to_answer_ms: results[0], median_ms: median(results[0]),
    navigation_to_answer_ms: sinceNavigation[0], navigation_median_ms: median(sinceNavigation[0]), loadavg: loadavg().map((v) => Number(v.toFixed(2))), cpu: cpuModel() }));
} else {
  console.log(JSON.stringify({
    roots: names.map((root, k) => ({ root, load_to_answer_ms: results[k], median_ms: median(results[k]), ratio_to_first: Number((median(results[k]) / median(results[0])).toFixed(2)),
      navigation_to_answer_ms: sinceNavigation[k], navigation_median_ms: median(sinceNavigation[k]) })),
    loadavg: loadavg().map((v) => Number(v.toFixed(2))), cpu: cpuModel(),
  }));
}
