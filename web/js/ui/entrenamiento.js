// "Entrenamiento" panel: the form (entrenamiento-formulario.js), start/pause/resume/stop, and
// what a run shows (entrenamiento-seguimiento.js). Other widgets talk to it through the object
// it returns: its state, its configuration and their change events. The state is also in
// data-state on [data-testid=train-status], for tests and styles.

import { entrenamiento as T } from '../textos.js';
import { entero, numero } from '../formato.js';
import { mensajeDeError } from './mensajes.js';
import { crearFormulario } from './entrenamiento-formulario.js';
import { crearSeguimiento } from './entrenamiento-seguimiento.js';

// A small event list: on(fn) adds a listener, emitir(...) calls them all.
function crearEvento() {
  const oyentes = new Set();
  return { on: (fn) => oyentes.add(fn), emitir: (...a) => { for (const fn of oyentes) fn(...a); } };
}

export function crearEntrenamiento(raiz, cliente, { alCambiarModelo }) {
  const $ = (selector) => raiz.querySelector(selector);
  const botones = {
    iniciar: $('[data-testid="train-start"]'), pausar: $('[data-testid="train-pause"]'),
    reanudar: $('[data-testid="train-resume"]'), detener: $('[data-testid="train-stop"]'),
  };
  const estadoEl = $('[data-testid="train-status"]');
  const parametros = $('#preset-parametros');
  const cambioEstado = crearEvento();
  const cambioConfiguracion = crearEvento();
  const formulario = crearFormulario(raiz, {
    alCambiarPreset: (nombre) => construir(nombre, { rellenar: true }).catch(fallo),
    alCambiar: () => cambioConfiguracion.emitir(formulario.configuracion()),
  });
  const seguimiento = crearSeguimiento(raiz, estadoEl);

  let estado = 'loading';
  let bloqueado = false;      // another widget (a Práctica experiment) holds the engine
  let miRun = null;           // the id of this panel's train() request
  let detenidoAMano = false;  // the run ended by "Detener": give focus back to "Entrenar"
  // Buttons that get disabled lose focus; hand it to the button a keyboard user needs next.
  const enfocar = (boton) => boton.focus({ preventScroll: true });

  function habilitarControles() {
    const ocupado = bloqueado || estado === 'loading' || estado === 'training' || estado === 'paused';
    botones.iniciar.disabled = ocupado;
    botones.pausar.disabled = estado !== 'training';
    botones.reanudar.disabled = estado !== 'paused';
    botones.detener.disabled = estado !== 'training' && estado !== 'paused';
    formulario.habilitar(!ocupado);
  }

  function ponerEstado(nuevo, frase = T.estados[nuevo]) {
    estado = nuevo;
    estadoEl.dataset.state = nuevo;
    estadoEl.textContent = frase;
    habilitarControles();
    cambioEstado.emitir(nuevo);
  }

  // A fresh model from the preset; `rellenar` also resets the form to the preset's settings;
  // `origen` says what the new weights are for the "Red activa" line (main.js).
  async function construir(nombre, { rellenar, origen = 'nueva' }) {
    const { totalParams } = await cliente.build(nombre);
    parametros.textContent = T.parametros(entero(totalParams));
    if (rellenar) formulario.rellenar(nombre);
    alCambiarModelo(nombre, origen);
  }

  function fallo(error) {
    ponerEstado('error', `${T.estados.error} ${mensajeDeError(error)}`);
  }

  async function entrenar(opciones) {
    seguimiento.empezar(opciones.epochs);
    ponerEstado('loading', T.construyendo);
    // The network from before "Entrenar" (the pretrained one, say), to bring back if the run
    // diverges: the worker keeps the weights from before the bad step, but by then a high lr
    // has already wrecked them, and the fresh ones had learnt nothing anyway.
    const respaldo = await cliente.saveWeights().catch(() => null);
    try {
      await construir(formulario.preset(), { rellenar: false, origen: 'entrenando' });  // "Entrenar" always starts from fresh weights
      ponerEstado('training');
      enfocar(botones.pausar);
      const run = cliente.train(opciones);
      miRun = run.id;  // progress and epoch events of other widgets' runs carry other ids
      const { stopped, test } = await run;
      alCambiarModelo(formulario.preset(), 'clase');
      if (test) seguimiento.test(test);
      seguimiento.terminar();
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
      formulario.elegirPreset(resumen.spec?.name);
      alCambiarModelo(formulario.preset(), 'recuperada');
      seguimiento.terminar();
      ponerEstado('error', T.divergencia(numero(lr)));
      estadoEl.dataset.error = 'diverged';
    } catch (error) {
      fallo(error);
    }
  }

  // Another widget's run (a Práctica experiment) also sends progress: only this panel's counts.
  cliente.on('progress', (p) => { if (p.run === miRun) seguimiento.progreso(p); });
  cliente.on('epoch', (e) => { if (e.run === miRun) seguimiento.epoca(e); });

  $('#form-entrenamiento').addEventListener('submit', (evento) => {
    evento.preventDefault();
    const opciones = formulario.leer();
    if (opciones) entrenar(opciones);
  });
  // Pause and resume hand the focus to each other; a failure shows in the status line.
  const alternar = (llamada, nuevo, siguiente) => async () => {
    try {
      await llamada();
      ponerEstado(nuevo);
      enfocar(siguiente);
    } catch (error) { fallo(error); }
  };
  botones.pausar.addEventListener('click', alternar(() => cliente.pause(), 'paused', botones.reanudar));
  botones.reanudar.addEventListener('click', alternar(() => cliente.resume(), 'training', botones.pausar));
  botones.detener.addEventListener('click', () => {
    detenidoAMano = true;
    cliente.stop().catch(fallo);
  });

  ponerEstado('loading');

  return {
    /** 'loading' | 'idle' | 'training' | 'paused' | 'done' | 'error' */
    estado: () => estado,
    /** fn(state) at every change of state. */
    alCambiarEstado: cambioEstado.on,
    /** The form as typed: {preset, optimizador, tasa, lote, epocas, subconjunto}. */
    configuracion: () => formulario.configuracion(),
    /** fn(configuration) whenever a field changes, typed or filled in by the page. */
    alCambiarConfiguracion: cambioConfiguracion.on,
    // presets: [{name, spec}] from client.presets(); builds the initial model, `inicial` if
    // given (the pretrained network's preset), else the one chosen before a crash.
    // `cargado`: the summary of a network already in the worker (the pretrained one), which
    // is kept; without it a fresh model of the preset is built.
    async prepararModelos(presets, inicial, cargado = null) {
      ponerEstado('loading');
      formulario.ponerPresets(presets, inicial ?? formulario.preset());
      if (!cargado) return construir(formulario.preset(), { rellenar: true });
      formulario.rellenar(formulario.preset());
    },
    // train: how many training images were loaded; offers the subsets that fit.
    datosListos({ train }) {
      formulario.ponerSubconjuntos(train);
      ponerEstado('idle');
    },
    // Weights loaded from a file may belong to another preset: show which one now runs;
    // `origen` ('clase': trained here) also updates the "Red activa" line.
    modeloCargado(resumen, origen) {
      formulario.elegirPreset(resumen?.spec?.name);
      alCambiarModelo(formulario.preset(), origen);
      if (resumen?.totalParams) parametros.textContent = T.parametros(entero(resumen.totalParams));
    },
    fallo,
    /** While another widget holds the engine, "Entrenar" and the form (which builds models) wait. */
    bloquear(si) {
      bloqueado = si;
      habilitarControles();
    },
  };
}
