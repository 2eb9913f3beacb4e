// tfjs.mjs: the peer benchmark. TF.js (npm devDependencies, wasm backend = XNNPACK) runs the
// lesson's network in the same headless Chromium as bench/chromium.mjs, for the
// inference comparison. Bench only: nothing of TF.js is served by the app or enters web/dist.
//
// A tiny loopback server sends one page and TF.js's own bundles and .wasm binaries from
// node_modules, cross-origin isolated (COOP/COEP), so TF.js picks its threaded SIMD binary.
// Each thread count gets a fresh page: XNNPACK's pool size is fixed when the backend starts.
// Timing follows core/src/bench.cpp (ConvAula's figures): best of 50 calls for one image,
// best of 5 for a batch of 256, after a warm-up; the medians are printed too.
// usage: node bench/tfjs.mjs [--train]   (prints one JSON line with tfjs_* figures)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage } from '../tests/web/harness.mjs';

const TF = fileURLToPath(new URL('../node_modules/@tensorflow/', import.meta.url));
// The only files the server sends besides the page: name -> path under node_modules/@tensorflow.
const FILES = {
  'tf-core.min.js': 'tfjs-core/dist/tf-core.min.js',
  'tf-layers.min.js': 'tfjs-layers/dist/tf-layers.min.js',
  'tf-backend-wasm.min.js': 'tfjs-backend-wasm/dist/tf-backend-wasm.min.js',
  'tfjs-backend-wasm.wasm': 'tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm': 'tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm': 'tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
};
const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>TF.js bench</title>
<script src="/tfjs/tf-core.min.js"></script><script src="/tfjs/tf-layers.min.js"></script>
<script src="/tfjs/tf-backend-wasm.min.js"></script>`;
// SharedArrayBuffer (and so TF.js's threaded binary) needs a cross-origin-isolated page.
const ISOLATED = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
const TYPES = { js: 'text/javascript', wasm: 'application/wasm' };

function startPeerServer() {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    const name = path.startsWith('/tfjs/') ? path.slice(6) : null;
    if (path === '/' || path === '/blank') {
      const html = path === '/' ? PAGE : '<!doctype html><title>blank</title>';
      res.writeHead(200, { ...ISOLATED, 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    } else if (name && Object.hasOwn(FILES, name)) {
      const body = await readFile(TF + FILES[name]);
      res.writeHead(200, { ...ISOLATED, 'Content-Type': TYPES[name.split('.').pop()] }).end(body);
    } else {
      res.writeHead(404, ISOLATED).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() })));
}

// Runs in the page: starts the wasm backend with `threads`, builds the lesson's network
// (ConvAula's keras-mnist preset) and times model.predict, the call a TF.js app makes.
async function inPage({ threads, train, probe }) {
  const tf = globalThis.tf;
  tf.wasm.setWasmPaths('/tfjs/');
  if (threads > 0) tf.wasm.setThreadsCount(threads);  // before the backend initialises
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js wasm backend did not start');
  await tf.ready();
  const env = {
    backend: tf.getBackend(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: tf.wasm.getThreadsCount(),
    crossOriginIsolated: globalThis.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    versions: { core: tf.version_core, layers: tf.version_layers, wasm: tf.wasm.version_wasm },
  };
  if (probe) return { env };
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.dropout({ rate: 0.25 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 128, activation: 'relu' }),
    tf.layers.dropout({ rate: 0.5 }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  const predict = (x) => () => {
    const y = model.predict(x);
    y.dataSync();  // the wasm backend is synchronous; reading the result ends the call
    y.dispose();
  };
  // Seconds per call of fn: every one of `reps` calls after `warm` unrecorded ones.
  const times = (fn, warm, reps) => {
    for (let i = 0; i < warm; i++) fn();
    const t = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      fn();
      t.push((performance.now() - t0) / 1e3);
    }
    return t.sort((a, b) => a - b);
  };
  const median = (t) => t[Math.floor(t.length / 2)];
  const one = tf.randomUniform([1, 28, 28, 1]);
  const big = tf.randomUniform([256, 28, 28, 1]);
  const b1 = times(predict(one), 20, 50);
  const b256 = times(predict(big), 2, 5);
  const out = {
    env, params: model.countParams(),
    msB1Best: 1e3 * b1[0], msB1Median: 1e3 * median(b1),
    ipsB256Best: 256 / b256[0], ipsB256Median: 256 / median(b256),
  };
  if (train) out.train = await trainIps();
  return out;

  // Images/s of model.trainOnBatch on batches of 32 with Adadelta (lr 1.0, as the lesson),
  // or the error TF.js raises.
  async function trainIps() {
    try {
      model.compile({ optimizer: tf.train.adadelta(1.0), loss: 'categoricalCrossentropy' });
      const x = tf.randomUniform([32, 28, 28, 1]);
      const y = tf.oneHot(tf.randomUniform([32], 0, 10, 'int32'), 10);
      const t = [];
      for (let i = 0; i < 13; i++) {
        const t0 = performance.now();
        await model.trainOnBatch(x, y);
        if (i >= 3) t.push((performance.now() - t0) / 1e3);  // the first 3 warm up
      }
      t.sort((a, b) => a - b);
      return { ipsBest: 32 / t[0], ipsMedian: 32 / median(t) };
    } catch (err) {
      return { error: String(err?.message ?? err) };
    }
  }
}

// TF.js caps its pool at navigator.hardwareConcurrency / 2 (it assumes two hardware threads per
// core), so on a 2-core VM without SMT setThreadsCount(2) would quietly give 1 thread. The
// timed pages therefore report twice the real count; the probe page reports the real one
// and shows what a TF.js app gets here by default.
const DOUBLE_CORES = () => {
  const real = navigator.hardwareConcurrency;
  Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 2 * real, configurable: true });
};

// One fresh browser and page (same flags and loopback-only routing as the tests) per run.
async function measure(url, { threads, train = false, probe = false }) {
  const browser = await launchBrowser();
  try {
    const { page, outside, errors } = await openPage(browser, url, 'blank');  // no TF.js yet
    if (!probe) await page.addInitScript(DOUBLE_CORES);
    await page.goto(url);
    const r = await page.evaluate(inPage, { threads, train, probe });
    if (outside.length) throw new Error(`the page left 127.0.0.1: ${outside.join(', ')}`);
    return { ...r, errors, userAgent: await page.evaluate(() => navigator.userAgent) };
  } finally {
    await browser.close();
  }
}

const train = process.argv.includes('--train');
const server = await startPeerServer();
const runs = {};
let probe;
try {
  probe = await measure(server.url, { threads: -1, probe: true });
  for (const threads of [1, 2]) runs[threads] = await measure(server.url, { threads, train });
} finally {
  server.close();
}
console.log(`TF.js default on this machine (${probe.env.hardwareConcurrency} logical CPUs, setThreadsCount not called): ` +
  `${probe.env.threads} thread(s)`);

const PARAMS = 1_199_882;  // Keras's model.summary() for the lesson's network
const out = {
  tfjs_version: runs[1].env.versions.core,
  tfjs_layers_version: runs[1].env.versions.layers,
  tfjs_wasm_version: runs[1].env.versions.wasm,
  tfjs_simd: runs[1].env.simd,
  tfjs_multithread: runs[1].env.multithread,
  tfjs_params: runs[1].params,
  tfjs_default_threads: probe.env.threads,
};
for (const [threads, r] of Object.entries(runs)) {
  const { env } = r;
  console.log(`TF.js ${env.versions.core} (layers ${env.versions.layers}, wasm ${env.versions.wasm}), ` +
    `${r.userAgent.match(/Chrome\/[\d.]+/)?.[0]}: backend ${env.backend}, SIMD ${env.simd}, ` +
    `threads supported ${env.multithread}, cross-origin isolated ${env.crossOriginIsolated}, ` +
    `threads asked ${threads} / used ${env.threads}; ${r.params.toLocaleString('en-US')} parameters`);
  for (const e of r.errors) console.log(`  page error: ${e}`);
  if (env.backend !== 'wasm' || env.threads !== Number(threads)) throw new Error(`TF.js did not run wasm with ${threads} threads`);
  if (r.params !== PARAMS) throw new Error(`TF.js network has ${r.params} parameters, not ${PARAMS}`);
  console.log(`  inference 1 image: best ${r.msB1Best.toFixed(3)} ms, median ${r.msB1Median.toFixed(3)} ms (50 calls); ` +
    `batch 256: best ${r.ipsB256Best.toFixed(0)} img/s, median ${r.ipsB256Median.toFixed(0)} img/s (5 calls)`);
  out[`tfjs_infer_ms_b1_${threads}t`] = r.msB1Best;
  out[`tfjs_infer_ms_b1_median_${threads}t`] = r.msB1Median;
  out[`tfjs_infer_ips_b256_${threads}t`] = r.ipsB256Best;
  out[`tfjs_infer_ips_b256_median_${threads}t`] = r.ipsB256Median;
  if (r.train?.error) {
    console.log(`  training (Adadelta, batch 32): ${r.train.error}`);
    out[`tfjs_train_error_${threads}t`] = r.train.error;
  } else if (r.train) {
    console.log(`  training (Adadelta, batch 32): best ${r.train.ipsBest.toFixed(1)} img/s, median ${r.train.ipsMedian.toFixed(1)} img/s`);
    out[`tfjs_train_ips_${threads}t`] = r.train.ipsMedian;
  }
}
console.log(JSON.stringify(out));
