// Section 3, "Capas convolutivas": one layer as many neurons sharing one kernel (a size
// calculator whose counts the engine gives), four kernels stacked into a tensor and the same
// four on a real digit (bordes.js), a second layer whose neurons see 36 inputs and a 5×5 patch
// of the image, derived step by step (campo-receptivo.js); the notebook's questions are asked
// before the engine's counts are shown (preguntas.js).

import { leccion } from '../textos.js';
import { entero } from '../formato.js';
import { crearRejilla } from './kit/rejilla.js';
import { prepararLienzo } from './kit/lienzo.js';
import { crearBordes } from './bordes.js';
import { crearCampoReceptivo } from './campo-receptivo.js';
import { preguntasCapas } from './preguntas.js';

const T = leccion.capas;
const COLORES = ['#4f7fe0', '#3fae6a', '#e06aa8', '#f2c230'];  // the lesson's blue, green, pink, yellow
const ENTRADA_LECCION = [10, 15];
const K = 3;

// A spec must end in softmax (the engine validates whole models): the head is only a formality,
// the rows the page reads are the convolutional ones.
function especificacion(alto, ancho, capas) {
  return {
    input: [alto, ancho, 1],
    layers: [...capas, { type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }],
  };
}
const conv = (filters, kernel = K, stride = 1, padding = 'valid') => ({ type: 'conv2d', filters, kernel, stride, padding });

// salida = ⌊(entrada + 2·relleno − k) / paso⌋ + 1, with 2·relleno = k − 1 for padding='same'
// (Keras pads k − 1 in all, the extra one after when k is even) and 0 for 'valid'.
export function tamanoSalida(entrada, k, paso, relleno) {
  const dosRelleno = relleno === 'same' ? k - 1 : 0;
  return { dosRelleno, salida: Math.floor((entrada + dosRelleno - k) / paso) + 1 };
}

export function crear(seccion, { motor, dibujo }) {
  const parte = (nombre) => seccion.querySelector(`[data-parte="${nombre}"]`);
  crearCalculadora(parte('calculadora'), motor);
  crearCanales(parte('canales'), motor);
  crearBordes(parte('bordes'), { motor, dibujo });
  crearSegunda(parte('segunda'), motor);
  const una = especificacion(...ENTRADA_LECCION, [conv(1)]);
  const dos = especificacion(...ENTRADA_LECCION, [conv(4), conv(8)]);
  crearCampoReceptivo(parte('campo-receptivo'), motor, {
    spec: dos,
    // The second layer alone, on the first one's output: its windows are first-layer neurons.
    sobreTensor: (alto, ancho) => especificacion(alto, ancho, [conv(8)]),
  });
  // Answering a question opens the engine's counts it asked about.
  const abrir = (nombre) => () => { parte(nombre).querySelector('details.revelar').open = true; };
  preguntasCapas({ calculadora: parte('preguntas-calculadora'), segunda: parte('preguntas-segunda'), campo: parte('preguntas-campo') },
    motor, { una, dos }, { calculadora: abrir('calculadora'), segunda: abrir('segunda') });
}

// Input grid (a window marks the chosen neuron's inputs) beside the layer's grid of neurons.
function crearPar(raiz, { alMover }) {
  let ventana = null;
  const entrada = crearRejilla(raiz.querySelector('[data-parte="entrada"]'), {
    filas: 1, columnas: 1, interactiva: false,
    celda: (f, c) => ({ fondo: ventana && f >= ventana.y0 && f <= ventana.y1 && c >= ventana.x0 && c <= ventana.x1 ? '#c9d7fb' : '#f6f7fb' }),
    marcas: () => (ventana ? [{ fila: ventana.y0, columna: ventana.x0, alto: ventana.y1 - ventana.y0 + 1, ancho: ventana.x1 - ventana.x0 + 1, color: '#2457d6' }] : []),
  });
  const salida = crearRejilla(raiz.querySelector('[data-parte="salida"]'), {
    filas: 1, columnas: 1, seguirPuntero: true,
    celda: () => ({ fondo: '#dfe7fb' }),
    alMover,
  });
  return {
    entrada, salida,
    ponerVentana(v) { ventana = v; entrada.pintar(); },
    // Both grids get the same cell size, so the output is visibly smaller than the input.
    tamanos(alto, ancho, altoSalida, anchoSalida) {
      entrada.redimensionar(alto, ancho);
      salida.redimensionar(altoSalida, anchoSalida);
      const lienzo = raiz.querySelector('[data-parte="salida"]');
      lienzo.style.width = `${(100 * anchoSalida) / ancho}%`;
      lienzo.style.maxWidth = `${(26 * anchoSalida) / ancho}rem`;
    },
  };
}

function crearCalculadora(raiz, motor) {
  const pedir = motor.accion(raiz.querySelector('.error'), { calculando: false });
  const lectura = raiz.querySelector('.lectura');
  const campos = {
    alto: raiz.querySelector('[data-parte="alto"]'),
    ancho: raiz.querySelector('[data-parte="ancho"]'),
    kernel: raiz.querySelector('[data-parte="tam-kernel"]'),
    paso: raiz.querySelector('[data-parte="paso"]'),
    relleno: raiz.querySelector('[data-parte="relleno"]'),
  };
  campos.relleno.append(...Object.entries(T.rellenos).map(([v, t]) => Object.assign(document.createElement('option'), { value: v, textContent: t })));
  let spec = null, turno = 0;
  const par = crearPar(raiz, { alMover: (f, c) => mostrarVentana(f, c) });
  const texto = (clave, valor) => { raiz.querySelector(`[data-parte="${clave}"]`).textContent = valor; };

  async function calcular() {
    const mio = ++turno;
    const [alto, ancho, k, paso] = [campos.alto, campos.ancho, campos.kernel, campos.paso].map((el) => Math.round(Number(el.value)));
    const relleno = campos.relleno.value;
    const r = await pedir(async (cliente) => {
      const s = especificacion(alto, ancho, [conv(1, k, paso, relleno)]);
      try {
        // The input count is what a Flatten of the bare input holds.
        const [capa] = await cliente.explain('params', { spec: s });
        const [plano] = await cliente.explain('params', { spec: especificacion(alto, ancho, []) });
        return { s, capa, entradas: plano.output[0] };
      } catch (error) {
        // The engine refuses a kernel larger than the input: say it in the calculator's words.
        if (error.code === 'bad_spec') throw Object.assign(new Error(error.message), { message_es: T.invalido });
        throw error;
      }
    });
    if (mio !== turno) return;
    raiz.querySelector('.cuentas').hidden = !r;
    if (!r) return;
    spec = r.s;
    const [oh, ow] = r.capa.output;
    texto('entradas', T.entradas(entero(alto), entero(ancho), entero(r.entradas)));
    texto('campo', T.campo(entero(k), entero(r.capa.inputsPerNeuron)));
    mostrarFormula(raiz.querySelector('[data-parte="formula"]'), { alto, ancho, k, paso, relleno }, [oh, ow]);
    texto('neuronas', T.neuronas(entero(oh), entero(ow), entero(r.capa.neurons)));
    texto('pesos', T.pesos(entero(r.capa.weights), entero(r.capa.total)));
    par.tamanos(alto, ancho, oh, ow);
    raiz.querySelector('[data-parte="entrada"]').setAttribute('aria-label', T.entrada_alt(entero(alto), entero(ancho)));
    raiz.querySelector('[data-parte="salida"]').setAttribute('aria-label', T.salida_alt(entero(oh), entero(ow)));
    const { f, c } = par.salida.posicion();
    mostrarVentana(f, c);
  }

  async function mostrarVentana(f, c) {
    if (!spec) return;
    const v = await pedir((cliente) => cliente.explain('receptiveWindow', { spec, layer: 0, row: f, col: c }));
    if (!v) return;
    par.ponerVentana(v);
    lectura.textContent = T.neurona_lectura(f, c, v.y0, v.x0, v.y1, v.x1);
  }

  for (const el of Object.values(campos)) el.addEventListener('change', calcular);
  [campos.alto.value, campos.ancho.value] = ENTRADA_LECCION;
  campos.kernel.value = K;
  campos.paso.value = 1;
  campos.relleno.value = 'valid';
  calcular();
}

// The output-size formula with this layer's numbers; the engine's own sizes go beside it in
// data attributes, so a test can hold the formula to what the engine computes.
function mostrarFormula(li, { alto, ancho, k, paso, relleno }, [motorAlto, motorAncho]) {
  const a = tamanoSalida(alto, k, paso, relleno), b = tamanoSalida(ancho, k, paso, relleno);
  const linea = (eje, n, t) => T.formula(eje, entero(n), entero(t.dosRelleno), entero(k), entero(paso), entero(t.salida));
  li.textContent = [T.formula_intro, `${linea(T.eje_alto, alto, a)}; ${linea(T.eje_ancho, ancho, b)}.`,
    T.formula_relleno(relleno === 'same', entero(k - 1), entero(k))].join(' ');
  Object.assign(li.dataset, { alto: a.salida, ancho: b.salida, motorAlto, motorAncho });
}

// Four kernels over the 10×15 input: the output tensor, drawn as four stacked channels.
async function crearCanales(raiz, motor) {
  const pedir = motor.accion(raiz.querySelector('.error'), { calculando: false });
  const lienzo = raiz.querySelector('canvas');
  const filas = await pedir((cliente) => cliente.explain('params', { spec: especificacion(...ENTRADA_LECCION, [conv(4)]) }));
  if (!filas) return;
  const [h, w, c] = filas[0].output;
  const dato = raiz.querySelector('[data-testid="layers-tensor"]');
  dato.textContent = T.tensor(entero(c), entero(h), entero(w));
  lienzo.setAttribute('aria-label', T.canales_alt(entero(c), entero(h), entero(w)));
  const pintar = () => pintarTensor(lienzo, c, h, w);
  new ResizeObserver(pintar).observe(lienzo);
  pintar();
}

// Channels back to front, each shifted up and right, so the stack reads as a 3-D block.
function pintarTensor(lienzo, canales, alto, ancho) {
  const disponible = lienzo.clientWidth;
  if (!disponible) return;
  const lado = Math.min(22, disponible / (ancho + canales * 1.3 + 2));
  const dx = lado * 1.3, dy = lado * 1.1;
  const total = { w: lado * (ancho + 2) + dx * (canales - 1), h: lado * (alto + 2) + dy * (canales - 1) };
  const { ctx } = prepararLienzo(lienzo, { alto: total.h, fijarAlto: true });
  const x0 = (disponible - total.w) / 2 + lado, y0 = dy * (canales - 1) + lado;
  for (let k = canales - 1; k >= 0; k--) {
    const ox = x0 + dx * k, oy = y0 - dy * k;
    ctx.fillStyle = COLORES[k % COLORES.length];
    ctx.strokeStyle = 'rgba(255,255,255,0.8)';
    ctx.lineWidth = 1;
    for (let f = 0; f < alto; f++) {
      for (let c = 0; c < ancho; c++) {
        ctx.fillRect(ox + c * lado, oy + f * lado, lado, lado);
        ctx.strokeRect(ox + c * lado, oy + f * lado, lado, lado);
      }
    }
    ctx.strokeStyle = '#1b1f2a';
    ctx.strokeRect(ox, oy, ancho * lado, alto * lado);
  }
  ctx.fillStyle = '#1b1f2a';
  ctx.font = `bold ${Math.max(11, lado * 0.7)}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.fillText(entero(ancho), x0 + (ancho * lado) / 2, y0 + alto * lado + lado * 0.8);
  ctx.textAlign = 'right';
  ctx.fillText(entero(alto), x0 - 4, y0 + (alto * lado) / 2);
  ctx.textAlign = 'left';
  ctx.fillText(entero(canales), x0 + ancho * lado + dx * (canales - 1) / 2 + 6, y0 + alto * lado - dy * (canales - 1) / 2);
}

// Second layer: 8 kernels of 4×3×3 over the 4-channel tensor; its receptive field on the image.
async function crearSegunda(raiz, motor) {
  const pedir = motor.accion(raiz.querySelector('.error'), { calculando: false });
  const lectura = raiz.querySelector('.lectura');
  const spec = especificacion(...ENTRADA_LECCION, [conv(4), conv(8)]);
  const par = crearPar(raiz, { alMover: (f, c) => mostrarVentana(f, c) });
  const texto = (clave, valor) => { raiz.querySelector(`[data-parte="${clave}"]`).textContent = valor; };
  const r = await pedir(async (cliente) => ({
    capas: await cliente.explain('params', { spec }),
    campos: await cliente.explain('receptive', { spec }),
  }));
  if (!r) return;
  const [primera, segunda] = r.capas;
  const [h, w, c] = segunda.output;
  texto('entradas', T.segunda_entradas(entero(primera.output[2]), entero(K), entero(segunda.inputsPerNeuron)));
  texto('campo', T.segunda_campo(entero(r.campos[1].size)));
  texto('tensor', T.segunda_tensor(entero(c), entero(h), entero(w)));
  par.tamanos(...ENTRADA_LECCION, h, w);
  raiz.querySelector('[data-parte="salida"]').setAttribute('aria-label', T.segunda_salida_alt(entero(h), entero(w)));
  raiz.querySelector('[data-parte="entrada"]').setAttribute('aria-label', T.segunda_entrada_alt);
  mostrarVentana(0, 0);

  async function mostrarVentana(f, cc) {
    const v = await pedir((cliente) => cliente.explain('receptiveWindow', { spec, layer: 1, row: f, col: cc }));
    if (!v) return;
    par.ponerVentana(v);
    lectura.textContent = T.segunda_lectura(f, cc, v.y0, v.x0, v.y1, v.x1);
  }
}
