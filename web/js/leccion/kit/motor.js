// What every lesson section knows about the engine: when it is ready (the model built and MNIST
// loaded), one lock that a Práctica experiment takes while it swaps the worker's model for its
// own, and the runner through which every section's engine call goes, so none ever reads the
// experiment's model: a call waits for the lock, or, for a button, says the engine is busy.

import { leccion } from '../../textos.js';
import { mensajeDeError } from '../../ui/mensajes.js';
import { ponerEstado } from './dom.js';

const C = leccion.comun;
const ENTRENANDO = ['training', 'paused'];
// What a busy engine says, by the name of the widget holding it.
const OCUPADO = { practica: C.ocupado_practica, cuaderno: leccion.entrenar.ocupado_cuaderno };

/**
 * @param {{cliente, entrenamiento, dibujo}} app  the engine client and the training panel's and
 *   drawing's objects (main.js); entrenamiento: estado(), alCambiarEstado(fn), modeloCargado();
 *   dibujo: pausar().
 */
export function crearMotor({ cliente, entrenamiento, dibujo }) {
  let resolverListo;
  const listo = new Promise((r) => { resolverListo = r; });
  let ocupadoPor = null;   // null, or the name of the widget holding the engine
  let lectores = 0;        // engine calls of other widgets in flight
  const oyentes = new Set();
  const avisar = () => { for (const fn of [...oyentes]) fn(ocupadoPor, lectores); };

  // Resolves once `condicion()` holds, checked at every change of the lock.
  function cuando(condicion) {
    if (condicion()) return Promise.resolve();
    return new Promise((resolver) => {
      const fn = () => { if (condicion()) { oyentes.delete(fn); resolver(); } };
      oyentes.add(fn);
    });
  }

  const motor = {
    cliente,
    /** Resolves with loadData()'s counts {train, test} once the model and MNIST are ready. */
    listo: () => listo,
    /** main.js calls this once, when the model is built and MNIST loaded. */
    datosListos: (datos) => resolverListo(datos),
    /** True while the training panel trains: the worker's model is then changing. */
    principalEntrenando: () => ENTRENANDO.includes(entrenamiento.estado()),
    /** fn(state) at every change of the training panel's state (e.g. 'done' after a run). */
    alCambiarPrincipal: (fn) => entrenamiento.alCambiarEstado(fn),
    ocupadoPor: () => ocupadoPor,
    /** The sentence for "wait": who holds the engine (the training panel when nobody does). */
    mensajeOcupado: () => (ocupadoPor ? OCUPADO[ocupadoPor] ?? C.ocupado_practica : C.ocupado_principal),
    /** Resolves once no widget holds the engine (at once if none does). */
    libre: () => cuando(() => !ocupadoPor),
    /** fn(quien) whenever the lock is taken (quien = name) or released (null). */
    alCambiarOcupado(fn) {
      let antes = ocupadoPor;
      oyentes.add((quien) => { if (quien !== antes) { antes = quien; fn(quien); } });
    },
    /**
     * Takes the engine for `quien` (false if someone holds it): new calls wait from now on,
     * and this resolves once the calls already in flight have been answered.
     */
    async ocupar(quien) {
      if (ocupadoPor) return false;
      ocupadoPor = quien;
      dibujo.pausar();
      avisar();
      await cuando(() => lectores === 0);
      return true;
    },
    liberar() {
      ocupadoPor = null;
      avisar();
    },
    /**
     * After the worker's model was replaced and restored (or replaced for good: origen 'clase'
     * for a network trained here): the widgets use it again.
     */
    modeloRestaurado(resumen, origen) { entrenamiento.modeloCargado(resumen, origen); },

    /**
     * Runs fn(cliente) once the engine is ready and no experiment holds it; while fn runs the
     * lock waits for it. Every engine call of a lesson section goes through here.
     * modelo: false for calls that never touch the worker's model (ReLU's activation curves):
     * they need not wait for an experiment.
     */
    async consultar(fn, { modelo = true } = {}) {
      await listo;
      if (!modelo) return fn(cliente);
      await motor.libre();
      lectores++;
      try {
        return await fn(cliente);
      } finally {
        lectores--;
        avisar();
      }
    },

    /**
     * The runner of a section's action: `nodo` (a status line or an alert) shows its failure in
     * Spanish, and the `botones` are disabled while it runs. Options:
     *   esperar: true    wait for an experiment to end (calls a student did not ask for: a cursor
     *                    move, a new image); false: say the engine is busy and do nothing
     *   calculando: true say "Calculando…" meanwhile (status lines, not alerts)
     * Returns (fn) => Promise of fn's result, or undefined when it failed or did not run.
     */
    accion(nodo, { botones = [], esperar = false, calculando = !esperar } = {}) {
      return async (fn) => {
        if (!esperar && (ocupadoPor || motor.principalEntrenando())) return void ponerEstado(nodo, 'busy', motor.mensajeOcupado());
        for (const b of botones) b.disabled = true;
        if (calculando) ponerEstado(nodo, 'working', C.calculando);
        try {
          const r = await motor.consultar(fn);
          ponerEstado(nodo, 'done', '');
          return r;
        } catch (error) {
          ponerEstado(nodo, 'error', mensajeDeError(error));
          return undefined;
        } finally {
          for (const b of botones) b.disabled = false;
        }
      };
    },
  };
  return motor;
}
