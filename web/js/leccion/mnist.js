// Section 4, "Clasificación del MNIST": the data as the engine loaded it, normalization shown on
// a real digit, the (28, 28, 1) shape, one-hot rows for real labels (each with the notebook's
// exercise, checked on the engine's data), and the lesson's Keras model with its summary()
// (resumen.js).

import { leccion } from '../textos.js';
import { entero, numero } from '../formato.js';
import { renderFormulas } from '../formulas.js';
import { crearRejilla } from './kit/rejilla.js';
import { gris, pintarPlano, escalaGris } from './kit/lienzo.js';
import { crearFuente } from './kit/fuente.js';
import { el } from './kit/dom.js';
import { crearResumen } from './resumen.js';
import { tareaNormalizar, tareaForma, tareaOneHot } from './preguntas.js';

const T = leccion.mnist;
const ZONA = 4;          // side of the patch whose numbers are shown before/after
const ETIQUETAS = 8;     // first test labels shown in one-hot

export function crear(seccion, { motor, dibujo }) {
  renderFormulas(seccion, T.tex, T.tex_alt);
  motor.listo().then((d) => {
    seccion.querySelector('[data-testid="mnist-loading"]').textContent = T.carga_resultado(String(d.train), String(d.test));
    seccion.querySelector('[data-testid="mnist-shape"]').textContent = T.forma_resultado(String(d.train), String(d.test));
    seccion.querySelector('[data-parte="onehot-forma"]').textContent = T.onehot_forma(String(d.test));
  });
  crearNormalizar(seccion.querySelector('[data-parte="normalizar"]'), motor, dibujo);
  crearOneHot(seccion.querySelector('[data-parte="onehot"]'), motor);
  crearResumen(seccion.querySelector('[data-parte="modelo"]'), motor);
  const tarea = (parte) => seccion.querySelector(`[data-parte="${parte}"] [data-parte="tarea"]`);
  tareaNormalizar(tarea('normalizar'), motor);
  tareaForma(tarea('forma'), motor);
  tareaOneHot(tarea('onehot'), motor, ETIQUETAS);
}

function crearNormalizar(raiz, motor, dibujo) {
  const lectura = raiz.querySelector('.lectura');
  let pixels = null;
  const rejilla = crearRejilla(raiz.querySelector('canvas'), {
    filas: 28, columnas: 28, seguirPuntero: true,
    celda: (f, c) => (pixels ? gris(pixels[f * 28 + c]) : { fondo: '#000' }),
    marcas: () => { const z = zona(); return [{ fila: z.f, columna: z.c, alto: ZONA, ancho: ZONA, color: '#ffb703' }]; },
    alMover: () => mostrar(),
  });
  // The cursor is the patch's top-left corner, kept inside the image.
  function zona() {
    const { f, c } = rejilla.posicion();
    return { f: Math.min(f, 28 - ZONA), c: Math.min(c, 28 - ZONA) };
  }

  function mostrar() {
    if (!pixels) return;
    const z = zona();
    // The engine holds byte / 255 (what the network reads); the byte is round(value · 255).
    llenar(raiz.querySelector('[data-testid="mnist-before"]'), z, (v) => entero(Math.round(v * 255)));
    llenar(raiz.querySelector('[data-testid="mnist-after"]'), z, (v) => numero(v, 3, 0));
    lectura.textContent = T.normalizar_lectura(z.f, z.c);
    rejilla.pintar();
  }

  function llenar(tabla, z, formato) {
    tabla.replaceChildren();
    for (let f = 0; f < ZONA; f++) {
      const fila = tabla.insertRow();
      for (let c = 0; c < ZONA; c++) fila.insertCell().textContent = formato(pixels[(z.f + f) * 28 + z.c + c]);
    }
  }

  crearFuente(raiz.querySelector('.fuente-sitio'), {
    motor, dibujo, id: 'mnist', inicial: 0,
    alCambiar: (imagen) => {
      pixels = imagen.pixels;
      mostrar();
    },
  }).cargar();
  // On test image 0 (a 7) this patch lies across the top stroke: grey and white values.
  rejilla.mover(6, 12, false);
}

async function crearOneHot(raiz, motor) {
  const pedir = motor.accion(raiz.querySelector('.error'), { calculando: false });
  const cuerpo = raiz.querySelector('tbody');
  const r = await pedir((cliente) => cliente.testImages({ start: 0, count: ETIQUETAS }));
  if (!r) return;
  r.labels.forEach((etiqueta, n) => {
    const fila = cuerpo.insertRow();
    // As MNIST stores it: white ink on black.
    const miniatura = el('canvas', { class: 'miniatura', role: 'img', 'aria-label': T.onehot_alt(entero(n), etiqueta) });
    pintarPlano(miniatura, r.pixels, n * 784, 28, 28, escalaGris());
    fila.insertCell().append(miniatura);
    fila.append(el('th', { class: 'etiqueta', scope: 'row', text: String(etiqueta) }));
    for (let d = 0; d < 10; d++) {
      const celda = fila.insertCell();
      celda.textContent = d === etiqueta ? '1' : '0';
      if (d === etiqueta) celda.className = 'uno';
    }
  });
}
