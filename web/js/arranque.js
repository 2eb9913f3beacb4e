// What the first drawn-digit answer needs, started before the page's other modules arrive:
// index.html loads this module `async`, so it runs as soon as it and client.js are in, while
// main.js's larger module graph is still downloading. It takes over the engine's worker that
// js/temprano.js started (or starts it, if that script did not run first), which
// loads the pretrained network (README, "Modelo preentrenado") on its own: it reads the
// manifest, downloads the weights while its engine compiles, and loads them. The request rides
// on the worker's URL (client.js, option `init`), because a message would wait for the page's
// main thread, busy evaluating main.js's modules. No fresh model is built first. main.js
// imports the same module instance and takes these promises over.

import { ConvAulaClient } from './client.js';

// models/keras-mnist.json (preloaded by index.html) names the weights file and records its
// test accuracy; a build without one opens with a fresh network.
const MANIFIESTO = new URL('../models/keras-mnist.json', import.meta.url).href;
const INICIO = { manifest: MANIFIESTO };

// js/temprano.js has usually started the worker already, with this same init: it is taken over.
const temprano = window.__convaulaTemprano;
window.__convaulaTemprano = null;  // too late for temprano.js, if it has not run yet
export const cliente = new ConvAulaClient(new URL('../worker.js', import.meta.url).href,
  temprano ? { init: temprano.init, adopt: temprano } : { init: INICIO });

// The manifest as the page reads it (test accuracy, preset), null without one.
export const preentrenada = fetch(MANIFIESTO).then((r) => (r.ok ? r.json() : null)).catch(() => null);

/**
 * The engine in the client's current worker: {engine: init()'s result, red: the pretrained
 * network's summary once loaded (null without one, or if it failed to load), presets}, all
 * promises. The first call takes the init the worker started with; main.js calls it again after
 * a worker crash, and then init is sent at once, ahead of any other request. Each promise gets
 * a handler at once, so a failure before main.js has awaited it is not reported as unhandled;
 * awaiting it still throws.
 */
let primera = true;
export function arrancarMotor() {
  const inicio = primera ? cliente.started : cliente.init(INICIO);
  primera = false;
  const engine = inicio.then(({ variant, threads, simd }) => ({ variant, threads, simd }));
  const red = inicio.then((r) => r.network ?? null);
  // The worker answers in order: the training form's presets after the network, not before it.
  const presets = inicio.then(() => cliente.presets());
  for (const p of [engine, red, presets]) p.catch(() => {});
  return { engine, red, presets };
}

export const primerArranque = arrancarMotor();
