// What the first drawn-digit answer needs, started before the page's other modules arrive:
// index.html loads this module `async`, so it runs as soon as it and client.js are in, while
// main.js's larger module graph is still downloading. It starts the engine's worker, downloads
// the pretrained network (README, "Modelo preentrenado") meanwhile, and loads it into the
// worker the moment both are there: no fresh model is built first.
// main.js imports the same module instance and takes these promises over.

import { ConvAulaClient } from './client.js';

export const cliente = new ConvAulaClient(new URL('../worker.js', import.meta.url).href);

// models/keras-mnist.json names the weights file and records its test accuracy; null if the
// build has none (the page then opens with a fresh network).
export const preentrenada = (async () => {
  const enModelos = (archivo) => fetch(new URL(`../models/${archivo}`, import.meta.url));
  const info = await enModelos('keras-mnist.json').then((r) => (r.ok ? r.json() : null));
  const pesos = info && await enModelos(info.file).then((r) => (r.ok ? r.arrayBuffer() : null));
  return pesos ? { ...info, bytes: pesos } : null;
})().catch(() => null);

/**
 * Starts the engine in the client's current worker: {engine: init()'s result, presets, red: the
 * pretrained network's summary once loaded (null without one)}, all promises. Called once here
 * and again by main.js after a worker crash. Each promise gets a handler at once, so a failure
 * before main.js has awaited it is not reported as unhandled; awaiting it still throws.
 */
export function arrancarMotor() {
  const engine = cliente.init();
  const red = Promise.all([engine, preentrenada]).then(([, p]) => (p ? cliente.loadWeights(p.bytes) : null));
  // The worker answers in order: the training form's presets after the network, not before it.
  const presets = red.catch(() => null).then(() => cliente.presets());
  for (const p of [engine, presets, red]) p.catch(() => {});
  return { engine, presets, red };
}

export const primerArranque = arrancarMotor();
