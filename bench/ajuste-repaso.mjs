#!/usr/bin/env node
// ajuste-repaso.mjs: which replay share should «Enséñale a la red» start at? Fine-tunes the
// lesson's network on a drawn set (.npz, as the section exports it; tests/web/teach-network
// leaves the scripted students' in build/artifacts/teach-network/) at several replay shares and
// epoch counts, through the app's worker in headless Chromium, and prints for each: accuracy on
// the held-out drawings (the section's split), on the learnt ones, and on MNIST's 10,000 test
// images, with the run's seconds. Figures only; the CPU model and the load average beside them.
// usage: node bench/ajuste-repaso.mjs --set FILE.npz [--replays 0,30,50,70,90] [--runs E:LR:B,...]
//   --runs: epochs, Adam learning rate and batch size per configuration (0: the engine's default)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { unzipSync } from 'fflate';
import { openPage } from '../tests/web/harness.mjs';
import { cpuModel, loadAverage, withBrowser } from './machine.mjs';
import { leerNpz } from '../web/js/leccion/ensena-npz.js';
import { dividir, empaquetar } from '../web/js/leccion/ensena-datos.js';

const { values: o } = parseArgs({ options: { set: { type: 'string' }, replays: { type: 'string', default: '0,30,50,70,90' },
  runs: { type: 'string', default: '0:0:0' } } });
const configs = o.runs.split(',').map((c) => c.split(':').map(Number));
const { x, y } = leerNpz(new Uint8Array(readFileSync(o.set)), unzipSync);
const dibujos = Array.from(y, (cifra, i) => ({ cifra, pixeles: x.slice(i * 784, (i + 1) * 784) }));
const { aprender, aparte } = dividir(dibujos);
const learn = empaquetar(dibujos, aprender), held = empaquetar(dibujos, aparte);
const cpu = cpuModel();
await withBrowser({ isolation: true }, async ({ server, browser }) => {
  const { page } = await openPage(browser, server.url);
  const load0 = loadAverage();
  const rows = await page.evaluate(async ({ learn, held, replays, configs }) => {
    const { ConvAulaClient } = await import('/js/client.js');
    const c = new ConvAulaClient('/worker.js');
    await c.init({ manifest: '/models/keras-mnist.json' });
    await c.loadData();
    const accuracy = async (slot, set) => {
      let right = 0;
      for (let i = 0; i < set.labels.length; i++) {
        const pixels = Float32Array.from(set.pixels.slice(i * 784, (i + 1) * 784), (v) => v / 255);
        right += (await c.predict({ pixels }, { model: slot })).digit === set.labels[i];
      }
      return right / set.labels.length;
    };
    const out = [{ replay: null, held: await accuracy('principal', held), learnt: await accuracy('principal', learn),
      mnist: (await c.evaluate()).accuracy }];
    for (const [epochs, lr, batchSize] of configs) for (const replay of replays) {
      await c.copyModel('principal', 'mi-letra');
      const t0 = performance.now();
      const optimizer = lr ? { type: 'adam', lr } : undefined;
      const r = await c.fineTune(Uint8Array.from(learn.pixels), Uint8Array.from(learn.labels),
        { model: 'mi-letra', replay: replay / 100, seed: 1, epochs, batchSize, optimizer });
      const training = r.history.reduce((a, h) => a + h.seconds, 0);
      out.push({ replay, epochs: r.history.length, lr, batchSize, training, seconds: (performance.now() - t0) / 1000,
        held: await accuracy('mi-letra', held), learnt: await accuracy('mi-letra', learn), mnist: r.test.accuracy });
    }
    c.terminate();
    return out;
  }, { learn: { pixels: [...learn.pixeles], labels: [...learn.etiquetas] }, held: { pixels: [...held.pixeles], labels: [...held.etiquetas] },
    replays: o.replays.split(',').map(Number), configs });
  const p = (v) => `${(100 * v).toFixed(1)} %`;
  console.log(`CPU: ${cpu}; load average before ${load0}, after ${loadAverage()}`);
  console.log(`set ${o.set}: ${aprender.length} to learn, ${aparte.length} held out`);
  for (const r of rows) {
    const who = r.replay === null ? 'lesson network' : `replay ${r.replay} %, ${r.epochs} epochs, lr ${r.lr || 'default'}, batch ${r.batchSize || 'default'}`;
    const time = r.seconds ? `, training ${r.training.toFixed(1)} s (request ${r.seconds.toFixed(1)} s)` : '';
    console.log(`${who}: held-out ${p(r.held)}, learnt ${p(r.learnt)}, MNIST test ${p(r.mnist)}${time}`);
  }
});
