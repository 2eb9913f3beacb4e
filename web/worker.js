// worker.js: owns the wasm engine and answers the page's requests (web/js/protocolo.js).
//
// Handlers are plain functions keyed by request type; the dispatcher applies protocolo.js's
// defaults (the slot `model` among them), needs and its one concurrency rule before calling
// one, so no handler repeats them. Training, scoring the test set and the test-set predictions
// run in slices of a few tens of milliseconds with a trip through the event loop between them,
// so pause, stop and the requests about any slot are answered meanwhile. The engine's calls return {ok, value | code, message} (see
// wasm/bindings.cpp); call() turns a failure into a thrown EngineError.
import { DEFAULT_MODEL, REQUESTS, SLOT_NAME, withDefaults } from './js/protocolo.js';
import { createEta } from './js/eta.js';

const SLICE_MS = 40;           // batches per slice: as many as fit here
const PROGRESS_EVERY_MS = 100; // at most ~10 progress events a second
const DATA_FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
  sample: ['test-sample-images-idx3-ubyte', 'test-sample-labels-idx1-ubyte'],
};
// The smallest module using a SIMD instruction (i8x16.popcnt), as wasm-feature-detect checks it.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

const VARIANTS = ['simd-mt', 'simd', 'scalar'];
let engine = null;
let info = null;                          // init()'s result
const specs = new Map();                  // slot name -> its model's spec (object)
// Image counts of the loaded sets; testSet: 'sample' or 'test', which of the two the engine holds.
const data = { train: 0, test: 0, testSet: null, trainLimit: 0 };
const LOADED = {
  train: () => data.train > 0,
  test: () => data.testSet === 'test',
  sample: () => data.test > 0,  // the whole test set holds the sample too
};
let loading = null;                       // the loadData in progress (a promise)
let training = null;                      // the training run in progress, see train()
let scoring = null;                       // the scoring pass in progress: {slot, promise, stopping}
const waiting = new Set();                // passes not started yet (data loading, another pass): {stopping}
const PENDING = Symbol('reply later');

class EngineError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

// One engine call; its failure value becomes an exception here, on the JS side of the seam.
function call(name, ...args) {
  const r = engine[name](...args);
  if (!r.ok) throw new EngineError(r.code, r.message);
  return r.value;
}

// Arguments are checked before they reach Embind: a conversion that fails halfway through a
// call's arguments would leave the copies already made on the wasm heap.
function bad(what, value) {
  return new EngineError('bad_argument', `${what} is not valid: ${String(value).slice(0, 40)}`);
}
function int(value, what) {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'boolean') return Number(value);
  throw bad(what, value);
}
function finite(value, what) {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw bad(what, value);
}
function floats(value, what) {
  if (value instanceof Float32Array) return value;
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) return Float32Array.from(value);
  throw bad(what, value);
}
function bytes(value, what) {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw bad(what, value);
}
function text(value, what) {
  if (typeof value === 'string') return value;
  throw bad(what, value);
}

// ---- init: the fastest variant this browser runs ----------------------------------------
// `weights`: the URL of a weights file to load once the engine runs (the page's pretrained
// network); `manifest`: the URL of a model manifest naming one. It is downloaded here, while
// the engine compiles, and not by the page: a response body is read by the thread that
// fetched it, and the page's main thread is busy building the page at that moment. The answer
// then has `network` (loadWeights's result) or `networkError` ({code, message}: the engine
// itself started).
let starting = null;                      // the first init() while it runs
function init(args) {
  if (info) return info;
  starting ??= start(args).finally(() => { starting = null; });
  return starting;
}

async function start({ variant, weights, manifest }) {
  if (variant !== undefined && !VARIANTS.includes(variant)) throw bad('variant', variant);
  const download = weights !== undefined ? fetchWeights(text(weights, 'weights'))
    : manifest !== undefined ? fetchNamedWeights(text(manifest, 'manifest')) : null;
  download?.catch(() => {});  // awaited below, once the engine runs
  const simd = WebAssembly.validate(SIMD_PROBE);
  const threads = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  variant ??= simd ? (threads ? 'simd-mt' : 'simd') : 'scalar';
  const glue = import(`./wasm/convaula-${variant}.js`);
  warmSpanishNumbers();
  const { default: create } = await glue;
  engine = await create({
    // An abort (out of memory, a bug) leaves the module unusable: let the client restart us.
    onAbort: (what) => crash(String(what)),
  });
  const count = call('setThreads', variant === 'simd-mt' ? Math.min(navigator.hardwareConcurrency || 1, 8) : 1);
  info = { variant, threads: count, simd: variant !== 'scalar' };
  if (!download) return info;
  try {
    return { ...info, network: loadWeights({ model: DEFAULT_MODEL, bytes: await download }) };
  } catch (err) {
    return { ...info, networkError: { code: err?.code ?? 'internal', message: String(err?.message ?? err) } };
  }
}

// The page shows every number through Intl.NumberFormat('es-ES') (formato.js), and the first
// one a renderer process makes loads ICU's Spanish data for the whole process: 50-200 ms that
// the page's main thread spent while it built the page (headless Chromium, 2 cores). Made
// here first, while the engine downloads, the page's first one takes ~1 ms.
function warmSpanishNumbers() {
  try {
    new Intl.NumberFormat('es-ES', { style: 'percent', maximumFractionDigits: 1 }).format(0.5);
  } catch { /* no Intl: the page's own formatting will say so */ }
}

async function fetchWeights(url) {
  const r = await fetch(new URL(url, self.location.href)).catch(() => null);
  if (!r?.ok) throw new EngineError('network', `cannot fetch ${String(url).slice(0, 80)}`);
  return r.arrayBuffer();
}

// A manifest ({file, ...}, as models/keras-mnist.json) names its weights file relative to itself.
async function fetchNamedWeights(url) {
  const where = new URL(url, self.location.href);
  const r = await fetch(where).catch(() => null);
  if (!r?.ok) throw new EngineError('network', `cannot fetch ${url.slice(0, 80)}`);
  const { file } = await r.json().catch(() => ({}));
  if (typeof file !== 'string' || file === '') throw new EngineError('bad_weights', `${url.slice(0, 80)} names no weights file`);
  return fetchWeights(new URL(file, where).href);
}

function crash(message) {
  self.postMessage({ type: 'crash', message });
}

// ---- data: gzipped IDX files, decompressed by the browser ----------------------------------
async function loadData({ sets, trainLimit }) {
  if (!Array.isArray(sets) || !sets.every((set) => Object.hasOwn(DATA_FILES, set))) {
    throw new EngineError('bad_argument', `sets must list 'train', 'test' or 'sample', got ${JSON.stringify(sets)}`);
  }
  const limit = int(trainLimit, 'trainLimit');
  while (loading) await loading.catch(() => {});
  const wanted = sets.includes('test') ? sets.filter((set) => set !== 'sample') : sets;
  loading = fetchSets([...new Set(wanted)].filter((set) => !LOADED[set]()));
  try {
    await loading;
  } finally {
    loading = null;
  }
  data.trainLimit = limit;
  return { train: limit > 0 ? Math.min(limit, data.train) : data.train, test: data.test };
}

async function fetchSets(sets) {
  if (sets.length === 0) return;
  const names = sets.flatMap((set) => DATA_FILES[set].map((f) => `${f}.gz`));
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
  // A run or a pass may have started while the files were downloading: the engine refuses to
  // swap their data (busy), and nothing is replaced.
  sets.forEach((set, i) => {
    if (set === 'train') {
      data.train = call('loadTrain', bytes[2 * i], bytes[2 * i + 1]);
    } else {
      data.test = call('loadTest', bytes[2 * i], bytes[2 * i + 1]);
      data.testSet = set;
    }
  });
  self.postMessage({ type: 'dataLoaded', train: data.train, test: data.test });
}

// ---- model ------------------------------------------------------------------------------
function specJson(s) {
  if (typeof s === 'string') return call('presetSpec', s);
  if (!s || typeof s !== 'object') throw bad('spec', s);
  return JSON.stringify(s);
}

// A slot's summary as the page gets it; the worker keeps the slot's spec.
function modelInfo(slot, r) {
  const spec = JSON.parse(r.specJson);
  specs.set(slot, spec);
  return { summary: r.summary, totalParams: r.totalParams, spec };
}

function presets() {
  return call('presetNames').map((name) => ({ name, spec: JSON.parse(call('presetSpec', name)) }));
}

function build({ model, spec: s }) {
  return modelInfo(model, call('build', model, specJson(s)));
}

function loadWeights({ model, bytes: file }) {
  return modelInfo(model, call('loadWeights', model, bytes(file, 'bytes')));
}

function saveWeights({ model, f16 }) {
  return call('saveWeights', model, Boolean(f16)).buffer;
}

// ---- slots ------------------------------------------------------------------------------
const copyModel = ({ from, to }) => modelInfo(text(to, 'to'), call('copyModel', text(from, 'from'), to));
const restoreModel = ({ model }) => modelInfo(model, call('restoreModel', model));
function snapshotModel({ model }) {
  call('snapshotModel', model);
  return null;
}
function dropModel({ model }) {
  call('dropModel', model);
  specs.delete(model);
  return null;
}

// ---- training ---------------------------------------------------------------------------
function train(options, id) {
  const { model, epochs = 0, batchSize = 0, optimizer, trainLimit = data.trainLimit, valLimit = 0, validationSplit = 0 } = options;
  const batches = call('trainBegin', model, int(epochs, 'epochs'), int(batchSize, 'batchSize'),
    optimizer === undefined ? '' : JSON.stringify(optimizer), int(trainLimit, 'trainLimit'), int(valLimit, 'valLimit'),
    finite(validationSplit, 'validationSplit'));
  const spec = modelInfo(model, call('summary', model)).spec;  // the run's epochs, batch size and optimizer as asked
  const images = trainLimit > 0 ? Math.min(trainLimit, data.train) : data.train;
  return startRun(id, model, spec, batches, { images, valLimit, validates: !validationSplit });
}

// Ajuste fino: a run like train's over the student's own digits, without validation.
function fineTune({ model, pixels, labels, epochs, batchSize, replay, seed, optimizer, testLimit }, id) {
  const batches = call('tuneBegin', model, bytes(pixels, 'pixels'), bytes(labels, 'labels'), int(epochs, 'epochs'),
    int(batchSize, 'batchSize'), Number(replay), int(seed, 'seed'), optimizer === undefined ? '' : JSON.stringify(optimizer));
  const spec = modelInfo(model, call('summary', model)).spec;
  return startRun(id, model, spec, batches, { images: Infinity, valLimit: int(testLimit, 'testLimit'), validates: false });
}

function startRun(id, model, spec, batches, { images, valLimit, validates }) {
  const eta = createEta({ epochs: spec.epochs, trainImages: Math.min(images, batches * spec.batch_size) });
  eta.resume(performance.now());
  training = { id, slot: model, spec, batches, valLimit, validates, eta, history: [], paused: false,
    stopping: false, scheduled: false, lastProgress: 0, lastLog: null };
  schedule();
  return PENDING;
}

// A MessageChannel message is a task like the page's messages, so those queued meanwhile
// run before the next slice (setTimeout(0) would be clamped to 4 ms after a few calls).
const channel = new MessageChannel();
channel.port1.onmessage = slice;
// At most one slice is ever queued: pause() then resume() must not start a second loop.
function schedule() {
  if (training.scheduled) return;
  training.scheduled = true;
  channel.port2.postMessage(0);
}
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
  if (!t) return;
  t.scheduled = false;
  if (t.paused || t.finishing) return;
  try {
    if (t.stopping) return finish(true);
    const begin = performance.now(), end = begin + SLICE_MS;
    let step = null;
    while (performance.now() < end) {
      step = call('trainStep');
      if (step.epochFinished) break;  // one epoch event per slice keeps the page's charts smooth
      if (step.done) break;
    }
    timeSlice(t, step.batch, performance.now() - begin);
    if (step.epochFinished) {
      progress(step.batch, true);
      epochEnded(step.epoch);
    } else {
      progress(step.batch, false);
    }
    if (step.done) return finish(false);
    schedule();
  } catch (err) {
    // The session has ended the run and put back the model from before it.
    training = null;
    refreshSpec(t.slot);
    failed(t.id, err);
  }
}

function refreshSpec(slot) {
  try { modelInfo(slot, call('summary', slot)); } catch { specs.delete(slot); }
}

// What the slice did, for the time left: images trained, or validation images scored.
function timeSlice(t, log, ms) {
  const before = t.lastLog;
  t.lastLog = log;
  // A slice that crossed into validation or into the next epoch is counted as neither.
  if (!before || before.epoch !== log.epoch || before.validating !== log.validating) return;
  if (log.validating) t.eta.slice(ms / 1000, 0, log.validated - before.validated);
  else t.eta.slice(ms / 1000, (log.batch - before.batch) * t.spec.batch_size, 0);
}

function progress(log, force) {
  const t = training, now = performance.now();
  if (!force && now - t.lastProgress < PROGRESS_EVERY_MS) return;
  t.lastProgress = now;
  const { fraction, etaSeconds } = t.eta.estimate(log, t.spec.batch_size, now);
  self.postMessage({
    type: 'progress', run: t.id, model: t.slot, epoch: log.epoch + 1, epochs: t.spec.epochs, batch: log.batch + 1,
    batches: log.batches, loss: log.loss, accuracy: log.accuracy, imagesPerSecond: log.imagesPerSecond,
    fraction, etaSeconds, validating: log.validating, validated: log.validated, valImages: log.valImages,
  });
}

function epochEnded(e) {
  const entry = {
    epoch: e.epoch + 1, epochs: training.spec.epochs, loss: e.loss, accuracy: e.accuracy,
    val_loss: e.val_loss, val_accuracy: e.val_accuracy, seconds: e.seconds,
    imagesPerSecond: e.imagesPerSecond,
  };
  training.history.push(entry);
  self.postMessage({ type: 'epoch', run: training.id, ...entry });
}

async function finish(stopped) {
  const t = training;
  t.finishing = true;  // pause and resume are moot from here; stop ends the closing score
  t.stopping = false;
  call('trainEnd');
  const last = t.history[t.history.length - 1];
  try {
    // Validation on the test set gives a finished run Keras's test numbers; a stopped run, or
    // one validated on held-out training images, is scored now (before `training` clears, so
    // nothing slips in between).
    const test = !stopped && last && t.validates ? { loss: last.val_loss, accuracy: last.val_accuracy }
      : (({ loss, accuracy }) => ({ loss, accuracy }))(await scoreTestSet({ model: t.slot, limit: t.valLimit }));
    training = null;
    reply(t.id, { stopped, history: t.history, test });
  } catch (err) {
    training = null;
    // Stopped while scoring: a stopped run, without test figures.
    if (err.code === 'stopped') reply(t.id, { stopped: true, history: t.history, test: null });
    else failed(t.id, err);
  }
}

function pause() {
  if (!training || training.finishing) return;
  training.paused = true;
  training.eta.pause(performance.now());
}
function resume() {
  if (!training?.paused) return;
  training.paused = false;
  training.eta.resume(performance.now());
  schedule();
}
function stop({ pass }) {
  if (pass) {
    for (const p of [scoring, ...waiting]) if (p) p.stopping = true;
    return;
  }
  if (!training) return;
  training.stopping = true;
  if (training.finishing) return;  // its closing score ends at its next slice
  training.paused = false;
  schedule();
}

// ---- scoring passes ---------------------------------------------------------------------
// A pass goes on in engine steps of about the same work whatever the model (its summary's
// scoringBatch images), SLICE_MS of steps per task; between two tasks the page's other
// requests are answered, and `stop` ends the pass, which then rejects with 'stopped'.
async function nextSlice() {
  await nextTask();
  if (scoring?.stopping || (training?.finishing && training.stopping)) throw new EngineError('stopped', 'the scoring pass was stopped');
}

// Keras's evaluate() on the test set ({loss, accuracy, classes, confusion}).
async function scoreTestSet({ model, limit = 0 }) {
  call('evalBegin', model, int(limit, 'limit'));
  try {
    for (;;) {
      const end = performance.now() + SLICE_MS;
      let done = false;
      while (!done && performance.now() < end) done = call('evalStep');
      if (done) return call('evalResult');
      await nextSlice();
    }
  } finally {
    call('evalEnd');
  }
}

// The predicted digit and its probability for test images [start, start + count).
async function testPredictions({ model, start, count }) {
  const first = Math.max(0, Math.min(int(start, 'start'), data.test));
  const total = Math.max(0, Math.min(int(count, 'count'), data.test - first));
  const out = { predicted: new Uint8Array(total), confidence: new Float32Array(total), labels: new Uint8Array(total) };
  const chunk = call('summary', model).scoringBatch;
  let end = performance.now() + SLICE_MS;
  for (let b = 0; b < total; b += chunk) {
    if (performance.now() > end) {
      await nextSlice();
      end = performance.now() + SLICE_MS;
    }
    const part = call('testPredictions', model, first + b, Math.min(chunk, total - b));
    out.predicted.set(part.predicted, b);
    out.confidence.set(part.confidence, b);
    out.labels.set(part.labels, b);
  }
  return out;
}

// ---- inference and inspection -----------------------------------------------------------
function predict({ model, input, activations }) {
  const steps = input?.rgba
    ? call('digitSteps', bytes(input.rgba, 'rgba'), int(input.width, 'width'), int(input.height, 'height'),
      Boolean(input.darkInk)) : null;
  const r = call('predict', model, steps ? steps.placed : floats(input?.pixels, 'pixels'), Boolean(activations));
  return { digit: r.digit, probabilities: r.probabilities, steps, activations: r.activations };
}

// Argument names and defaults mirror explain.h; a spec may be an object, a preset name,
// or absent for the current model.
const conv = (a) => [floats(a.input, 'input'), int(a.channels ?? 1, 'channels'), int(a.height, 'height'),
  int(a.width, 'width'), floats(a.weights, 'weights'), int(a.kernel, 'kernel'), Number(a.bias ?? 0),
  int(a.stride ?? 1, 'stride'), Boolean(a.samePadding)];
const explainers = {
  conv: (a) => call('convTrace', ...conv(a), int(a.row, 'row'), int(a.col, 'col')),
  convMap: (a) => call('convFeatureMap', ...conv(a)),
  pool: (a) => call('poolTrace', floats(a.plane, 'plane'), int(a.height, 'height'), int(a.width, 'width'),
    int(a.pool ?? 2, 'pool'), int(a.stride ?? a.pool ?? 2, 'stride'), int(a.row, 'row'), int(a.col, 'col')),
  receptive: (a, model) => call('receptiveFields', model, explainSpec(a)),
  receptiveWindow: (a, model) => call('receptiveWindow', model, explainSpec(a), int(a.layer, 'layer'),
    int(a.row, 'row'), int(a.col, 'col')),
  params: (a, model) => call('paramCounts', model, explainSpec(a)),
};
function explainSpec(a) {
  return a.spec === undefined ? '' : specJson(a.spec);
}

const handlers = {
  init, loadData, presets, build, train, fineTune, pause, resume, stop, predict, saveWeights, loadWeights,
  testPredictions, copyModel, snapshotModel, restoreModel, dropModel,
  evaluate: scoreTestSet,
  models: () => call('modelSlots'),
  kernels: ({ model, layerIndex }) => call('kernels', model, int(layerIndex, 'layerIndex')),
  explain: ({ model, kind, args }) => {
    if (!Object.hasOwn(explainers, kind)) throw bad('explain kind', kind);
    if (!args || typeof args !== 'object') throw bad('args', args);
    return explainers[kind](args, model);
  },
  testImages: ({ start, count }) => call('testImages', int(start, 'start'), int(count, 'count')),
  bench: ({ preset, batches, threads }) => call('bench', text(preset, 'preset'), int(batches, 'batches'),
    int(threads ?? info.threads, 'threads')),
  dropoutMask: ({ model, layerIndex }) => call('dropoutMask', model, int(layerIndex, 'layerIndex')),
  dropoutDemo: ({ values, rate, seed, step }) => call('dropoutDemo', floats(values, 'values'),
    Number(rate), int(seed, 'seed'), int(step, 'step')),
  activationCurve: ({ activation, xs }) => call('activationCurve', text(activation, 'activation'), floats(xs, 'xs')),
  memory: () => call('memory'),
  trap: () => engine.trap(),
};

// ---- dispatch: protocolo.js's rules, then the handler ----------------------------------------
const NEEDS = {
  engine: () => engine ? null : 'unsupported',
  model: (args) => specs.has(args.model) ? null : 'no_model',
  train: () => data.train ? null : 'no_data',
  test: () => data.test ? null : 'no_data',
};

// protocolo.js's concurrency rule: what the request would clash with. 'busy' while training
// (runs last minutes), 'wait' for a scoring pass (seconds), null when it can go now.
function clash(request, args) {
  const slot = request.replaces && args[request.replaces];
  const clashes = (run) => run && (request.run || request.swapsData || (slot && slot === run.slot));
  if (clashes(training)) return 'busy';
  if (clashes(scoring)) return request.swapsData ? 'busy' : 'wait';
  return null;
}

function check(request, args) {
  for (const need of request.needs ?? []) {
    const code = NEEDS[need](args);
    if (code) throw new EngineError(code, `${need} is needed first`);
  }
  if (clash(request, args) === 'busy') {
    throw new EngineError('busy', training ? `training slot '${training.slot}'` : 'scoring the test set');
  }
}

async function dispatch(type, payload, id) {
  if (!Object.hasOwn(REQUESTS, type) || !Object.hasOwn(handlers, type)) {
    throw new EngineError('bad_argument', `unknown request '${type}'`);
  }
  const request = REQUESTS[type];
  const args = withDefaults(request.defaults, payload ?? {});
  if (request.model) {
    args.model = text(args.model ?? DEFAULT_MODEL, 'model');
    // Named before anything is looked up: a misspelt slot is bad_argument, not no_model.
    if (!SLOT_NAME.test(args.model)) throw new EngineError('bad_argument', `model slot '${args.model.slice(0, 40)}'`);
  }
  // A request that arrives while the engine starts waits for it, and for the network it loads
  // (a page's sections may ask while a restarted worker is still loading its network; a digit
  // drawn at open is answered the moment the pretrained network is in), rather than failing
  // with unsupported or no_model. Every need implies the engine.
  if (starting && request.needs?.length) await starting.catch(() => {});
  check(request, args);
  // A pass stopped before it starts (while it waits here) is stopped all the same.
  const pass = { slot: args.model, stopping: false };
  if (request.run === 'pass') waiting.add(pass);
  try {
    while (clash(request, args) === 'wait') {
      await scoring.promise.catch(() => {});
      check(request, args);  // the world may have changed while waiting
    }
    const loads = typeof request.loads === 'function' ? request.loads(args) : request.loads;
    if (loads?.some((set) => !LOADED[set]())) {
      await loadData({ sets: loads, trainLimit: data.trainLimit });
      check(request, args);
    }
  } finally {
    waiting.delete(pass);
  }
  if (request.run !== 'pass') return handlers[type](args, id);
  if (pass.stopping) throw new EngineError('stopped', 'the scoring pass was stopped before it started');
  pass.promise = handlers[type](args, id);
  scoring = pass;
  try {
    return await pass.promise;
  } finally {
    if (scoring === pass) scoring = null;
  }
}

async function handle({ id, type, payload }) {
  try {
    const result = await dispatch(type, payload, id);
    if (result !== PENDING) reply(id, result);
  } catch (err) {
    failed(id, err);
  }
}
self.onmessage = ({ data }) => handle(data);

// The first init may come with this worker's URL (#init=<JSON payload>, client.js's `init`
// option): it starts now, as request 0. A message would come later: the page's main thread
// hands a new worker its first messages only once it is free, and at that moment it is
// busy evaluating the page's modules.
const early = new URLSearchParams(self.location.hash.slice(1)).get('init');
if (early !== null) {
  let payload;
  try {
    payload = JSON.parse(early);
  } catch {
    payload = early;  // handled as a message with that payload would be
  }
  handle({ id: 0, type: 'init', payload });
}

function reply(id, result) {
  self.postMessage({ id, ok: true, result }, transferables(result));
}

// Engine errors carry a stable code; a wrong argument type is caught by Embind as a TypeError.
// A wasm trap (RuntimeError) leaves the module in an unknown state: the client restarts us.
function failed(id, err) {
  if (err instanceof WebAssembly.RuntimeError) {
    self.postMessage({ id, ok: false, error: { code: 'worker_crash', message: String(err.message) } });
    return crash(String(err.message));
  }
  const code = err?.code ?? (err instanceof TypeError || err?.name === 'BindingError' ? 'bad_argument' : 'internal');
  self.postMessage({ id, ok: false, error: { code, message: String(err?.message ?? err) } });
}

// Every typed array the engine returns owns a fresh buffer, so all of them can move.
function transferables(value, found = new Set()) {
  if (ArrayBuffer.isView(value)) found.add(value.buffer);
  else if (value instanceof ArrayBuffer) found.add(value);
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => transferables(v, found));
  return [...found];
}
