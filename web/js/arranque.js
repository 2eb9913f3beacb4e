// What the first drawn-digit answer needs, started before the page's other modules arrive:
// index.html loads this module `async`, so it runs as soon as it and client.js are in, while
// main.js's larger module graph is still downloading. It starts the engine's worker and asks
// it to load the pretrained network (README, "Modelo preentrenado"), which the worker
// downloads itself while its engine compiles: no fresh model is built first, and the page's
// busy main thread does not hold up the download. main.js imports the same module instance
// and takes these promises over.

import { ConvAulaClient } from './client.js';

export const cliente = new ConvAulaClient(new URL('../worker.js', import.meta.url).href);

// models/keras-mnist.json (preloaded by index.html) names the weights file and records its
// test accuracy; null if the build has none (the page then opens with a fresh network).
export const preentrenada = fetch(new URL('../models/keras-mnist.json', import.meta.url))
  .then((r) => (r.ok ? r.json() : null)).catch(() => null);
let leida;  // what preentrenada resolved with, once it has
preentrenada.then((info) => { leida = info; });

/**
 * Starts the engine in the client's current worker: {engine: init()'s result, red: the
 * pretrained network's summary once loaded (null without one, or if it failed to load),
 * presets}, all promises. Called once here and again by main.js after a worker crash. Each
 * promise gets a handler at once, so a failure before main.js has awaited it is not reported
 * as unhandled; awaiting it still throws.
 */
export function arrancarMotor() {
  const pedir = (info) => cliente.init(info ? { weights: new URL(`../models/${info.file}`, import.meta.url).href } : {});
  // After a crash the manifest is known: init is sent at once, ahead of any other request.
  const inicio = leida !== undefined ? pedir(leida) : preentrenada.then(pedir);
  const engine = inicio.then(({ variant, threads, simd }) => ({ variant, threads, simd }));
  const red = inicio.then((r) => r.network ?? null);
  // The worker answers in order: the training form's presets after the network, not before it.
  const presets = inicio.then(() => cliente.presets());
  for (const p of [engine, red, presets]) p.catch(() => {});
  return { engine, red, presets };
}

export const primerArranque = arrancarMotor();
