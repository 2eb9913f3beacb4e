#!/usr/bin/env node
// arranque-traza.mjs: where the time goes from navigation to the first drawn-digit answer
// (issue 13's "<= 1 s after load"). Figures, not a test.
//
//   node bench/arranque-traza.mjs [--rounds 3] [--root web/dist] [--ventana-nueva]
//
// Each round is a first visit in a fresh Chromium context (empty caches, no service worker) to
// scripts/serve.mjs on loopback, from a window left to settle first (bench/siete.mjs; with
// --ventana-nueva, at once), recorded with a Chromium trace (devtools.timeline, v8, wasm)
// from before navigation until the answer. As soon as the load event has fired, a 7 is drawn
// (bench/siete.mjs). Printed per round, in ms from the start of navigation:
// the page's milestones (DOMContentLoaded, load, engine shown, pretrained network answering, pen
// down and up, digit shown); every request (page and worker) with its start and end; per thread
// (the page's main thread, the engine's worker, its pthreads) the busy time before the answer
// and the trace events that fill it; and the main thread's tasks over 50 ms. The last line is
// one JSON object with the milestones of every round and the load average.
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startServer } from '../tests/web/harness.mjs';
import { dibujarSiete, ventanaAbierta } from './siete.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const ROUNDS = Number(option('--rounds', 3));
const DIST = option('--root', `${ROOT}web/dist`);
const NUEVA = args.includes('--ventana-nueva');  // as primera-respuesta.mjs
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm',
  'disabled-by-default-v8.compile', 'blink.user_timing', 'loading'];


// The page's milestones, in performance.now() ms (the page's clock starts at navigation).
function watchMilestones() {
  const t = (window.__hitos = {});
  new MutationObserver(() => {
    const variante = document.querySelector('[data-testid="engine-variant"]');
    const modelo = document.querySelector('[data-testid="active-model"]');
    if (variante?.dataset.variant && t.motor === undefined) t.motor = performance.now();
    if (modelo?.dataset.model === 'preentrenada' && t.red === undefined) t.red = performance.now();
  }).observe(document, { subtree: true, attributes: true, childList: true });
  document.addEventListener('DOMContentLoaded', () => { t.dcl = performance.now(); });
}

async function drawAndWait(page) {
  const m = await dibujarSiete(page);
  return { ...m, ...await page.evaluate(() => ({ ...window.__hitos, load: performance.getEntriesByType('navigation')[0].loadEventEnd })) };
}

const threadNames = (events) => {
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  return names;
};

// Outermost-per-name time of complete events on one thread within [from, to).
function fill(events, from, to) {
  const sums = new Map();
  const open = [];
  for (const e of events.filter((x) => x.ph === 'X' && x.ts >= from && x.ts < to).sort((a, b) => a.ts - b.ts)) {
    while (open.length && open.at(-1).end <= e.ts) open.pop();
    const d = e.args?.data ?? {};
    const where = e.name === 'FunctionCall' || e.name === 'EvaluateScript' || e.name === 'v8.compileModule' || e.name === 'v8.evaluateModule'
      ? ` ${(d.url ?? d.fileName ?? '').replace(/^https?:\/\/[^/]+\//, '')}${d.functionName ? ` ${d.functionName}` : ''}` : '';
    const key = `${e.name}${where}`;
    if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask' && !open.some((o) => o.key === key)) {
      sums.set(key, (sums.get(key) ?? 0) + (e.dur ?? 0));
    }
    open.push({ key, end: e.ts + (e.dur ?? 0) });
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

const ms = (us) => (us / 1000).toFixed(0);

async function round(browser, url) {
  const context = await browser.newContext();
  const page = await ventanaAbierta(context, { nueva: NUEVA });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.addInitScript(watchMilestones);
  await browser.startTracing(page, { categories: CATEGORIES });
  await page.goto(url, { waitUntil: 'commit' });
  const m = await drawAndWait(page);
  const trace = JSON.parse((await browser.stopTracing()).toString());
  await context.close();

  const events = trace.traceEvents ?? trace;
  // navigationStart of this page's main-frame document is the page's time 0 on the trace clock.
  const nav = events.filter((e) => e.name === 'navigationStart' && String(e.args?.data?.documentLoaderURL ?? '').startsWith(url)).at(-1);
  const t0 = nav.ts;
  const end = t0 + m.answer * 1000;
  const at = (us) => ms(us - t0);
  console.log(`  milestones (ms): ${Object.entries(m).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}; ` +
    `load → answer ${(m.answer - m.load).toFixed(0)} ms`);

  // Requests: send → finish, page and worker alike.
  const sent = new Map();
  for (const e of events) {
    const d = e.args?.data;
    if (e.name === 'ResourceSendRequest' && d?.url?.startsWith(url)) sent.set(d.requestId, { url: d.url.slice(url.length) || '/', start: e.ts });
    if (e.name === 'ResourceFinish' && sent.has(d?.requestId)) Object.assign(sent.get(d.requestId), { end: e.ts, bytes: d.encodedDataLength });
  }
  console.log('  requests (start → end ms, bytes):');
  for (const r of [...sent.values()].sort((a, b) => a.start - b.start)) {
    console.log(`    ${at(r.start).padStart(5)} → ${(r.end ? at(r.end) : '?').padStart(5)}  ${String(r.bytes ?? '?').padStart(8)}  ${r.url}`);
  }

  // Busy time per thread of the page's renderer, from navigation to the answer.
  const names = threadNames(events);
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || e.ts < t0 || e.ts >= end) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e);
  }
  const rendererPid = nav.pid;
  const busy = [];
  for (const [k, list] of byThread) {
    const name = names.get(k) ?? k;
    if (!k.startsWith(`${rendererPid}:`) || !/CrRendererMain|DedicatedWorker|ThreadPoolForegroundWorker|V8/.test(name)) continue;
    const tasks = list.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
    const wall = tasks.reduce((s, e) => s + (e.dur ?? 0), 0);
    if (wall < 20_000) continue;
    busy.push({ k, name, wall, list, tasks });
  }
  busy.sort((a, b) => b.wall - a.wall);
  for (const { name, wall, list, tasks } of busy) {
    const first = Math.min(...tasks.map((e) => e.ts));
    console.log(`  thread ${name}: busy ${ms(wall)} ms between ${at(first)} and the answer; filled by:`);
    for (const [what, us] of fill(list, t0, end).slice(0, 10)) console.log(`    ${ms(us).padStart(6)} ms  ${what}`);
    if (name === 'CrRendererMain') {
      for (const task of tasks.filter((e) => e.dur >= 50_000).sort((a, b) => a.ts - b.ts)) {
        const top = fill(list, task.ts, task.ts + task.dur).slice(0, 4).map(([w, us]) => `${w} ${ms(us)}`).join('; ');
        console.log(`    long task at ${at(task.ts)}: ${ms(task.dur)} ms: ${top}`);
      }
    }
  }
  return m;
}

const server = await startServer({ args: ['--root', DIST] });
const browser = await launchBrowser();
const all = [];
try {
  for (let i = 0; i < ROUNDS; i++) {
    console.log(`round ${i + 1} (load average ${loadavg()[0].toFixed(2)}):`);
    all.push(await round(browser, server.url));
  }
} finally {
  await browser.close();
  server.close();
}
const round0 = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));
console.log(JSON.stringify({ milestones_ms: all.map(round0), load_to_answer_ms: all.map((m) => Math.round(m.answer - m.load)), loadavg: loadavg().map((v) => Number(v.toFixed(2))) }));
