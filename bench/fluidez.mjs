#!/usr/bin/env node
// fluidez.mjs: does the page keep up with a student? Figures, not a test (the tests assert what
// happens, never how fast). Printed, with the CPU model and the load average:
//   - stroke → bars: ms from a stroke's pointerdown to the bars' first update after it, page idle;
//   - while the classroom preset trains on 60.000 images: the longest main-thread task
//     (PerformanceObserver 'longtask') and a 10 ms timer's delays (which also count the OS
//     giving the CPU to the worker's threads or another program);
//   - the worker through client.js while it trains: a predict's round trip, how long a refused
//     loadData (busy) takes to come back, and progress events a second (the worker sends at
//     most about 10).
//
//   node bench/fluidez.mjs [--strokes 7] [--seconds 8] [--no-isolation]
import { cpus } from 'node:os';
import { draw, setUpRun } from '../tests/web/acts.mjs';
import { openPage, waitState } from '../tests/web/harness.mjs';
import { cpuModel, loadAverage, withBrowser } from './machine.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const STROKES = option('--strokes', 7);
const SECONDS = option('--seconds', 8);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const f = (x) => x.toFixed(1);

async function strokeToBars(page) {
  await page.evaluate(() => {
    window.__latencies = [];
    let since = null;
    document.querySelector('[data-testid="draw-canvas"]').addEventListener('pointerdown', (e) => { since = e.timeStamp; }, true);
    new MutationObserver(() => {
      if (since !== null) { window.__latencies.push(performance.now() - since); since = null; }
    }).observe(document.querySelector('[data-testid="prob-0"]'), { attributes: true, attributeFilter: ['data-value'] });
  });
  for (let i = 0; i < STROKES; i++) {
    await draw(page, [[[0.2 + 0.08 * (i % 8), 0.3], [0.25 + 0.08 * (i % 8), 0.6]]]);
    await page.waitForTimeout(250);
  }
  return page.evaluate(() => window.__latencies);
}

async function whileTraining(page) {
  await setUpRun(page, { images: 60000 });
  await page.evaluate(() => {
    const probe = { longestTask: 0, gaps: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longestTask = Math.max(probe.longestTask, e.duration);
    }).observe({ type: 'longtask' });
    let last = performance.now();
    setInterval(() => { const now = performance.now(); probe.gaps.push(now - last - 10); last = now; }, 10);
    window.__probe = probe;
  });
  await page.getByTestId('train-start').click();
  await waitState(page, ['training']);
  await page.waitForTimeout(SECONDS * 1000);
  await page.getByTestId('train-stop').click();
  await waitState(page, ['done', 'idle'], 60_000);
  return page.evaluate(() => window.__probe);
}

// The worker alone, through client.js, as worker-protocol.test.mjs drives it.
function workerFigures(page) {
  return page.evaluate(async (seconds) => {
    const { ConvAulaClient } = await import('/js/client.js');
    const c = new ConvAulaClient('/worker.js');
    const progress = [];
    c.on('progress', () => progress.push(performance.now()));
    await c.init();
    await c.loadData({ trainLimit: 10000 });
    await c.build('classroom');
    const run = c.train({ epochs: 3, trainLimit: 10000 });
    const predictMs = [], refusedMs = [];
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      let t0 = performance.now();
      await c.predict({ pixels: new Float32Array(784) });
      predictMs.push(performance.now() - t0);
      t0 = performance.now();
      await c.loadData({ sets: ['train', 'test'] }).catch(() => {});
      refusedMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 200));
    }
    await c.stop();
    await run;
    c.terminate();
    const perSecond = ((progress.length - 1) * 1000) / (progress.at(-1) - progress[0]);
    return { predictMs, refusedMs, perSecond };
  }, SECONDS);
}

await withBrowser({ isolation: !args.includes('--no-isolation') }, async ({ server, browser }) => {
  const app = await openPage(browser, server.url, '');
  await app.page.setViewportSize({ width: 1366, height: 768 });
  await waitState(app.page, ['idle'], 120_000);
  const latencies = await strokeToBars(app.page);
  const probe = await whileTraining(app.page);
  await app.context.close();
  const client = await openPage(browser, server.url);
  const w = await workerFigures(client.page);
  await client.context.close();
  const gaps = probe.gaps;
  console.log(`CPU ${cpuModel()} ×${cpus().length}, load average ${loadAverage()}`);
  console.log(`stroke → bars (page idle): median ${f(median(latencies))} ms over ${latencies.length} of ${STROKES} strokes`);
  console.log(`while training: longest main-thread task ${f(probe.longestTask)} ms; timer delay median ${f(median(gaps))} ms, ` +
    `max ${f(Math.max(...gaps))} ms, ${gaps.filter((g) => g > 100).length} of ${gaps.length} over 100 ms`);
  console.log(`worker while training: predict median ${f(median(w.predictMs))} ms (max ${f(Math.max(...w.predictMs))}); ` +
    `refused loadData median ${f(median(w.refusedMs))} ms; ${f(w.perSecond)} progress events a second`);
});
