// «Enséñale a la red», "¿Qué ve la red?" for one drawing of the set: the drawing panel's steps
// (ui/que-ve.js) for a drawing kept with its strokes, drawn again for the engine as it was drawn
// (trazos.js) and preprocessed by the engine (client.predict's steps). A drawing imported from
// a .npz has no strokes, only its 28 × 28: it gets no button.

import { leccion, que_ve } from '../textos.js';
import { el, ponerEstado } from './kit/dom.js';
import { crearQueVe } from '../ui/que-ve.js';
import { imagenDeTrazos } from '../ui/trazos.js';

const T = leccion.ensena;

/**
 * @param motor  kit/motor.js's object
 * @param {string} prefijo  test ids: `${prefijo}-steps` (the view, data-digit of the drawing shown)
 * → {nodo, boton(dibujo, nombre)}: nodo, hidden until a drawing is shown; boton gives the button
 *   that shows `dibujo` ({cifra, trazos?}) in it (nombre: the drawing in a sentence), or null.
 */
export function crearVerPasos(motor, prefijo) {
  const titulo = el('h4', {});
  const lista = el('ol', { class: 'pasos' });
  const estado = el('p', { class: 'estado', role: 'status' });
  const grupo = el('div', { class: 'que-ve', role: 'group', 'data-testid': `${prefijo}-steps`, hidden: true },
    titulo, el('p', { class: 'ayuda', text: que_ve.explicacion }), lista);
  // The status stays outside the group: a failure shows even before any drawing was shown.
  const nodo = el('div', {}, estado, grupo);
  const queVe = crearQueVe(lista);
  const accion = motor.accion(estado, { calculando: false });

  function boton(dibujo, nombre) {
    if (!dibujo.trazos?.length) return null;
    return el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': `${prefijo}-see`, text: T.que_ve,
      'aria-label': T.que_ve_de(nombre), onclick: () => accion(async (cliente) => {
        const { lienzo, imagen } = imagenDeTrazos(dibujo.trazos);
        const { steps } = await cliente.predict(imagen);
        queVe.mostrar(lienzo, steps);
        titulo.textContent = T.que_ve_titulo(nombre);
        grupo.dataset.digit = String(dibujo.cifra);
        grupo.hidden = false;
        ponerEstado(estado, 'shown', '');
        grupo.scrollIntoView({ block: 'nearest' });
      }) });
  }
  return { nodo, boton };
}
