// protocolo.test.mjs: 1,000 seeded random requests, valid and invalid, sent to the real worker
// without waiting for one another. Every one must settle with a result or a known error code,
// the engine must never crash or hang, and afterwards it must still predict and train.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, openPage, startServer } from './harness.mjs';

const SEED = Number(process.env.PROTOCOL_SEED ?? 20261201);
const REQUESTS = 1000;

describe('random protocol', { timeout: 600_000 }, () => {
  let server, browser, watched;
  before(async () => {
    server = await startServer({ isolation: true });
    browser = await launchBrowser();
    watched = await openPage(browser, server.url);
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it(`${REQUESTS} seeded random requests settle, and the engine still predicts and trains`, async () => {
    const r = await watched.page.evaluate(async ([seed, count]) => {
      const { ConvAulaClient } = await import('/js/client.js');
      const { REQUESTS: table, ERROR_CODES } = await import('/js/protocolo.js');
      const { errores } = await import('/js/textos.js');
      const c = new ConvAulaClient('/worker.js');
      const crashes = [];
      c.on('crash', (e) => crashes.push(e.message));

      // mulberry32: a small seeded generator, so a failure replays with PROTOCOL_SEED.
      let state = seed >>> 0;
      const rand = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const pick = (items) => items[Math.floor(rand() * items.length)];
      const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
      const junk = () => pick([undefined, null, -1, 0, 1e9, NaN, 'x', {}, [], [1, 2], new Float32Array(3), true]);
      const floats = (n) => Float32Array.from({ length: n }, () => rand() * 2 - 1);
      // Mostly the page's slot; sometimes another, a bad name or junk.
      const slot = () => pick([undefined, undefined, 'principal', 'otra', 'Mala ranura', 'x'.repeat(33), junk()]);
      const spec = () => pick(['classroom', 'keras-mnist', 'nope', junk(),
        { input: [28, 28, 1], layers: [{ type: 'flatten' }, { type: 'dense', units: int(-2, 12), activation: 'softmax' }] }]);
      const weights = await (await fetch('/models/keras-mnist.cvw')).arrayBuffer();
      const damaged = weights.slice(0);
      new Uint8Array(damaged)[1000] ^= 0xff;

      // One random request of each kind; args are valid about half the time.
      const make = {
        init: () => c.init(pick([{}, {}, { variant: 'simd' }])),
        loadData: () => c.loadData(pick([{ sets: ['test'] }, { sets: ['train', 'test'], trainLimit: int(-10, 3000) }, { sets: junk() }])),
        presets: () => c.presets(),
        build: () => c.build(spec(), { model: slot() }),
        train: () => c.train({ model: slot(), ...pick([{ epochs: 1, trainLimit: int(32, 640) }, { epochs: int(-1, 2), batchSize: int(-4, 64), trainLimit: int(-5, 200) },
          { optimizer: pick([{ type: 'sgd', lr: 0.1 }, { type: 'zz' }, 'adam', junk()]), trainLimit: 96 }, { epochs: junk() }]) }),
        fineTune: () => c.fineTune(pick([new Uint8Array(784 * int(0, 6)), new Uint8Array(int(0, 900)), junk()]),
          pick([new Uint8Array(int(0, 6)), Uint8Array.of(3, 12, 1), junk()]),
          { model: slot(), replay: pick([0, 0.3, 0.95, -1, junk()]), epochs: int(-1, 2), batchSize: int(-2, 8), seed: int(0, 9) }),
        pause: () => c.pause(),
        resume: () => c.resume(),
        stop: () => c.stop(),
        evaluate: () => c.evaluate(),
        predict: () => c.predict(pick([{ pixels: floats(784) }, { pixels: floats(int(0, 900)) },
          { rgba: new Uint8ClampedArray(int(0, 64) * 4), width: int(-2, 8), height: int(-2, 8) }, junk()]), { activations: rand() < 0.3, model: slot() }),
        kernels: () => c.kernels(pick([0, 1, 2, -1, 99, junk()])),
        explain: () => c.explain(pick(['conv', 'convMap', 'pool', 'receptive', 'receptiveWindow', 'params', 'nope']),
          pick([{ input: floats(9), height: 3, width: 3, weights: floats(9), kernel: 3, row: 0, col: 0, plane: floats(4), pool: 2, spec: 'keras-mnist', layer: 1 },
            { input: floats(int(0, 20)), height: int(-1, 70000), width: int(-1, 5), weights: floats(4), kernel: int(0, 4), row: 9, col: -1 }, junk()])),
        testImages: () => c.testImages({ start: int(-5, 10005), count: int(-5, 40) }),
        saveWeights: () => c.saveWeights({ f16: rand() < 0.5 }),
        loadWeights: () => c.loadWeights(pick([weights, damaged, new ArrayBuffer(int(0, 64)), junk()])),
        dropoutMask: () => c.dropoutMask(pick([3, 6, 0, -1, junk()])),
        dropoutDemo: () => c.dropoutDemo(pick([{ values: floats(int(1, 50)), rate: rand(), step: int(-2, 5) }, { values: junk(), rate: junk() }])),
        activationCurve: () => c.activationCurve(pick(['relu', 'sigmoid', 'tanh', 'softmax', 'nope', junk()]), pick([floats(int(0, 40)), junk()])),
        testPredictions: () => c.testPredictions({ start: int(-10, 10000), count: int(-10, 300) }),
        memory: () => c.memory(),
        copyModel: () => c.copyModel(pick(['principal', 'otra', slot()]), pick(['otra', 'principal', slot()])),
        snapshotModel: () => c.snapshotModel(slot()),
        restoreModel: () => c.restoreModel(slot()),
        dropModel: () => c.dropModel(pick(['otra', slot()])),
        models: () => c.models(),
      };
      // Sanity: the generator covers every request the protocol knows (bench aside: it is slow;
      // trap aside: it crashes the engine on purpose, worker-protocol and robustness test it).
      const missing = Object.keys(table).filter((t) => t !== 'bench' && t !== 'trap' && !make[t]);

      const known = new Set([...Object.keys(errores), ...ERROR_CODES]);
      const outcomes = {};
      const unknownCodes = [];
      const pending = [];
      // The engine is started, MNIST loaded and a model built first, so that requests reach
      // training and scoring instead of meeting 'unsupported' or 'no_data' (those paths are
      // still hit: build and loadWeights fail, and the worker may restart); everything after
      // is random and not awaited.
      await c.init();
      await c.loadData({ sets: ['train', 'test'] });
      await c.build('classroom');
      for (let i = 0; i < count; i++) {
        const type = pick(Object.keys(make));
        let p;
        try {
          p = make[type]();
        } catch (e) {
          p = Promise.reject(e);  // e.g. a structured clone that cannot be made
        }
        pending.push(p.then(() => `${type}: ok`, (e) => {
          if (!known.has(e?.code)) unknownCodes.push(`${type}: ${e?.code} ${e?.message}`);
          return `${type}: ${e?.code}`;
        }).then((o) => { outcomes[o] = (outcomes[o] ?? 0) + 1; }));
        if (rand() < 0.05) await new Promise((ok) => setTimeout(ok, int(0, 30)));
      }
      // A run left going would keep the last train() pending: stop it, then wait for all.
      const settled = Promise.all(pending);
      let done = false;
      settled.then(() => { done = true; });
      const deadline = performance.now() + 240_000;
      while (!done && performance.now() < deadline) {
        await c.stop();
        await new Promise((ok) => setTimeout(ok, 250));
      }

      // Afterwards: a prediction and a short training run work.
      await c.init();
      await c.loadData({ sets: ['train', 'test'] });
      await c.loadWeights(weights);
      const digit = (await c.predict({ pixels: (await c.testImages({ start: 0, count: 1 })).pixels })).digit;
      await c.build('classroom');
      const run = await c.train({ epochs: 1, trainLimit: 64 });
      return { done, missing, outcomes, unknownCodes, crashes, digit, trained: run.history.length };
    }, [SEED, REQUESTS]);
    console.log(`seed ${SEED}: ${JSON.stringify(r.outcomes)}`);
    assert.deepEqual(r.missing, []);
    assert.equal(r.done, true, 'some requests never settled');
    assert.deepEqual(r.unknownCodes, []);
    assert.deepEqual(r.crashes, []);
    const ok = Object.entries(r.outcomes).filter(([k]) => k.endsWith(': ok')).reduce((n, [, v]) => n + v, 0);
    const total = Object.values(r.outcomes).reduce((a, b) => a + b, 0);
    assert.equal(total, REQUESTS);
    assert.ok(ok > 100 && ok < REQUESTS, `${ok} of ${total} succeeded: the mix must hold both`);
    assert.equal(r.digit, 7);  // test image 0 is a 7
    assert.equal(r.trained, 1);
  });

  it('logged no console error and made no request outside localhost', () => {
    assert.deepEqual(watched.outside, []);
    assert.deepEqual(watched.errors, []);
  });
});
