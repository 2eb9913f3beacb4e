#!/usr/bin/env node
// ajuste-fino.mjs: how long does «Enséñale a la red»'s fine-tuning take with its default
// settings? 50 drawings (the first 50 MNIST test images as bytes, standing in for a student's:
// the time does not depend on what they show), the engine's default epochs and batch size and
// the section's default replay share, through the app's worker in headless Chromium with the
// threads it picks (2 on a 2-core machine). Prints, per run: the fineTune request's wall time
// (scoring MNIST's first test images after, as the section does), the engine's training seconds
// (its epochs), and scoring those first test images and all 10,000 alone.
// Figures only: the machine is shared, so the CPU model and the load average are printed too.
// usage: node bench/ajuste-fino.mjs [--runs 3]
import { parseArgs } from 'node:util';
import { openPage } from '../tests/web/harness.mjs';
import { cpuModel, loadAverage, withBrowser } from './machine.mjs';

const { values: o } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const cpu = cpuModel();
await withBrowser({ isolation: true }, async ({ server, browser }) => {
  const { page } = await openPage(browser, server.url);
  const load0 = loadAverage();
  const r = await page.evaluate(async (runs) => {
    const { ConvAulaClient } = await import('/js/client.js');
    const { REPASO_DEFECTO, MNIST_PRUEBA } = await import('/js/leccion/ensena.js');
    const c = new ConvAulaClient('/worker.js');
    const info = await c.init({ manifest: '/models/keras-mnist.json' });
    await c.loadData();
    const t = await c.testImages({ start: 0, count: 50 });
    const out = [];
    for (let i = 0; i < runs; i++) {
      const pixels = Uint8Array.from(t.pixels, (v) => Math.round(v * 255));
      await c.copyModel('principal', 'mi-letra');
      const t0 = performance.now();
      const { history } = await c.fineTune(pixels, t.labels.slice(), { model: 'mi-letra', replay: REPASO_DEFECTO / 100, seed: 1, testLimit: MNIST_PRUEBA });
      const wall = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      await c.evaluate({ model: 'mi-letra', limit: MNIST_PRUEBA });
      const t2 = performance.now();
      await c.evaluate({ model: 'mi-letra' });
      const t3 = performance.now();
      out.push({ wall, training: history.reduce((s, h) => s + h.seconds, 0), part: (t2 - t1) / 1000, all: (t3 - t2) / 1000, epochs: history.length });
    }
    c.terminate();
    return { threads: info.threads, variant: info.variant, replay: REPASO_DEFECTO, limit: MNIST_PRUEBA, out };
  }, Number(o.runs));
  const f = (x) => x.toFixed(2);
  console.log(`CPU: ${cpu}; load average before ${load0}, after ${loadAverage()}`);
  console.log(`engine ${r.variant}, ${r.threads} threads; 50 drawings, replay ${r.replay} %, default epochs and batch`);
  for (const [i, x] of r.out.entries()) {
    console.log(`run ${i + 1}: fineTune ${f(x.wall)} s (training ${f(x.training)} s over ${x.epochs} epochs, then scoring the first ${r.limit} test images); ` +
      `scoring alone: first ${r.limit} ${f(x.part)} s, all 10,000 ${f(x.all)} s`);
  }
});
