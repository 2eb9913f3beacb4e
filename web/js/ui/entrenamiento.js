// "Entrenamiento" panel: hyperparameters with Spanish validation, start/pause/resume/stop,
// live charts, progress with speed and ETA, the per-epoch log and the final test result.
// Its state lives in data-state on [data-testid=train-status], which tests and styles read.

import { entrenamiento as T, aula as A } from '../textos.js';
import { entero, decimal, numero, porcentaje, duracion, leerNumero } from '../formato.js';
import { crearGrafica, crearLeyenda } from './grafica.js';
import { mensajeDeError } from './mensajes.js';

export const PRESET_INICIAL = 'classroom';

// Keras's default learning rates, except Adadelta: tf.keras's 0.001 barely moves in a
// lesson, so the original Keras example's 1.0 is offered first (textos: nota_adadelta).
const LR_INICIAL = { adadelta: 1, adam: 0.001, rmsprop: 0.001, sgd: 0.01 };
const SUBCONJUNTOS = [10000, 30000, 60000];
const SUBCONJUNTO_INICIAL = 10000;

const entre = (min, max) => (x) => Number.isInteger(x) && x >= min && x <= max;
const REGLAS = {
  tasa: { valido: (x) => x > 0 && x <= 100, error: () => T.errores_campo.tasa(numero(100)) },
  lote: { valido: entre(1, 1024), error: () => T.errores_campo.entero(entero(1), entero(1024)) },
  epocas: { valido: entre(1, 100), error: () => T.errores_campo.entero(entero(1), entero(100)) },
};

const SERIES = [
  { nombre: T.serie_lote, color: '--color-lote', tipo: 'linea' },
  { nombre: T.serie_epoca, color: '--color-epoca', tipo: 'puntos' },
  { nombre: T.serie_validacion, color: '--color-validacion', tipo: 'puntos' },
];
const [LOTE, EPOCA, VALIDACION] = [0, 1, 2];

function opcion(valor, texto) {
  const o = document.createElement('option');
  o.value = String(valor);
  o.textContent = texto;
  return o;
}

export function crearEntrenamiento(raiz, cliente, { alCambiarModelo, alCambiarEstado }) {
  const $ = (selector) => raiz.querySelector(selector);
  const campos = {
    preset: $('#preset'), optimizador: $('#optimizador'), tasa: $('#tasa'),
    lote: $('#lote'), epocas: $('#epocas'), subconjunto: $('#subconjunto'),
  };
  const botones = {
    iniciar: $('[data-testid="train-start"]'), pausar: $('[data-testid="train-pause"]'),
    reanudar: $('[data-testid="train-resume"]'), detener: $('[data-testid="train-stop"]'),
  };
  const estadoEl = $('[data-testid="train-status"]');
  const barra = $('#train-progress');
  const detalle = $('#train-detalle');
  const parametros = $('#preset-parametros');
  const notaAdadelta = $('#nota-adadelta');
  const resultado = $('#resultado-test');
  const registro = $('#registro-epocas');

  const perdida = crearGrafica($('#grafica-perdida'), { etiquetaX: T.eje_epoca, etiquetaY: T.grafica_perdida, series: SERIES });
  const precision = crearGrafica($('#grafica-precision'), {
    etiquetaX: T.eje_epoca, etiquetaY: T.grafica_precision, series: SERIES, yMax: 1, formatoY: (v) => porcentaje(v, 0),
  });
  crearLeyenda($('#leyenda'), SERIES);

  let estado = 'loading';
  let detenidoAMano = false;  // the run ended by "Detener": give focus back to "Entrenar"
  let ultimoProgreso = [];    // the last progress line without its ETA
  // Buttons that get disabled lose focus; hand it to the button a keyboard user needs next.
  const enfocar = (boton) => boton.focus({ preventScroll: true });
  let epocasTotales = 1;
  let miRun = null;           // the id of this panel's train() request
  const specs = new Map();  // preset name → ModelSpec

  function ponerEstado(nuevo, frase = T.estados[nuevo]) {
    estado = nuevo;
    estadoEl.dataset.state = nuevo;
    estadoEl.textContent = frase;
    const ocupado = nuevo === 'loading' || nuevo === 'training' || nuevo === 'paused';
    botones.iniciar.disabled = ocupado;
    botones.pausar.disabled = nuevo !== 'training';
    botones.reanudar.disabled = nuevo !== 'paused';
    botones.detener.disabled = nuevo !== 'training' && nuevo !== 'paused';
    for (const campo of Object.values(campos)) campo.disabled = ocupado;
    for (const b of notaAdadelta.querySelectorAll('button')) b.disabled = ocupado;
    alCambiarEstado(nuevo);
  }

  // ---- form ----

  function ponerTasa(lr) {
    campos.tasa.value = numero(lr);
    validarCampo('tasa');
  }

  function elegirOptimizador(tipo, lr = LR_INICIAL[tipo]) {
    campos.optimizador.value = tipo;
    notaAdadelta.hidden = tipo !== 'adadelta';
    ponerTasa(lr);
  }

  function rellenarConSpec(spec) {
    const tipo = spec.optimizer?.type ?? 'adadelta';
    elegirOptimizador(tipo, tipo === 'adadelta' ? LR_INICIAL.adadelta : (spec.optimizer?.lr || LR_INICIAL[tipo]));
    campos.lote.value = String(spec.batch_size ?? 32);
    campos.epocas.value = String(spec.epochs ?? 1);
    for (const nombre of ['lote', 'epocas']) validarCampo(nombre);
  }

  function validarCampo(nombre) {
    const campo = campos[nombre];
    const regla = REGLAS[nombre];
    const valor = leerNumero(campo.value);
    const ok = regla.valido(valor);
    const aviso = $(`#${campo.id}-error`);
    aviso.textContent = ok ? '' : regla.error();
    aviso.hidden = ok;
    campo.setAttribute('aria-invalid', String(!ok));
    return ok ? valor : null;
  }

  // The options for client.train(), or null after marking every invalid field.
  function leerFormulario() {
    const [lr, lote, epocas] = ['tasa', 'lote', 'epocas'].map(validarCampo);
    if (lr === null || lote === null || epocas === null) {
      raiz.querySelector('[aria-invalid="true"]').focus();
      return null;
    }
    return {
      epochs: epocas, batchSize: lote, trainLimit: Number(campos.subconjunto.value),
      optimizer: { type: campos.optimizador.value, lr },
    };
  }

  for (const [tipo, nombre] of Object.entries(T.optimizadores)) campos.optimizador.append(opcion(tipo, nombre));
  for (const b of notaAdadelta.querySelectorAll('button')) {
    b.textContent = T.usar_lr(numero(Number(b.dataset.lr), 6, 1));
    b.addEventListener('click', () => ponerTasa(Number(b.dataset.lr)));
  }
  campos.optimizador.addEventListener('change', () => elegirOptimizador(campos.optimizador.value));
  for (const nombre of Object.keys(REGLAS)) campos[nombre].addEventListener('change', () => validarCampo(nombre));
  campos.preset.addEventListener('change', () => construir(campos.preset.value, { rellenar: true }).catch(fallo));

  // ---- engine calls ----

  // A fresh model from the preset; `rellenar` also resets the form to the preset's settings;
  // `origen` says what the new weights are for the "Red activa" line (main.js).
  async function construir(nombre, { rellenar, origen = 'nueva' }) {
    const { totalParams } = await cliente.build(nombre);
    parametros.textContent = T.parametros(entero(totalParams));
    if (rellenar) rellenarConSpec(specs.get(nombre) ?? {});
    alCambiarModelo(nombre, origen);
  }

  function fallo(error) {
    ponerEstado('error', `${T.estados.error} ${mensajeDeError(error)}`);
  }

  function limpiarRun(epocas) {
    epocasTotales = epocas;
    perdida.borrar(epocas);
    precision.borrar(epocas);
    registro.replaceChildren();
    resultado.hidden = true;
    barra.value = 0;
    detalle.textContent = '';
    ultimoProgreso = [];
    for (const clave of ['error', 'testAccuracy', 'testLoss', 'loss', 'accuracy', 'firstLoss', 'firstAccuracy', 'epoch', 'batch', 'batches']) delete estadoEl.dataset[clave];
  }

  async function entrenar(opciones) {
    limpiarRun(opciones.epochs);
    ponerEstado('loading', T.construyendo);
    // The network from before "Entrenar" (the pretrained one, say), to bring back if the run
    // diverges: the worker keeps the weights from before the bad step, but by then a high lr
    // has already wrecked them, and the fresh ones had learnt nothing anyway.
    const respaldo = await cliente.saveWeights().catch(() => null);
    try {
      await construir(campos.preset.value, { rellenar: false, origen: 'entrenando' });  // "Entrenar" always starts from fresh weights
      ponerEstado('training');
      enfocar(botones.pausar);
      const run = cliente.train(opciones);
      miRun = run.id;  // progress and epoch events of other widgets' runs carry other ids
      const { stopped, test } = await run;
      alCambiarModelo(campos.preset.value, 'clase');
      if (test) mostrarTest(test);
      detalle.textContent = ultimoProgreso.join(' · ');  // no "quedan …" once it has ended
      ponerEstado(test ? 'done' : 'idle', stopped ? T.estados.stopped : T.estados.done);
    } catch (error) {
      if (error?.code === 'diverged' && respaldo) await recuperar(respaldo, opciones.optimizer.lr);
      else fallo(error);
    }
    if (detenidoAMano) enfocar(botones.iniciar);
    detenidoAMano = false;
  }

  async function recuperar(respaldo, lr) {
    try {
      const resumen = await cliente.loadWeights(respaldo);
      if (specs.has(resumen.spec?.name)) campos.preset.value = resumen.spec.name;
      alCambiarModelo(campos.preset.value, 'recuperada');
      detalle.textContent = ultimoProgreso.join(' · ');
      ponerEstado('error', A.divergencia(numero(lr)));
      estadoEl.dataset.error = 'diverged';
    } catch (error) {
      fallo(error);
    }
  }

  function mostrarTest({ loss, accuracy }) {
    $('#test-loss').textContent = decimal(loss, 4);
    $('#test-accuracy').textContent = `${decimal(accuracy, 4)} (${porcentaje(accuracy, 2)})`;
    resultado.hidden = false;
    estadoEl.dataset.testAccuracy = accuracy.toFixed(4);
    estadoEl.dataset.testLoss = loss.toFixed(4);
  }

  cliente.on('progress', (p) => {
    if (p.run !== miRun) return;
    const x = p.epoch - 1 + p.batch / p.batches;
    perdida.anadir(LOTE, x, p.loss);
    precision.anadir(LOTE, x, p.accuracy);
    barra.value = x / p.epochs;
    ultimoProgreso = [
      T.progreso({ epoch: entero(p.epoch), epochs: entero(p.epochs), batch: entero(p.batch), batches: entero(p.batches) }),
      T.velocidad(entero(p.imagesPerSecond)),
    ];
    detalle.textContent = [...ultimoProgreso, T.restante(duracion(p.etaSeconds))].join(' · ');
    const d = estadoEl.dataset;
    d.epoch = String(p.epoch);
    d.batch = String(p.batch);
    d.firstLoss ??= String(p.loss);
    d.firstAccuracy ??= String(p.accuracy);
    d.loss = String(p.loss);
    d.accuracy = String(p.accuracy);
    d.batches = String(Number(d.batches ?? 0) + 1);
  });

  cliente.on('epoch', (e) => {
    if (e.run !== miRun) return;  // another widget's run (Práctica)
    // Keras's running mean restarts with each epoch, so its line does too.
    perdida.cortar(LOTE);
    precision.cortar(LOTE);
    perdida.anadir(EPOCA, e.epoch, e.loss);
    perdida.anadir(VALIDACION, e.epoch, e.val_loss);
    precision.anadir(EPOCA, e.epoch, e.accuracy);
    precision.anadir(VALIDACION, e.epoch, e.val_accuracy);
    const linea = document.createElement('li');
    linea.textContent = T.linea_epoca({
      epoch: entero(e.epoch), epochs: entero(epocasTotales), segundos: duracion(e.seconds),
      loss: decimal(e.loss), accuracy: decimal(e.accuracy), val_loss: decimal(e.val_loss), val_accuracy: decimal(e.val_accuracy),
    });
    registro.append(linea);
  });

  $('#form-entrenamiento').addEventListener('submit', (evento) => {
    evento.preventDefault();
    const opciones = leerFormulario();
    if (opciones) entrenar(opciones);
  });
  botones.pausar.addEventListener('click', async () => {
    try {
      await cliente.pause();
      ponerEstado('paused');
      enfocar(botones.reanudar);
    } catch (error) { fallo(error); }
  });
  botones.reanudar.addEventListener('click', async () => {
    try {
      await cliente.resume();
      ponerEstado('training');
      enfocar(botones.pausar);
    } catch (error) { fallo(error); }
  });
  botones.detener.addEventListener('click', () => {
    detenidoAMano = true;
    cliente.stop().catch(fallo);
  });

  ponerEstado('loading');

  return {
    // presets: [{name, spec}] from client.presets(); builds the initial model, `inicial` if
    // given (the pretrained network's preset), else the one chosen before a crash.
    async prepararModelos(presets, inicial) {
      ponerEstado('loading');
      const elegido = inicial ?? campos.preset.value;
      specs.clear();
      campos.preset.replaceChildren(...presets.map(({ name, spec }) => {
        specs.set(name, spec);
        return opcion(name, T.presets[name] ?? name);
      }));
      campos.preset.value = specs.has(elegido) ? elegido : specs.has(PRESET_INICIAL) ? PRESET_INICIAL : presets[0].name;
      await construir(campos.preset.value, { rellenar: true });
    },
    // train: how many training images were loaded; offers the subsets that fit.
    datosListos({ train }) {
      const tamanos = [...new Set([...SUBCONJUNTOS.filter((n) => n < train), train])];
      campos.subconjunto.replaceChildren(...tamanos.map((n) => opcion(n, T.subconjunto_opcion(entero(n), entero(train)))));
      campos.subconjunto.value = String(tamanos.includes(SUBCONJUNTO_INICIAL) ? SUBCONJUNTO_INICIAL : train);
      ponerEstado('idle');
    },
    // Weights loaded from a file may belong to another preset: show which one now runs.
    modeloCargado(resumen) {
      const nombre = resumen?.spec?.name;
      if (specs.has(nombre)) campos.preset.value = nombre;
      alCambiarModelo(campos.preset.value);
      if (resumen?.totalParams) parametros.textContent = T.parametros(entero(resumen.totalParams));
    },
    fallo,
  };
}
