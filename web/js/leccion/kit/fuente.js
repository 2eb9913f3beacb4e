// The image chooser of the lesson's widgets: a 28×28 digit that is a test image of MNIST (any
// index) or the student's own drawing ("mi dibujo"), preprocessed by the engine as the network
// sees it. A new stroke on the drawing updates the widgets that show it.

import { leccion } from '../../textos.js';
import { entero } from '../../formato.js';
import { el } from './dom.js';

const T = leccion.comun;
const ULTIMA = 9999;  // MNIST has 10.000 test images

/**
 * Builds the chooser inside `raiz` and calls alCambiar({pixels, descripcion, activaciones?})
 * with every new image (pixels: Float32Array(784), ink 1 on background 0).
 * @param {{motor, dibujo, id: string, inicial?: number, activaciones?: boolean,
 *          alCambiar: Function}} o  activaciones: also run the current model on the image;
 *   dibujo: the drawing's object (imagen(), alTrazar(fn)) from main.js
 */
export function crearFuente(raiz, o) {
  const numero = el('input', { type: 'number', min: 0, max: ULTIMA, step: 1, value: o.inicial ?? 0,
    id: `${o.id}-indice`, 'data-testid': `${o.id}-indice`, inputmode: 'numeric' });
  const boton = (texto, extra = {}) => el('button', { type: 'button', class: 'boton-pequeno', text: texto, ...extra });
  const anterior = boton(T.fuente_anterior);
  const siguiente = boton(T.fuente_siguiente);
  const dibujo = boton(T.fuente_dibujo, { 'data-testid': `${o.id}-dibujo` });
  const descripcion = el('p', { class: 'fuente-desc', role: 'status' });
  const aviso = el('p', { class: 'error', role: 'alert', hidden: true });
  raiz.append(el('fieldset', { class: 'fuente' }, el('legend', { text: T.fuente_titulo }),
    el('div', { class: 'fuente-fila' }, el('label', { for: numero.id, text: T.fuente_mnist }), anterior, numero, siguiente, dibujo),
    descripcion, aviso));

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

  // The drawing as the drawing panel sends it to the engine; the engine crops, scales and centres it.
  async function leerDibujo(cliente) {
    const imagen = o.dibujo.imagen();
    const r = imagen && await cliente.predict(imagen, { activations: Boolean(o.activaciones) });
    if (!r || r.steps.empty) {
      modo = 'mnist';
      throw Object.assign(new Error('empty drawing'), { message_es: T.fuente_dibujo_vacio });
    }
    return { pixels: r.steps.placed, activaciones: r.activations, descripcion: T.fuente_es_dibujo };
  }

  function usarMnist(n) {
    modo = 'mnist';
    numero.value = Math.min(ULTIMA, Math.max(0, n));
    cargar();
  }
  anterior.addEventListener('click', () => usarMnist(Number(numero.value) - 1));
  siguiente.addEventListener('click', () => usarMnist(Number(numero.value) + 1));
  numero.addEventListener('change', () => usarMnist(Number(numero.value)));
  dibujo.addEventListener('click', () => { modo = 'dibujo'; cargar(); });
  o.dibujo.alTrazar(() => { if (modo === 'dibujo') cargar(); });

  return { cargar };
}
