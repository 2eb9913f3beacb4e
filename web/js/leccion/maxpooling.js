// Section 5, "Maxpooling": a 2×2 window stepped over a real activation map (a channel of the
// layer the network's max-pooling pools, conv2's 24 × 24 in the lesson's network, for the
// student's digit); the engine's trace gives the four values,
// the kept maximum and the fraction discarded, and the pooled map fills in.

import { leccion } from '../textos.js';
import { entero, numero, porcentaje } from '../formato.js';
import { crearRejilla } from './kit/rejilla.js';
import { gris } from './kit/lienzo.js';
import { crearFuente } from './kit/fuente.js';
import { el } from './kit/dom.js';
import { preguntaDesplazar } from './preguntas.js';

const T = leccion.maxpooling;
const POOL = 2;

const valor = (x) => numero(x, 3);

export function crear(seccion, { motor, dibujo }) {
  const raiz = seccion.querySelector('[data-parte="pooling"]');
  const prediccion = el('div', { class: 'preguntas' });
  raiz.before(prediccion);
  preguntaDesplazar(prediccion, motor, () => {});
  const pedir = motor.accion(raiz.querySelector('.error'), { calculando: false });
  const lista = raiz.querySelector('select');
  const lienzoMapa = raiz.querySelector('[data-parte="activacion"]');
  const lienzoReducido = raiz.querySelector('[data-parte="reducido"]');
  let activacion = null;   // {shape: [c, h, w], data} of the layer that enters the max-pooling
  let plano = null, alto = 0, ancho = 0, brillo = 1;
  let traza = null, turno = 0;
  const reducido = new Map();  // "f,c" → kept maximum, the windows visited so far

  const rejillaMapa = crearRejilla(lienzoMapa, {
    filas: 26, columnas: 26, interactiva: false,
    celda: (f, c) => (plano ? { ...gris(plano[f * ancho + c] / brillo), texto: numero(plano[f * ancho + c], 1) } : { fondo: '#000' }),
    marcas: () => (traza ? [{ fila: traza.top, columna: traza.left, alto: POOL, ancho: POOL, color: '#ffb703' }] : []),
  });
  const rejillaReducido = crearRejilla(lienzoReducido, {
    filas: 13, columnas: 13,
    celda: (f, c) => {
      const v = reducido.get(`${f},${c}`);
      return v === undefined ? { fondo: '#eef0f5' } : { ...gris(v / brillo), texto: numero(v, 2) };
    },
    alMover: () => calcular(),
  });

  function usarCanal(canal) {
    const [, h, w] = activacion.shape;
    alto = h;
    ancho = w;
    plano = activacion.data.slice(canal * h * w, (canal + 1) * h * w);
    // Grey levels follow the channel's own brightest value: a display scale, not a result.
    brillo = Math.max(1e-6, ...plano);
    reducido.clear();
    rejillaMapa.redimensionar(h, w);
    rejillaReducido.redimensionar(Math.floor(h / POOL), Math.floor(w / POOL));
    raiz.querySelector('[data-parte="titulo-activacion"]').textContent = T.activacion(entero(canal), entero(h), entero(w));
    raiz.querySelector('[data-parte="titulo-reducido"]').textContent = T.reducido(entero(Math.floor(h / POOL)), entero(Math.floor(w / POOL)));
    lienzoMapa.setAttribute('aria-label', T.activacion_alt(entero(h), entero(w)));
    lienzoReducido.setAttribute('aria-label', T.reducido_alt(entero(Math.floor(h / POOL)), entero(Math.floor(w / POOL))));
    // Start on the window where the channel responds most: a corner of zeros teaches little.
    const mayor = plano.indexOf(brillo);
    rejillaReducido.mover(Math.floor(mayor / w / POOL), Math.floor((mayor % w) / POOL), false);
    calcular();
  }

  function traer(cliente, f, c) {
    return cliente.explain('pool', { plane: plano, height: alto, width: ancho, pool: POOL, row: f, col: c });
  }

  async function calcular() {
    if (!plano) return;
    const mio = ++turno;
    const { f, c } = rejillaReducido.posicion();
    const t = await pedir((cliente) => traer(cliente, f, c));
    if (!t || mio !== turno) return;
    traza = t;
    reducido.set(`${f},${c}`, t.max);
    mostrarTraza(t);
  }

  function mostrarTraza(t) {
    raiz.querySelector('[data-testid="pool-position"]').textContent = T.posicion(t.row, t.col);
    const tabla = raiz.querySelector('[data-testid="pool-window"]');
    tabla.replaceChildren();
    for (let y = 0; y < t.pool; y++) {
      const fila = tabla.insertRow();
      for (let x = 0; x < t.pool; x++) {
        const i = y * t.pool + x;
        const celda = fila.insertCell();
        celda.textContent = valor(t.window[i]);
        if (i === t.winner) celda.className = 'ganador';
      }
    }
    const maximo = raiz.querySelector('[data-testid="pool-maximum"]');
    maximo.textContent = T.maximo(valor(t.max));
    maximo.dataset.value = String(t.max);
    raiz.querySelector('[data-testid="pool-discarded"]').textContent = T.descartado(porcentaje(t.discardedFraction, 0));
    rejillaMapa.pintar();
    rejillaReducido.pintar();
  }

  const filasReducido = () => Math.floor(alto / POOL), columnasReducido = () => Math.floor(ancho / POOL);
  const boton = (nombre, fn) => raiz.querySelector(`[data-parte="${nombre}"]`).addEventListener('click', fn);
  boton('anterior', () => rejillaReducido.avanzar(-1));
  boton('siguiente', () => rejillaReducido.avanzar(1));
  boton('vaciar', () => { reducido.clear(); rejillaReducido.pintar(); });
  boton('completar', async () => {
    if (!plano) return;
    const posiciones = Array.from({ length: filasReducido() * columnasReducido() },
      (_, i) => [Math.floor(i / columnasReducido()), i % columnasReducido()]);
    const trazas = await pedir((cliente) => Promise.all(posiciones.map(([f, c]) => traer(cliente, f, c))));
    if (!trazas) return;
    for (const t of trazas) reducido.set(`${t.row},${t.col}`, t.max);
    rejillaReducido.pintar();
  });
  lista.addEventListener('change', () => usarCanal(Number(lista.value)));

  crearFuente(raiz.querySelector('.fuente-sitio'), {
    motor, dibujo, id: 'maxpooling', inicial: 0, activaciones: true,
    alCambiar: (imagen) => {
      activacion = entradaDelPooling(imagen.activaciones);
      const canales = activacion.shape[0];
      if (lista.options.length !== canales) {
        lista.replaceChildren(...Array.from({ length: canales }, (_, k) => new Option(T.canal_opcion(entero(k)), String(k))));
        lista.value = String(canalMasActivo(activacion));
      }
      usarCanal(Number(lista.value));
    },
  }).cargar();
}

// The activations the network's first MaxPooling2D receives (the first layer's when it has none).
function entradaDelPooling(activaciones) {
  const i = activaciones.findIndex((a) => a.kerasClass === 'MaxPooling2D');
  return activaciones[Math.max(0, i - 1)];
}

// The first time, show the channel that responds most to the digit (an untrained network has
// channels that stay almost dark); afterwards the student's choice stays.
function canalMasActivo({ shape: [c, h, w], data }) {
  let mejor = 0, mejorSuma = -Infinity;
  for (let k = 0; k < c; k++) {
    let suma = 0;
    for (let i = k * h * w; i < (k + 1) * h * w; i++) suma += data[i];
    if (suma > mejorSuma) { mejor = k; mejorSuma = suma; }
  }
  return mejor;
}
