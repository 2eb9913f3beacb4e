// Section 10, «Práctica»: the lesson's exercises (ReLU → sigmoid, Adadelta → SGD and its lr, up
// to three more convolutional layers, 5 × 5 kernels) as experiments: each builds a ModelSpec
// variant of a preset (variantes.js), trains it, and is kept with its settings in a table; the
// loss and accuracy curves of all runs are overlaid. Finished runs are stored in the browser
// (practica-guardado.js) and come back after a reload; the table downloads as CSV. Experiments
// train the engine's slot 'experimento', so the page's network (slot 'principal') answers the
// drawing and the other sections meanwhile; «Usar esta red» copies the last one into it.

import { leccion, entrenamiento as TE } from '../textos.js';
import { numero, entero, decimal, porcentaje, duracion, leerNumero } from '../formato.js';
import { variante, MAX_CONV_EXTRA } from './variantes.js';
import { crearGuardado } from './practica-guardado.js';
import { descargarCsv } from './practica-csv.js';
import { crearGrafica, crearLeyenda } from '../ui/grafica.js';
import { el, ponerEstado, cajaDeTabla } from './kit/dom.js';
import { crearUsarRed } from './kit/usar-red.js';
import { mensajeDeError } from '../ui/mensajes.js';

const T = leccion.practica;
const C = leccion.comun;
const HUECOS = 8;  // runs kept at once, one chart colour each
const SLOT = 'experimento';  // the engine's slot the experiments train
const BASES = ['classroom', 'keras-mnist'];
const IMAGENES = [2000, 5000, 10000, 60000];
const EPOCAS = [1, 2, 3, 5, 10, 15];
// Tests shorten the runs through this global, set before the page loads (never by the page):
// {trainLimit, valLimit}.
const ajustesDePrueba = () => globalThis.convaulaPruebas?.practica ?? {};

export { variante };

// The changes, said in words, with their counts taken from the base spec.
function diferencias(base, cambios) {
  const frases = [];
  const convs = base.layers.filter((l) => l.type === 'conv2d');
  if (cambios.sigmoide) frases.push(T.diff_sigmoide(base.layers.filter((l) => l.activation === 'relu').length + cambios.conv));
  if (cambios.sgd) frases.push(T.diff_sgd(numero(cambios.lr)));
  if (cambios.conv) frases.push(T.diff_conv(cambios.conv, convs.length, cambios.kernel5 ? 5 : 3));
  if (cambios.kernel5) frases.push(T.diff_kernel(convs.length + cambios.conv));
  if (cambios.promedio) frases.push(T.diff_promedio(base.layers.filter((l) => l.type === 'max_pooling2d').length));
  return frases;
}

function nombreCorto(cambios) {
  const N = T.nombres_cortos;
  const partes = [];
  if (cambios.sigmoide) partes.push(N.sigmoide);
  if (cambios.sgd) partes.push(N.sgd(numero(cambios.lr)));
  if (cambios.conv) partes.push(N.conv(cambios.conv));
  if (cambios.kernel5) partes.push(N.kernel5);
  if (cambios.promedio) partes.push(N.promedio);
  return partes.join(', ') || N.base;
}

// The form: the base preset, the lesson's changes, images and epochs, and the diff in words
// with the parameter counts the engine gives for both specs.
function crearFormulario(motor, specs) {
  const opcion = (v, t) => el('option', { value: v, text: t });
  const base = el('select', { id: 'practica-base', 'data-testid': 'practice-base' }, ...BASES.map((b) => opcion(b, T.base_nombres[b])));
  const casilla = (id, testid, texto) => el('label', { class: 'casilla' }, el('input', { type: 'checkbox', id, 'data-testid': testid }), el('span', { text: texto }));
  const lr = el('input', { id: 'practica-lr', type: 'text', inputmode: 'decimal', value: numero(0.01), autocomplete: 'off' });
  const campoLr = el('div', { class: 'campo lr' }, el('label', { for: 'practica-lr', text: T.lr_sgd }), lr);
  const cambiosCampos = el('fieldset', { class: 'cambios' }, el('legend', { text: T.cambios }),
    casilla('practica-sigmoide', 'practice-sigmoid', T.sigmoide), casilla('practica-sgd', 'practice-sgd', T.sgd), campoLr,
    el('div', { class: 'campo' }, el('label', { for: 'practica-conv', text: T.conv_extra }),
      el('select', { id: 'practica-conv', 'data-testid': 'practice-conv' },
        ...Array.from({ length: MAX_CONV_EXTRA + 1 }, (_, n) => opcion(n, T.conv_opciones(n))))),
    casilla('practica-kernel5', 'practice-kernel5', T.kernel5), casilla('practica-promedio', 'practice-average', T.promedio));
  const imagenes = el('select', { id: 'practica-imagenes', 'data-testid': 'practice-images' }, ...IMAGENES.map((n) => opcion(n, entero(n))));
  imagenes.value = '5000';
  const epocas = el('select', { id: 'practica-epocas' }, ...EPOCAS.map((n) => opcion(n, entero(n))));
  const diff = el('ul', { class: 'diff', 'data-testid': 'practice-diff', 'aria-live': 'polite' });
  const marcada = (id) => cambiosCampos.querySelector(`#${id}`).checked;
  const campos = [base, ...cambiosCampos.querySelectorAll('input, select'), imagenes, epocas];
  const nodo = el('div', { class: 'practica-campos' },
    el('div', { class: 'campo' }, el('label', { for: 'practica-base', text: T.base }), base),
    cambiosCampos,
    el('div', { class: 'controles' },
      el('div', { class: 'campo' }, el('label', { for: 'practica-imagenes', text: T.imagenes }), imagenes),
      el('div', { class: 'campo' }, el('label', { for: 'practica-epocas', text: T.epocas }), epocas)),
    diff);

  function leerCambios() {
    const x = leerNumero(lr.value);
    return {
      sigmoide: marcada('practica-sigmoide'), sgd: marcada('practica-sgd'),
      lr: Number.isFinite(x) && x > 0 ? x : 0.01, conv: Number(cambiosCampos.querySelector('#practica-conv').value),
      kernel5: marcada('practica-kernel5'), promedio: marcada('practica-promedio'),
    };
  }

  const totalParametros = async (cliente, spec) => (await cliente.explain('params', { spec })).reduce((n, f) => n + f.total, 0);
  let pedidoDiff = 0;
  async function describir() {
    const mio = ++pedidoDiff;
    const cambios = leerCambios();
    campoLr.hidden = !cambios.sgd;
    const spec = specs.get(base.value);
    const frases = diferencias(spec, cambios);
    let parametros = '';
    try {
      parametros = await motor.consultar(async (c) =>
        T.diff_parametros(entero(await totalParametros(c, spec)), entero(await totalParametros(c, variante(spec, cambios)))));
    } catch (error) {
      parametros = mensajeDeError(error);
    }
    if (mio !== pedidoDiff) return;
    diff.replaceChildren(...[...(frases.length ? frases : [T.sin_cambios]), parametros].map((f) => el('li', { text: f })));
  }

  for (const c of [base, ...cambiosCampos.querySelectorAll('input, select')]) c.addEventListener('change', describir);
  lr.addEventListener('input', describir);
  // The classroom base trains ten times faster; the lesson's network gets fewer images by default.
  base.addEventListener('change', () => { imagenes.value = base.value === 'keras-mnist' ? '2000' : '5000'; });

  return {
    nodo, describir,
    habilitar(si) { for (const c of campos) c.disabled = !si; },
    /** The experiment the form describes: its spec, name, words and settings. */
    leer() {
      const cambios = leerCambios();
      const origen = specs.get(base.value);
      return {
        spec: variante(origen, cambios), etiqueta: nombreCorto(cambios), diff: diferencias(origen, cambios),
        config: T.config(T.base_nombres[base.value], entero(Number(imagenes.value)), epocas.value),
        base: base.value, imagenes: Number(imagenes.value), epocas: Number(epocas.value),
      };
    },
  };
}

// The runs so far: loss and accuracy overlaid (one colour per slot), the legend and the table.
function crearTablero() {
  const lienzoPerdida = el('div', { class: 'grafica-lienzo', role: 'img', 'aria-label': T.grafica_perdida_alt, 'data-testid': 'practice-chart-loss' });
  const lienzoPrecision = el('div', { class: 'grafica-lienzo', role: 'img', 'aria-label': T.grafica_precision_alt, 'data-testid': 'practice-chart-accuracy' });
  const leyenda = el('ul', { class: 'leyenda' });
  const cuerpo = el('tbody');
  const vacia = el('p', { class: 'ayuda', text: T.sin_runs });
  const graficas = el('div', { class: 'practica-graficas' },
    el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica_perdida }), lienzoPerdida),
    el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica_precision }), lienzoPrecision),
    leyenda);
  const tabla = cajaDeTabla(T.tabla_caption,
    el('table', { class: 'tabla runs', 'data-testid': 'practice-runs' },
      el('caption', { text: T.tabla_caption }),
      el('thead', {}, el('tr', {}, ...[T.col_n, T.col_cambios, T.col_parametros, T.col_tiempo, T.col_perdida, T.col_precision, T.col_quitar]
        .map((t) => el('th', { scope: 'col', text: t })))),
      cuerpo));
  const SERIES = Array.from({ length: HUECOS }, (_, i) => ({ color: `--color-run-${i}`, tipo: 'linea' }));
  const [perdida, precision] = [
    crearGrafica(lienzoPerdida, { etiquetaX: T.eje_epoca, etiquetaY: TE.grafica_perdida, series: SERIES }),
    crearGrafica(lienzoPrecision, { etiquetaX: T.eje_epoca, etiquetaY: TE.grafica_precision, series: SERIES, yMax: 1, formatoY: (v) => porcentaje(v, 0) }),
  ];
  // {n, hueco, etiqueta, config, diff, base, imagenes, epocas, parametros, puntos: [[x, loss, acc]],
  //  test, segundos, estado}
  const runs = [];
  let quitarUno = () => {};

  const fila = (r, enCurso) => {
    const quitar = el('button', { type: 'button', class: 'boton-pequeno', 'aria-label': T.quitar(r.n), text: '✕', disabled: enCurso,
      onclick: () => { runs.splice(runs.indexOf(r), 1); redibujar(); quitarUno(); } });
    const pendiente = { stopped: T.detenido, error: '—' }[r.estado] ?? '…';
    return el('tr', { 'data-run': String(r.n) },
      el('th', { scope: 'row' }, el('span', { class: 'muestra muestra-linea', style: `--muestra: var(${SERIES[r.hueco].color})` }), ` ${r.n}`),
      el('td', {}, el('strong', { text: r.etiqueta }), el('br'), el('span', { class: 'ayuda', text: r.config }),
        ...r.diff.map((f) => el('span', { class: 'diff-linea', text: f }))),
      el('td', { text: entero(r.parametros) }),
      el('td', { text: r.segundos === null ? '…' : duracion(r.segundos) }),
      el('td', { text: r.test ? decimal(r.test.loss, 4) : pendiente }),
      el('td', { 'data-value': r.test ? String(r.test.accuracy) : '', text: r.test ? porcentaje(r.test.accuracy, 2) : pendiente }),
      el('td', {}, quitar));
  };
  function pintarTabla(actual) {
    vacia.hidden = runs.length > 0;
    cuerpo.replaceChildren(...runs.map((r) => fila(r, r === actual)));
  }
  function redibujar(actual) {
    const xMax = Math.max(1, ...runs.map((r) => r.epocas));
    for (const g of [perdida, precision]) g.borrar(xMax);
    for (const r of runs) for (const [x, loss, acc] of r.puntos) { perdida.anadir(r.hueco, x, loss); precision.anadir(r.hueco, x, acc); }
    crearLeyenda(leyenda, runs.map((r) => ({ nombre: T.etiqueta_run(r.n, r.etiqueta), color: SERIES[r.hueco].color, tipo: 'linea' })));
    for (const [lienzo, alt] of [[lienzoPerdida, T.grafica_perdida_alt], [lienzoPrecision, T.grafica_precision_alt]])
      lienzo.setAttribute('aria-label', runs.length ? T.grafica_con_runs(alt, runs.length, entero(runs.length)) : T.grafica_vacia(alt));
    pintarTabla(actual);
  }

  return {
    graficas, tabla, vacia, runs, redibujar, pintarTabla,
    alQuitar: (fn) => { quitarUno = fn; },
    lleno: () => runs.length >= HUECOS,
    /** Runs stored by earlier visits, each in its own colour slot (at most HUECOS). */
    recuperar(guardados) {
      for (const r of guardados.slice(0, HUECOS - runs.length)) {
        const usados = new Set(runs.map((x) => x.hueco));
        const hueco = usados.has(r.hueco) || !(r.hueco >= 0 && r.hueco < HUECOS)
          ? [...Array(HUECOS).keys()].find((h) => !usados.has(h)) : r.hueco;
        runs.push({ ...r, hueco });
      }
      redibujar();
    },
    /** A new run in the first free colour slot. */
    nuevo(datos) {
      const usados = new Set(runs.map((r) => r.hueco));
      const run = { ...datos, hueco: [...Array(HUECOS).keys()].find((h) => !usados.has(h)), parametros: 0, puntos: [], test: null, segundos: null, estado: 'running' };
      runs.push(run);
      redibujar(run);
      return run;
    },
    punto(run, x, loss, acc) {
      run.puntos.push([x, loss, acc]);
      perdida.anadir(run.hueco, x, loss);
      precision.anadir(run.hueco, x, acc);
    },
    cortar(run) { for (const g of [perdida, precision]) g.cortar(run.hueco); },
  };
}

export async function crear(seccion, { motor }) {
  const raiz = seccion.querySelector('.widgets');
  const { cliente } = motor;
  const estado = el('p', { class: 'estado', role: 'status', 'data-testid': 'practice-status' });
  ponerEstado(estado, 'waiting', C.esperando);
  const specs = new Map();
  const formulario = crearFormulario(motor, specs);
  const tablero = crearTablero();
  const lanzar = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'practice-run', text: T.lanzar });
  const detener = el('button', { type: 'button', 'data-testid': 'practice-stop', text: T.detener, disabled: true });
  const progreso = el('progress', { max: 1, value: 0, 'aria-label': T.lanzar });
  const csv = el('button', { type: 'button', 'data-testid': 'practice-csv', text: T.csv_boton, disabled: true });
  const almacen = el('p', { class: 'estado', role: 'status', 'data-testid': 'practice-storage' });
  const runsGuardados = crearGuardado();
  const usarRed = crearUsarRed(motor, { slot: SLOT, prefijo: 'practice' });
  raiz.append(
    el('div', { class: 'panel panel-leccion' },
      el('p', { class: 'ayuda', text: T.nota_base }), el('p', { class: 'ayuda', text: T.nota_restaurar }),
      el('div', { class: 'practica' },
        el('div', { class: 'practica-form' }, formulario.nodo, el('div', { class: 'botones' }, lanzar, detener), estado, progreso,
          usarRed.nodo),
        tablero.graficas)),
    tablero.tabla, tablero.vacia, el('div', { class: 'botones' }, csv), almacen);
  csv.addEventListener('click', () => descargarCsv(tablero.runs));

  // Only finished runs are stored, without the worker's run id; a failure to store loses
  // nothing on the page and says why.
  const paraGuardar = ({ run: _id, ...resto }) => resto;
  async function guardar() {
    csv.disabled = tablero.runs.length === 0;
    try {
      await runsGuardados.guardar(tablero.runs.filter((r) => r.estado !== 'running').map(paraGuardar));
      ponerEstado(almacen, 'saved', tablero.runs.length ? T.guardado_ok : '');
    } catch (error) {
      ponerEstado(almacen, 'error', T.guardado_error[error.code] ?? T.guardado_error.no_disponible);
    }
  }
  async function recuperar() {
    try {
      const { runs: guardados, apartados } = await runsGuardados.cargar();
      tablero.recuperar(guardados);
      if (apartados) ponerEstado(almacen, 'set-aside', T.guardado_apartados(entero(apartados), entero(guardados.length)));
      else if (guardados.length) ponerEstado(almacen, 'loaded', T.guardado_recuperados(entero(guardados.length)));
    } catch (error) {
      ponerEstado(almacen, 'error', T.guardado_error[error.code] ?? T.guardado_error.no_disponible);
    }
    csv.disabled = tablero.runs.length === 0;
  }
  tablero.alQuitar(() => { lanzar.focus(); guardar(); });

  for (const { name, spec } of await motor.consultar((c) => c.presets())) specs.set(name, spec);
  let actual = null;
  await recuperar();
  let siguienteN = Math.max(0, ...tablero.runs.map((r) => r.n)) + 1;

  function habilitar(corriendo) {
    formulario.habilitar(!corriendo);
    lanzar.disabled = corriendo;
    detener.disabled = !corriendo;
  }

  // Only this widget's runs reach it (ui/ejecucion.js routes the events by run).
  const seguidor = motor.ejecuciones.para('practica', {
    alProgreso(p) {
      const x = p.epoch - 1 + p.batch / p.batches;
      tablero.punto(actual, x, p.loss, p.accuracy);
      progreso.value = p.fraction;
      ponerEstado(estado, 'training', T.estado_entrenando(`${porcentaje(p.fraction, 0)} · ${entero(p.imagesPerSecond)} img/s`));
    },
    alEpoca() { tablero.cortar(actual); },
  });

  // Builds the experiment's network in its slot and trains it there.
  async function entrenarExperimento(run, experimento, entrenar) {
    ponerEstado(estado, 'building', T.estado_construyendo);
    usarRed.retirar();
    run.parametros = (await cliente.build(experimento.spec, { model: SLOT })).totalParams;
    actual = run;
    tablero.pintarTabla(run);
    const inicio = performance.now();
    const prueba = ajustesDePrueba();
    const { stopped, test } = await entrenar({
      model: SLOT, epochs: run.epocas, batchSize: experimento.spec.batch_size, trainLimit: prueba.trainLimit ?? experimento.imagenes,
      optimizer: experimento.spec.optimizer, valLimit: prueba.valLimit ?? 0,
    });
    run.segundos = (performance.now() - inicio) / 1000;
    run.test = stopped ? null : test;
    run.estado = stopped ? 'stopped' : 'done';
    if (!stopped) usarRed.ofrecer(T.experimento_cual(run.n));
    return ['done', stopped ? T.estado_detenido(run.n) : T.estado_hecho(run.n)];
  }

  // The buttons are given back whatever fails, and a failure is the run's error in the table.
  async function ejecutar() {
    if (tablero.lleno()) return ponerEstado(estado, 'busy', T.lleno(entero(HUECOS)));
    let run = null;
    try {
      await seguidor.ejecutar(async (entrenar) => {
        habilitar(true);
        const experimento = formulario.leer();
        experimento.spec.name = `practica-${siguienteN}`;
        run = tablero.nuevo({
          n: siguienteN++, etiqueta: experimento.etiqueta, diff: experimento.diff, config: experimento.config,
          base: experimento.base, imagenes: experimento.imagenes, epocas: experimento.epocas, fecha: new Date().toISOString(),
        });
        progreso.value = 0;
        ponerEstado(estado, ...await entrenarExperimento(run, experimento, entrenar));
      });
    } catch (error) {
      // Another run holds the engine: nothing of this one started.
      if (!run && error?.code === 'busy') return ponerEstado(estado, 'busy', motor.ejecuciones.mensaje(error));
      if (run) run.estado = 'error';
      ponerEstado(estado, 'error', T.estado_error(mensajeDeError(error)));
    } finally {
      actual = null;
      habilitar(false);
    }
    tablero.pintarTabla();
    estado.dataset.runs = String(tablero.runs.length);
    await guardar();
  }

  lanzar.addEventListener('click', ejecutar);
  detener.addEventListener('click', () => seguidor.detener().catch(() => {}));
  await formulario.describir();
  tablero.redibujar();
  ponerEstado(estado, 'idle', T.estado_listo);
}
