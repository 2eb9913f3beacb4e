// "Capas convolutivas", the four channels on a real digit: the notebook's horizontal, vertical
// and two diagonal edge kernels (and, on demand, a corner kernel) run by the engine over a test
// image or the student's drawing, whole (28 × 28) or cropped to the lesson's 10 × 15, so the
// tensor of stacked coloured boxes above becomes real feature maps side by side.

import { leccion } from '../textos.js';
import { entero, numero } from '../formato.js';
import { pintarPlano, escalaGris, escalaDivergente } from './kit/lienzo.js';
import { crearFuente } from './kit/fuente.js';
import { el } from './kit/dom.js';
import { KERNELS, CUATRO_BORDES } from './kernels.js';

const T = leccion.capas;
const NOMBRES = leccion.convolucion.preajustes;
const K = 3;
// The lesson's 10 × 15 input, cut from the middle of the 28 × 28 digit (MNIST centres its ink
// in rows and columns 4 to 23).
const RECORTE = { fila: 9, columna: 7, alto: 10, ancho: 15 };
const valor = (x) => numero(x + 0, 2);

export function crearBordes(raiz, { motor, dibujo }) {
  const pedir = motor.accion(raiz.querySelector(':scope > .error'), { calculando: false });
  const selector = raiz.querySelector('[data-parte="tipo-entrada"]');
  const esquina = raiz.querySelector('[data-parte="esquina"]');
  const lienzoEntrada = raiz.querySelector('[data-parte="entrada"]');
  const mapas = raiz.querySelector('[data-parte="mapas"]');
  const tensor = raiz.querySelector('[data-parte="tensor"]');
  for (const [v, t] of Object.entries(T.bordes_entradas)) selector.append(new Option(t, v));
  let imagen = null, turno = 0;

  // The engine's input: the whole digit, or the crop, row by row.
  function entrada() {
    if (selector.value !== 'recorte') return { pixels: imagen.pixels, alto: 28, ancho: 28 };
    const { fila, columna, alto, ancho } = RECORTE;
    const pixels = new Float32Array(alto * ancho);
    for (let f = 0; f < alto; f++) pixels.set(imagen.pixels.subarray((fila + f) * 28 + columna, (fila + f) * 28 + columna + ancho), f * ancho);
    return { pixels, alto, ancho };
  }

  async function calcular() {
    if (!imagen) return;
    const mio = ++turno;
    const e = entrada();
    const nombres = esquina.checked ? [...CUATRO_BORDES, 'esquina'] : CUATRO_BORDES;
    const r = await pedir((cliente) => Promise.all(nombres.map((nombre) => cliente.explain('convMap', {
      input: e.pixels, height: e.alto, width: e.ancho, weights: Float32Array.from(KERNELS[nombre]), kernel: K,
    }))));
    if (!r || mio !== turno) return;
    pintarPlano(lienzoEntrada, e.pixels, 0, e.alto, e.ancho, escalaGris());
    lienzoEntrada.setAttribute('aria-label', T.bordes_entrada_alt(entero(e.alto), entero(e.ancho), imagen.descripcion));
    // One colour scale for every channel, so a strong map and a faint one look it.
    const limite = Math.max(...r.flatMap((m) => [Math.abs(Math.min(...m.data)), Math.abs(Math.max(...m.data))]));
    mapas.replaceChildren(...r.map((m, i) => figuraMapa(m, nombres[i], i, limite)));
    const { height: h, width: w } = r[0];
    tensor.textContent = T.bordes_tensor(entero(r.length), entero(h), entero(w));
    Object.assign(tensor.dataset, { canales: r.length, alto: h, ancho: w });
  }

  selector.addEventListener('change', calcular);
  esquina.addEventListener('change', calcular);
  crearFuente(raiz.querySelector('.fuente-sitio'), {
    motor, dibujo, id: 'edges', inicial: 0,
    alCambiar: (nueva) => { imagen = nueva; calcular(); },
  }).cargar();
}

function figuraMapa(mapa, nombre, i, limite) {
  const lienzo = el('canvas', { class: 'mapa-borde', role: 'img', 'data-testid': `edges-channel-${i + 1}` });
  pintarPlano(lienzo, mapa.data, 0, mapa.height, mapa.width, escalaDivergente(limite));
  let min = Infinity, max = -Infinity;
  for (const v of mapa.data) { min = Math.min(min, v); max = Math.max(max, v); }
  Object.assign(lienzo.dataset, { min, max, alto: mapa.height, ancho: mapa.width });
  lienzo.style.aspectRatio = `${mapa.width} / ${mapa.height}`;
  lienzo.setAttribute('aria-label', T.bordes_canal_alt(NOMBRES[nombre].toLowerCase(), entero(mapa.height), entero(mapa.width), valor(min), valor(max)));
  return el('figure', { class: 'figura mapa-canal' },
    el('figcaption', { text: T.bordes_canal(i + 1, NOMBRES[nombre]) }),
    kernelMini(nombre), lienzo);
}

// The kernel's nine weights as a small 3 × 3 table beside its map.
function kernelMini(nombre) {
  const pesos = KERNELS[nombre];
  const tabla = el('table', { class: 'kernel-mini', 'aria-label': T.bordes_kernel_alt(NOMBRES[nombre].toLowerCase(), pesos.map(valor).join('; ')) });
  for (let f = 0; f < K; f++) {
    const fila = tabla.insertRow();
    for (let c = 0; c < K; c++) {
      const w = pesos[f * K + c];
      const celda = fila.insertCell();
      celda.textContent = valor(w);
      celda.className = w > 0 ? 'positivo' : w < 0 ? 'negativo' : '';
    }
  }
  return tabla;
}
