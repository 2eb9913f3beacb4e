// The image chooser of the lesson's widgets: a 28×28 digit that is a test image of MNIST (any
// index) or the student's own drawing ("mi dibujo"), preprocessed by the engine as the network
// sees it. "Usar mi dibujo" opens a drawing pad right there (the drawing panel's own canvas
// input); until something is drawn on it, the drawing of «Entrenar y predecir» is used. A new
// stroke on either updates the widgets that show it.

import { leccion } from '../../textos.js';
import { entero } from '../../formato.js';
import { el, ponerEstado } from './dom.js';
import { crearTrazos } from '../../ui/trazos.js';

const T = leccion.comun;
const ULTIMA = 9999;  // MNIST has 10.000 test images
let contador = 0;     // numbers the choosers' HTML ids

/**
 * Builds the chooser inside `raiz` and calls alCambiar({pixels, descripcion, activaciones?})
 * with every new image (pixels: Float32Array(784), ink 1 on background 0).
 * @param {{motor, dibujo, id: string, inicial?: number, activaciones?: boolean,
 *          alCambiar: Function}} o  id: data-testid prefix (`${id}-index`, `${id}-drawing`,
 *   `${id}-canvas`, `${id}-clear`); activaciones: also run the current model on the image;
 *   dibujo: the drawing's object (imagen(), alTrazar(fn)) from main.js
 */
export function crearFuente(raiz, o) {
  const numero = el('input', { type: 'number', min: 0, max: ULTIMA, step: 1, value: o.inicial ?? 0,
    id: `fuente-${++contador}-indice`, 'data-testid': `${o.id}-index`, inputmode: 'numeric' });
  const boton = (texto, extra = {}) => el('button', { type: 'button', class: 'boton-pequeno', text: texto, ...extra });
  const anterior = boton(T.fuente_anterior);
  const siguiente = boton(T.fuente_siguiente);
  const dibujo = boton(T.fuente_dibujo, { 'data-testid': `${o.id}-drawing` });
  const lienzo = el('canvas', { class: 'fuente-lienzo', role: 'img', 'aria-label': T.fuente_lienzo, 'data-testid': `${o.id}-canvas` });
  const borrar = boton(T.fuente_borrar, { 'data-testid': `${o.id}-clear` });
  const almohadilla = el('div', { class: 'fuente-almohadilla', hidden: true }, lienzo,
    el('div', { class: 'fuente-almohadilla-lado' }, el('p', { class: 'ayuda', text: T.fuente_almohadilla }), borrar));
  const descripcion = el('p', { class: 'fuente-desc', role: 'status' });
  const aviso = el('p', { class: 'error', role: 'alert', hidden: true });
  raiz.append(el('fieldset', { class: 'fuente' }, el('legend', { text: T.fuente_titulo }),
    el('div', { class: 'fuente-fila' }, el('label', { for: numero.id, text: T.fuente_mnist }), anterior, numero, siguiente, dibujo),
    almohadilla, descripcion, aviso));
  const trazos = crearTrazos(lienzo, { alTrazar: (acabado) => { if (acabado && modo === 'dibujo') cargar(); } });

  const accion = o.motor.accion(aviso, { calculando: false });
  let modo = 'mnist';
  let turno = 0;  // answers for an older choice are dropped

  async function cargar() {
    const mio = ++turno;
    const r = await accion((cliente) => (modo === 'mnist' ? leerMnist(cliente) : leerDibujo(cliente)));
    if (!r || mio !== turno) return;
    descripcion.textContent = r.descripcion;
    o.alCambiar(r);
  }

  async function leerMnist(cliente) {
    const n = Math.min(ULTIMA, Math.max(0, Math.round(Number(numero.value) || 0)));
    numero.value = n;
    const { pixels, labels } = await cliente.testImages({ start: n, count: 1 });
    const activaciones = o.activaciones
      ? (await cliente.predict({ pixels }, { activations: true })).activations : undefined;
    return { pixels, activaciones, descripcion: T.fuente_es_mnist(entero(n), labels[0]) };
  }

  // The pad's drawing, else the drawing panel's, as they are sent to the engine; the engine
  // crops, scales and centres it.
  async function leerDibujo(cliente) {
    const propio = !trazos.vacio();
    const imagen = propio ? trazos.imagen() : o.dibujo.imagen();
    const r = imagen && await cliente.predict(imagen, { activations: Boolean(o.activaciones) });
    if (!r || r.steps.empty) {
      if (almohadilla.hidden) modo = 'mnist';
      throw Object.assign(new Error('empty drawing'), { message_es: T.fuente_dibujo_vacio });
    }
    return { pixels: r.steps.placed, activaciones: r.activations, descripcion: propio ? T.fuente_es_almohadilla : T.fuente_es_dibujo };
  }

  function usarMnist(n) {
    modo = 'mnist';
    numero.value = Math.min(ULTIMA, Math.max(0, n));
    cargar();
  }
  anterior.addEventListener('click', () => usarMnist(Number(numero.value) - 1));
  siguiente.addEventListener('click', () => usarMnist(Number(numero.value) + 1));
  numero.addEventListener('change', () => usarMnist(Number(numero.value)));
  dibujo.addEventListener('click', () => {
    modo = 'dibujo';
    almohadilla.hidden = false;
    // Nothing drawn anywhere yet: the pad waits for a stroke (each finished stroke loads it).
    if (trazos.vacio() && !o.dibujo.imagen()) {
      ponerEstado(aviso, 'done', '');
      descripcion.textContent = T.fuente_almohadilla;
    } else cargar();
  });
  borrar.addEventListener('click', () => { trazos.borrar(); if (modo === 'dibujo') cargar(); });
  o.dibujo.alTrazar(() => { if (modo === 'dibujo' && trazos.vacio()) cargar(); });

  return { cargar };
}
