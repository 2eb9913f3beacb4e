#!/usr/bin/env node
// ajuste-fino.mjs: how long does «Enséñale a la red»'s fine-tuning take with its default
// settings? 50 drawings (the first 50 MNIST test images as bytes, standing in for a student's:
// the time does not depend on what they show), the engine's default epochs and batch size and
// the section's default replay share, through the app's worker in headless Chromium with the
// threads it picks (2 on a 2-core machine). Prints, per run: the fineTune request's wall time
// (scoring MNIST's first test images after, as the section does), the engine's training seconds
// (its epochs), and scoring those first test images and all 10,000 alone.
// With --class N, the class's network instead: a scripted class set (tests/web/teach-strokes.mjs's
// classStrokes: three students' styles of one idiosyncratic hand, N of each digit each, made by
// the engine as the page makes a drawing), split as the page splits it (20 % of each digit held
// out, seeded), fine-tuned in slot 'clase' with the page's settings for it (AJUSTE_CLASE; --epochs,
// --batch, --lr override them) at the default replay and with none; prints held-out accuracy
// before → after and MNIST's whole 10,000-image test set before → after.
// Figures only: the machine is shared, so the CPU model and the load average are printed too.
// usage: node bench/ajuste-fino.mjs [--runs 3] | --class 5 [--epochs E] [--batch B] [--lr L]
import { parseArgs } from 'node:util';
import { openPage } from '../tests/web/harness.mjs';
import { cpuModel, loadAverage, withBrowser } from './machine.mjs';
import { classStrokes, engineBytes } from '../tests/web/teach-strokes.mjs';

const { values: o } = parseArgs({ options: { runs: { type: 'string', default: '3' }, class: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' } } });
const cpu = cpuModel();
const f = (x) => x.toFixed(2);
const pct = (x) => `${(100 * x).toFixed(1)} %`;

// The class's network: the set made by the page's engine, then the section's run in slot 'clase'.
async function classNetwork(page, perDigit, overrides) {
  await page.evaluate(async () => {
    const { ConvAulaClient } = await import('/js/client.js');
    window.benchClient = new ConvAulaClient('/worker.js');
    window.benchInfo = await window.benchClient.init({ manifest: '/models/keras-mnist.json' });
  });
  const set = classStrokes(perDigit);
  const bytes = await engineBytes(page, set.map((d) => d.strokes), 'benchClient');
  return page.evaluate(async ([x, y, overrides]) => {
    const c = window.benchClient;
    const { REPASO_DEFECTO } = await import('/js/leccion/ensena.js');
    const { AJUSTE_CLASE, dividirClase, empaquetar, medir } = await import('/js/leccion/ensena-datos.js');
    const settings = { ...AJUSTE_CLASE, ...overrides };
    const dibujos = y.map((cifra, i) => ({ cifra, pixeles: Uint8Array.from(x[i]) }));
    const { aprender, aparte } = dividirClase(dibujos);
    const held = async (model) => {
      const predichas = [];
      for (const i of aparte) predichas.push((await c.predict({ pixels: Float32Array.from(dibujos[i].pixeles, (v) => v / 255) }, { model })).digit);
      return medir(aparte.map((i) => dibujos[i].cifra), predichas).exactitud;
    };
    const before = { held: await held('principal'), mnist: (await c.evaluate({})).accuracy };
    const runs = [];
    for (const replay of [REPASO_DEFECTO, 0]) {
      await c.copyModel('principal', 'clase');
      const { pixeles, etiquetas } = empaquetar(dibujos, aprender);
      const t0 = performance.now();
      const { history } = await c.fineTune(pixeles, etiquetas, { model: 'clase', replay: replay / 100, seed: 1, testLimit: 2000, ...settings });
      const wall = (performance.now() - t0) / 1000;
      runs.push({ replay, wall, epochs: history.length, held: await held('clase'), mnist: (await c.evaluate({ model: 'clase' })).accuracy });
    }
    c.terminate();
    return { settings, threads: window.benchInfo.threads, variant: window.benchInfo.variant, n: dibujos.length, learn: aprender.length, heldOut: aparte.length, before, runs };
  }, [bytes, set.map((d) => d.digit), overrides]);
}

async function fiftyDrawings(page, load0) {
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
  console.log(`CPU: ${cpu}; load average before ${load0}, after ${loadAverage()}`);
  console.log(`engine ${r.variant}, ${r.threads} threads; 50 drawings, replay ${r.replay} %, default epochs and batch`);
  for (const [i, x] of r.out.entries()) {
    console.log(`run ${i + 1}: fineTune ${f(x.wall)} s (training ${f(x.training)} s over ${x.epochs} epochs, then scoring the first ${r.limit} test images); ` +
      `scoring alone: first ${r.limit} ${f(x.part)} s, all 10,000 ${f(x.all)} s`);
  }
}

await withBrowser({ isolation: true }, async ({ server, browser }) => {
  const { page } = await openPage(browser, server.url);
  const load0 = loadAverage();
  if (o.class) {
    const overrides = { ...(o.epochs && { epochs: Number(o.epochs) }), ...(o.batch && { batchSize: Number(o.batch) }),
      ...(o.lr && { optimizer: { type: 'adam', lr: Number(o.lr) } }) };
    const r = await classNetwork(page, Number(o.class), overrides);
    console.log(`CPU: ${cpu}; load average before ${load0}, after ${loadAverage()}`);
    console.log(`engine ${r.variant}, ${r.threads} threads; scripted class set of ${r.n} drawings (3 students × ${o.class} of each digit), ` +
      `${r.learn} to learn, ${r.heldOut} held out; fineTune settings ${JSON.stringify(r.settings)} (else the engine's defaults)`);
    console.log(`lesson network: held-out ${pct(r.before.held)}, MNIST test (10,000) ${pct(r.before.mnist)}`);
    for (const x of r.runs) {
      console.log(`replay ${x.replay} %: held-out ${pct(r.before.held)} -> ${pct(x.held)}, MNIST test (10,000) ${pct(r.before.mnist)} -> ${pct(x.mnist)}; ` +
        `fineTune ${f(x.wall)} s over ${x.epochs} epochs (scoring MNIST's first 2,000 after, as the page does)`);
    }
  } else {
    await fiftyDrawings(page, load0);
  }
});
