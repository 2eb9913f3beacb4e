// worker-protocol.test.mjs: the engine worker through client.js in real Chromium, with and without
// cross-origin isolation, and the data sets it downloads (counted by serve.mjs --log). How fast
// it answers (predict while training, a refusal) is bench/fluidez.mjs's figure.
//
// One page per suite holds one ConvAulaClient as window.client; each test drives it with
// page.evaluate, so what is checked is exactly what the UI gets. Tests in a suite run in
// order and share the loaded data and model, as a lesson would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { firstVisit, launchBrowser, openPage, startServer } from './harness.mjs';

// Runs fn(client, arg) in the page; a rejection comes back as {error: {code, message_es}}, with
// the Spanish sentence the page would show (web/js/ui/mensajes.js).
function inPage(page, fn, arg) {
  return page.evaluate(async ([src, a]) => {
    const f = new Function(`return (${src})`)();
    try {
      return await f(window.client, a);
    } catch (e) {
      return { error: { code: e.code, message_es: window.errorMessage(e), message: e.message } };
    }
  }, [fn.toString(), arg]);
}

// Runs fn(client, failure, arg) in the page with a client of its own (a fresh worker, terminated
// after); failure(promise) resolves with null, or with {code, es}: a rejection's stable code and
// the Spanish sentence the page shows.
function withFreshClient(page, fn, arg) {
  return page.evaluate(async ([src, a]) => {
    // Made before the first await: DevTools lifts the page's CSP (no eval) only for the
    // evaluation's synchronous part.
    const f = new Function(`return (${src})`)();
    const { ConvAulaClient } = await import('/js/client.js');
    const c = new ConvAulaClient('/worker.js');
    const failure = (p) => p.then(() => null, (e) => ({ code: e.code, es: window.errorMessage(e) }));
    try {
      return await f(c, failure, a);
    } finally {
      c.terminate();
    }
  }, [fn.toString(), arg]);
}

async function openClient(browser, server) {
  const watched = await openPage(browser, server.url);
  await watched.page.evaluate(async () => {
    const { ConvAulaClient } = await import('/js/client.js');
    window.errorMessage = (await import('/js/ui/mensajes.js')).mensajeDeError;
    window.client = new ConvAulaClient('/worker.js');
    window.events = { progress: [], epoch: [], dataProgress: [] };
    for (const type of Object.keys(window.events)) {
      window.client.on(type, (e) => window.events[type].push({ ...e }));
    }
  });
  return watched;
}

describe('worker, cross-origin isolated', { timeout: 600_000 }, () => {
  let server, browser, page, watched;
  before(async () => {
    server = await startServer({ isolation: true });
    browser = await launchBrowser();
    watched = await openClient(browser, server);
    page = watched.page;
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('init picks the SIMD + threads engine', async () => {
    const info = await inPage(page, (c) => c.init());
    assert.equal(info.variant, 'simd-mt');
    assert.equal(info.simd, true);
    assert.ok(info.threads >= 1);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  });

  it('loadData fetches the four gzipped IDX files with progress and keeps a subset', async () => {
    const counts = await inPage(page, (c) => c.loadData({ trainLimit: 10000 }));
    assert.deepEqual(counts, { train: 10000, test: 10000 });
    const progress = await page.evaluate(() => window.events.dataProgress);
    assert.ok(progress.length >= 1);
    const last = progress[progress.length - 1];
    assert.ok(last.total > 10e6, `total ${last.total}`);  // 11.4 MB of gzip
    assert.equal(last.loaded, last.total);
  });

  it('build keras-mnist gives Keras\'s summary', async () => {
    const m = await inPage(page, (c) => c.build('keras-mnist'));
    // Keras's model.summary() for the lesson's network.
    const expected = [
      ['conv2d', 'Conv2D', [26, 26, 32], 320], ['conv2d_1', 'Conv2D', [24, 24, 64], 18496],
      ['max_pooling2d', 'MaxPooling2D', [12, 12, 64], 0], ['dropout', 'Dropout', [12, 12, 64], 0],
      ['flatten', 'Flatten', [9216], 0], ['dense', 'Dense', [128], 1179776],
      ['dropout_1', 'Dropout', [128], 0], ['dense_1', 'Dense', [10], 1290]];
    assert.deepEqual(m.summary.map((r) => [r.name, r.kerasClass, r.output, r.params]), expected);
    assert.equal(m.totalParams, 1199882);
    assert.equal(m.spec.name, 'keras-mnist');
  });

  it('an invalid spec is rejected with bad_spec', async () => {
    const r = await inPage(page, (c) => c.build({ name: 'x', input: [28, 28, 1], layers: [{ type: 'conv2d', filters: -3, kernel: 3 }] }));
    assert.equal(r.error.code, 'bad_spec');
    assert.match(r.error.message_es, /modelo/);
  });

  it('training classroom on 10,000 images lowers the loss and raises the accuracy', async () => {
    const r = await inPage(page, async (c) => {
      await c.build('classroom');
      const result = await c.train({ epochs: 1, trainLimit: 10000 });
      return { result, progress: window.events.progress };
    });
    const { result, progress } = r;
    assert.equal(result.stopped, false);
    assert.equal(result.history.length, 1);
    assert.ok(progress.length >= 3, `${progress.length} progress events`);
    const first = progress[0], last = progress[progress.length - 1];
    assert.equal(last.batch, 313);
    assert.equal(last.batches, 313);
    assert.ok(last.loss < first.loss * 0.7, `loss ${first.loss} -> ${last.loss}`);
    assert.ok(last.accuracy > first.accuracy + 0.1, `accuracy ${first.accuracy} -> ${last.accuracy}`);
    assert.ok(result.test.accuracy > 0.85, `test accuracy ${result.test.accuracy}`);
    assert.ok(last.imagesPerSecond > 0 && last.etaSeconds === 0);
    console.log(`classroom, isolated: ${Math.round(last.imagesPerSecond)} images/s`);
  });

  it('pause, resume and stop; predict answers while training', async () => {
    const r = await inPage(page, async (c) => {
      const ev = window.events.progress;
      ev.length = 0;
      const wait = (ms) => new Promise((ok) => setTimeout(ok, ms));
      const until = async (cond) => { while (!cond()) await wait(20); };
      const training = c.train({ epochs: 3, trainLimit: 10000 });
      await until(() => ev.length >= 2);
      const during = await c.predict({ pixels: new Float32Array(784) });
      await c.pause();
      await wait(150);  // a slice already running may still report once
      const atPause = ev.length;
      await wait(500);
      const whilePaused = ev.length - atPause;
      const pausedPredict = await c.predict({ pixels: new Float32Array(784) });
      await c.resume();
      await until(() => ev.length > atPause + 1);
      await c.stop();
      const result = await training;
      return { whilePaused, during: during.probabilities.length, paused: pausedPredict.probabilities.length, result };
    });
    assert.equal(r.during, 10);
    assert.equal(r.paused, 10);
    assert.equal(r.whilePaused, 0);
    assert.equal(r.result.stopped, true);
    assert.ok(r.result.test.accuracy > 0.85);
  });

  it('validation after each epoch: valLimit scores the first test images, as evaluate({limit}) does', async () => {
    const r = await inPage(page, async (c) => {
      const ev = window.events.progress;
      ev.length = 0;
      const training = c.train({ epochs: 1, trainLimit: 640, valLimit: 600 });
      const result = await training;
      const mine = ev.filter((p) => p.run === training.id);
      const scored = await c.evaluate({ limit: 600 });
      const all = await c.evaluate();
      return { result, last: mine[mine.length - 1], first: mine[0], scored, all };
    });
    const [epoch] = r.result.history;
    // The epoch's last event is sent after its validation: 600 of 600 images scored.
    assert.equal(r.last.validating, true);
    assert.equal(r.last.validated, 600);
    assert.equal(r.last.valImages, 600);
    assert.equal(r.first.validating, false);
    assert.equal(r.first.valImages, 600);
    // Same weights, same 600 images: evaluate gives the epoch's validation figures.
    assert.ok(Math.abs(r.scored.loss - epoch.val_loss) < 1e-6, `${r.scored.loss} vs ${epoch.val_loss}`);
    assert.equal(r.scored.accuracy, epoch.val_accuracy);
    assert.equal(r.scored.confusion.reduce((a, b) => a + b, 0), 600);
    assert.equal(r.all.confusion.reduce((a, b) => a + b, 0), 10000);
    assert.deepEqual(r.result.test, { loss: epoch.val_loss, accuracy: epoch.val_accuracy });
  });

  it('fine-tuning with testLimit scores the first test images after the run, as evaluate({limit}) does', async () => {
    const r = await inPage(page, async (c) => {
      const t = await c.testImages({ start: 0, count: 20 });
      const pixels = Uint8Array.from(t.pixels, (v) => Math.round(v * 255));
      await c.copyModel('principal', 'mi-letra');
      const tuned = await c.fineTune(pixels, t.labels.slice(), { model: 'mi-letra', epochs: 1, replay: 0, testLimit: 600 });
      const scored = await c.evaluate({ model: 'mi-letra', limit: 600 });
      await c.dropModel('mi-letra');
      return { test: tuned.test, scored };
    });
    assert.deepEqual(r.test, { loss: r.scored.loss, accuracy: r.scored.accuracy });
  });

  it('validationSplit validates on held-out training images; the test set is scored once, at the end', async () => {
    const r = await inPage(page, async (c) => {
      const ev = window.events.progress;
      ev.length = 0;
      const training = c.train({ epochs: 1, trainLimit: 640, valLimit: 600, validationSplit: 0.1 });
      const result = await training;
      const last = ev.filter((p) => p.run === training.id).at(-1);
      const scored = await c.evaluate({ limit: 600 });
      const refused = [];
      for (const validationSplit of [1.5, -0.1, 'x']) refused.push(await c.train({ epochs: 1, trainLimit: 64, validationSplit }).catch((e) => [e.code, e.message]));
      return { result, last, scored, refused };
    });
    const [epoch] = r.result.history;
    assert.equal(r.last.validated, 600);
    assert.equal(r.last.valImages, 600);
    // `test` is the first 600 test images scored after the run, on the same weights...
    assert.deepEqual(r.result.test, { loss: r.scored.loss, accuracy: r.scored.accuracy });
    // ...and the validation, on other images, gives other figures.
    assert.ok(Number.isFinite(epoch.val_loss) && epoch.val_accuracy > 0.5, JSON.stringify(epoch));
    assert.notEqual(epoch.val_loss, r.scored.loss);
    assert.deepEqual(r.refused.map(([code]) => code), ['bad_argument', 'bad_argument', 'bad_argument']);
    assert.match(r.refused[0][1], /validation_split is 1\.5/);
  });

  it('stop ends a run\'s closing score of the test set (a stopped run, no test figures) and a pass still waiting to start', async () => {
    const r = await withFreshClient(page, async (c) => {
      await c.init();
      await c.build('keras-mnist');
      // With validationSplit the whole test set is scored after the last epoch: stopped there.
      const training = c.train({ epochs: 1, trainLimit: 640, validationSplit: 0.1 });
      const closing = new Promise((resolve) => c.on('epoch', (e) => { if (e.run === training.id) resolve(); }));
      await closing;
      await c.stop();
      const run = await training;
      // A pass waiting behind another one is stopped too, before it starts.
      const outcome = (p) => p.then(() => 'done', (e) => e.code);
      const first = outcome(c.testPredictions({ start: 0, count: 10000 }));
      const second = outcome(c.evaluate());
      await c.stop({ pass: true });
      const passes = [await first, await second];
      const next = await c.evaluate({ limit: 10 });
      return { stopped: run.stopped, test: run.test, epochs: run.history.length, passes, next: next.confusion.reduce((a, b) => a + b, 0) };
    });
    assert.deepEqual(r, { stopped: true, test: null, epochs: 1, passes: ['stopped', 'stopped'], next: 10 });
  });

  it('predict returns 10 probabilities summing to 1, the drawing\'s steps and activations', async () => {
    const r = await inPage(page, async (c) => {
      // A white "1" stroke on a black 100x100 canvas (MNIST-style ink).
      const w = 100, h = 100, rgba = new Uint8ClampedArray(w * h * 4);
      for (let y = 20; y < 80; y++) for (let x = 46; x < 54; x++) rgba.set([255, 255, 255, 255], (y * w + x) * 4);
      for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
      const p = await c.predict({ rgba, width: w, height: h, darkInk: false }, { activations: true });
      return {
        digit: p.digit, probs: Array.from(p.probabilities), box: p.steps.box, empty: p.steps.empty,
        placed: p.steps.placed.length, fitted: [p.steps.fitted.width, p.steps.fitted.height],
        acts: p.activations.map((a) => [a.name, a.shape, a.data.length]),
      };
    });
    assert.equal(r.probs.length, 10);
    const sum = r.probs.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, `sum ${sum}`);
    assert.equal(r.digit, r.probs.indexOf(Math.max(...r.probs)));
    assert.equal(r.digit, 1);
    assert.deepEqual(r.box, { x0: 46, y0: 20, x1: 54, y1: 80, empty: false });
    assert.equal(r.empty, false);
    assert.equal(r.placed, 784);
    assert.equal(r.fitted[1], 20);  // the longer side is scaled to 20 pixels
    assert.deepEqual(r.acts[0], ['conv2d', [16, 26, 26], 16 * 26 * 26]);
    assert.deepEqual(r.acts[r.acts.length - 1], ['dense_1', [10, 1, 1], 10]);
  });

  it('saved weights load back with the same predictions; half precision makes a smaller file', async () => {
    const r = await inPage(page, async (c) => {
      const input = { pixels: (await c.testImages({ start: 0, count: 1 })).pixels };
      const before = Array.from((await c.predict(input)).probabilities);
      const file = await c.saveWeights();
      const reloaded = await c.loadWeights(file);
      const afterGood = Array.from((await c.predict(input)).probabilities);
      const half = await c.saveWeights({ f16: true });
      return { before, afterGood, name: reloaded.spec.name, sizes: [file.byteLength, half.byteLength] };
    });
    assert.deepEqual(r.afterGood, r.before);
    assert.equal(r.name, 'classroom');
    assert.ok(r.sizes[1] < r.sizes[0] * 0.6, `f16 ${r.sizes[1]} vs f32 ${r.sizes[0]}`);
  });

  it('evaluate, kernels, test images and the explain traces come from the engine', async () => {
    const r = await inPage(page, async (c) => {
      const ev = await c.evaluate();
      const k = await c.kernels(0);
      const notConv = await c.kernels(1).catch((e) => e.code);
      const imgs = await c.testImages({ start: 0, count: 4 });
      // 3x3 input 1..9 with an all-ones kernel: the one output is 45 (+ bias 0.5).
      const input = Float32Array.from({ length: 9 }, (_, i) => i + 1);
      const conv = await c.explain('conv', { input, height: 3, width: 3, weights: new Float32Array(9).fill(1), kernel: 3, bias: 0.5, row: 0, col: 0 });
      const map = await c.explain('convMap', { input, height: 3, width: 3, weights: new Float32Array(9).fill(1), kernel: 3 });
      const pool = await c.explain('pool', { plane: Float32Array.of(1, 7, 3, 2), height: 2, width: 2, row: 0, col: 0 });
      const params = await c.explain('params', { spec: 'keras-mnist' });
      const fields = await c.explain('receptive', { spec: 'keras-mnist' });
      const win = await c.explain('receptiveWindow', { layer: 0, row: 0, col: 0 });
      return {
        ev: [ev.classes, ev.confusion.length, ev.confusion.reduce((a, b) => a + b, 0), ev.accuracy],
        k: [k.shape, k.data.length, k.bias.length], notConv,
        imgs: [imgs.pixels.length, Array.from(imgs.labels)],
        conv: [conv.sum, conv.products.length], map: [map.height, map.width, map.data[0]],
        pool: [pool.max, pool.winner, pool.discardedFraction], params: params[1].formula,
        fields: fields.map((f) => f.size), win,
      };
    });
    assert.deepEqual(r.ev.slice(0, 3), [10, 100, 10000]);
    assert.ok(r.ev[3] > 0.85);
    assert.deepEqual(r.k, [[16, 1, 3, 3], 144, 16]);
    assert.equal(r.notConv, 'bad_argument');
    assert.deepEqual(r.imgs, [4 * 784, [7, 2, 1, 0]]);  // the first MNIST test labels
    assert.deepEqual(r.conv, [45.5, 9]);
    assert.deepEqual(r.map, [1, 1, 45]);
    assert.deepEqual(r.pool, [7, 1, 0.75]);
    assert.equal(r.params, '(3*3*32 + 1) * 64 = 18496');
    assert.deepEqual(r.fields.slice(0, 3), [3, 5, 6]);
    assert.deepEqual(r.win, { y0: 0, x0: 0, y1: 2, x1: 2 });
  });

  it('the test set is scored in slices: predict answers meanwhile, the next pass waits its turn', async () => {
    const r = await inPage(page, async (c) => {
      const { pixels } = await c.testImages({ start: 0, count: 1 });
      const order = [];
      const evaluation = c.evaluate().then((e) => { order.push('evaluate'); return e; });
      const prediction = c.predict({ pixels }).then(() => order.push('predict'));
      const predictions = c.testPredictions({ start: 0, count: 10000 }).then((t) => { order.push('testPredictions'); return t; });
      const [e, , t] = await Promise.all([evaluation, prediction, predictions]);
      let right = 0;
      t.predicted.forEach((d, i) => { right += d === t.labels[i]; });
      let diagonal = 0;
      for (let d = 0; d < e.classes; d++) diagonal += e.confusion[d * e.classes + d];
      return { order, scored: e.confusion.reduce((a, b) => a + b, 0), diagonal, right, n: t.predicted.length, accuracy: e.accuracy };
    });
    // 10,000 images take many slices: the prediction sent after evaluate() is answered first.
    assert.deepEqual(r.order, ['predict', 'evaluate', 'testPredictions']);
    // Every image scored exactly once, and both passes agree image by image in count.
    assert.equal(r.scored, 10000);
    assert.equal(r.n, 10000);
    assert.equal(r.diagonal, r.right);
    assert.ok(Math.abs(r.accuracy - r.right / 10000) < 1e-6, `${r.accuracy} vs ${r.right / 10000}`);
  });

  it('a heavy model\'s scoring passes answer a predict between their steps, and stop ends a pass with stopped', async () => {
    const r = await withFreshClient(page, async (c, failure) => {
      await c.init();
      // 0.43 GFLOP an image, within the compute budget: 640 filters of 3 x 3 x 64 on 24 x 24.
      const pesada = { input: [28, 28, 1], layers: [{ type: 'conv2d', filters: 64, kernel: 3, activation: 'relu' },
        { type: 'conv2d', filters: 640, kernel: 3, activation: 'relu' }, { type: 'max_pooling2d', pool: 4 },
        { type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }] };
      await c.build(pesada);
      await c.loadData({ sets: ['test'] });
      const { pixels } = await c.testImages({ start: 0, count: 1 });
      const order = [];
      // Each pass is sent first, a prediction right behind it.
      const predictions = c.testPredictions({ start: 0, count: 100 }).then(() => order.push('testPredictions'));
      await c.predict({ pixels }).then(() => order.push('predict'));
      await predictions;
      const evaluation = c.evaluate({ limit: 100 }).then(() => order.push('evaluate'));
      await c.predict({ pixels }).then(() => order.push('predict'));
      await evaluation;
      // A pass over the whole test set, stopped once it is under way.
      const whole = failure(c.testPredictions({ start: 0, count: 10000 }));
      await c.predict({ pixels });
      await c.stop({ pass: true });
      const stopped = await whole;
      const next = await c.evaluate({ limit: 10 });
      return { order, stopped, next: next.confusion.reduce((a, b) => a + b, 0) };
    });
    assert.deepEqual(r.order, ['predict', 'testPredictions', 'predict', 'evaluate']);
    assert.equal(r.stopped?.code, 'stopped');
    assert.match(r.stopped.es, /Se ha detenido el cálculo/);
    assert.equal(r.next, 10, 'the engine scores again after a stopped pass');
  });

  it('a diverging run ends with code diverged and keeps finite weights', async () => {
    const r = await inPage(page, async (c) => {
      // Linear layers let a huge step grow the logits without bound (ReLUs would just die).
      await c.build({
        name: 'explota', input: [28, 28, 1], optimizer: { type: 'sgd', lr: 1000 },
        layers: [{ type: 'flatten' }, { type: 'dense', units: 32 }, { type: 'dense', units: 10, activation: 'softmax' }],
      });
      let error = null;
      try {
        await c.train({ epochs: 1, trainLimit: 10000 });
      } catch (e) {
        error = { code: e.code, message_es: window.errorMessage(e) };
      }
      // Saving refuses NaN/inf parameters, so this proves the bad step was not applied.
      const saved = await c.saveWeights().then((b) => b.byteLength, (e) => e.code);
      return { error, saved };
    });
    assert.equal(r.error?.code, 'diverged');
    assert.match(r.error.message_es, /diverg/);
    assert.ok(r.saved > 0, `saveWeights after divergence: ${r.saved}`);
  });

  it('bench runs the engine\'s benchmark with 1 and 2 threads and reports every figure', async () => {
    const f = await inPage(page, (c) => c.bench({ preset: 'classroom', batches: 2, threads: 2 }));
    assert.equal(f.preset, 'classroom');
    assert.equal(f.threads, 2);
    // How fast is for `make bench` to say; here every figure must be a real, positive measurement.
    for (const key of ['peakGflops1t', 'trainIps1t', 'trainIpsNt', 'inferMsB1', 'inferIpsB256', 'inferIpsB256Nt']) {
      assert.ok(Number.isFinite(f[key]) && f[key] > 0, `${key} = ${f[key]}`);
    }
    assert.equal(f.trainFlops, 4045824);  // classroom: MFLOP per training image, from flops.h
  });

  it('progress and epoch events carry the id of the run that emits them', async () => {
    const r = await inPage(page, async (c) => {
      await c.build('classroom');
      window.events.progress.length = 0;
      window.events.epoch.length = 0;
      const run = c.train({ epochs: 1, trainLimit: 2000 });
      await run;
      return { id: run.id, progress: window.events.progress.map((e) => e.run), epoch: window.events.epoch.map((e) => e.run) };
    });
    assert.ok(Number.isInteger(r.id));
    assert.ok(r.progress.length >= 1);
    assert.ok(r.progress.every((run) => run === r.id), JSON.stringify(r));
    assert.deepEqual(r.epoch, [r.id]);
  });

  it('races: pause/resume sent together keep one loop; loadData is refused while training, before it fetches', async () => {
    const r = await inPage(page, async (c) => {
      const wait = (ms) => new Promise((ok) => setTimeout(ok, ms));
      const ev = window.events.progress;
      const run = c.train({ epochs: 2, trainLimit: 4000 });
      await wait(300);
      // Not awaited, as impatient clicks: the old worker started a second slice loop here.
      c.pause(); c.resume(); c.resume(); c.pause(); c.resume();
      await wait(300);
      const fetched = window.events.dataProgress.length;
      const busy = await c.loadData({ sets: ['train', 'test'] }).then(() => 'loaded', (e) => e.code);
      await c.pause();
      await wait(200);  // a slice already running may still report once
      const atPause = ev.length;
      await wait(600);
      const whilePaused = ev.length - atPause;
      await c.resume();
      await c.stop();
      const result = await run;
      return { busy, fetchedDuring: window.events.dataProgress.length - fetched, whilePaused, stopped: result.stopped };
    });
    assert.equal(r.busy, 'busy');
    assert.equal(r.fetchedDuring, 0);
    assert.equal(r.whilePaused, 0);  // one loop, and it stopped
    assert.equal(r.stopped, true);
  });

  it('explain validates lengths and sizes: 65536 x 65536 and mismatched arrays are refused', async () => {
    const r = await inPage(page, async (c) => {
      const code = (p) => p.then(() => 'ok', (e) => e.code);
      const nine = new Float32Array(9).fill(1);
      return [
        await code(c.explain('convMap', { input: nine, height: 65536, width: 65536, weights: nine, kernel: 3 })),
        await code(c.explain('convMap', { input: nine, channels: 4096, height: 4096, width: 2, weights: nine, kernel: 3 })),
        await code(c.explain('conv', { input: nine, height: 3, width: 4, weights: nine, kernel: 3, row: 0, col: 0 })),
        await code(c.explain('pool', { plane: nine, height: 2, width: 2, row: 0, col: 0 })),
        await code(c.explain('nope', {})),
        await code(c.dropoutDemo({ values: new Float32Array(0), rate: 0.5 })),
        await code(c.activationCurve('softmax', nine)),
        await code(c.explain('convMap', { input: nine, height: 3, width: 3, weights: nine, kernel: 3 })),
      ];
    });
    assert.deepEqual(r, ['bad_argument', 'bad_argument', 'bad_argument', 'bad_argument', 'bad_argument',
      'bad_argument', 'bad_argument', 'ok']);
  });

  it('corrupt weights (a flipped byte; 30 uploads of 60 MB) are refused with bad_weights, leak nothing, change nothing', async () => {
    const r = await inPage(page, async (c) => {
      const { mensajeDeError } = await import('/js/ui/mensajes.js');
      const input = { pixels: (await c.testImages({ start: 0, count: 1 })).pixels };
      const before = Array.from((await c.predict(input)).probabilities);
      const saved = await c.saveWeights();
      const flipped = saved.slice(0);
      new Uint8Array(flipped)[flipped.byteLength >> 1] ^= 0xff;
      const flippedCode = await c.loadWeights(flipped).then(() => 'loaded', (e) => e.code);
      // The weights magic, then garbage: the file a student might pick by mistake.
      const file = new Uint8Array(60 * 1024 * 1024);
      for (let i = 0; i < file.length; i += 4096) file[i] = (i * 2654435761) >>> 24;
      file.set([67, 86, 65, 87]);  // "CVAW"
      const first = await c.memory();
      const codes = new Set(), messages = new Set();
      let afterOne = null;
      for (let i = 0; i < 30; i++) {
        await c.loadWeights(file.buffer).then(() => codes.add('loaded'), (e) => {
          codes.add(e.code);
          messages.add(mensajeDeError(e));
        });
        if (i === 0) afterOne = await c.memory();
      }
      const last = await c.memory();
      const afterBad = Array.from((await c.predict(input)).probabilities);
      // A drawn "1" is still read by the pretrained network, and training starts.
      await c.loadWeights(await (await fetch('/models/keras-mnist.cvw')).arrayBuffer());
      const w = 100, h = 100, rgba = new Uint8ClampedArray(w * h * 4);
      for (let y = 20; y < 80; y++) for (let x = 46; x < 54; x++) rgba.set([255, 255, 255, 255], (y * w + x) * 4);
      const digit = (await c.predict({ rgba, width: w, height: h, darkInk: false })).digit;
      const run = await c.train({ epochs: 1, trainLimit: 320 });
      return { flippedCode, before, afterBad, codes: [...codes], messages: [...messages], first, afterOne, last, digit, trained: run.history.length };
    });
    assert.equal(r.flippedCode, 'bad_weights');
    assert.deepEqual(r.afterBad, r.before, 'the model predicts exactly as before');
    assert.deepEqual(r.codes, ['bad_weights']);
    assert.equal(r.messages.length, 1);
    assert.match(r.messages[0], /pesos/);
    const mb = (b) => (b / 1048576).toFixed(1);
    console.log(`wasm heap over 30 failed 60 MB loads: in use ${mb(r.first.inUse)} -> ${mb(r.afterOne.inUse)} -> ${mb(r.last.inUse)} MB, ` +
      `heap ${mb(r.first.heap)} -> ${mb(r.afterOne.heap)} -> ${mb(r.last.heap)} MB`);
    assert.ok(r.last.inUse - r.first.inUse < 5 * 1048576, `in use grew by ${mb(r.last.inUse - r.first.inUse)} MB`);
    assert.ok(r.last.heap - r.afterOne.heap < 5 * 1048576, `heap grew by ${mb(r.last.heap - r.afterOne.heap)} MB after the first`);
    assert.equal(r.digit, 1);
    assert.equal(r.trained, 1);
  });

  // Model slots: several networks in one engine, one run at a time.
  it('three keras-mnist slots, the training set and a large network fit; one more past the budget is refused with too_large, the others still predict', async () => {
    const r = await withFreshClient(page, async (c, failure) => {
      await c.init();
      await c.loadData();
      const { pixels } = await c.testImages({ start: 0, count: 1 });
      const slots = ['principal', 'experimento', 'cuaderno'];
      const beforeAll = {};
      for (const model of slots) {
        await c.build('keras-mnist', { model });
        // A short run, so that each slot holds its optimizer's state too.
        await c.train({ model, epochs: 1, trainLimit: 64, valLimit: 64 });
        beforeAll[model] = Array.from((await c.predict({ pixels }, { model })).probabilities);
      }
      // 784 pixels into 65,536 units: 52.1 M parameters (within a model's limits), 417 MB with
      // their gradients. One fits beside the three slots and the data (about 300 MB); a second
      // would pass the session's 1 GiB.
      const big = { input: [28, 28, 1], layers: [{ type: 'flatten' },
        { type: 'dense', units: 65536, activation: 'relu' }, { type: 'dense', units: 10, activation: 'softmax' }] };
      const fits = (await c.build(big, { model: 'mi-letra' })).totalParams;
      beforeAll['mi-letra'] = Array.from((await c.predict({ pixels }, { model: 'mi-letra' })).probabilities);
      const refusal = await failure(c.build(big, { model: 'mi-letra-2' }));
      const afterAll = {};
      for (const model of Object.keys(beforeAll)) afterAll[model] = Array.from((await c.predict({ pixels }, { model })).probabilities);
      return { fits, refusal, beforeAll, afterAll, slots: await c.models(), other: await failure(c.predict({ pixels }, { model: 'mi-letra-2' })) };
    });
    assert.equal(r.fits, 784 * 65536 + 65536 + 65536 * 10 + 10);
    assert.equal(r.refusal?.code, 'too_large');
    assert.match(r.refusal.es, /no caben en la memoria/);
    assert.deepEqual(r.afterAll, r.beforeAll, 'the slots already there are untouched');
    assert.deepEqual([...r.slots].sort(), ['cuaderno', 'experimento', 'mi-letra', 'principal']);
    assert.equal(r.other?.code, 'no_model');
  });

  it('a run on one slot, reads on any; copy, snapshot and restore are exact; busy and no_model', async () => {
    const r = await withFreshClient(page, async (c, failure) => {
      await c.init();
      await c.loadData({ trainLimit: 4000 });
      const { pixels } = await c.testImages({ start: 0, count: 1 });
      const probs = async (model) => Array.from((await c.predict({ pixels }, { model })).probabilities);
      await c.build('classroom');
      await c.build('classroom', { model: 'experimento' });
      const principal = await probs('principal');
      const run = c.train({ model: 'experimento', epochs: 2 });
      await new Promise((ok) => { const off = c.on('progress', (p) => { if (p.run === run.id) { off(); ok(); } }); });
      const whileRunning = {
        principal: await probs('principal'),
        kernels: (await c.kernels(0)).shape,
        secondRun: await failure(c.train({ epochs: 1 })),
        evaluate: await failure(c.evaluate({ limit: 100 })),
        rebuild: await failure(c.build('classroom', { model: 'experimento' })),
        drop: await failure(c.dropModel('experimento')),
        copyOver: await failure(c.copyModel('principal', 'experimento')),
        copyElsewhere: (await c.copyModel('principal', 'cuaderno')).totalParams,
        missing: await failure(c.predict({ pixels }, { model: 'nadie' })),
        badName: await failure(c.predict({ pixels }, { model: 'Mala ranura' })),
      };
      const { stopped } = await run;
      const experiment = await probs('experimento');
      await c.snapshotModel('principal');
      await c.copyModel('experimento', 'principal');
      const copied = await probs('principal');
      await c.restoreModel('principal');
      const restored = await probs('principal');
      await c.dropModel('cuaderno');
      return { principal, whileRunning, stopped, experiment, copied, restored, cuaderno: await probs('cuaderno').catch((e) => e.code), slots: await c.models() };
    });
    assert.deepEqual(r.whileRunning.principal, r.principal, 'the page\'s slot answers as before while another trains');
    assert.equal(r.whileRunning.kernels[0] > 0, true);
    for (const k of ['secondRun', 'evaluate', 'rebuild', 'drop', 'copyOver']) assert.equal(r.whileRunning[k]?.code, 'busy', k);
    assert.ok(r.whileRunning.copyElsewhere > 0);
    assert.equal(r.whileRunning.missing?.code, 'no_model');
    assert.equal(r.whileRunning.badName?.code, 'bad_argument');
    assert.equal(r.stopped, false);
    assert.ok(r.experiment.some((p, d) => p !== r.principal[d]), 'the experiment trained');
    assert.deepEqual(r.copied, r.experiment, 'a copy answers as its source');
    assert.deepEqual(r.restored, r.principal, 'a restored snapshot answers exactly as before');
    assert.equal(r.cuaderno, 'no_model');
    assert.deepEqual([...r.slots].sort(), ['experimento', 'principal']);
  });

  it('made no request outside localhost and logged no console error', () => {
    assert.deepEqual(watched.outside, []);
    assert.deepEqual(watched.errors, []);
  });
});

describe('worker, not isolated', { timeout: 300_000 }, () => {
  let server, browser, watched;
  before(async () => {
    server = await startServer({ isolation: false });
    browser = await launchBrowser();
    watched = await openClient(browser, server);
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('init picks the single-threaded SIMD engine', async () => {
    const info = await inPage(watched.page, (c) => c.init());
    assert.deepEqual(info, { variant: 'simd', threads: 1, simd: true });
    assert.equal(await watched.page.evaluate(() => crossOriginIsolated), false);
  });

  it('the scalar engine (for browsers without SIMD) gives the SIMD engine\'s predictions', async () => {
    const r = await watched.page.evaluate(async () => {
      const { ConvAulaClient } = await import('/js/client.js');
      const scalar = new ConvAulaClient('/worker.js');
      const info = await scalar.init({ variant: 'scalar' });
      const input = { pixels: Float32Array.from({ length: 784 }, (_, i) => (i % 29) / 28) };
      const probs = [];
      for (const c of [window.client, scalar]) {
        await c.build('keras-mnist');
        probs.push(Array.from((await c.predict(input)).probabilities));
      }
      scalar.terminate();
      return { info, probs };
    });
    assert.deepEqual(r.info, { variant: 'scalar', threads: 1, simd: false });
    r.probs[0].forEach((p, i) => assert.ok(Math.abs(p - r.probs[1][i]) < 1e-4, `class ${i}: ${p} vs ${r.probs[1][i]}`));
  });

  it('init({weights}) loads a weights file the worker downloads itself; a bad one leaves the engine running', async () => {
    const r = await watched.page.evaluate(async () => {
      const { ConvAulaClient } = await import('/js/client.js');
      const answers = [];
      for (const weights of ['/models/keras-mnist.cvw', '/models/keras-mnist.json']) {
        const c = new ConvAulaClient('/worker.js');
        const info = await c.init({ weights });
        const digit = await c.predict({ pixels: new Float32Array(784) }).then((p) => p.digit, (e) => e.code);
        c.terminate();
        answers.push({ info, digit });
      }
      return answers;
    });
    const [loaded, bad] = r;
    assert.equal(loaded.info.variant, 'simd');
    assert.equal(loaded.info.network.totalParams, 1199882);
    assert.equal(loaded.info.network.spec.name, 'keras-mnist');
    assert.equal(loaded.info.networkError, undefined);
    assert.ok(Number.isInteger(loaded.digit), `predicts with the loaded network: ${loaded.digit}`);
    assert.equal(bad.info.variant, 'simd');
    assert.equal(bad.info.network, undefined);
    assert.equal(bad.info.networkError.code, 'bad_weights');
    assert.equal(bad.digit, 'no_model');
  });

  it('an init handed over with the worker\'s URL starts at once; a drawing sent meanwhile waits for its network', async () => {
    const r = await watched.page.evaluate(async () => {
      const { ConvAulaClient } = await import('/js/client.js');
      const c = new ConvAulaClient('/worker.js', { init: { manifest: '/models/keras-mnist.json' } });
      // Sent before the worker has even started: answered once the network is in, not no_model.
      const early = c.predict({ pixels: new Float32Array(784) }).then((p) => p.digit, (e) => e.code);
      const info = await c.started;
      const digit = await early;
      // The same request by message gives the same network.
      const again = await c.loadWeights(await (await fetch('/models/keras-mnist.cvw')).arrayBuffer());
      c.terminate();
      const bad = [];
      for (const manifest of ['/models/keras-mnist.cvw', '/css/app.css']) {
        const b = new ConvAulaClient('/worker.js', { init: { manifest } });
        const i = await b.started;
        bad.push({ variant: i.variant, network: i.network ?? null, code: i.networkError?.code });
        b.terminate();
      }
      const plain = new ConvAulaClient('/worker.js');
      const none = plain.started;
      plain.terminate();
      return { info, digit, totalAgain: again.totalParams, bad, none };
    });
    assert.equal(r.info.variant, 'simd');
    assert.equal(r.info.network.totalParams, 1199882);
    assert.equal(r.info.network.spec.name, 'keras-mnist');
    assert.equal(r.totalAgain, 1199882);
    assert.ok(Number.isInteger(r.digit), `the early drawing is answered by the network: ${r.digit}`);
    assert.deepEqual(r.bad, [{ variant: 'simd', network: null, code: 'bad_weights' }, { variant: 'simd', network: null, code: 'bad_weights' }]);
    assert.equal(r.none, null, 'without the option there is no early init');
  });

  it('a wasm trap in the engine rejects the pending calls with worker_crash and a new worker takes over', async () => {
    const r = await inPage(watched.page, async (c) => {
      const crashes = [];
      c.on('crash', (e) => crashes.push(e.message));
      const first = c.worker;
      // The engine executes __builtin_trap; a call sent after it is pending when the worker dies.
      const trapped = c.trap().then(() => 'resolved', (e) => e.code);
      const queued = c.memory().then(() => 'resolved', (e) => e.code);
      const guard = (p) => Promise.race([p, new Promise((resolve) => setTimeout(() => resolve('hang'), 60_000))]);
      const codes = await guard(Promise.all([trapped, queued]));
      const info = await guard(c.init());
      return { codes, crashes, replaced: c.worker !== first, variant: info.variant };
    });
    assert.deepEqual(r.codes, ['worker_crash', 'worker_crash']);
    assert.equal(r.crashes.length, 1);
    assert.match(r.crashes[0], /unreachable/);
    assert.equal(r.replaced, true);
    assert.equal(r.variant, 'simd');
  });

  it('made no request outside localhost and logged no console error', () => {
    assert.deepEqual(watched.outside, []);
    assert.deepEqual(watched.errors, []);
  });
});

// serve.mjs --log lines: [{method, path, status, bytes}].
function logged(server) {
  return server.out().split('\n').filter((l) => l.startsWith('log: ')).map((l) => {
    const [, method, path, status, bytes] = l.split(' ');
    return { method, path, status, bytes: Number(bytes) };
  });
}

describe('worker, data sets', { timeout: 300_000 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  it('loadData({sets}): the test set alone, then the training set without the test set again', async () => {
    const server = await startServer({ args: ['--log'] });
    const { context, page, errors } = await firstVisit(browser);
    try {
      await page.goto(`${server.url}js/client.js`);
      const counts = await page.evaluate(async () => {
        const { ConvAulaClient } = await import('/js/client.js');
        const client = new ConvAulaClient('/worker.js');
        await client.init();
        const test = await client.loadData({ sets: ['test'] });
        const again = await client.loadData({ sets: ['test'] });
        // Two calls at once share one download.
        const [both, both2] = await Promise.all([client.loadData({ sets: ['train', 'test'], trainLimit: 1000 }),
          client.loadData({ sets: ['train'] })]);
        client.terminate();
        return { test, again, both, both2 };
      });
      const data = logged(server).filter((r) => r.path.startsWith('/data/')).map((r) => r.path).sort();
      assert.deepEqual(counts.test, { train: 0, test: 10000 });
      assert.deepEqual(counts.again, { train: 0, test: 10000 });
      assert.deepEqual(counts.both, { train: 1000, test: 10000 });
      assert.deepEqual(counts.both2, { train: 60000, test: 10000 });
      assert.deepEqual(data, ['/data/t10k-images-idx3-ubyte.gz', '/data/t10k-labels-idx1-ubyte.gz',
        '/data/train-images-idx3-ubyte.gz', '/data/train-labels-idx1-ubyte.gz'], 'each file once');
      // The browser asks a plain file's page for /favicon.ico: the only 404 allowed.
      const others = logged(server).filter((r) => r.status !== '200' && r.status !== '304' && r.path !== '/favicon.ico');
      assert.deepEqual(others, []);
      assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
    } finally {
      await context.close();
      server.close();
    }
  });

  it('the test-set sample is the test set\'s prefix; images past it, evaluate and a run bring the whole set', async () => {
    const server = await startServer({ args: ['--log'] });
    const { context, page, errors } = await firstVisit(browser);
    try {
      await page.goto(`${server.url}js/client.js`);
      const dataFiles = () => logged(server).filter((r) => r.path.startsWith('/data/')).map((r) => r.path).sort();
      const r = await page.evaluate(async () => {
        const { ConvAulaClient } = await import('/js/client.js');
        const { TEST_SAMPLE } = await import('/js/protocolo.js');
        const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
        const client = new ConvAulaClient('/worker.js');
        const loaded = [];
        client.on('dataLoaded', (d) => loaded.push(d));
        await client.init();
        const sample = await client.loadData({ sets: ['sample'] });
        const first = await client.testImages({ start: 0, count: TEST_SAMPLE });
        const inside = await client.testImages({ start: TEST_SAMPLE - 3, count: 3 });
        const eventsBefore = loaded.length;
        // Images TEST_SAMPLE - 2 .. TEST_SAMPLE + 1: past the sample, so the whole set comes.
        const across = await client.testImages({ start: TEST_SAMPLE - 2, count: 4 });
        const again = await client.testImages({ start: 0, count: TEST_SAMPLE });
        const sampleAfter = await client.loadData({ sets: ['sample'] });
        client.terminate();

        // Fresh engines on the sample: evaluate scores all 10,000 images; a run validates on them.
        const onSample = async () => {
          const c = new ConvAulaClient('/worker.js');
          await c.init();
          await c.loadData({ sets: ['sample'] });
          await c.build('classroom');
          return c;
        };
        const scorer = await onSample();
        const { confusion } = await scorer.evaluate();
        scorer.terminate();
        const trainer = await onSample();
        const runLoaded = [];
        trainer.on('dataLoaded', (d) => runLoaded.push(d));
        await trainer.train({ epochs: 1, trainLimit: 64 });
        const afterRun = await trainer.loadData({ sets: ['sample'] });
        trainer.terminate();
        return {
          TEST_SAMPLE, sample, sampleAfter, loaded, eventsBefore, runLoaded, afterRun,
          firstCount: first.labels.length,
          inside: same([...inside.pixels], [...first.pixels.subarray((TEST_SAMPLE - 3) * 784)]),
          acrossKept: same([...across.pixels.subarray(0, 2 * 784)], [...first.pixels.subarray((TEST_SAMPLE - 2) * 784)])
            && same([...across.labels.subarray(0, 2)], [...first.labels.subarray(TEST_SAMPLE - 2)]),
          acrossLabels: [...across.labels],
          againPixels: same([...again.pixels], [...first.pixels]),
          againLabels: same([...again.labels], [...first.labels]),
          scored: confusion.reduce((a, b) => a + b, 0),
        };
      });
      console.log(`test-set sample: ${JSON.stringify(r)}; files ${dataFiles().join(' ')}`);
      assert.equal(r.TEST_SAMPLE, 1000);
      assert.deepEqual(r.sample, { train: 0, test: 1000 });
      assert.equal(r.firstCount, 1000);
      assert.equal(r.eventsBefore, 1, 'images inside the sample fetch nothing more');
      assert.equal(r.inside, true);
      assert.equal(r.acrossKept, true, 'test images 998 and 999 are the same before and after');
      assert.equal(r.againPixels, true, 'the whole set starts with the sample, pixel for pixel');
      assert.equal(r.againLabels, true);
      // MNIST's test labels 998-1001 (read from t10k-labels-idx1-ubyte at offset 8 + index).
      assert.deepEqual(r.acrossLabels, [8, 9, 9, 0]);
      assert.deepEqual(r.sampleAfter, { train: 0, test: 10000 }, 'the whole set holds the sample');
      assert.deepEqual(r.loaded.map((d) => d.test), [1000, 10000]);
      assert.equal(r.scored, 10000);
      assert.deepEqual(r.runLoaded, [{ type: 'dataLoaded', train: 60000, test: 10000 }]);
      assert.deepEqual(r.afterRun, { train: 60000, test: 10000 });
      const each = (file, n) => Array(n).fill(`/data/${file}.gz`);
      assert.deepEqual(dataFiles(), [...each('t10k-images-idx3-ubyte', 3), ...each('t10k-labels-idx1-ubyte', 3),
        ...each('test-sample-images-idx3-ubyte', 3), ...each('test-sample-labels-idx1-ubyte', 3),
        ...each('train-images-idx3-ubyte', 1), ...each('train-labels-idx1-ubyte', 1)], 'three engines, each file once');
      assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
    } finally {
      await context.close();
      server.close();
    }
  });
});
