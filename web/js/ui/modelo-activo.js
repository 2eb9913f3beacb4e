// The line that says which network answers the drawings: the pretrained one, a new one,
// the one training now, one trained in class, or one loaded from a file.

import { modelo_activo as T } from '../textos.js';

/** The "Red activa" sentence for a network of kind `tipo` (a key of modelo_activo). */
export function fraseModelo(tipo, detalle) {
  const frase = T[tipo];
  return typeof frase === 'function' ? frase(detalle) : frase;
}

export function crearModeloActivo(elemento) {
  let actual = null;
  let anterior = null;

  // tipo: a key of modelo_activo; detalle: what its sentence needs (accuracy text, file name).
  function mostrar(tipo, detalle) {
    if (tipo !== actual?.tipo || detalle !== actual?.detalle) anterior = actual;
    actual = { tipo, detalle };
    elemento.dataset.model = tipo;
    elemento.dataset.kept = 'false';  // until red-conservada.js has kept this one
    elemento.textContent = fraseModelo(tipo, detalle);
  }

  return {
    mostrar,
    /** {tipo, detalle} of the line now, or null. */
    actual: () => actual,
    /** Whether the network shown is kept in this browser (red-conservada.js): data-kept. */
    conservada(si) { elemento.dataset.kept = String(si); },
    // After a diverged run the worker holds the network from before "Entrenar" again.
    recuperarAnterior() { if (anterior) mostrar(anterior.tipo, anterior.detalle); },
  };
}
