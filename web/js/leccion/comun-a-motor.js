// What sections 1–5 share about the engine: waiting until it (and MNIST) is ready, starting a
// widget only when its section comes near the screen, and showing a failed call in Spanish.

import { mensajeDeError } from '../ui/mensajes.js';

/** A promise with its resolve function outside, for "ready" signals that main.js gives. */
export function crearSenal() {
  let resolver;
  const promesa = new Promise((r) => { resolver = r; });
  return { promesa, resolver: (valor) => resolver(valor) };
}

/** Calls `iniciar` once, the first time `elemento` comes within a screen of the viewport. */
export function alAcercarse(elemento, iniciar) {
  const observador = new IntersectionObserver((entradas) => {
    if (!entradas.some((e) => e.isIntersecting)) return;
    observador.disconnect();
    iniciar();
  }, { rootMargin: '100% 0px' });
  observador.observe(elemento);
}

/**
 * Runs `fn` and reports its failure in `aviso` (a role="alert" element) instead of throwing;
 * a success hides the previous failure. Returns fn's result, or undefined on failure.
 */
export async function conAviso(aviso, fn) {
  try {
    const r = await fn();
    aviso.hidden = true;
    return r;
  } catch (error) {
    aviso.textContent = mensajeDeError(error);
    aviso.hidden = false;
    return undefined;
  }
}

/** Creates an element with a class and optional text; the widgets build their small DOM with it. */
export function elemento(etiqueta, clase, texto) {
  const el = document.createElement(etiqueta);
  if (clase) el.className = clase;
  if (texto !== undefined) el.textContent = texto;
  return el;
}
