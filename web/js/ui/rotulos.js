// Fills the static page with its Spanish text: data-t="grupo.clave" sets the text,
// data-t-aria-label="grupo.clave" the accessible name, so index.html holds no prose.

import * as textos from '../textos.js';

function buscar(ruta) {
  const valor = ruta.split('.').reduce((obj, clave) => obj?.[clave], textos);
  if (typeof valor !== 'string') throw new Error(`textos.js has no string at "${ruta}"`);
  return valor;
}

export function aplicarTextos(raiz = document) {
  for (const el of raiz.querySelectorAll('[data-t]')) el.textContent = buscar(el.dataset.t);
  for (const el of raiz.querySelectorAll('[data-t-aria-label]')) el.setAttribute('aria-label', buscar(el.dataset.tAriaLabel));
}
