// The 28×28 digit a widget works on: a test image of MNIST (any index) or the student's own
// drawing from the "Entrenar y predecir" panel, preprocessed by the engine as the network sees it.

import { leccionA } from '../textos.js';
import { entero } from '../formato.js';
import { conAviso, elemento } from './comun-a-motor.js';

const T = leccionA.comun;
const ULTIMA = 9999;  // MNIST has 10.000 test images

/**
 * Builds the chooser inside `raiz` and calls alCambiar({pixels, descripcion, activaciones?})
 * with every new image (pixels: Float32Array(784), ink 1 on background 0).
 * @param {{cliente, datos: Promise, id: string, inicial?: number, activaciones?: boolean,
 *          alCambiar: Function}} o  activaciones: also run the current model on the image
 */
export function crearFuente(raiz, o) {
  const caja = elemento('fieldset', 'la-fuente');
  caja.append(elemento('legend', '', T.fuente_titulo));
  const fila = elemento('div', 'la-fuente-fila');
  const etiqueta = elemento('label', '', T.fuente_mnist);
  const numero = elemento('input');
  Object.assign(numero, { type: 'number', min: 0, max: ULTIMA, step: 1, value: o.inicial ?? 0, id: `${o.id}-indice` });
  numero.dataset.testid = `${o.id}-indice`;
  etiqueta.htmlFor = numero.id;
  const anterior = elemento('button', 'boton-pequeno', T.fuente_anterior);
  const siguiente = elemento('button', 'boton-pequeno', T.fuente_siguiente);
  const dibujo = elemento('button', 'boton-pequeno', T.fuente_dibujo);
  for (const b of [anterior, siguiente, dibujo]) b.type = 'button';
  dibujo.dataset.testid = `${o.id}-dibujo`;
  fila.append(etiqueta, anterior, numero, siguiente, dibujo);
  const descripcion = elemento('p', 'la-fuente-desc');
  descripcion.setAttribute('role', 'status');
  const aviso = elemento('p', 'error');
  aviso.setAttribute('role', 'alert');
  aviso.hidden = true;
  caja.append(fila, descripcion, aviso);
  raiz.append(caja);

  let modo = 'mnist';
  let turno = 0;  // answers for an older choice are dropped

  async function cargar() {
    const mio = ++turno;
    const r = await conAviso(aviso, () => (modo === 'mnist' ? leerMnist() : leerDibujo()));
    if (!r || mio !== turno) return;
    descripcion.textContent = r.descripcion;
    o.alCambiar(r);
  }

  async function leerMnist() {
    await o.datos;
    const n = Math.min(ULTIMA, Math.max(0, Math.round(Number(numero.value) || 0)));
    numero.value = n;
    const { pixels, labels } = await o.cliente.testImages({ start: n, count: 1 });
    const activaciones = o.activaciones
      ? (await o.cliente.predict({ pixels }, { activations: true })).activations : undefined;
    return { pixels, activaciones, descripcion: T.fuente_es_mnist(entero(n), labels[0]) };
  }

  // The drawing panel's canvas is read as it is; the engine crops, scales and centres it.
  async function leerDibujo() {
    await o.datos;
    const lienzo = document.querySelector('[data-testid="draw-canvas"]');
    const { data, width, height } = lienzo.getContext('2d').getImageData(0, 0, lienzo.width, lienzo.height);
    const r = await o.cliente.predict({ rgba: data, width, height, darkInk: true }, { activations: Boolean(o.activaciones) });
    if (r.steps.empty) {
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
  // A new stroke updates the widgets that show the drawing.
  document.querySelector('[data-testid="draw-canvas"]')?.addEventListener('pointerup', () => {
    if (modo === 'dibujo') cargar();
  });

  return { cargar };
}
