// Section 10, «Práctica»: the lesson's exercises (ReLU → sigmoid, Adadelta → SGD with or without
// momentum, up to three more convolutional layers, 5 × 5 kernels, Dropout out or in, a small
// subset over many epochs for overfitting) as experiments: each builds a ModelSpec variant of a
// preset (variantes.js, the form in practica-formulario.js), trains it validating on held-out
// training images, scores the test set once at the end, and is kept with its settings and the
// student's hypothesis in a table; the training and validation curves of all runs are overlaid.
// Finished runs are stored in the browser (practica-guardado.js) and come back after a reload;
// the table downloads as CSV. Experiments train the engine's slot 'experimento', so the page's
// network (slot 'principal') answers the drawing and the other sections meanwhile; «Usar esta
// red» copies the last one into it. In a class (Aula en vivo), aula/practica-alumno.js sets the
// student's group's variant and posts each finished experiment to the teacher's panel.

import { leccion, entrenamiento as TE } from '../textos.js';
import { entero, decimal, porcentaje, duracion } from '../formato.js';
import { variante } from './variantes.js';
import { crearFormulario } from './practica-formulario.js';
import { crearGuardado } from './practica-guardado.js';
import { descargarCsv } from './practica-csv.js';
import { crearGrafica, crearLeyenda } from '../ui/grafica.js';
import { el, ponerEstado, cajaDeTabla } from './kit/dom.js';
import { crearUsarRed } from './kit/usar-red.js';
import { mensajeDeError } from '../ui/mensajes.js';
import { crearPracticaAula } from '../aula/practica-alumno.js';

const T = leccion.practica;
const C = leccion.comun;
const HUECOS = 8;  // runs kept at once, one chart colour each
const SLOT = 'experimento';  // the engine's slot the experiments train
// Keras's validation_split: every run validates on the training set's last 10 % (6,000 images),
// the same for all, which no run trains on; the test set is scored once, at the end.
export const VALIDACION = 0.1;
// Tests shorten the runs through this global, set before the page loads (never by the page):
// {trainLimit, valLimit}.
const ajustesDePrueba = () => globalThis.convaulaPruebas?.practica ?? {};

export { variante };

// The runs so far: loss and accuracy overlaid, one colour per run: its training curve solid (the
// running mean over the epoch's batches so far, ending each epoch at the epoch's mean; a run of
// many short epochs may get no point between), its validation curve (once per epoch) dashed;
// the legend and the table.
function crearTablero() {
  const lienzoPerdida = el('div', { class: 'grafica-lienzo', role: 'img', 'aria-label': T.grafica_perdida_alt, 'data-testid': 'practice-chart-loss' });
  const lienzoPrecision = el('div', { class: 'grafica-lienzo', role: 'img', 'aria-label': T.grafica_precision_alt, 'data-testid': 'practice-chart-accuracy' });
  const leyenda = el('ul', { class: 'leyenda', 'data-testid': 'practice-legend' });
  const claves = el('ul', { class: 'leyenda', 'data-testid': 'practice-legend-curves' });
  crearLeyenda(claves, [{ nombre: T.serie_entrenamiento, color: '--color-texto', tipo: 'linea' },
    { nombre: T.serie_validacion, color: '--color-texto', tipo: 'discontinua' }]);
  const cuerpo = el('tbody');
  const vacia = el('p', { class: 'ayuda', text: T.sin_runs });
  const graficas = el('div', { class: 'practica-graficas' },
    el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica_perdida }), lienzoPerdida),
    el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica_precision }), lienzoPrecision),
    claves, leyenda);
  const tabla = cajaDeTabla(T.tabla_caption,
    el('table', { class: 'tabla runs', 'data-testid': 'practice-runs' },
      el('caption', { text: T.tabla_caption }),
      el('thead', {}, el('tr', {}, ...[T.col_n, T.col_cambios, T.col_parametros, T.col_tiempo, T.col_hipotesis, T.col_validacion, T.col_prueba, T.col_quitar]
        .map((t) => el('th', { scope: 'col', text: t })))),
      cuerpo));
  const color = (i) => `--color-run-${i}`;
  const SERIES = [...Array.from({ length: HUECOS }, (_, i) => ({ color: color(i), tipo: 'linea' })),
    ...Array.from({ length: HUECOS }, (_, i) => ({ color: color(i), tipo: 'discontinua' }))];
  const [perdida, precision] = [
    crearGrafica(lienzoPerdida, { etiquetaX: T.eje_epoca, etiquetaY: TE.grafica_perdida, series: SERIES }),
    crearGrafica(lienzoPrecision, { etiquetaX: T.eje_epoca, etiquetaY: TE.grafica_precision, series: SERIES, yMax: 1, formatoY: (v) => porcentaje(v, 0) }),
  ];
  // {n, hueco, etiqueta, config, diff, base, imagenes, epocas, hipotesis, parametros,
  //  puntos: [[x, loss, acc]], validacion: [[epoch, val_loss, val_acc]], test, segundos, estado}
  const runs = [];
  let quitarUno = () => {};

  // The last validation and the test score, each with what the run's state says meanwhile.
  const celdas = (r) => {
    const pendiente = { stopped: T.detenido, error: '—' }[r.estado] ?? '…';
    const v = r.validacion.at(-1);
    const validacion = v ? [porcentaje(v[2], 2), el('br'), el('span', { class: 'ayuda', text: T.perdida_de(decimal(v[1], 4)) })]
      : [r.estado === 'running' ? '…' : '—'];
    return [
      el('td', { 'data-validacion': v ? String(v[2]) : '' }, ...validacion),
      el('td', { 'data-prueba': r.test ? String(r.test.accuracy) : '', text: r.test ? porcentaje(r.test.accuracy, 2) : pendiente }),
    ];
  };
  const fila = (r, enCurso) => {
    const quitar = el('button', { type: 'button', class: 'boton-pequeno', 'aria-label': T.quitar(r.n), text: '✕', disabled: enCurso,
      onclick: () => { runs.splice(runs.indexOf(r), 1); redibujar(); quitarUno(); } });
    return el('tr', { 'data-run': String(r.n) },
      el('th', { scope: 'row' }, el('span', { class: 'muestra muestra-linea', style: `--muestra: var(${color(r.hueco)})` }), ` ${r.n}`),
      el('td', {}, el('strong', { text: r.etiqueta }), el('br'), el('span', { class: 'ayuda', text: r.config }),
        ...r.diff.map((f) => el('span', { class: 'diff-linea', text: f }))),
      el('td', { text: entero(r.parametros) }),
      el('td', { text: r.segundos === null ? '…' : duracion(r.segundos) }),
      el('td', { class: 'hipotesis', 'data-testid': 'practice-run-hypothesis', text: r.hipotesis || T.sin_hipotesis }),
      ...celdas(r),
      el('td', {}, quitar));
  };
  function pintarTabla(actual) {
    vacia.hidden = runs.length > 0;
    cuerpo.replaceChildren(...runs.map((r) => fila(r, r === actual)));
  }
  const dibujarValidacion = (r, [x, loss, acc]) => { perdida.anadir(HUECOS + r.hueco, x, loss); precision.anadir(HUECOS + r.hueco, x, acc); };
  function redibujar(actual) {
    const xMax = Math.max(1, ...runs.map((r) => r.epocas));
    for (const g of [perdida, precision]) g.borrar(xMax);
    for (const r of runs) {
      for (const [x, loss, acc] of r.puntos) { perdida.anadir(r.hueco, x, loss); precision.anadir(r.hueco, x, acc); }
      for (const p of r.validacion) dibujarValidacion(r, p);
    }
    crearLeyenda(leyenda, runs.map((r) => ({ nombre: T.etiqueta_run(r.n, r.etiqueta), color: color(r.hueco), tipo: 'linea' })));
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
      const run = { ...datos, hueco: [...Array(HUECOS).keys()].find((h) => !usados.has(h)), parametros: 0, puntos: [], validacion: [],
        test: null, segundos: null, estado: 'running' };
      runs.push(run);
      redibujar(run);
      return run;
    },
    punto(run, x, loss, acc) {
      run.puntos.push([x, loss, acc]);
      perdida.anadir(run.hueco, x, loss);
      precision.anadir(run.hueco, x, acc);
    },
    /** An epoch's end: the epoch's training mean and its validation. */
    epoca(run, e) {
      this.punto(run, e.epoch, e.loss, e.accuracy);
      if (!Number.isFinite(e.val_loss) || !Number.isFinite(e.val_accuracy)) return;
      const p = [e.epoch, e.val_loss, e.val_accuracy];
      run.validacion.push(p);
      dibujarValidacion(run, p);
      pintarTabla(run);
    },
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
  const enAula = crearPracticaAula(formulario);
  raiz.append(
    el('div', { class: 'panel panel-leccion' },
      el('p', { class: 'ayuda', text: T.nota_base }), el('p', { class: 'ayuda', 'data-testid': 'practice-validation-note', text: T.nota_validacion }),
      el('p', { class: 'ayuda', text: T.nota_restaurar }),
      el('div', { class: 'practica' },
        el('div', { class: 'practica-form' }, enAula?.nodo ?? null, formulario.nodo, el('div', { class: 'botones' }, lanzar, detener), estado, progreso,
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
  let curvas = [];  // the current run's [loss, accuracy, val_loss, val_accuracy] per epoch, for the class
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
      // While the validation set is scored the figures are the last batch's: the epoch's
      // point comes with its end (alEpoca).
      if (!p.validating && p.batch < p.batches) tablero.punto(actual, p.epoch - 1 + p.batch / p.batches, p.loss, p.accuracy);
      progreso.value = p.fraction;
      ponerEstado(estado, 'training', T.estado_entrenando(`${porcentaje(p.fraction, 0)} · ${entero(p.imagesPerSecond)} img/s`));
    },
    alEpoca(e) {
      tablero.epoca(actual, e);
      curvas.push([e.loss, e.accuracy, e.val_loss, e.val_accuracy]);
      if (e.epoch === e.epochs) ponerEstado(estado, 'testing', T.estado_prueba);
    },
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
      optimizer: experimento.spec.optimizer, valLimit: prueba.valLimit ?? 0, validationSplit: VALIDACION,
    });
    run.segundos = (performance.now() - inicio) / 1000;
    run.test = stopped ? null : test;
    run.estado = stopped ? 'stopped' : 'done';
    if (!stopped) usarRed.ofrecer(T.experimento_cual(run.n));
    if (!stopped && test) {
      enAula?.enviar({ cambios: experimento.cambios, base: run.base, imagenes: run.imagenes, epocas: curvas.filter((c) => c.every(Number.isFinite)),
        exactitud: test.accuracy, segundos: run.segundos });
    }
    return ['done', stopped ? T.estado_detenido(run.n) : T.estado_hecho(run.n)];
  }

  // The buttons are given back whatever fails, and a failure is the run's error in the table.
  async function ejecutar() {
    if (tablero.lleno()) return ponerEstado(estado, 'busy', T.lleno(entero(HUECOS)));
    let run = null;
    curvas = [];
    await enAula?.antes();
    try {
      await seguidor.ejecutar(async (entrenar) => {
        habilitar(true);
        const experimento = formulario.leer();
        experimento.spec.name = `practica-${siguienteN}`;
        run = tablero.nuevo({
          n: siguienteN++, etiqueta: experimento.etiqueta, diff: experimento.diff, config: experimento.config,
          base: experimento.base, imagenes: experimento.imagenes, epocas: experimento.epocas, hipotesis: experimento.hipotesis,
          fecha: new Date().toISOString(),
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
