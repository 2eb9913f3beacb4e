// What the lesson's sections 6–10 share about the engine: waiting until the model and MNIST are
// ready, and one lock so a practice experiment (which swaps the worker's model for a while)
// never overlaps with the other widgets' calls.

import { leccionB } from '../textos.js';
import { ponerEstado } from './comun-b-dom.js';
import { mensajeDeError } from '../ui/mensajes.js';

const C = leccionB.comun;
const LISTO = ['idle', 'done', 'error'];
const ENTRENANDO = ['training', 'paused'];

export function crearMotorB({ cliente, entrenamiento, dibujo }) {
  const estadoPrincipal = document.querySelector('[data-testid="train-status"]');
  let ocupadoPor = null;  // null, or the name of the widget holding the engine
  const oyentes = new Set();
  const avisar = () => { for (const fn of oyentes) fn(ocupadoPor); };

  // The training panel publishes its state in data-state (entrenamiento.js); 'idle' means the
  // model is built and MNIST is loaded.
  function listo() {
    return new Promise((resolver) => {
      if (LISTO.includes(estadoPrincipal.dataset.state)) return resolver();
      const mirar = new MutationObserver(() => {
        if (!LISTO.includes(estadoPrincipal.dataset.state)) return;
        mirar.disconnect();
        resolver();
      });
      mirar.observe(estadoPrincipal, { attributeFilter: ['data-state'] });
    });
  }

  return {
    cliente,
    listo,
    /** True while the main panel trains: the worker's model is then in use. */
    principalEntrenando: () => ENTRENANDO.includes(estadoPrincipal.dataset.state),
    /** Calls fn(state) whenever the main panel's state changes (e.g. 'done' after a run). */
    alCambiarPrincipal(fn) {
      new MutationObserver(() => fn(estadoPrincipal.dataset.state))
        .observe(estadoPrincipal, { attributeFilter: ['data-state'] });
    },
    ocupadoPor: () => ocupadoPor,
    /** Resolves once no widget holds the engine (at once if none does). */
    libre() {
      if (!ocupadoPor) return Promise.resolve();
      return new Promise((resolver) => {
        const fn = (quien) => { if (!quien) { oyentes.delete(fn); resolver(); } };
        oyentes.add(fn);
      });
    },
    /** fn(quien) runs whenever the lock is taken (quien = name) or released (null). */
    alCambiarOcupado(fn) { oyentes.add(fn); },
    ocupar(quien) {
      if (ocupadoPor) return false;
      ocupadoPor = quien;
      dibujo.pausar?.();
      avisar();
      return true;
    },
    liberar() {
      ocupadoPor = null;
      avisar();
    },
    /** After the worker's model was replaced and restored: the widgets use it again. */
    modeloRestaurado(resumen) { entrenamiento.modeloCargado(resumen); },
  };
}

// Runs fn unless the engine is busy elsewhere; reports progress and errors on `estado`.
export function crearAccion(motor, estado, botones) {
  return async (fn) => {
    if (motor.ocupadoPor()) return ponerEstado(estado, 'busy', C.ocupado_practica);
    if (motor.principalEntrenando()) return ponerEstado(estado, 'busy', C.ocupado_principal);
    for (const b of botones) b.disabled = true;
    ponerEstado(estado, 'working', C.calculando);
    try {
      await fn();
      ponerEstado(estado, 'done', '');
    } catch (error) {
      ponerEstado(estado, 'error', mensajeDeError(error));
    } finally {
      for (const b of botones) b.disabled = false;
    }
  };
}
