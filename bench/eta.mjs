// eta.mjs: how good is the time left a training run shows? Trains the notebook's configuration
// (keras-mnist, batch 32, Adadelta lr 1, validation on the whole test set after each epoch) for
// two epochs through the app's worker in headless Chromium, and prints the time left the worker
// estimated when 25 % of the run was done (web/js/eta.js) against the time the run then really
// took, plus what scoring a validation image cost against training on one (eta.js's
// VALIDATION_COST stands in for it until the first validation pass is timed). Figures only:
// the machine is shared, so the CPU model and the load average are printed beside them.
// usage: node bench/eta.mjs [--train-limit N] [--preset P] [--batch N]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { openPage } from '../tests/web/harness.mjs';
import { cpuModel, loadAverage, withBrowser } from './machine.mjs';

const { values: o } = parseArgs({ options: {
  'train-limit': { type: 'string', default: '0' }, preset: { type: 'string', default: 'keras-mnist' }, batch: { type: 'string', default: '32' } } });
const cpu = cpuModel();
await withBrowser({ isolation: true }, async ({ server, browser }) => {
  const { page } = await openPage(browser, server.url);
  const load0 = loadAverage();
  const r = await page.evaluate(async ({ preset, trainLimit, batchSize }) => {
    const { ConvAulaClient } = await import('/js/client.js');
    const c = new ConvAulaClient('/worker.js');
    await c.init();
    await c.loadData();
    await c.build(preset);
    const events = [];
    c.on('progress', (p) => events.push({ t: performance.now(), ...p }));
    c.on('epoch', (e) => events.push({ t: performance.now(), type: 'epoch', ...e }));
    const t0 = performance.now();
    const { history } = await c.train({ epochs: 2, batchSize, trainLimit, optimizer: { type: 'adadelta', lr: 1 } });
    const end = performance.now();
    c.terminate();
    const at25 = events.find((e) => e.fraction >= 0.25);
    // Per epoch: training seconds (the engine's) and the validation pass (first validating event
    // to the epoch event), per image.
    const costs = history.map((h, i) => {
      const v0 = events.find((e) => e.validating && e.epoch === i + 1);
      const eEnd = events.find((e) => e.type === 'epoch' && e.epoch === i + 1);
      const images = v0.batches * batchSize;
      return { train: h.seconds / Math.min(images, trainLimit || 60000), val: (eEnd.t - v0.t) / 1000 / v0.valImages };
    });
    return { total: (end - t0) / 1000, at: (at25.t - t0) / 1000, fraction: at25.fraction, eta: at25.etaSeconds,
      actual: (end - at25.t) / 1000, costs };
  }, { preset: o.preset, trainLimit: Number(o['train-limit']), batchSize: Number(o.batch) });
  const ratio = r.costs.map((c) => (c.val / c.train).toFixed(3));
  console.log(`cpu: ${cpu}; load average ${load0} → ${loadAverage()} (a shared, loaded machine)`);
  console.log(`${o.preset}, batch ${o.batch}, 2 epochs${Number(o['train-limit']) ? ` of ${o['train-limit']} images` : ''}, validation on 10,000: ${r.total.toFixed(1)} s`);
  console.log(`at ${(100 * r.fraction).toFixed(1)} % (${r.at.toFixed(1)} s): time left shown ${r.eta.toFixed(1)} s, actually ${r.actual.toFixed(1)} s: ` +
    `error ${(100 * (r.eta - r.actual) / r.actual).toFixed(1)} % (target within ±25 %)`);
  console.log(`validation image cost / training image cost, per epoch: ${ratio.join(', ')} (eta.js's VALIDATION_COST before the first pass)`);
  console.log(JSON.stringify({ bench: 'eta', preset: o.preset, batch: Number(o.batch), ...r, ratio: ratio.map(Number), cpu, load: loadavg() }));
});
