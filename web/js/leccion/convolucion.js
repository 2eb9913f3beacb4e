// Section 2, "Convolución": the formulas, the lesson's 6×6 vertical-edge example stepped
// position by position with the engine's trace (products and sum), the same sum seen as a
// neuron, and the chosen kernel applied to a whole 28×28 digit (the engine's feature map).

import { leccion } from '../textos.js';
import { entero, numero, leerNumero } from '../formato.js';
import { renderFormulas } from '../formulas.js';
import { crearRejilla } from './kit/rejilla.js';
import { gris, divergente, prepararLienzo } from './kit/lienzo.js';
import { crearFuente } from './kit/fuente.js';
import { el } from './kit/dom.js';
import { KERNELS } from './kernels.js';
import { preguntaHomogenea } from './preguntas.js';

const T = leccion.convolucion;
const LADO = 6, K = 3, SALIDA = LADO - K + 1;
const PREAJUSTES = KERNELS;
const EJEMPLO = { fila: 2, columna: 1 };  // the lesson's (2, 1), where the sum is 765

// x + 0 turns the engine's -0 (from 0 × -1) into 0: a sign on zero would only confuse.
const valor = (x) => numero(x + 0, 3);
const conSigno = (x) => (x < 0 ? `(${valor(x)})` : valor(x));

export function crear(seccion, { motor, dibujo }) {
  renderFormulas(seccion, T.tex, T.formulas_alt);
  const kernel = crearEditorKernel(seccion.querySelector('[data-parte="kernel"]'));
  const ejemplo = crearEjemplo(seccion.querySelector('[data-parte="ejemplo"]'), motor, kernel);
  const mapa = crearMapa(seccion.querySelector('[data-parte="mapa"]'), motor, dibujo, kernel);
  kernel.alCambiar(() => { ejemplo.kernelCambiado(); mapa.kernelCambiado(); });
  preguntaHomogenea(seccion.querySelector('[data-parte="pregunta-homogenea"]'), motor);
}

// Nine inputs and a preset list; pesos() is the kernel row by row.
function crearEditorKernel(raiz) {
  const rejilla = raiz.querySelector('.kernel-editor');
  const lista = raiz.querySelector('select');
  const aviso = raiz.querySelector('.error-campo');
  let pesos = [...PREAJUSTES.verticales];
  const oyentes = [];
  const avisar = () => oyentes.forEach((fn) => fn());

  for (const [clave, texto] of Object.entries(T.preajustes)) lista.append(new Option(texto, clave));
  const casillas = pesos.map((_, i) => {
    const input = el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false',
      'aria-label': T.peso(Math.floor(i / K), i % K), 'data-testid': `kernel-${i}` });
    input.addEventListener('input', () => {
      const x = leerNumero(input.value);
      input.setAttribute('aria-invalid', String(Number.isNaN(x)));
      aviso.hidden = !Number.isNaN(x);
      if (Number.isNaN(x)) return;
      pesos[i] = x;
      lista.value = 'propio';
      avisar();
    });
    rejilla.append(input);
    return input;
  });
  aviso.textContent = T.peso_invalido;

  function mostrar() {
    casillas.forEach((input, i) => {
      input.value = valor(pesos[i]);
      input.setAttribute('aria-invalid', 'false');
    });
    aviso.hidden = true;
  }
  lista.addEventListener('change', () => {
    if (!PREAJUSTES[lista.value]) return;
    pesos = [...PREAJUSTES[lista.value]];
    mostrar();
    avisar();
  });
  lista.value = 'verticales';
  mostrar();

  return {
    pesos: () => Float32Array.from(pesos),
    alCambiar: (fn) => oyentes.push(fn),
  };
}

function crearEjemplo(raiz, motor, kernel) {
  // The lesson's picture: bright left half (255), dark right half (0); pixels can be toggled.
  const imagen = Float32Array.from({ length: LADO * LADO }, (_, i) => (i % LADO < LADO / 2 ? 255 : 0));
  const calculadas = new Map();  // "i,j" → sum, the output cells visited so far
  let traza = null;
  let turno = 0;
  const pedir = motor.accion(raiz.querySelector('.error'), { calculando: false });
  const posicion = raiz.querySelector('[data-testid="conv-position"]');

  const rejillaImagen = crearRejilla(raiz.querySelector('[data-parte="imagen"]'), {
    filas: LADO, columnas: LADO,
    celda: (f, c) => ({ ...gris(imagen[f * LADO + c] / 255), texto: entero(imagen[f * LADO + c]) }),
    marcas: () => (traza ? [{ fila: traza.top, columna: traza.left, alto: K, ancho: K, color: '#2457d6' }] : []),
    cursorSoloConFoco: true,
    alActivar: (f, c) => {
      imagen[f * LADO + c] = imagen[f * LADO + c] > 0 ? 0 : 255;
      calculadas.clear();
      calcular();
    },
  });
  const rejillaSalida = crearRejilla(raiz.querySelector('[data-parte="salida"]'), {
    filas: SALIDA, columnas: SALIDA,
    celda: (f, c) => {
      const v = calculadas.get(`${f},${c}`);
      return v === undefined ? { fondo: '#eef0f5' } : { ...divergente(v, escalaSalida()), texto: valor(v) };
    },
    alMover: () => calcular(),
  });
  // Colours follow the largest |sum| seen so far, so every kernel's output shows its contrast.
  function escalaSalida() {
    return Math.max(1, ...Array.from(calculadas.values(), Math.abs));
  }
  const neurona = raiz.querySelector('[data-parte="neurona"]');
  new ResizeObserver(() => traza && pintarNeurona(neurona, traza)).observe(neurona);

  async function calcular() {
    const mio = ++turno;
    const { f, c } = rejillaSalida.posicion();
    const t = await pedir((cliente) => cliente.explain('conv', {
      input: imagen, height: LADO, width: LADO, weights: kernel.pesos(), kernel: K, row: f, col: c,
    }));
    if (!t || mio !== turno) return;
    traza = t;
    calculadas.set(`${f},${c}`, t.sum);
    mostrarTraza(t);
  }

  function mostrarTraza(t) {
    posicion.textContent = T.posicion(t.row, t.col);
    const tabla = raiz.querySelector('[data-testid="conv-products"]');
    tabla.replaceChildren();
    for (let y = 0; y < K; y++) {
      const fila = tabla.insertRow();
      for (let x = 0; x < K; x++) {
        const i = y * K + x;
        const celda = fila.insertCell();
        celda.append(el('span', { class: 'peso', text: valor(t.weights[i]) }), ' × ',
          el('span', { class: 'pixel', text: valor(t.inputs[i]) }), ' = ', el('strong', { text: valor(t.products[i]) }));
      }
    }
    const terminos = Array.from(t.products, conSigno).join(' + ');
    const suma = raiz.querySelector('[data-testid="conv-sum"]');
    suma.textContent = T.suma(terminos, valor(t.sum));
    suma.dataset.value = String(t.sum);
    raiz.querySelector('.comentario').textContent = t.sum === 0 ? T.comentario_cero : T.comentario_otro;
    rejillaImagen.pintar();
    rejillaSalida.pintar();
    pintarNeurona(neurona, t);
  }

  const boton = (nombre, fn) => raiz.querySelector(`[data-parte="${nombre}"]`).addEventListener('click', fn);
  boton('anterior', () => rejillaSalida.avanzar(-1));
  boton('siguiente', () => rejillaSalida.avanzar(1));
  boton('ir-ejemplo', () => rejillaSalida.mover(EJEMPLO.fila, EJEMPLO.columna));
  boton('vaciar', () => { calculadas.clear(); rejillaSalida.pintar(); });
  boton('completar', async () => {
    const r = await pedir((cliente) => cliente.explain('convMap', {
      input: imagen, height: LADO, width: LADO, weights: kernel.pesos(), kernel: K,
    }));
    if (!r) return;
    r.data.forEach((v, i) => calculadas.set(`${Math.floor(i / r.width)},${i % r.width}`, v));
    rejillaSalida.pintar();
  });

  rejillaSalida.mover(EJEMPLO.fila, EJEMPLO.columna, false);
  calcular();
  return {
    kernelCambiado() {
      calculadas.clear();
      calcular();
    },
  };
}

const COLOR_SIGNO = {
  1: { linea: '#d62828', texto: '#a11d1d', trazo: [] },
  [-1]: { linea: '#2457d6', texto: '#1a44ad', trazo: [7, 4] },
  0: { linea: '#b8c0d0', texto: '#566074', trazo: [2, 4] },
};

// The same window as a neuron: nine inputs on the left, the kernel's values as the weights of
// their connections, and the weighted sum in the neuron.
function pintarNeurona(lienzo, t) {
  if (!lienzo.clientWidth) return;
  const { ctx, ancho, alto } = prepararLienzo(lienzo, {
    alto: Math.round(Math.min(280, Math.max(220, lienzo.clientWidth * 0.5))), fijarAlto: true });
  const estilo = getComputedStyle(lienzo);
  const tipo = `${Math.max(11, Math.min(14, ancho / 32))}px ${estilo.fontFamily}`;
  ctx.font = tipo;
  const n = t.inputs.length;
  const arriba = 26, paso = (alto - arriba - 10) / n;
  const xEntrada = Math.max(52, ancho * 0.1), xNeurona = ancho * 0.68, yNeurona = arriba + (paso * n) / 2;
  const radio = Math.min(34, ancho * 0.07);

  ctx.fillStyle = '#566074';
  ctx.textAlign = 'left';
  ctx.fillText(T.neurona_entradas, 4, 14);
  // Centred between the weights' labels and the neuron, clear of the inputs' heading on a phone.
  ctx.textAlign = 'center';
  ctx.fillText(T.neurona_pesos, (xEntrada + 14 + (xNeurona - radio - xEntrada - 14) * 0.3 + xNeurona) / 2, 14);
  for (let i = 0; i < n; i++) {
    const y = arriba + paso * (i + 0.5);
    const w = t.weights[i];
    // The lesson's one sign convention (maps, kernels, this diagram): positive red, negative
    // blue; the line's pattern says the sign too, for whoever does not tell the colours apart.
    ctx.strokeStyle = COLOR_SIGNO[Math.sign(w)].linea;
    ctx.lineWidth = w === 0 ? 1 : 1 + Math.min(3, Math.abs(w));
    ctx.setLineDash(COLOR_SIGNO[Math.sign(w)].trazo);
    ctx.beginPath();
    ctx.moveTo(xEntrada + 14, y);
    ctx.lineTo(xNeurona - radio, yNeurona);
    ctx.stroke();
    ctx.setLineDash([]);
    const g = Math.round(255 * Math.min(1, Math.max(0, t.inputs[i] / 255)));
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.strokeStyle = '#566074';
    ctx.lineWidth = 1;
    ctx.fillRect(xEntrada - 12, y - paso / 2 + 2, 24, paso - 4);
    ctx.strokeRect(xEntrada - 12, y - paso / 2 + 2, 24, paso - 4);
    ctx.fillStyle = '#1b1f2a';
    ctx.textAlign = 'right';
    ctx.fillText(valor(t.inputs[i]), xEntrada - 16, y + 4);
    // The weight sits on its line, a third of the way to the neuron.
    const xPeso = xEntrada + 14 + (xNeurona - radio - xEntrada - 14) * 0.3;
    const yPeso = y + (yNeurona - y) * 0.3;
    ctx.textAlign = 'center';
    ctx.fillStyle = 'rgba(255,255,255,0.9)';
    ctx.fillRect(xPeso - 18, yPeso - 9, 36, 16);
    ctx.fillStyle = ctx.strokeStyle = COLOR_SIGNO[Math.sign(w)].texto;
    ctx.fillText(valor(w), xPeso, yPeso + 4);
  }
  ctx.fillStyle = '#e3e9fb';
  ctx.strokeStyle = '#2457d6';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(xNeurona, yNeurona, radio, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
  ctx.fillStyle = '#000047';
  ctx.font = `bold ${Math.round(radio * 0.9)}px ${estilo.fontFamily}`;
  ctx.fillText('Σ', xNeurona, yNeurona + radio * 0.3);
  ctx.font = `bold ${Math.max(13, Math.min(18, ancho / 24))}px ${estilo.fontFamily}`;
  ctx.strokeStyle = '#000047';
  ctx.beginPath();
  ctx.moveTo(xNeurona + radio, yNeurona);
  ctx.lineTo(ancho - 60, yNeurona);
  ctx.stroke();
  ctx.textAlign = 'right';
  ctx.fillText(valor(t.sum), ancho - 4, yNeurona + 5);
  lienzo.setAttribute('aria-label', T.neurona_alt(
    Array.from(t.inputs, valor).join('; '), Array.from(t.weights, valor).join('; '), valor(t.sum)));
}

// The kernel over a 28×28 digit: the engine's whole feature map, redrawn when the kernel changes.
function crearMapa(raiz, motor, dibujo, kernel) {
  const pedir = motor.accion(raiz.querySelector('.error'), { calculando: false });
  const lectura = raiz.querySelector('.lectura');
  const lienzoEntrada = raiz.querySelector('[data-parte="entrada"]');
  const lienzoMapa = raiz.querySelector('[data-parte="mapa-salida"]');
  let pixels = null, mapa = null, escala = 1, turno = 0;

  const rejillaEntrada = crearRejilla(lienzoEntrada, {
    filas: 28, columnas: 28, interactiva: false,
    celda: (f, c) => (pixels ? gris(pixels[f * 28 + c]) : { fondo: '#000' }),
  });
  const rejillaMapa = crearRejilla(lienzoMapa, {
    filas: 26, columnas: 26, seguirPuntero: true,
    celda: (f, c) => (mapa ? divergente(mapa.data[f * mapa.width + c], escala) : { fondo: '#eef0f5' }),
    alMover: leer,
  });

  function leer(f, c) {
    if (mapa) lectura.textContent = T.mapa_lectura(f, c, valor(mapa.data[f * mapa.width + c]));
  }

  async function calcular() {
    if (!pixels) return;
    const mio = ++turno;
    const r = await pedir((cliente) => cliente.explain('convMap', {
      input: pixels, height: 28, width: 28, weights: kernel.pesos(), kernel: K,
    }));
    if (!r || mio !== turno) return;
    mapa = r;
    // Colours are scaled to the map's largest magnitude so any kernel shows its pattern.
    let min = Infinity, max = -Infinity;
    for (const v of r.data) { min = Math.min(min, v); max = Math.max(max, v); }
    escala = Math.max(Math.abs(min), Math.abs(max));
    lienzoMapa.setAttribute('aria-label', T.mapa_salida_alt(valor(min), valor(max)));
    lienzoMapa.dataset.max = String(max);
    rejillaMapa.pintar();
    const { f, c } = rejillaMapa.posicion();
    leer(f, c);
  }

  crearFuente(raiz.querySelector('.fuente-sitio'), {
    motor, dibujo, id: 'convolution', inicial: 0,
    alCambiar: (imagen) => {
      pixels = imagen.pixels;
      lienzoEntrada.setAttribute('aria-label', T.mapa_entrada_alt(imagen.descripcion));
      rejillaEntrada.pintar();
      calcular();
    },
  }).cargar();

  return { kernelCambiado: calcular };
}
