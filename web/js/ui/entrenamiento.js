// "Entrenamiento" panel: the form (entrenamiento-formulario.js), start/pause/resume/stop through
// the page's run tracker (ejecucion.js), and what a run shows (entrenamiento-seguimiento.js).
// It trains the page's network, the engine's slot 'principal'. Other widgets talk to it through
// the object it returns: its state, its configuration and their change events. The state is
// also in data-state on [data-testid=train-status], for tests and styles.

import { entrenamiento as T } from '../textos.js';
import { entero, numero } from '../formato.js';
import { crearFormulario } from './entrenamiento-formulario.js';
import { crearSeguimiento } from './entrenamiento-seguimiento.js';

// A small event list: on(fn) adds a listener, emitir(...) calls them all.
function crearEvento() {
  const oyentes = new Set();
  return { on: (fn) => oyentes.add(fn), emitir: (...a) => { for (const fn of oyentes) fn(...a); } };
}

const SLOT = 'principal';

export function crearEntrenamiento(raiz, cliente, { ejecuciones, alCambiarModelo }) {
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
  let detenidoAMano = false;  // the run ended by "Detener": give focus back to "Entrenar"
  // Buttons that get disabled lose focus; hand it to the button a keyboard user needs next.
  const enfocar = (boton) => boton.focus({ preventScroll: true });

  function habilitarControles() {
    const ocupado = estado === 'loading' || estado === 'training' || estado === 'paused';
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
    ponerEstado('error', `${T.estados.error} ${ejecuciones.mensaje(error)}`);
  }

  // The run tracker's states are the panel's while it trains; its progress is this panel's only.
  const seguidor = ejecuciones.para('entrenamiento', {
    alEstado(nuevo) {
      if (nuevo !== 'training' && nuevo !== 'paused') return;
      const antes = estado;
      ponerEstado(nuevo);
      if (antes === 'loading') enfocar(botones.pausar);
    },
    alProgreso: (p) => seguimiento.progreso(p),
    alEpoca: (e) => seguimiento.epoca(e),
  });

  async function entrenar(opciones) {
    try {
      await seguidor.ejecutar(async (entrenarCon) => {
        seguimiento.empezar(opciones.epochs);
        ponerEstado('loading', T.construyendo);
        // The network from before "Entrenar" (the pretrained one, say) stays beside it in the
        // engine, to bring back if the run diverges: the worker keeps the weights from before the
        // bad step, but by then a high lr has already wrecked them, and the fresh ones had learnt
        // nothing anyway. No network yet: nothing to bring back.
        const respaldo = await cliente.snapshotModel(SLOT).then(() => true, () => false);
        try {
          await construir(formulario.preset(), { rellenar: false, origen: 'entrenando' });  // "Entrenar" always starts from fresh weights
          const { stopped, test } = await entrenarCon({ ...opciones, model: SLOT });
          alCambiarModelo(formulario.preset(), 'clase');
          if (test) seguimiento.test(test);
          seguimiento.terminar();
          ponerEstado(test ? 'done' : 'idle', stopped ? T.estados.stopped : T.estados.done);
        } catch (error) {
          if (error?.code === 'diverged' && respaldo) await recuperar(opciones.optimizer.lr);
          else throw error;
        }
      });
    } catch (error) {
      if (error?.quien && error.quien !== 'entrenamiento') ponerEstado('busy', ejecuciones.mensaje(error));
      else fallo(error);
    }
    if (detenidoAMano) enfocar(botones.iniciar);
    detenidoAMano = false;
  }

  async function recuperar(lr) {
    try {
      const resumen = await cliente.restoreModel(SLOT);
      formulario.elegirPreset(resumen.spec?.name);
      alCambiarModelo(formulario.preset(), 'recuperada');
      seguimiento.terminar();
      ponerEstado('error', T.divergencia(numero(lr)));
      estadoEl.dataset.error = 'diverged';
    } catch (error) {
      fallo(error);
    }
  }

  $('#form-entrenamiento').addEventListener('submit', (evento) => {
    evento.preventDefault();
    const opciones = formulario.leer();
    if (opciones) entrenar(opciones);
  });
  // Pause and resume hand the focus to each other; a failure shows in the status line.
  const alternar = (llamada, siguiente) => async () => {
    try {
      await llamada();
      enfocar(siguiente);
    } catch (error) { fallo(error); }
  };
  botones.pausar.addEventListener('click', alternar(() => seguidor.pausar(), botones.reanudar));
  botones.reanudar.addEventListener('click', alternar(() => seguidor.reanudar(), botones.pausar));
  botones.detener.addEventListener('click', () => {
    detenidoAMano = true;
    seguidor.detener().catch(fallo);
  });

  ponerEstado('loading');

  return {
    /** 'loading' | 'idle' | 'training' | 'paused' | 'done' | 'error' | 'busy' (another UI's run is on) */
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
  };
}
