// cuaderno.mjs: presses «Reproducir el cuaderno» in headless Chromium and waits for the end.
//
// The page is served by scripts/serve.mjs (cross-origin isolated: SIMD + threads) and opened
// with the browser tests' flags (tests/web/harness.mjs). Prints the Keras-style log as the
// page writes it, the wall-clock time of each epoch (validation on the test set included), the
// total, the final test accuracy, the CPU model and the load average seen meanwhile; the last
// line is one JSON object with those figures. Exit status 1 if the run does not finish.
// usage: node bench/cuaderno.mjs [--epochs N --train-limit N] [--root DIR]
//   the defaults: the notebook's 15 epochs over all 60,000 images (the options only shorten a
//   trial run); --root serves a copy of web/dist, so that a rebuild meanwhile cannot disturb it
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { openPage, IDLE, READY } from '../tests/web/harness.mjs';
import { cpuModel, loadAverage, withBrowser } from './machine.mjs';

const { values: opts } = parseArgs({ options: { epochs: { type: 'string' }, 'train-limit': { type: 'string' }, root: { type: 'string' } } });
const trial = {
  ...(opts.epochs ? { epochs: Number(opts.epochs) } : {}),
  ...(opts['train-limit'] ? { trainLimit: Number(opts['train-limit']) } : {}),
};
const POLL_MS = 5000;

const cpu = cpuModel();
let ok = false;
await withBrowser({ isolation: true, args: opts.root ? ['--root', opts.root] : [] }, async ({ server, browser }) => {
  const { page, errors } = await openPage(browser, server.url, '');
  if (Object.keys(trial).length) {
    await page.addInitScript((c) => { globalThis.convaulaPruebas = { cuaderno: c }; }, trial);
    await page.reload();
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
  await page.locator('#entrenar').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
  await page.getByTestId('notebook-run').click();
  const start = Date.now();
  console.log(`cpu: ${cpu}; started ${new Date(start).toISOString()}${Object.keys(trial).length ? `; trial ${JSON.stringify(trial)}` : ''}`);

  const loads = [];
  const epochAt = [];
  let printed = 0, status;
  for (;;) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    loads.push(loadavg()[0]);
    const s = await page.evaluate(() => {
      const log = document.querySelector('[data-testid="notebook-log"]');
      const live = log.querySelector('.cuaderno-vivo')?.textContent ?? '';
      const st = document.querySelector('[data-testid="notebook-status"]');
      return { text: log.textContent.slice(0, log.textContent.length - live.length), state: st.dataset.state, status: st.textContent, ...st.dataset };
    });
    const lines = s.text.split('\n').filter(Boolean);
    for (; printed < lines.length; printed++) {
      const line = lines[printed];
      const wall = (Date.now() - start) / 1000;
      if (/ - val_accuracy: /.test(line)) epochAt.push(wall);
      console.log(`[${wall.toFixed(0).padStart(5)} s] ${line}`);
    }
    status = s;
    if (['done', 'error', 'stopped'].includes(s.state)) break;
  }
  const total = (Date.now() - start) / 1000;
  const perEpoch = epochAt.map((t, i) => t - (i ? epochAt[i - 1] : 0));
  const accuracy = await page.getByTestId('notebook-score').getAttribute('data-accuracy').catch(() => null);
  const answer = await page.getByTestId('notebook-answer').textContent().catch(() => '');
  console.log(status.status);
  console.log(answer);
  if (errors.length) console.log(`console errors: ${errors.join(' | ')}`);
  const mean = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length);
  const out = {
    cpu, state: status.state, epochs: perEpoch.length, total_seconds: total,
    epoch_seconds: perEpoch.map((x) => Number(x.toFixed(1))),
    test_accuracy: accuracy === null ? null : Number(accuracy),
    load_average: { mean: Number(mean.toFixed(2)), min: Math.min(...loads), max: Math.max(...loads) },
  };
  console.log(JSON.stringify(out));
  ok = status.state === 'done';
});
process.exit(ok ? 0 : 1);
