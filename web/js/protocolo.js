// protocolo.js: every request between the page and the engine worker, described once.
//
// worker.js builds its dispatcher from this table and client.js its methods, so a request's
// arguments, defaults and rules live here and nowhere else. Messages are {id, type, payload};
// replies {id, ok: true, result} or {id, ok: false, error: {code, message}}, where code is one
// of errc in core/include/convaula/error.h or ERROR_CODES below (web/js/ui/mensajes.js turns
// it into Spanish). Events have no id: see EVENTS.
//
// Models live in named slots of the engine (slot names: [a-z0-9-]{1,32}): 'principal' is the
// page's network (the pretrained one at open), 'experimento' the Práctica's, 'cuaderno' the
// notebook's. Every request about a model names its slot in the payload field `model`
// ('principal' when absent); a missing slot fails with no_model, a slot that would not fit in
// the session's memory budget with too_large.
//
// Concurrency, the one rule: one run at a time, a training run or a scoring pass (the CPU is
// the limit). Between a run's steps the worker answers everything else, on any slot: predict,
// kernels, activations, explain, copies and snapshots. A second run is refused with busy while
// a training run goes on, and waits for a scoring pass (they last seconds); a request that
// would replace or drop the slot being run is refused with busy as well (or waits for a pass).
//
// Each entry of REQUESTS:
//   args       the client method's positional arguments, which become payload fields; an
//              options object after them is merged into the payload as well
//   defaults   payload fields the worker fills in when absent (undefined counts as absent)
//   model      true: the request is about the model in slot `model` (default 'principal')
//   needs      what must exist first: 'engine' (init done), 'model' (the slot `model`),
//              'train', 'test' (data sets), else the request fails with unsupported / no_model
//              / no_data; while an init is under way, a request with needs waits for it (and
//              the network it loads)
//   run        'train' or 'pass': the request is a run (see the rule above)
//   replaces   the payload field naming the slot the request replaces or drops
//   swapsData  the request replaces the data sets a run reads: busy during any run
//   loads      data sets the worker downloads first when they are not loaded yet (with
//              'dataProgress' and 'dataLoaded' events), so a page can open with the test-set
//              sample only and get the rest when something needs it; a list, or a function of
//              the payload (with defaults) that returns one
//
// Data sets: 'train' (MNIST's 60,000 training images), 'test' (all 10,000 test images) and
// 'sample' (the first TEST_SAMPLE test images, a file of their own: what the lesson's first
// sections show). The sample is a prefix of the test set, so test image i is the same image
// whichever is loaded; the engine holds one of the two, and 'test' replaces 'sample'.

export const TEST_SAMPLE = 1000;

export const REQUESTS = {
  // {variant?: 'simd-mt'|'simd'|'scalar', weights?: URL, manifest?: URL} → {variant, threads,
  // simd}; with `weights` the worker downloads that weights file while the engine starts and
  // loads it, with `manifest` the one a model manifest names (models/keras-mnist.json's `file`,
  // relative to it): the answer then also has `network` (as loadWeights's) or `networkError`
  // ({code, message}). A client can hand the first init to the worker with its URL instead of a
  // message (client.js, option `init`): it is then request 0, answered like any other.
  init: {},
  // {sets, trainLimit} → {train, test}: downloads the MNIST sets not loaded yet ('dataProgress'
  // events) and gives the image counts in the engine (test: TEST_SAMPLE while only the sample is
  // there); trainLimit > 0 makes train() use the first trainLimit training images by default.
  loadData: { defaults: { sets: ['train', 'test'], trainLimit: 0 }, needs: ['engine'], swapsData: true },
  // → [{name, spec}] the built-in ModelSpecs
  presets: { needs: ['engine'] },
  // (spec: ModelSpec object or preset name) → {summary, totalParams, spec}; fresh weights
  build: { args: ['spec'], model: true, needs: ['engine'], replaces: 'model' },
  // {epochs?, batchSize?, optimizer?, trainLimit?, valLimit?, validationSplit?} → {stopped, history,
  // test}; goes on from the model's weights, streams 'progress' and 'epoch' events carrying this
  // request's id as `run`. After each epoch it validates on the test set, as Keras's
  // validation_data, so `test` is the last epoch's validation; with validationSplit (0 < x < 1,
  // Keras's validation_split) it validates on the training set's held-out last fraction instead
  // and scores the test set once, at the end, for `test`. valLimit > 0 validates (and scores)
  // on the first valLimit images only (short runs in tests).
  // A diverged run rejects with 'diverged' and the model from before the run is back.
  // 'progress' also carries the run's `fraction` done and `etaSeconds`, validation counted.
  train: { model: true, needs: ['model'], loads: ['train', 'test'], run: 'train' },
  // (pixels: Uint8Array (N, 28, 28), labels: Uint8Array (N), {epochs?, batchSize?, replay?, seed?, optimizer?, testLimit?})
  // → as train: ajuste fino of the slot on the student's own digits (session.h's tune_begin: each
  // drawn augmented, a `replay` share 0..0.9 of every batch from MNIST's training set; 0 epochs or
  // batch size, no optimizer: the engine's defaults). No validation between epochs: `test` scores
  // the test set after the run (testLimit > 0: its first testLimit images only). Streams
  // 'progress' and 'epoch' like train.
  fineTune: { args: ['pixels', 'labels'], defaults: { epochs: 0, batchSize: 0, replay: 0, seed: 1, testLimit: 0 }, model: true,
    needs: ['model'], loads: ({ replay }) => (replay > 0 ? ['train', 'test'] : ['test']), run: 'train' },
  // No-ops without a run: a click racing the end of a run is harmless. stop({pass: true}) ends
  // the scoring pass instead (evaluate, testPredictions, between two of its steps), and any
  // pass still waiting to start (for the test set's download, or behind another pass), which
  // then reject with 'stopped'; a training run's stop never ends another widget's pass. A stop
  // while a run scores the test set at its end (validationSplit, or a run stopped before) ends
  // that score too: the run answers {stopped: true, test: null}.
  pause: {},
  resume: {},
  stop: { defaults: { pass: false } },
  // {limit} → {loss, accuracy, classes, confusion: Int32Array} on the whole test set (limit > 0:
  // its first `limit` images only, for short tests)
  evaluate: { defaults: { limit: 0 }, model: true, needs: ['model'], loads: ['test'], run: 'pass' },
  // (input: {rgba, width, height, darkInk} | {pixels}, {activations}) →
  //   {digit, probabilities, steps, activations?}
  predict: { args: ['input'], defaults: { activations: false }, model: true, needs: ['model'] },
  // (layerIndex) → {shape: [filters, c, k, k], data, bias} of a Conv2D layer
  kernels: { args: ['layerIndex'], model: true, needs: ['model'] },
  // (kind, args) → explain.h's traces: conv, convMap, pool, receptive, receptiveWindow, params;
  // the last three describe args.spec, or without one the model in slot `model`
  explain: { args: ['kind', 'args'], defaults: { args: {} }, model: true, needs: ['engine'] },
  // {start, count} → {pixels: Float32Array (count, 28, 28), labels: Uint8Array}; images past
  // the sample bring the whole test set
  testImages: { defaults: { start: 0, count: 16 },
    loads: ({ start, count }) => (start + count > TEST_SAMPLE ? ['test'] : ['sample']) },
  // {f16} → ArrayBuffer, the weights file (weights.h)
  saveWeights: { defaults: { f16: false }, model: true, needs: ['model'] },
  // (bytes: ArrayBuffer) → as build; a bad file rejects with bad_weights, the model stays
  loadWeights: { args: ['bytes'], model: true, needs: ['engine'], replaces: 'model' },
  // {preset, batches, threads} → BenchFigures (core/include/convaula/bench.h), camelCase
  bench: { defaults: { preset: 'keras-mnist', batches: 30 }, needs: ['engine'], run: 'pass' },
  // (layerIndex) → {rate, shape: [n, c, h, w], mask} of a Dropout layer's last training step
  dropoutMask: { args: ['layerIndex'], model: true, needs: ['model'] },
  // {values, rate, seed, step} → {mask, output}: the engine's Dropout layer alone
  dropoutDemo: { defaults: { seed: 1, step: 0 }, needs: ['engine'] },
  // (activation, xs) → {y, dy}: f and f' through the engine's activation layer
  activationCurve: { args: ['activation', 'xs'], needs: ['engine'] },
  // {start, count} → {predicted: Uint8Array, confidence: Float32Array, labels: Uint8Array}
  testPredictions: { defaults: { start: 0, count: 10000 }, model: true, needs: ['model'], loads: ['test'], run: 'pass' },
  // (from, to) → as build, for slot `to`: a copy of slot `from`'s model (spec and weights)
  copyModel: { args: ['from', 'to'], needs: ['engine'], replaces: 'to' },
  // (model) → null: keeps a copy of the slot's model beside it (one per slot, the last taken)
  snapshotModel: { args: ['model'], model: true, needs: ['model'] },
  // (model) → as build: the slot's model is its snapshot again, exactly
  restoreModel: { args: ['model'], model: true, needs: ['engine'], replaces: 'model' },
  // (model) → null: the slot and its snapshot are gone
  dropModel: { args: ['model'], model: true, needs: ['engine'], replaces: 'model' },
  // → [slot names]
  models: { needs: ['engine'] },
  // → {inUse, heap}: bytes the engine's allocator holds, and the wasm heap's size
  memory: { needs: ['engine'] },
  // → rejected with worker_crash: the engine executes a wasm trap (__builtin_trap), as a bug in
  // it would; the worker also sends 'crash', and the client starts a new worker. For tests.
  trap: { needs: ['engine'] },
};

// Streams from the worker, {type, ...}: 'progress' {run, model, epoch, epochs, batch, batches,
// loss, accuracy, imagesPerSecond, fraction, etaSeconds, validating, validated, valImages} at
// most ~10 a second (validating: the epoch's batches are done and `validated` of `valImages`
// test images are scored; fraction: the share of the run's work done, validation included;
// etaSeconds: the time left for the rest, null until it can be told); 'epoch' {run, epoch, epochs,
// loss, accuracy, val_loss, val_accuracy, seconds, imagesPerSecond}; 'dataProgress' {file,
// loaded, total}; 'dataLoaded' {train, test}: image counts once a download is in the engine;
// 'crash' {message, retryIn}: the engine is unusable and the client starts a new one, after
// retryIn ms (0: at once; more while workers keep failing to load, client.js).
export const EVENTS = ['progress', 'epoch', 'dataProgress', 'dataLoaded', 'crash'];

// Codes the worker and client add to the engine's errc: no WebAssembly, a failed download,
// a worker that died (its pending requests reject with this), a scoring pass stopped.
export const ERROR_CODES = ['unsupported', 'network', 'worker_crash', 'stopped'];

// payload with `defaults` filled in where a field is absent or undefined.
export function withDefaults(defaults = {}, payload = {}) {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(payload)) if (value !== undefined) out[key] = value;
  return out;
}

// The slot a request is about when it names none.
export const DEFAULT_MODEL = 'principal';
/** A slot's name, as the engine accepts it (core/src/session.cpp); another is bad_argument. */
export const SLOT_NAME = /^[a-z0-9-]{1,32}$/;

// The payload of a client call: positional `args` by name, then the options object's fields.
export function payloadOf(request, values) {
  const names = request.args ?? [];
  const payload = {};
  names.forEach((name, i) => { payload[name] = values[i]; });
  return { ...payload, ...(values[names.length] ?? {}) };
}
