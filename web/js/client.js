// client.js: the page's only door to the engine — a promise API over the Web Worker (worker.js).
//
// Its methods are made from web/js/protocolo.js's REQUESTS, where each request's arguments,
// defaults and rules are described: client.build(spec), client.predict(input, {activations}),
// client.train({epochs}), ... Every call resolves with the worker's result or rejects with a
// ConvAulaError carrying a stable `.code` (web/js/ui/mensajes.js turns it into Spanish). The
// returned promise has the request's `.id`, which the 'progress' and 'epoch' events of a
// train() call carry as `run`. Big arrays arrive as transferred typed arrays, the caller's to keep.
//
// Example:
//   const client = new ConvAulaClient();
//   await client.init();
//   await client.loadData({ trainLimit: 10000 });
//   await client.build('classroom');
//   const run = client.train({ epochs: 1 });
//   client.on('progress', (p) => { if (p.run === run.id) bar.value = p.batch / p.batches; });
//   const { history, test } = await run;
import { EVENTS, REQUESTS, payloadOf } from './protocolo.js';

/** Error thrown by every client method: `.code` is stable, `.message` is for developers. */
export class ConvAulaError extends Error {
  constructor(code, message = code) {
    super(message);
    this.name = 'ConvAulaError';
    this.code = code;
  }
}

export class ConvAulaClient {
  /**
   * @param {string|URL} workerUrl the module worker, resolved against the page's URL.
   * @param {{init?: object, adopt?: {worker: Worker, eventos: Event[]}}} [options]
   *   `init`: init()'s payload, handed to the first worker with its URL so that it starts at
   *   once (a message posted to a new worker reaches it only when the page's main thread is
   *   free); its answer is the promise `client.started`. `adopt`: that first worker, already
   *   started with `init` in its URL (js/temprano.js), and the events it fired meanwhile,
   *   handled now in order. `retry`: {base, cap} in ms, the restart backoff (below).
   */
  constructor(workerUrl = './worker.js', { init, adopt, retry } = {}) {
    this.workerUrl = workerUrl;
    this.listeners = new Map(EVENTS.map((t) => [t, new Set()]));
    this.pending = new Map(); // id -> {resolve, reject}; 0 is the init handed over with the URL
    this.nextId = 1;
    this.worker = null;
    this.retry = { ...RETRY, ...retry };
    this.failures = 0;   // workers in a row that died without answering a request
    this.waiting = [];   // messages for the next worker, while a restart waits out its delay
    this.timer = null;
    this.started = init === undefined ? null : new Promise((resolve, reject) => this.pending.set(0, { resolve, reject }));
    this.startWorker(init, adopt);
  }

  /** Subscribes to one of protocolo.js's EVENTS; returns a function that unsubscribes. */
  on(type, fn) {
    const set = this.listeners.get(type);
    if (!set) throw new TypeError(`unknown event '${type}'`);
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Ends the worker; pending calls reject with code 'worker_crash'. */
  terminate() {
    clearTimeout(this.timer);
    this.worker?.terminate();
    this.failPending('worker_crash', 'terminated');
  }

  /** Starts the next worker now instead of when the restart's delay ends ("Reintentar"). */
  retryNow() {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.startNext();
  }

  // ---- plumbing -----------------------------------------------------------------

  startWorker(init, adopt) {
    const worker = adopt?.worker ?? new Worker(conInit(this.workerUrl, init), { type: 'module' });
    this.worker = worker;
    // A dead worker's last queued messages must not reach its successor's callers.
    worker.onmessage = (e) => { if (worker === this.worker) this.receive(e.data); };
    for (const msg of this.waiting.splice(0)) worker.postMessage(msg);
    // An uncaught error, an out-of-memory abort or a wasm trap leaves the module unusable.
    const crash = (e) => {
      e.preventDefault?.();
      if (worker === this.worker) this.restart(e.message || 'worker error');
    };
    worker.onerror = crash;
    worker.onmessageerror = crash;
    for (const e of adopt?.eventos.splice(0) ?? []) {
      if (e.type === 'message') worker.onmessage(e);
      else crash(e);
    }
  }

  // A worker that dies is replaced: at once after one that had answered, then after a delay
  // that doubles with every worker in a row that died without answering (worker.js missing
  // mid-deploy, a server out of file descriptors), up to retry.cap. 'crash' says when
  // (retryIn, ms); requests made meanwhile wait for the next worker.
  restart(message) {
    this.worker.terminate();
    this.worker = null;
    this.failPending('worker_crash', message);
    const retryIn = this.failures === 0 ? 0 : Math.min(this.retry.cap, this.retry.base * 2 ** (this.failures - 1));
    this.failures++;
    if (retryIn === 0) this.startNext();
    else this.timer = setTimeout(() => this.startNext(), retryIn);
    this.emit('crash', { message, retryIn });
  }

  startNext() {
    this.timer = null;
    this.startWorker();
  }

  request(type, payload = {}) {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const msg = { id, type, payload };
      if (this.worker) this.worker.postMessage(msg);
      else this.waiting.push(msg);
    });
    promise.id = id;
    return promise;
  }

  receive(msg) {
    if (msg.id === undefined) {
      if (msg.type === 'crash') return this.restart(msg.message);
      return this.emit(msg.type, msg);
    }
    const call = this.pending.get(msg.id);
    if (!call) return;
    this.pending.delete(msg.id);
    if (msg.ok) this.failures = 0;
    if (msg.ok) call.resolve(msg.result);
    else call.reject(new ConvAulaError(msg.error.code, msg.error.message));
  }

  failPending(code, message) {
    for (const { reject } of this.pending.values()) reject(new ConvAulaError(code, message));
    this.pending.clear();
  }

  emit(type, data) {
    for (const fn of this.listeners.get(type) ?? []) fn(data);
  }
}

// The restart backoff: 1 s after the second worker in a row that failed, doubling to 30 s.
const RETRY = { base: 1000, cap: 30_000 };

// The worker's URL carrying its first init (worker.js reads #init=<JSON>); js/temprano.js,
// a classic script that cannot import this, builds the same URL.
function conInit(workerUrl, init) {
  const url = new URL(workerUrl, globalThis.location?.href);
  if (init !== undefined) url.hash = `init=${encodeURIComponent(JSON.stringify(init))}`;
  return url;
}

// One method per request, e.g. client.kernels(1) sends {type: 'kernels', payload: {layerIndex: 1}}.
for (const [type, request] of Object.entries(REQUESTS)) {
  ConvAulaClient.prototype[type] = function (...values) {
    return this.request(type, payloadOf(request, values));
  };
}
