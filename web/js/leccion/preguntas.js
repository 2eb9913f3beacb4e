// The notebook's questions and exercises as predict-first prompts: the student answers, then
// the engine computes the answer (a convolution trace, a layer's counts, a receptive field,
// MNIST's own pixels and labels) and the page compares. One function per place in the lesson.

import { leccion } from '../textos.js';
import { entero, numero, decimal, leerNumero, cientifico } from '../formato.js';
import { crearPregunta } from './kit/pregunta.js';
import { el } from './kit/dom.js';
import { KERNELS } from './kernels.js';

const P = leccion.pregunta;
const opciones = (textos) => Object.entries(textos).map(([valor, texto]) => ({ valor, texto }));

// A count as a student writes it: "104", "1.800", "1 800". Anything else is refused in Spanish.
export function leerEntero(texto) {
  const limpio = String(texto).trim().replace(/\s/g, '');
  const sinPuntos = /^\d{1,3}(\.\d{3})+$/.test(limpio) ? limpio.replaceAll('.', '') : limpio;
  if (!/^\d+$/.test(sinPuntos)) throw Object.assign(new Error('not an integer'), { message_es: P.numero_invalido });
  return Number(sinPuntos);
}

// ---- section 2: what does a flat window give? --------------------------------------------
export function preguntaHomogenea(raiz, motor) {
  const T = leccion.convolucion;
  crearPregunta(raiz, {
    id: 'question-uniform', motor, enunciado: T.homogenea_enunciado, ayuda: T.homogenea_ayuda, opciones: opciones(T.homogenea_opciones),
    async comprobar(elegida, cliente) {
      const traza = (v) => cliente.explain('conv', { input: new Float32Array(9).fill(v), height: 3, width: 3,
        weights: Float32Array.from(KERNELS.verticales), kernel: 3, row: 0, col: 0 });
      const [a, b] = [await traza(200), await traza(37)];
      // The right option follows from the two sums, not from a table of answers.
      const correcta = a.sum !== b.sum ? 'depende' : { 0: 'cero', 200: 'igual', 1800: 'nueve' }[a.sum];
      const peso = (w) => (w < 0 ? `(${numero(w)})` : numero(w + 0));
      const terminos = Array.from(a.weights, (w, i) => `${peso(w)} × ${numero(a.inputs[i])}`).join(' + ');
      return { correcta: elegida === correcta, respuesta: T.homogenea_respuesta(terminos, numero(a.sum + 0), entero(37), numero(b.sum + 0)) };
    },
  });
}

// ---- section 3: neurons, shared weights, inputs, receptive field ------------------------
/** specs: una (10 × 15 with one 3 × 3 layer), dos (with the second layer on top). */
export function preguntasCapas(raices, motor, specs, alResponder) {
  const T = leccion.capas;
  const capa = async (cliente, spec, i) => (await cliente.explain('params', { spec }))[i];
  crearPregunta(raices.calculadora, {
    id: 'question-neurons', motor, enunciado: T.neuronas_enunciado, pista: '?', numerico: true, ayuda: T.neuronas_ayuda,
    alResolver: alResponder.calculadora,
    async comprobar(texto, cliente) {
      const n = leerEntero(texto);
      const c = await capa(cliente, specs.una, 0);
      return { correcta: n === c.neurons, respuesta: T.neuronas_respuesta(entero(c.output[0]), entero(c.output[1]), entero(c.neurons)) };
    },
  });
  // The options are the counts a student might expect, each computed from the layer's numbers:
  // one weight per connection, per input, per neuron, or per kernel entry.
  const aviso = el('p', { class: 'error', role: 'alert', hidden: true });
  const contar = motor.accion(aviso, { calculando: false });
  contar((cliente) => capa(cliente, specs.una, 0)).then((c) => {
    if (!c) return raices.calculadora.append(aviso);
    const [alto, ancho] = specs.una.input;
    const valores = { todos: c.neurons * c.inputsPerNeuron, entradas: alto * ancho, neuronas: c.neurons, kernel: c.inputsPerNeuron };
    const O = T.pesos_opciones;
    const textos = { todos: O.todos(entero(c.neurons), entero(c.inputsPerNeuron), entero(valores.todos)),
      entradas: O.entradas(entero(valores.entradas)), neuronas: O.neuronas(entero(c.neurons)), kernel: O.kernel(entero(valores.kernel)) };
    crearPregunta(raices.calculadora, {
      id: 'question-weights', motor, enunciado: T.pesos_enunciado, opciones: opciones(textos), ayuda: T.pesos_ayuda,
      alResolver: alResponder.calculadora,
      async comprobar(elegida, cliente) {
        const d = await capa(cliente, specs.una, 0);
        return { correcta: valores[elegida] === d.weights, respuesta: T.pesos_respuesta(entero(d.weights), entero(d.total), entero(d.neurons)) };
      },
    });
  });
  crearPregunta(raices.segunda, {
    id: 'question-inputs', motor, enunciado: T.entradas_enunciado, pista: '?', numerico: true, ayuda: T.entradas_ayuda,
    alResolver: alResponder.segunda,
    async comprobar(texto, cliente) {
      const n = leerEntero(texto);
      const [primera, segunda] = await cliente.explain('params', { spec: specs.dos });
      return { correcta: n === segunda.inputsPerNeuron,
        respuesta: T.entradas_respuesta(entero(primera.output[2]), entero(specs.dos.layers[1].kernel), entero(segunda.inputsPerNeuron)) };
    },
  });
  crearPregunta(raices.campo, {
    id: 'question-field', motor, enunciado: T.campo_enunciado, pista: '?', numerico: true, ayuda: T.campo_ayuda,
    alResolver: alResponder.segunda,
    async comprobar(texto, cliente) {
      const n = leerEntero(texto);
      const campos = await cliente.explain('receptive', { spec: specs.dos });
      return { correcta: n === campos[1].size, respuesta: T.campo_respuesta(entero(campos[1].size)) };
    },
  });
}

// ---- section 4: the notebook's three exercises, checked on MNIST's own data -------------
const T4 = () => leccion.mnist;

/** Normalise one pixel of test image 0: a grey one, so the answer is not 0 or 1. */
export async function tareaNormalizar(raiz, motor) {
  const T = T4();
  const n = 0;
  const aviso = el('p', { class: 'error', role: 'alert', hidden: true });
  raiz.append(aviso);
  const r = await motor.accion(aviso, { calculando: false })((cliente) => cliente.testImages({ start: n, count: 1 }));
  if (!r) return;
  const { pixels } = r;
  // The first pixel, in reading order, between a quarter and three quarters of full ink.
  const i = pixels.findIndex((v) => v > 0.25 && v < 0.75);
  const [f, c] = [Math.floor(i / 28), i % 28];
  const byte = Math.round(pixels[i] * 255);
  crearPregunta(raiz, {
    id: 'task-normalize', motor, enunciado: T.normalizar_enunciado(entero(n), f, c, entero(byte)),
    pista: T.normalizar_pista, numerico: true, ayuda: T.normalizar_ayuda,
    async comprobar(texto, cliente) {
      const x = leerNumero(texto);
      if (Number.isNaN(x)) throw Object.assign(new Error('not a number'), { message_es: P.numero_invalido });
      const v = (await cliente.testImages({ start: n, count: 1 })).pixels[i];
      // Four decimals asked, four shown: a correctly rounded (or truncated) answer is within 0.0001.
      return { correcta: Math.abs(x - v) <= 0.0001 + 1e-9, respuesta: T.normalizar_respuesta(entero(byte), decimal(v, 4)) };
    },
  });
}

/** The reshape's shape, typed as Python prints it. */
export function tareaForma(raiz, motor) {
  const T = T4();
  let imagenes = '…';
  const pregunta = crearPregunta(raiz, {
    id: 'task-shape', motor, enunciado: () => T.forma_enunciado(imagenes), pista: T.forma_pista, ayuda: T.forma_ayuda,
    async comprobar(texto, cliente) {
      const { test } = await motor.listo();
      const imagen = (await cliente.presets()).find((p) => p.name === 'keras-mnist').spec.input;  // [28, 28, 1]
      const esperada = [test, ...imagen];
      // Python writes (10000, 28, 28, 1): commas between the numbers, no thousands separator.
      const numeros = String(texto).replace(/[()[\]\s]/g, '').split(',').filter(Boolean).map(Number);
      const correcta = numeros.length === esperada.length && numeros.every((x, i) => x === esperada[i]);
      return { correcta, respuesta: T.forma_respuesta(`(${esperada.join(', ')})`) };
    },
  });
  // Shapes as Python prints them: 10000, not 10.000.
  motor.listo().then((d) => { imagenes = String(d.test); pregunta.reiniciar(); });
}

/**
 * A one-hot row built by pressing ten toggle buttons, for a real test label: from image
 * `primera` on, past the rows the section's table already shows.
 */
export function tareaOneHot(raiz, motor, primera) {
  const T = T4();
  let n = primera, etiqueta = null;
  const botones = Array.from({ length: 10 }, (_, d) => {
    const b = el('button', { type: 'button', class: 'casilla-onehot', 'aria-pressed': 'false', 'data-testid': `task-onehot-${d}` });
    const poner = (v) => {
      b.setAttribute('aria-pressed', String(v));
      b.textContent = v ? '1' : '0';
      b.setAttribute('aria-label', T.onehot_casilla(d, v ? 1 : 0));
    };
    poner(false);
    b.addEventListener('click', () => poner(b.getAttribute('aria-pressed') !== 'true'));
    return { b, poner, valor: () => (b.getAttribute('aria-pressed') === 'true' ? 1 : 0) };
  });
  const fila = el('div', { class: 'fila-onehot', role: 'group' }, botones.map((x, d) => el('span', { class: 'onehot-celda' },
    el('span', { class: 'onehot-indice', 'aria-hidden': 'true', text: String(d) }), x.b)));
  const otra = el('button', { type: 'button', class: 'boton-pequeno', text: T.onehot_otra, 'data-testid': 'task-onehot-other' });
  const pregunta = crearPregunta(raiz, {
    id: 'task-onehot', motor, enunciado: () => T.onehot_enunciado(entero(n), etiqueta ?? '…'), ayuda: T.onehot_ayuda,
    campo: {
      nodo: el('div', { class: 'onehot-campo' }, fila, otra),
      valor: () => botones.map((x) => x.valor()),
      vacio: () => false,
      limpiar: () => botones.forEach((x) => x.poner(false)),
    },
    async comprobar(respuesta, cliente) {
      const { labels } = await cliente.testImages({ start: n, count: 1 });
      const correcta = respuesta.every((v, d) => v === (d === labels[0] ? 1 : 0));
      const esperada = Array.from({ length: 10 }, (_, d) => (d === labels[0] ? '1' : '0')).join(', ');
      return { correcta, respuesta: T.onehot_respuesta(labels[0], esperada) };
    },
  });
  fila.setAttribute('aria-label', T.onehot_titulo);
  const aviso = el('p', { class: 'error', role: 'alert', hidden: true });
  raiz.append(aviso);
  const leer = motor.accion(aviso, { calculando: false });
  async function cargar() {
    const r = await leer((cliente) => cliente.testImages({ start: n, count: 1 }));
    if (!r) return;
    etiqueta = r.labels[0];
    pregunta.reiniciar();
  }
  // Each click walks through the first test images: a new label to encode.
  otra.addEventListener('click', () => { n = primera + ((n - primera + 1) % 100); cargar(); });
  return cargar();
}

// ---- sections 5 to 7: a prediction before each section's demonstration --------------------
const elegir = (rangos, x) => Object.keys(rangos).find((k) => x >= rangos[k][0] && x <= rangos[k][1]);

/** Max-pooling: does a one-pixel shift that crosses a block edge change the pooled map? */
export function preguntaDesplazar(raiz, motor, alResolver) {
  const T = leccion.maxpooling;
  // A 4 × 4 map with one 9 at row 0, column `c`, pooled 2 × 2 by the engine: "[[9, 0], [0, 0]]".
  const reducir = async (cliente, c) => {
    const plane = new Float32Array(16);
    plane[c] = 9;
    const maximos = [];
    for (const row of [0, 1]) for (const col of [0, 1]) maximos.push((await cliente.explain('pool', { plane, height: 4, width: 4, pool: 2, row, col })).max);
    return maximos;
  };
  const escribir = (m) => `[[${m[0]}, ${m[1]}], [${m[2]}, ${m[3]}]]`;
  crearPregunta(raiz, {
    id: 'question-shift', motor, enunciado: T.desplazar_enunciado, opciones: opciones(T.desplazar_opciones),
    ayuda: T.desplazar_ayuda, alResolver,
    async comprobar(elegida, cliente) {
      const [c0, c1, c2] = [await reducir(cliente, 0), await reducir(cliente, 1), await reducir(cliente, 2)];
      const mismo = (a, b) => a.every((v, i) => v === b[i]);
      const correcta = mismo(c1, c2) ? 'igual' : c2.includes(9) ? 'cambia' : 'borra';
      return { correcta: elegida === correcta,
        respuesta: T.desplazar_respuesta(escribir(c0), escribir(c1), escribir(c2)) };
    },
  });
}

/** Dropout: how many of 128 neurons does Dropout(0.5) switch off at each step? */
export function preguntaApagadas(raiz, motor, alResolver) {
  const T = leccion.dropout;
  const N = 128, PASOS = 5;
  crearPregunta(raiz, {
    id: 'question-dropped', motor, enunciado: T.apagadas_enunciado, opciones: opciones(T.apagadas_opciones),
    ayuda: T.apagadas_ayuda, alResolver,
    async comprobar(elegida, cliente) {
      const cuentas = [];
      for (let step = 0; step < PASOS; step++) {
        const { mask } = await cliente.dropoutDemo({ values: new Float32Array(N).fill(1), rate: 0.5, seed: 1, step });
        cuentas.push(mask.reduce((n, m) => n + (m === 0 ? 1 : 0), 0));
      }
      const correcta = cuentas.every((x) => x === 0) ? 'ninguna' : cuentas.every((x) => x === N / 2) ? 'exacto' : 'cerca';
      return { correcta: elegida === correcta, respuesta: T.apagadas_respuesta(cuentas.map(entero).join(', '), entero(N)) };
    },
  });
}

/** ReLU: what share of the gradient crosses ten sigmoid layers at their steepest? */
export function preguntaGradiente(raiz, motor, alResolver) {
  const T = leccion.relu;
  const RANGOS = { mitad: [0.3, 0.7], decima: [0.05, 0.2], milesima: [5e-4, 2e-3], millonesima: [0, 1e-6] };
  crearPregunta(raiz, {
    id: 'question-gradient', motor, enunciado: T.gradiente_enunciado, opciones: opciones(T.gradiente_opciones),
    ayuda: T.gradiente_ayuda, alResolver,
    async comprobar(elegida, cliente) {
      const { dy: [d] } = await cliente.activationCurve('sigmoid', new Float32Array([0]));
      const valor = d ** 10;
      return { correcta: elegida === elegir(RANGOS, valor), respuesta: T.gradiente_respuesta(numero(d, 4), cientifico(valor)) };
    },
  });
}
