// Projector mode: a body class with larger type and higher contrast, remembered between visits;
// in it, "Ocultar respuestas" hides the questions' verdicts and the engine's answers on the
// shared screen while the class thinks (for this visit only).

import { guardarLocal, leerLocal } from './almacen.js';

// Layout 1: 1 (on) or 0 (off), as JSON.
const CLAVE = 'convaula.proyector';

// alApartar(): called if the stored setting did not fit its layout and was set aside.
export function crearProyector(boton, botonRespuestas, { alApartar } = {}) {
  botonRespuestas.addEventListener('click', () => {
    const ocultas = document.body.classList.toggle('sin-respuestas');
    botonRespuestas.setAttribute('aria-pressed', String(ocultas));
  });
  const aplicar = (activo) => {
    document.body.classList.toggle('proyector', activo);
    boton.setAttribute('aria-pressed', String(activo));
  };
  // Storage refused (private modes): the toggle still works for this visit.
  const { valor, apartado } = leerLocal('localStorage', CLAVE, (v) => v === 0 || v === 1);
  if (apartado) alApartar?.();
  aplicar(valor === 1);
  boton.addEventListener('click', () => {
    const activo = !document.body.classList.contains('proyector');
    aplicar(activo);
    guardarLocal('localStorage', CLAVE, activo ? 1 : 0);
  });
}
