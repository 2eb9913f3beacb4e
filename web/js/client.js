// client.js: the page's only door to the engine — a promise API over the Web Worker (worker.js).
//
// Every method sends one request {id, type, payload} and resolves with the worker's result.
// Failures reject with a ConvAulaError carrying a stable `.code` (see `errores` in textos.js)
// and `.message_es`, the Spanish sentence to show. Big arrays arrive as transferred
// typed arrays, so they are the caller's to keep.
//
// Example:
//   const client = new ConvAulaClient();
//   await client.init();
//   await client.loadData({trainLimit: 10000});
//   await client.build('classroom');
//   client.on('progress', (p) => bar.value = p.batch / p.batches);
//   const {history, test} = await client.train({epochs: 1});
import { errores } from './textos.js';

/** Error thrown by every client method: `.code` is stable, `.message_es` is for people. */
export class ConvAulaError extends Error {
  constructor(code, message_es, detail = '') {
    super(detail || message_es);
    this.name = 'ConvAulaError';
    this.code = code;
    this.message_es = message_es;
  }
}

const EVENTS = ['progress', 'epoch', 'dataProgress', 'crash'];

export class ConvAulaClient {
  /** @param {string|URL} workerUrl the module worker, resolved against the page's URL. */
  constructor(workerUrl = './worker.js') {
    this.workerUrl = workerUrl;
    this.listeners = new Map(EVENTS.map((t) => [t, new Set()]));
    this.pending = new Map(); // id -> {resolve, reject}
    this.nextId = 1;
    this.worker = null;
    this.startWorker();
  }

  /**
   * Subscribes to a stream of worker events; returns a function that unsubscribes.
   * - 'progress': {epoch, epochs, batch, batches, loss, accuracy, imagesPerSecond, etaSeconds}
   *   (epoch and batch 1-based; loss/accuracy running means over the epoch), at most ~10/s.
   * - 'epoch': {epoch, epochs, loss, accuracy, val_loss, val_accuracy, seconds}
   * - 'dataProgress': {file, loaded, total} bytes of the gzipped MNIST file being fetched.
   * - 'crash': {message}: the worker died; a fresh one is already started (call init() again).
   */
  on(type, fn) {
    const set = this.listeners.get(type);
    if (!set) throw new TypeError(`unknown event '${type}'`);
    set.add(fn);
    return () => set.delete(fn);
  }

  /**
   * Loads the fastest engine this browser runs (tests may force one with {variant}).
   * @param {{variant?: 'simd-mt'|'simd'|'scalar'}} options
   * @returns {Promise<{variant: 'simd-mt'|'simd'|'scalar', threads: number, simd: boolean}>}
   *   simd false means the scalar build (the page shows a note).
   */
  init(options = {}) { return this.request('init', options); }

  /**
   * Downloads (with 'dataProgress' events) and decodes MNIST: `sets`, some of 'train' and
   * 'test' (default both); sets already loaded are not fetched again. trainLimit > 0 keeps
   * only the first trainLimit training images (the "subconjunto" for short lessons).
   * @param {{sets?: Array<'train'|'test'>, trainLimit?: number}} options
   * @returns {Promise<{train: number, test: number}>} image counts (0 for a set not loaded)
   */
  loadData({ sets = ['train', 'test'], trainLimit = 0 } = {}) {
    return this.request('loadData', { sets, trainLimit });
  }

  /** @returns {Promise<Array<{name: string, spec: object}>>} the built-in ModelSpecs. */
  presets() { return this.request('presets'); }

  /**
   * Builds a fresh model (new weights from the spec's seed).
   * @param {object|string} spec a ModelSpec object (core/include/convaula/model.h) or a preset name
   * @returns {Promise<{summary: Array<{name, kerasClass, output: number[], params}>,
   *                    totalParams: number, spec: object}>}
   *   output is [h, w, c] for images and [units] for vectors, as Keras prints it.
   */
  build(spec) { return this.request('build', { spec }); }

  /**
   * Trains the current model, continuing from its weights (as Keras's fit); call build()
   * first to start over. Options default to the model's spec. Streams 'progress' and
   * 'epoch'; other requests (predict, pause, ...) are answered while it runs.
   * Rejects with code 'diverged' if the loss becomes NaN/inf (weights kept from before).
   * @param {{epochs?: number, batchSize?: number, optimizer?: {type: string, lr?: number},
   *          trainLimit?: number}} options trainLimit 0 = all loaded training images
   * @returns {Promise<{stopped: boolean, history: object[], test: {loss: number, accuracy: number}}>}
   *   history holds the 'epoch' logs; test is measured on the whole test set.
   */
  train(options = {}) { return this.request('train', options); }

  /** Pauses training after the current slice of batches. @returns {Promise<void>} */
  pause() { return this.request('pause'); }
  /** @returns {Promise<void>} */
  resume() { return this.request('resume'); }
  /** Ends training; the pending train() then resolves with stopped: true. @returns {Promise<void>} */
  stop() { return this.request('stop'); }

  /**
   * Loss, accuracy and confusion matrix on the test set.
   * @returns {Promise<{loss: number, accuracy: number, confusion: Int32Array, classes: number}>}
   *   confusion[true * classes + predicted] counts images.
   */
  evaluate() { return this.request('evaluate'); }

  /**
   * Classifies one image.
   * @param {{rgba: Uint8ClampedArray, width: number, height: number, darkInk: boolean}
   *         | {pixels: Float32Array}} input a drawing (getImageData; darkInk = dark strokes on
   *         light paper) or an MNIST-like 28×28 image, ink 1 on background 0
   * @param {{activations?: boolean}} options activations: also return every layer's output
   * @returns {Promise<{digit: number, probabilities: Float32Array,
   *   steps: {box: {x0, y0, x1, y1, empty}, cropped: {width, height, pixels: Float32Array},
   *           fitted: {width, height, pixels: Float32Array}, placed: Float32Array, empty: boolean},
   *   activations?: Array<{name: string, kerasClass: string, shape: number[], data: Float32Array}>}>}
   *   steps follow digit.h and are null for pixels input; activation shapes are [c, h, w].
   */
  predict(input, { activations = false } = {}) {
    return this.request('predict', { input, activations });
  }

  /**
   * Weights of a Conv2D layer (index into summary).
   * @returns {Promise<{shape: number[], data: Float32Array, bias: Float32Array}>} shape [filters, c, k, k]
   */
  kernels(layerIndex) { return this.request('kernels', { layerIndex }); }

  /**
   * Step-by-step traces from the engine (explain.h); numbers are never recomputed in JS.
   * - 'conv' {input: Float32Array, channels, height, width, weights: Float32Array, kernel,
   *   bias = 0, stride = 1, samePadding = false, row, col}
   *   → {row, col, top, left, channels, kernel, inputs, weights, products, bias, sum}
   * - 'convMap' (same args without row/col) → {height, width, data: Float32Array}
   * - 'pool' {plane: Float32Array, height, width, pool = 2, stride = pool, row, col}
   *   → {row, col, top, left, pool, window, winner, max, discardedFraction}
   * - 'receptive' {spec?} → [{layer, size, jump, offset}] (spec: object or preset name;
   *   default the current model)
   * - 'receptiveWindow' {spec?, layer, row, col} → {y0, x0, y1, x1}
   * - 'params' {spec?} → [{layer, kerasClass, output, weights, biases, total, neurons,
   *   inputsPerNeuron, formula}]
   */
  explain(kind, args = {}) { return this.request('explain', { kind, args }); }

  /**
   * Test-set images for galleries.
   * @returns {Promise<{pixels: Float32Array, labels: Uint8Array}>} pixels (count, 28, 28) in [0, 1]
   */
  testImages({ start = 0, count = 16 } = {}) { return this.request('testImages', { start, count }); }

  /** @returns {Promise<ArrayBuffer>} the weights file (weights.h); f16 halves its size. */
  saveWeights({ f16 = false } = {}) { return this.request('saveWeights', { f16 }); }

  /**
   * Replaces the model with the one in a weights file. A corrupt or foreign file rejects
   * with code 'bad_weights' and leaves the current model untouched.
   * @param {ArrayBuffer} arrayBuffer
   * @returns {Promise<object>} as build()
   */
  loadWeights(arrayBuffer) { return this.request('loadWeights', { bytes: arrayBuffer }); }

  /**
   * The engine's benchmark in this browser (bench/chromium.mjs): training images/s with 1 and
   * `threads` threads, inference latency and throughput, and the mul-add peak GFLOP/s.
   * @returns {Promise<object>} BenchFigures (core/include/convaula/bench.h), camelCase
   */
  bench({ preset = 'keras-mnist', batches = 30, threads } = {}) {
    return this.request('bench', { preset, batches, threads });
  }

  /**
   * The mask a Dropout layer (index into summary) used in the last training step.
   * @returns {Promise<{rate: number, shape: number[], mask: Float32Array}>} shape [n, c, h, w]
   *   (n = images of that batch, 0 before any training); mask 0 = switched off,
   *   1/(1 - rate) = kept and rescaled.
   */
  dropoutMask(layerIndex) { return this.request('dropoutMask', { layerIndex }); }

  /**
   * The engine's Dropout layer alone, in training mode: `values` pass through step + 1
   * training steps of a layer seeded with `seed`; the last step's mask and output return.
   * @returns {Promise<{mask: Float32Array, output: Float32Array}>}
   */
  dropoutDemo({ values, rate, seed = 1, step = 0 }) {
    return this.request('dropoutDemo', { values, rate, seed, step });
  }

  /**
   * f(x) and f'(x) of an element-wise activation ('relu', 'sigmoid', 'tanh', 'linear'),
   * computed by the engine's Activation layer (forward and backward).
   * @returns {Promise<{y: Float32Array, dy: Float32Array}>}
   */
  activationCurve(activation, xs) { return this.request('activationCurve', { activation, xs }); }

  /**
   * The current model's answer for test images [start, start + count).
   * @returns {Promise<{predicted: Uint8Array, confidence: Float32Array, labels: Uint8Array}>}
   *   confidence is the probability of the predicted class.
   */
  testPredictions({ start = 0, count = 10000 } = {}) {
    return this.request('testPredictions', { start, count });
  }

  /** Ends the worker; pending calls reject with code 'worker_crash'. */
  terminate() {
    this.worker.terminate();
    this.failPending('worker_crash');
  }

  // ---- plumbing -----------------------------------------------------------------

  startWorker() {
    const worker = new Worker(this.workerUrl, { type: 'module' });
    this.worker = worker;
    // A dead worker's last queued messages must not reach its successor's callers.
    worker.onmessage = (e) => { if (worker === this.worker) this.receive(e.data); };
    // An uncaught error or an out-of-memory abort leaves the module unusable: start over.
    const crash = (e) => {
      e.preventDefault?.();
      if (worker !== this.worker) return;
      const message = e.message || 'worker error';
      worker.terminate();
      this.failPending('worker_crash', message);
      this.startWorker();
      this.emit('crash', { message });
    };
    worker.onerror = crash;
    worker.onmessageerror = crash;
  }

  request(type, payload = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, payload });
    });
  }

  receive(msg) {
    if (msg.id === undefined) {
      if (msg.type === 'crash') return this.crashFromWorker(msg.message);
      return this.emit(msg.type, msg);
    }
    const call = this.pending.get(msg.id);
    if (!call) return;
    this.pending.delete(msg.id);
    if (msg.ok) call.resolve(msg.result);
    else call.reject(new ConvAulaError(msg.error.code, msg.error.message_es, msg.error.message));
  }

  // The worker reports a fatal engine abort itself (Emscripten's onAbort) before dying.
  crashFromWorker(message) {
    this.worker.onerror({ message });
  }

  failPending(code, detail = '') {
    const message = errores[code] ?? errores.internal;
    for (const { reject } of this.pending.values()) reject(new ConvAulaError(code, message, detail));
    this.pending.clear();
  }

  emit(type, data) {
    for (const fn of this.listeners.get(type) ?? []) fn(data);
  }
}
