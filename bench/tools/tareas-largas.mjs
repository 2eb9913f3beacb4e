#!/usr/bin/env node
// tareas-largas.mjs: the main thread's long tasks in the first seconds of a training run, and
// what they spend their time on. Figures, not a pass/fail test.
//
//   node bench/tools/tareas-largas.mjs [--runs 3] [--seconds 8] [--root web/dist] [--scroll-first] [--no-isolation]
//
// Each run opens the page in Debian's Chromium (served by scripts/serve.mjs on loopback, with
// COOP/COEP), waits for the engine, picks the classroom preset and all 60.000 images as tests/web/training-panel.test.mjs
// does, and presses "Entrenar" with a Chromium trace (devtools.timeline) and a V8 CPU profile
// (CDP Profiler, 200 µs sampling) recording for `seconds`. The click scrolls the training
// panel into view, as in that test, so the lesson sections near it are built meanwhile;
// --scroll-first scrolls there and waits for them before the click, which leaves the run's own
// tasks. It prints, per run: every main-thread task over 50 ms (the trace's RunTask on the
// page's main thread) with its time since the click, its wall time and the main thread's CPU
// time in it (a loaded machine stretches the first more than the second), the trace events
// inside it by total time (FunctionCall with the function, GC, Layout, ...), and the JS
// functions the profiler sampled in it by self time. The last line is one JSON object with
// each run's longest task (wall and CPU ms) and the load average. --no-isolation serves the
// page without COOP/COEP: the engine then trains on one thread instead of one per core.
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setUpRun } from '../../tests/web/acts.mjs';
import { launchBrowser, startServer, waitState } from '../../tests/web/harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const RUNS = Number(option('--runs', 3));
const SECONDS = Number(option('--seconds', 8));
const DIST = option('--root', `${ROOT}web/dist`);
const SCROLL_FIRST = args.includes('--scroll-first');
const NO_ISOLATION = args.includes('--no-isolation');
const LONG_MS = 50;


// The renderer main thread of the page: the thread named CrRendererMain whose process ran
// the page's navigation (the one with the most RunTask time, if several renderers exist).
function mainThread(events) {
  const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'CrRendererMain');
  let best = null, bestTime = -1;
  for (const n of names) {
    const time = events.filter((e) => e.pid === n.pid && e.tid === n.tid && e.name === 'RunTask')
      .reduce((s, e) => s + (e.dur ?? 0), 0);
    if (time > bestTime) { best = n; bestTime = time; }
  }
  return best;
}

function describe(e) {
  const d = e.args?.data ?? {};
  if (e.name === 'FunctionCall' || e.name === 'EventDispatch' || e.name === 'TimerFire' || e.name === 'FireAnimationFrame') {
    const where = d.functionName || d.type || '';
    const url = d.url ? ` ${d.url.replace(/^https?:\/\/[^/]+\//, '')}:${d.lineNumber ?? ''}` : '';
    return `${e.name} ${where}${url}`;
  }
  return e.name;
}

// Trace events nested in [start, end) on the same thread, summed by description (outermost
// only for each description, so nested calls of one function are not counted twice).
function insideTask(events, task) {
  const end = task.ts + task.dur;
  const sums = new Map();
  const open = [];
  const inner = events.filter((e) => e !== task && e.ph === 'X' && e.ts >= task.ts && e.ts < end).sort((a, b) => a.ts - b.ts);
  for (const e of inner) {
    while (open.length && open.at(-1).end <= e.ts) open.pop();
    const key = describe(e);
    if (!open.some((o) => o.key === key)) sums.set(key, (sums.get(key) ?? 0) + (e.dur ?? 0));
    open.push({ key, end: e.ts + (e.dur ?? 0) });
  }
  return [...sums].sort((a, b) => b[1] - a[1]).slice(0, 8);
}

// Self time of the JS functions sampled in [start, end) (profile times are µs on the trace's clock).
function profiledIn(profile, start, end) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    if (t < start || t >= end) return;
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^https?:\/\/[^/]+\//, '')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 8);
}

const ms = (us) => `${(us / 1000).toFixed(1)} ms`;

async function oneRun(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(url);
  await waitState(page, ['idle'], 120_000);
  await setUpRun(page, { images: 60000 });
  if (SCROLL_FIRST) {
    await page.getByTestId('train-start').scrollIntoViewIfNeeded();
    // The sections the lazy loader starts around the panel, and their first drawing.
    await page.waitForFunction(() => [...document.querySelectorAll('main section[data-section]')]
      .filter((s) => s.getBoundingClientRect().bottom > -innerHeight && s.getBoundingClientRect().top < 2 * innerHeight)
      .every((s) => s.dataset.ready || s.dataset.error), null, { timeout: 60_000 });
    await page.waitForTimeout(3000);
  }
  await page.waitForTimeout(1000);  // let the page settle: only the run's own tasks are wanted

  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'] });
  await cdp.send('Profiler.start');
  const clickAt = await page.evaluate(() => performance.now());
  await page.getByTestId('train-start').click();
  await page.waitForTimeout(SECONDS * 1000);
  const { profile } = await cdp.send('Profiler.stop');
  const trace = JSON.parse((await browser.stopTracing()).toString());
  const batch = await page.getByTestId('train-status').getAttribute('data-batch');
  await context.close();

  const events = trace.traceEvents ?? trace;
  const main = mainThread(events);
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  // The click's own trace event anchors "time since the click" on the trace's clock.
  const click = onMain.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'click');
  const t0 = click?.ts ?? profile.startTime;
  const long = onMain.filter((e) => e.name === 'RunTask' && e.dur >= LONG_MS * 1000 && e.ts >= t0 - 100_000)
    .sort((a, b) => a.ts - b.ts);
  // All the main thread's tasks after the click: wall time against its CPU time.
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.ts >= t0);
  const wall = tasks.reduce((a, e) => a + (e.dur ?? 0), 0), cpu = tasks.reduce((a, e) => a + (e.tdur ?? 0), 0);
  console.log(`run: training reached batch ${batch} after ${SECONDS} s; ${long.length} main-thread tasks over ${LONG_MS} ms` +
    ` (click at page time ${(clickAt / 1000).toFixed(2)} s); all tasks since the click: ${ms(wall)} wall, ${ms(cpu)} CPU`);
  for (const task of long) {
    console.log(`  task at +${ms(task.ts - t0)}: ${ms(task.dur)} (CPU ${ms(task.tdur ?? NaN)})`);
    for (const [what, us] of insideTask(onMain, task)) console.log(`      ${ms(us).padStart(9)}  ${what}`);
    const js = profiledIn(profile, task.ts, task.ts + task.dur);
    if (js.length) console.log(`    JS self time: ${js.map(([f, us]) => `${f} ${ms(us)}`).join('; ')}`);
  }
  const most = long.reduce((m, e) => (e.dur > (m?.dur ?? 0) ? e : m), null);
  return most ? [most.dur / 1000, (most.tdur ?? NaN) / 1000] : [0, 0];
}

const server = await startServer({ isolation: !NO_ISOLATION, args: ['--root', DIST] });
const browser = await launchBrowser();
const longest = [];
try {
  for (let i = 0; i < RUNS; i++) longest.push((await oneRun(browser, server.url)).map((v) => Number(v.toFixed(1))));
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify({ scroll_first: SCROLL_FIRST, no_isolation: NO_ISOLATION, longest_task_wall_cpu_ms: longest, loadavg: loadavg().map((v) => Number(v.toFixed(2))) }));
