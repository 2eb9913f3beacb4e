// Section 4, "Clasificación del MNIST": the data as the engine loaded it, normalization shown on
// a real digit, the (28, 28, 1) shape, one-hot rows for real labels, and the lesson's Keras
// model with its summary() and the weight count it would have without pooling.

import { leccionA } from '../textos.js';
import { entero, numero } from '../formato.js';
import { formula } from '../formulas.js';
import { crearRejilla, gris } from './comun-a-rejilla.js';
import { crearFuente } from './comun-a-fuente.js';
import { conAviso, elemento } from './comun-a-motor.js';

const T = leccionA.mnist;
const ZONA = 4;          // side of the patch whose numbers are shown before/after
const ETIQUETAS = 8;     // first test labels shown in one-hot

export function crearMnist(seccion, { cliente, datos }) {
  for (const el of seccion.querySelectorAll('[data-la-tex]')) {
    formula(el, T.tex[el.dataset.laTex], { display: true });
    el.setAttribute('aria-label', T.tex_alt[el.dataset.laTex]);
    el.setAttribute('role', 'math');
  }
  datos.then((d) => {
    seccion.querySelector('[data-testid="mnist-carga"]').textContent = T.carga_resultado(entero(d.train), entero(d.test));
    seccion.querySelector('[data-testid="mnist-forma"]').textContent = T.forma_resultado(entero(d.train), entero(d.test));
    seccion.querySelector('[data-la="onehot-forma"]').textContent = T.onehot_forma(entero(d.test));
  });
  crearNormalizar(seccion.querySelector('[data-la="normalizar"]'), cliente, datos);
  crearOneHot(seccion.querySelector('[data-la="onehot"]'), cliente, datos);
  crearResumen(seccion.querySelector('[data-la="modelo"]'), cliente, datos);
}

function crearNormalizar(raiz, cliente, datos) {
  const lectura = raiz.querySelector('.la-lectura');
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
    llenar(raiz.querySelector('[data-testid="mnist-antes"]'), z, (v) => entero(Math.round(v * 255)));
    llenar(raiz.querySelector('[data-testid="mnist-despues"]'), z, (v) => numero(v, 3, 0));
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

  crearFuente(raiz.querySelector('.la-fuente-sitio'), {
    cliente, datos, id: 'mnist', inicial: 0,
    alCambiar: (imagen) => {
      pixels = imagen.pixels;
      mostrar();
    },
  }).cargar();
  // On test image 0 (a 7) this patch lies across the top stroke: grey and white values.
  rejilla.mover(6, 12, false);
}

async function crearOneHot(raiz, cliente, datos) {
  const aviso = raiz.querySelector('.error');
  const cuerpo = raiz.querySelector('tbody');
  await datos;
  const r = await conAviso(aviso, () => cliente.testImages({ start: 0, count: ETIQUETAS }));
  if (!r) return;
  r.labels.forEach((etiqueta, n) => {
    const fila = cuerpo.insertRow();
    const miniatura = elemento('canvas', 'la-miniatura');
    miniatura.width = miniatura.height = 28;
    miniatura.setAttribute('role', 'img');
    miniatura.setAttribute('aria-label', T.onehot_alt(entero(n), etiqueta));
    const ctx = miniatura.getContext('2d');
    const imagen = ctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const g = Math.round(255 * r.pixels[n * 784 + i]);
      imagen.data.set([g, g, g, 255], i * 4);
    }
    ctx.putImageData(imagen, 0, 0);
    fila.insertCell().append(miniatura);
    const celdaEtiqueta = elemento('th', 'la-etiqueta', String(etiqueta));
    celdaEtiqueta.scope = 'row';
    fila.append(celdaEtiqueta);
    for (let d = 0; d < 10; d++) {
      const celda = fila.insertCell();
      celda.textContent = d === etiqueta ? '1' : '0';
      if (d === etiqueta) celda.className = 'la-uno';
    }
  });
}

async function crearResumen(raiz, cliente, datos) {
  const aviso = raiz.querySelector('.error');
  await datos;
  const r = await conAviso(aviso, async () => {
    const presets = await cliente.presets();
    const spec = presets.find((p) => p.name === 'keras-mnist').spec;
    const sinPooling = { ...spec, layers: spec.layers.filter((l) => l.type !== 'max_pooling2d') };
    return {
      filas: await cliente.explain('params', { spec }),
      sinPooling: await cliente.explain('params', { spec: sinPooling }),
    };
  });
  if (!r) return;
  const cuerpo = raiz.querySelector('[data-testid="mnist-resumen"] tbody');
  for (const capa of r.filas) {
    const fila = cuerpo.insertRow();
    const nombre = fila.insertCell();
    nombre.append(elemento('code', '', `${capa.layer} (${capa.kerasClass})`));
    if (capa.formula) nombre.append(elemento('span', 'la-formula-capa', legible(capa.formula)));
    fila.insertCell().append(elemento('code', '', `(None, ${capa.output.join(', ')})`));
    const parametros = fila.insertCell();
    parametros.textContent = entero(capa.total);
    parametros.className = 'la-numero';
  }
  // Keras's "Total params" is the sum of the column above.
  const total = r.filas.reduce((s, capa) => s + capa.total, 0);
  raiz.querySelector('[data-testid="mnist-total"]').textContent = T.resumen_total(entero(total));
  const densa = r.sinPooling.find((capa) => capa.kerasClass === 'Dense');
  raiz.querySelector('[data-testid="mnist-sin-pooling"]').textContent =
    T.sin_pooling_texto(entero(densa.inputsPerNeuron), entero(densa.total));
  raiz.querySelector('[data-la="sin-pooling-formula"]').textContent = T.sin_pooling_formula(legible(densa.formula));
}

// The engine's formula "(3*3*32 + 1) * 64 = 18496" written for Spanish readers: × and 18.496.
function legible(formulaMotor) {
  return formulaMotor.replaceAll('*', '×').replace(/\d+/g, (n) => entero(Number(n)));
}
