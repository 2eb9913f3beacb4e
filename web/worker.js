// worker.js: owns the wasm engine and answers the page's requests (DESIGN.md, "Worker protocol").
//
// Requests {id, type, payload} get one reply, {id, ok: true, result} or
// {id, ok: false, error: {code, message_es, message}}; events without an id stream
// progress. Training, scoring the test set and the test-set predictions run in slices of
// a few tens of milliseconds with a trip through the event loop between them, so pause,
// stop and predict are answered meanwhile.
import { errores } from './js/textos.js';

const SLICE_MS = 40;          // batches per slice: as many as fit here
const PROGRESS_EVERY_MS = 100; // at most ~10 progress events a second
// A run has diverged when, after a few batches, its mean loss is three times that of guessing
// uniformly among 10 digits (ln 10 ≈ 2.3): a huge learning rate saturates cross-entropy at
// confidently wrong answers (loss ≈ 13) long before, or instead of, producing NaN.
const DIVERGED_LOSS = 3 * Math.log(10);
const DIVERGED_AFTER_BATCHES = 10;
const DATA_FILES = {
  trainImages: 'train-images-idx3-ubyte', trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte', testLabels: 't10k-labels-idx1-ubyte',
};
// The smallest module using a SIMD instruction (i8x16.popcnt), as wasm-feature-detect checks it.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

let engine = null;
let info = null;          // init()'s result
let spec = null;          // the current model's spec (object)
let data = null;          // {train, test, trainLimit} once loaded
let training = null;      // the run in progress, see train()
let scoring = null;       // the sliced pass over the test set in progress (a promise), see exclusive()
const PENDING = Symbol('reply later');

class EngineError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

function need(value, code) {
  if (!value) throw new EngineError(code, code);
}
function notWhileTraining() {
  if (training) throw new EngineError('busy', 'training in progress');
}

// A sliced pass over the test set lets other requests in between its slices. Those that
// would replace the model or the data, or that need them to stay still, wait for it first
// (afterScoring); predictions and the lesson's widgets do not.
function exclusive(run) {
  const pass = run();
  scoring = pass;
  const clear = () => { if (scoring === pass) scoring = null; };
  pass.then(clear, clear);
  return pass;
}
async function afterScoring() {
  while (scoring) await scoring.catch(() => {});
}

// ---- init: the fastest variant this browser runs --------------------------------------
async function init({ variant } = {}) {
  if (info) return info;
  const simd = WebAssembly.validate(SIMD_PROBE);
  const threads = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  variant ??= simd ? (threads ? 'simd-mt' : 'simd') : 'scalar';
  const { default: create } = await import(`./wasm/convaula-${variant}.js`);
  engine = await create({
    // An abort (out of memory, a bug) leaves the module unusable: let the client restart us.
    onAbort: (what) => self.postMessage({ type: 'crash', message: String(what) }),
  });
  const count = variant === 'simd-mt' ? Math.min(navigator.hardwareConcurrency || 1, 8) : 1;
  engine.setThreads(count);
  info = { variant, threads: count, simd: variant !== 'scalar' };
  return info;
}

// ---- data: gzipped IDX files, decompressed by the browser --------------------------------
// sets: which of 'train' and 'test' to have; a set already loaded (or loading) is not fetched
// again, so the page asks for the test set at open and for the training set when training.
// The sets fetched by one call share one progress total.
async function loadData({ sets = ['train', 'test'], trainLimit = 0 } = {}) {
  need(engine, 'unsupported');
  await afterScoring();
  notWhileTraining();
  data ??= { train: 0, test: 0, trainLimit: 0, loading: {} };
  const fetchSets = async (wanted) => {
    const files = wanted.flatMap((set) => [DATA_FILES[`${set}Images`], DATA_FILES[`${set}Labels`]]);
    const names = files.map((f) => `${f}.gz`);
    const responses = await Promise.all(names.map(async (name) => {
      const r = await fetch(`./data/${name}`).catch(() => null);
      if (!r?.ok) throw new EngineError('network', `cannot fetch data/${name}`);
      return r;
    }));
    const total = responses.reduce((sum, r) => sum + Number(r.headers.get('Content-Length') || 0), 0);
    let loaded = 0, lastReport = 0;
    const report = (file, force) => {
      const now = performance.now();
      if (!force && now - lastReport < PROGRESS_EVERY_MS) return;
      lastReport = now;
      self.postMessage({ type: 'dataProgress', file, loaded, total });
    };
    const bytes = await Promise.all(responses.map((r, i) => {
      const counter = new TransformStream({
        transform(chunk, ctl) { loaded += chunk.byteLength; report(names[i], false); ctl.enqueue(chunk); },
      });
      const plain = r.body.pipeThrough(counter).pipeThrough(new DecompressionStream('gzip'));
      return new Response(plain).arrayBuffer().then((b) => new Uint8Array(b));
    }));
    report(names[names.length - 1], true);
    wanted.forEach((set, k) => {
      const [images, labels] = [bytes[2 * k], bytes[2 * k + 1]];
      data[set] = set === 'train' ? engine.loadTrain(images, labels) : engine.loadTest(images, labels);
    });
  };
  const wanted = ['train', 'test'].filter((set) => sets.includes(set) && !data[set] && !data.loading[set]);
  if (wanted.length > 0) {
    const run = fetchSets(wanted);
    for (const set of wanted) data.loading[set] = run;
    const clear = () => { for (const set of wanted) if (data.loading[set] === run) delete data.loading[set]; };
    run.then(clear, clear);
  }
  await Promise.all(sets.map((set) => data.loading[set]).filter(Boolean));
  data.trainLimit = trainLimit;
  return { train: trainLimit > 0 ? Math.min(trainLimit, data.train) : data.train, test: data.test };
}

// ---- model --------------------------------------------------------------------------
function specJson(s) {
  return typeof s === 'string' ? engine.presetSpec(s) : JSON.stringify(s);
}

function modelInfo(r) {
  spec = JSON.parse(r.specJson);
  return { summary: r.summary, totalParams: r.totalParams, spec };
}

function presets() {
  need(engine, 'unsupported');
  return engine.presetNames().map((name) => ({ name, spec: JSON.parse(engine.presetSpec(name)) }));
}

async function build({ spec: s }) {
  need(engine, 'unsupported');
  await afterScoring();
  notWhileTraining();
  return modelInfo(engine.build(specJson(s)));
}

// ---- training -----------------------------------------------------------------------
async function train(options, id) {
  need(spec, 'no_model');
  need(data, 'no_data');
  await afterScoring();
  notWhileTraining();
  const run = {
    ...spec,
    epochs: options.epochs ?? spec.epochs,
    batch_size: options.batchSize ?? spec.batch_size,
    optimizer: options.optimizer ?? spec.optimizer,
  };
  const batches = engine.trainBegin(JSON.stringify(run), options.trainLimit ?? data.trainLimit);
  spec = run;
  training = { id, epochs: run.epochs, batches, history: [], paused: false, stopping: false, lastProgress: 0 };
  schedule();
  return PENDING;
}

// A MessageChannel message is a task like the page's messages, so those queued meanwhile
// run before the next slice (setTimeout(0) would be clamped to 4 ms after a few calls).
const channel = new MessageChannel();
channel.port1.onmessage = slice;
function schedule() { channel.port2.postMessage(0); }
// The same trip for the sliced loops written with await.
function nextTask() {
  return new Promise((resolve) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => { c.port1.close(); resolve(); };
    c.port2.postMessage(0);
  });
}

function slice() {
  const t = training;
  if (!t || t.paused || t.finishing) return;
  try {
    if (t.stopping) return finish(true);
    const end = performance.now() + SLICE_MS;
    let log = null;
    while (!engine.trainDone() && performance.now() < end) {
      log = engine.trainStep();
      if (log.batch + 1 >= DIVERGED_AFTER_BATCHES && log.loss > DIVERGED_LOSS) {
        throw new EngineError('diverged', `mean loss ${log.loss} after ${log.batch + 1} batches`);
      }
      if (engine.trainEpochFinished()) {
        progress(log, true);
        epochEnded(engine.trainLastEpoch());
        log = null;
        break;  // one epoch event per slice keeps the page's charts smooth
      }
    }
    if (log) progress(log, false);
    if (engine.trainDone()) return finish(false);
    schedule();
  } catch (err) {
    // diverged: on NaN/inf the bad batch's update was not applied, so the weights are those
    // before it; on a loss that blew up they are spoilt, and the page restores its snapshot.
    training = null;
    engine.trainEnd();
    fail(t.id, err);
  }
}

function progress(log, force) {
  const t = training, now = performance.now();
  if (!force && now - t.lastProgress < PROGRESS_EVERY_MS) return;
  t.lastProgress = now;
  const left = (t.epochs - log.epoch - 1) * log.batches + (log.batches - log.batch - 1);
  const imagesPerSecond = log.imagesPerSecond;
  self.postMessage({
    type: 'progress', epoch: log.epoch + 1, epochs: t.epochs, batch: log.batch + 1,
    batches: log.batches, loss: log.loss, accuracy: log.accuracy, imagesPerSecond,
    etaSeconds: imagesPerSecond > 0 ? (left * spec.batch_size) / imagesPerSecond : null,
  });
}

function epochEnded(e) {
  const entry = {
    epoch: e.epoch + 1, epochs: training.epochs, loss: e.loss, accuracy: e.accuracy,
    val_loss: e.val_loss, val_accuracy: e.val_accuracy, seconds: e.seconds,
    imagesPerSecond: e.imagesPerSecond,
  };
  training.history.push(entry);
  self.postMessage({ type: 'epoch', ...entry });
}

async function finish(stopped) {
  const t = training;
  t.finishing = true;  // pause, resume and stop are moot from here
  const last = t.history[t.history.length - 1];
  let test;
  try {
    // Validation runs on the test set, so a finished run already has Keras's test numbers;
    // a stopped one is scored now.
    test = !stopped && last ? { loss: last.val_loss, accuracy: last.val_accuracy }
      : (({ loss, accuracy }) => ({ loss, accuracy }))(await scoreTestSet());
  } catch (err) {
    training = null;
    engine.trainEnd();
    return fail(t.id, err);
  }
  training = null;
  engine.trainEnd();
  reply(t.id, { stopped, history: t.history, test });
}

// Pause, resume and stop are no-ops without a run, so a click racing the end is harmless.
function pause() { if (training) training.paused = true; }
function resume() {
  if (!training?.paused) return;
  training.paused = false;
  schedule();
}
function stop() {
  if (!training) return;
  training.stopping = true;
  training.paused = false;
  schedule();
}

// ---- inference and inspection ---------------------------------------------------------
async function evaluate() {
  need(spec, 'no_model');
  need(data, 'no_data');
  await afterScoring();
  notWhileTraining();
  return exclusive(scoreTestSet);
}

// Keras's evaluate() on the test set ({loss, accuracy, classes, confusion}), one batch
// of 256 images per engine step, SLICE_MS of steps per task.
async function scoreTestSet() {
  engine.evalBegin();
  try {
    for (;;) {
      const end = performance.now() + SLICE_MS;
      let done = false;
      while (!done && performance.now() < end) done = engine.evalStep();
      if (done) return engine.evalResult();
      await nextTask();
    }
  } finally {
    engine.evalEnd();
  }
}

function predict({ input, activations = false }) {
  need(spec, 'no_model');
  const steps = input.rgba
    ? engine.digitSteps(input.rgba, input.width, input.height, Boolean(input.darkInk)) : null;
  const r = engine.predict(steps ? steps.placed : input.pixels, activations);
  let digit = 0;
  r.probabilities.forEach((p, i) => { if (p > r.probabilities[digit]) digit = i; });
  return { digit, probabilities: r.probabilities, steps, activations: r.activations };
}

function kernels({ layerIndex }) {
  need(spec, 'no_model');
  return engine.kernels(layerIndex);
}

// Argument names and defaults mirror explain.h; a spec may be an object, a preset name,
// or absent for the current model.
const explainers = {
  conv: (a) => engine.convTrace(a.input, a.channels ?? 1, a.height, a.width, a.weights, a.kernel,
    a.bias ?? 0, a.stride ?? 1, a.samePadding ?? false, a.row, a.col),
  convMap: (a) => engine.convFeatureMap(a.input, a.channels ?? 1, a.height, a.width, a.weights,
    a.kernel, a.bias ?? 0, a.stride ?? 1, a.samePadding ?? false),
  pool: (a) => engine.poolTrace(a.plane, a.height, a.width, a.pool ?? 2, a.stride ?? a.pool ?? 2,
    a.row, a.col),
  receptive: (a) => engine.receptiveFields(explainSpec(a)),
  receptiveWindow: (a) => engine.receptiveWindow(explainSpec(a), a.layer, a.row, a.col),
  params: (a) => engine.paramCounts(explainSpec(a)),
};
function explainSpec(a) {
  if (a.spec === undefined) need(spec, 'no_model');
  return a.spec === undefined ? '' : specJson(a.spec);
}
function explain({ kind, args }) {
  need(engine, 'unsupported');
  const fn = explainers[kind];
  if (!fn) throw new EngineError('bad_argument', `unknown explain kind '${kind}'`);
  return fn(args ?? {});
}

function testImages({ start = 0, count = 16 }) {
  need(data, 'no_data');
  return engine.testImages(start, count);
}

function saveWeights({ f16 = false }) {
  need(spec, 'no_model');
  return engine.saveWeights(f16).buffer;
}

async function loadWeights({ bytes }) {
  need(engine, 'unsupported');
  await afterScoring();
  notWhileTraining();
  return modelInfo(engine.loadWeights(new Uint8Array(bytes)));
}

// The benchmark of bench/chromium.mjs: training and inference speed in this browser.
async function bench({ preset = 'keras-mnist', batches = 30, threads = info?.threads ?? 1 }) {
  need(engine, 'unsupported');
  await afterScoring();
  notWhileTraining();
  return engine.bench(preset, batches, threads);
}

// ---- lesson widgets (dropout, ReLU, what the network learned) ---------------------------
function dropoutMask({ layerIndex }) {
  need(spec, 'no_model');
  return engine.dropoutMask(layerIndex);
}

function dropoutDemo({ values, rate, seed = 1, step = 0 }) {
  need(engine, 'unsupported');
  return engine.dropoutDemo(values, rate, seed, step);
}

function activationCurve({ activation, xs }) {
  need(engine, 'unsupported');
  return engine.activationCurve(activation, xs);
}

// The predicted digit and its probability for test images [start, start + count), in
// chunks of PREDICT_CHUNK images, SLICE_MS of chunks per task.
const PREDICT_CHUNK = 128;
async function testPredictions({ start = 0, count = 10000 }) {
  need(spec, 'no_model');
  need(data, 'no_data');
  await afterScoring();
  notWhileTraining();
  const first = Math.max(0, Math.min(start, data.test));
  const total = Math.max(0, Math.min(count, data.test - first));
  return exclusive(async () => {
    const out = { predicted: new Uint8Array(total), confidence: new Float32Array(total), labels: new Uint8Array(total) };
    let end = performance.now() + SLICE_MS;
    for (let b = 0; b < total; b += PREDICT_CHUNK) {
      if (performance.now() > end) {
        await nextTask();
        end = performance.now() + SLICE_MS;
      }
      const part = engine.testPredictions(first + b, Math.min(PREDICT_CHUNK, total - b));
      out.predicted.set(part.predicted, b);
      out.confidence.set(part.confidence, b);
      out.labels.set(part.labels, b);
    }
    return out;
  });
}

// ---- protocol -----------------------------------------------------------------------
const handlers = {
  init, loadData, presets, build, train, pause, resume, stop, evaluate, predict, kernels,
  explain, testImages, saveWeights, loadWeights, bench, dropoutMask, dropoutDemo,
  activationCurve, testPredictions,
};

self.onmessage = async ({ data: { id, type, payload } }) => {
  try {
    const handler = handlers[type];
    if (!handler) throw new EngineError('bad_argument', `unknown request '${type}'`);
    const result = await handler(payload ?? {}, id);
    if (result !== PENDING) reply(id, result);
  } catch (err) {
    fail(id, err);
  }
};

function reply(id, result) {
  self.postMessage({ id, ok: true, result }, transferables(result));
}

// Engine errors carry a stable code; a wrong argument type is caught by Embind as a TypeError.
function fail(id, err) {
  const code = err?.code ?? (err instanceof TypeError || err?.name === 'BindingError' ? 'bad_argument' : 'internal');
  const message_es = errores[code] ?? errores.internal;
  self.postMessage({ id, ok: false, error: { code, message_es, message: String(err?.message ?? err) } });
}

// Every typed array the engine returns owns a fresh buffer, so all of them can move.
function transferables(value, found = new Set()) {
  if (ArrayBuffer.isView(value)) found.add(value.buffer);
  else if (value instanceof ArrayBuffer) found.add(value);
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => transferables(v, found));
  return [...found];
}
