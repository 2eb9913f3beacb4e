// Section 10, «Práctica»: the lesson's exercises (ReLU → sigmoid, Adadelta → SGD and its lr, one
// more convolutional layer, 5 × 5 kernels) as experiments: each builds a ModelSpec variant of a
// preset, trains it briefly, and is kept with its settings in a table; the loss and accuracy
// curves of all runs are overlaid. The worker has one model, so the main model's weights are
// saved before each run and loaded back after it (the drawing widget waits meanwhile).

import { leccionB, entrenamiento as TE } from '../textos.js';
import { numero, entero, decimal, porcentaje, duracion, leerNumero } from '../formato.js';
import { crearGrafica, crearLeyenda } from '../ui/grafica.js';
import { el, ponerEstado } from './comun-b-dom.js';
import { mensajeDeError } from '../ui/mensajes.js';

const T = leccionB.practica;
const C = leccionB.comun;
const HUECOS = 8;  // runs kept at once, one chart colour each
const BASES = ['classroom', 'keras-mnist'];
const IMAGENES = [2000, 5000, 10000];
const EPOCAS = [1, 2, 3];
// The lesson compiles with optimizer='Adadelta'; lr 1.0 is the original Keras example's
// (tf.keras's 0.001 barely moves in one short epoch; see the training panel's note).
const ADADELTA = { type: 'adadelta', lr: 1 };

/** The ModelSpec of a run: `base` (a preset's spec) with the chosen changes applied. */
export function variante(base, { sigmoide, sgd, lr, conv, kernel5 }) {
  const spec = structuredClone(base);
  spec.optimizer = sgd ? { type: 'sgd', lr } : { ...ADADELTA };
  const k = kernel5 ? 5 : 3;
  if (conv) {
    const ultima = spec.layers.findLastIndex((l) => l.type === 'conv2d');
    spec.layers.splice(ultima + 1, 0, { type: 'conv2d', filters: 32, kernel: 3, activation: 'relu' });
  }
  for (const capa of spec.layers) {
    if (sigmoide && capa.activation === 'relu') capa.activation = 'sigmoid';
    if (capa.type === 'conv2d') capa.kernel = k;
  }
  return spec;
}

// The changes, said in words, with their counts taken from the base spec.
function diferencias(base, cambios) {
  const frases = [];
  const convs = base.layers.filter((l) => l.type === 'conv2d');
  if (cambios.sigmoide) frases.push(T.diff_sigmoide(base.layers.filter((l) => l.activation === 'relu').length + (cambios.conv ? 1 : 0)));
  if (cambios.sgd) frases.push(T.diff_sgd(numero(cambios.lr)));
  if (cambios.conv) frases.push(T.diff_conv(convs.length, cambios.kernel5 ? 5 : 3));
  if (cambios.kernel5) frases.push(T.diff_kernel(convs.length + (cambios.conv ? 1 : 0)));
  return frases;
}

function nombreCorto(cambios) {
  const N = T.nombres_cortos;
  const partes = [];
  if (cambios.sigmoide) partes.push(N.sigmoide);
  if (cambios.sgd) partes.push(N.sgd(numero(cambios.lr)));
  if (cambios.conv) partes.push(N.conv);
  if (cambios.kernel5) partes.push(N.kernel5);
  return partes.join(', ') || N.base;
}

export async function crear(raiz, motor) {
  const { cliente } = motor;
  const opcion = (v, t) => el('option', { value: v, text: t });
  const base = el('select', { id: 'practica-base', 'data-testid': 'practice-base' }, ...BASES.map((b) => opcion(b, T.base_nombres[b])));
  const casilla = (id, texto) => el('label', { class: 'casilla' }, el('input', { type: 'checkbox', id, 'data-testid': id }), el('span', { text: texto }));
  const cambiosCampos = el('fieldset', { class: 'lb-cambios' }, el('legend', { text: T.cambios }),
    casilla('practica-sigmoide', T.sigmoide), casilla('practica-sgd', T.sgd),
    el('div', { class: 'campo lb-lr' }, el('label', { for: 'practica-lr', text: T.lr_sgd }),
      el('input', { id: 'practica-lr', type: 'text', inputmode: 'decimal', value: numero(0.01), autocomplete: 'off' })),
    casilla('practica-conv', T.conv_extra), casilla('practica-kernel5', T.kernel5));
  const imagenes = el('select', { id: 'practica-imagenes', 'data-testid': 'practice-images' }, ...IMAGENES.map((n) => opcion(n, entero(n))));
  imagenes.value = '5000';
  const epocas = el('select', { id: 'practica-epocas' }, ...EPOCAS.map((n) => opcion(n, entero(n))));
  const lanzar = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'practice-run', text: T.lanzar });
  const detener = el('button', { type: 'button', 'data-testid': 'practice-stop', text: T.detener, disabled: true });
  const diff = el('ul', { class: 'lb-diff', 'data-testid': 'practice-diff', 'aria-live': 'polite' });
  const estado = el('p', { class: 'lb-estado', role: 'status', 'data-testid': 'practice-status' });
  const progreso = el('progress', { max: 1, value: 0, 'aria-label': T.lanzar });
  const lienzoPerdida = el('canvas', { role: 'img', 'aria-label': T.grafica_perdida_alt, 'data-testid': 'practice-chart-loss' });
  const lienzoPrecision = el('canvas', { role: 'img', 'aria-label': T.grafica_precision_alt, 'data-testid': 'practice-chart-accuracy' });
  const leyenda = el('ul', { class: 'leyenda' });
  const cuerpo = el('tbody');
  const vacia = el('p', { class: 'ayuda', text: T.sin_runs });
  const campos = [base, ...cambiosCampos.querySelectorAll('input'), imagenes, epocas];
  const $ = (id) => cambiosCampos.querySelector(`#${id}`);

  raiz.append(
    el('div', { class: 'panel lb-panel' },
      el('p', { class: 'ayuda', text: T.nota_base }), el('p', { class: 'ayuda', text: T.nota_restaurar }),
      el('div', { class: 'lb-practica' },
        el('div', { class: 'lb-practica-form' },
          el('div', { class: 'campo' }, el('label', { for: 'practica-base', text: T.base }), base),
          cambiosCampos,
          el('div', { class: 'lb-controles' },
            el('div', { class: 'campo' }, el('label', { for: 'practica-imagenes', text: T.imagenes }), imagenes),
            el('div', { class: 'campo' }, el('label', { for: 'practica-epocas', text: T.epocas }), epocas)),
          diff,
          el('div', { class: 'botones' }, lanzar, detener), estado, progreso),
        el('div', { class: 'lb-practica-graficas' },
          el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica_perdida }), lienzoPerdida),
          el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica_precision }), lienzoPrecision),
          leyenda))),
    el('div', { class: 'lb-tabla-caja' },
      el('table', { class: 'lb-tabla lb-runs', 'data-testid': 'practice-runs' },
        el('caption', { text: T.tabla_caption }),
        el('thead', {}, el('tr', {}, ...[T.col_n, T.col_cambios, T.col_parametros, T.col_tiempo, T.col_perdida, T.col_precision, T.col_quitar]
          .map((t) => el('th', { scope: 'col', text: t })))),
        cuerpo)),
    vacia);

  const SERIES = Array.from({ length: HUECOS }, (_, i) => ({ color: `--lb-run-${i}`, tipo: 'linea' }));
  const graficas = [
    crearGrafica(lienzoPerdida, { etiquetaX: T.eje_epoca, etiquetaY: TE.grafica_perdida, series: SERIES }),
    crearGrafica(lienzoPrecision, { etiquetaX: T.eje_epoca, etiquetaY: TE.grafica_precision, series: SERIES, yMax: 1, formatoY: (v) => porcentaje(v, 0) }),
  ];

  const specs = new Map((await motorListo()).map(({ name, spec }) => [name, spec]));
  const runs = [];  // {n, hueco, etiqueta, config, parametros, puntos: [[x, loss, acc]], test, segundos, estado}
  let siguienteN = 1;
  let actual = null;

  async function motorListo() {
    ponerEstado(estado, 'waiting', C.esperando);
    await motor.listo();
    return cliente.presets();
  }

  function leerCambios() {
    const lr = leerNumero($('practica-lr').value);
    return {
      sigmoide: $('practica-sigmoide').checked, sgd: $('practica-sgd').checked,
      lr: Number.isFinite(lr) && lr > 0 ? lr : 0.01, conv: $('practica-conv').checked, kernel5: $('practica-kernel5').checked,
    };
  }

  const totalParametros = async (spec) => (await cliente.explain('params', { spec })).reduce((s, f) => s + f.total, 0);

  // The diff from the base, in words, with the parameter counts the engine gives for both.
  let pedidoDiff = 0;
  async function describir() {
    const mio = ++pedidoDiff;
    const cambios = leerCambios();
    $('practica-lr').closest('.campo').hidden = !cambios.sgd;
    const spec = specs.get(base.value);
    const frases = diferencias(spec, cambios);
    let parametros = '';
    try {
      parametros = T.diff_parametros(entero(await totalParametros(spec)), entero(await totalParametros(variante(spec, cambios))));
    } catch (error) {
      parametros = mensajeDeError(error);
    }
    if (mio !== pedidoDiff) return;
    diff.replaceChildren(...[...(frases.length ? frases : [T.sin_cambios]), parametros].map((f) => el('li', { text: f })));
  }

  function redibujar() {
    const xMax = Math.max(1, ...runs.map((r) => r.epocas));
    for (const g of graficas) g.borrar(xMax);
    for (const r of runs) for (const [x, loss, acc] of r.puntos) { graficas[0].anadir(r.hueco, x, loss); graficas[1].anadir(r.hueco, x, acc); }
    crearLeyenda(leyenda, runs.map((r) => ({ nombre: T.etiqueta_run(r.n, r.etiqueta), color: SERIES[r.hueco].color, tipo: 'linea' })));
    pintarTabla();
  }

  function pintarTabla() {
    vacia.hidden = runs.length > 0;
    cuerpo.replaceChildren(...runs.map((r) => {
      const quitar = el('button', { type: 'button', class: 'boton-pequeno', 'aria-label': T.quitar(r.n), text: '✕', disabled: r === actual,
        onclick: () => { runs.splice(runs.indexOf(r), 1); redibujar(); lanzar.focus(); } });
      return el('tr', { 'data-run': String(r.n) },
        el('th', { scope: 'row' }, el('span', { class: 'muestra muestra-linea', style: `--muestra: var(${SERIES[r.hueco].color})` }), ` ${r.n}`),
        el('td', {}, el('strong', { text: r.etiqueta }), el('br'), el('span', { class: 'ayuda', text: r.config }),
          ...r.diff.map((f) => el('span', { class: 'lb-diff-linea', text: f }))),
        el('td', { text: entero(r.parametros) }),
        el('td', { text: r.segundos === null ? '…' : duracion(r.segundos) }),
        el('td', { text: r.test ? decimal(r.test.loss, 4) : (r.estado === 'stopped' ? T.detenido : '…') }),
        el('td', { 'data-value': r.test ? String(r.test.accuracy) : '', text: r.test ? porcentaje(r.test.accuracy, 2) : (r.estado === 'stopped' ? T.detenido : '…') }),
        el('td', {}, quitar));
    }));
  }

  function habilitar(corriendo) {
    for (const c of campos) c.disabled = corriendo;
    lanzar.disabled = corriendo;
    detener.disabled = !corriendo;
  }

  cliente.on('progress', (p) => {
    if (!actual || p.run !== actual.run) return;
    const x = p.epoch - 1 + p.batch / p.batches;
    actual.puntos.push([x, p.loss, p.accuracy]);
    graficas[0].anadir(actual.hueco, x, p.loss);
    graficas[1].anadir(actual.hueco, x, p.accuracy);
    progreso.value = x / p.epochs;
    ponerEstado(estado, 'training', T.estado_entrenando(`${porcentaje(x / p.epochs, 0)} · ${entero(p.imagesPerSecond)} img/s`));
  });
  cliente.on('epoch', (e) => { if (actual && e.run === actual.run) for (const g of graficas) g.cortar(actual.hueco); });

  async function ejecutar() {
    if (motor.principalEntrenando()) return ponerEstado(estado, 'busy', C.ocupado_principal);
    if (runs.length >= HUECOS) return ponerEstado(estado, 'busy', T.lleno(entero(HUECOS)));
    if (!motor.ocupar('practica')) return ponerEstado(estado, 'busy', C.ocupado_practica);
    const cambios = leerCambios();
    const nombreBase = base.value;
    const spec = variante(specs.get(nombreBase), cambios);
    spec.name = `practica-${siguienteN}`;
    const usados = new Set(runs.map((r) => r.hueco));
    const run = {
      n: siguienteN++, hueco: [...Array(HUECOS).keys()].find((h) => !usados.has(h)),
      etiqueta: nombreCorto(cambios), diff: diferencias(specs.get(nombreBase), cambios),
      config: T.config(T.base_nombres[nombreBase], entero(Number(imagenes.value)), epocas.value),
      epocas: Number(epocas.value), parametros: 0, puntos: [], test: null, segundos: null, estado: 'running',
    };
    habilitar(true);
    progreso.value = 0;
    let guardado = null;
    let final;
    try {
      ponerEstado(estado, 'saving', T.estado_guardando);
      guardado = await cliente.saveWeights();
      ponerEstado(estado, 'building', T.estado_construyendo);
      run.parametros = (await cliente.build(spec)).totalParams;
      runs.push(run);
      actual = run;
      redibujar();
      const inicio = performance.now();
      const entrenando = cliente.train({
        epochs: run.epocas, batchSize: spec.batch_size, trainLimit: Number(imagenes.value), optimizer: spec.optimizer,
      });
      run.run = entrenando.id;
      const { stopped, test } = await entrenando;
      run.segundos = (performance.now() - inicio) / 1000;
      run.test = stopped ? null : test;
      run.estado = stopped ? 'stopped' : 'done';
      final = ['done', stopped ? T.estado_detenido(run.n) : T.estado_hecho(run.n)];
    } catch (error) {
      run.estado = 'error';
      final = ['error', T.estado_error(mensajeDeError(error))];
    }
    actual = null;
    try {
      if (guardado) {
        ponerEstado(estado, 'restoring', T.estado_restaurando);
        motor.modeloRestaurado(await cliente.loadWeights(guardado));
      }
    } catch (error) {
      final = ['error', mensajeDeError(error)];
    }
    motor.liberar();
    habilitar(false);
    pintarTabla();
    ponerEstado(estado, ...final);
    estado.dataset.runs = String(runs.length);
  }

  lanzar.addEventListener('click', ejecutar);
  detener.addEventListener('click', () => { if (actual) cliente.stop().catch(() => {}); });
  for (const c of [base, ...cambiosCampos.querySelectorAll('input')]) c.addEventListener('change', describir);
  $('practica-lr').addEventListener('input', describir);
  // The classroom base trains ten times faster; the lesson's network gets fewer images by default.
  base.addEventListener('change', () => { imagenes.value = base.value === 'keras-mnist' ? '2000' : '5000'; });

  await describir();
  redibujar();
  ponerEstado(estado, 'idle', T.estado_listo);
  raiz.dataset.ready = 'true';
}
