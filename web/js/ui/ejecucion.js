// The one tracker of training runs for the page's three training UIs (the training panel, the
// Práctica, «Reproducir el cuaderno»). The worker trains one network at a time (protocolo.js);
// this module knows whose run it is, hands that UI its progress and epoch events (the worker's
// `fraction` done and `etaSeconds`, validation counted), and gives every UI the same states and
// the same pause, resume and stop. The UIs differ only in what they train: slot, spec, options.
//
// A UI's job is one call: seguidor.ejecutar(async (entrenar) => { build; await entrenar(options);
// score… }); a second job while one runs, from any UI, rejects with code 'busy' at once, before
// anything of it runs, and `mensaje(error)` says in Spanish whose run it is.

import { ejecucion as T } from '../textos.js';
import { mensajeDeError } from './mensajes.js';

// A UI's run is 'idle' (none), 'preparing' (building its network), 'training', 'paused', or
// 'finishing' (scoring or showing what it trained).
export const ESTADOS = ['idle', 'preparing', 'training', 'paused', 'finishing'];

export function crearEjecuciones(cliente) {
  let actual = null;  // {quien, id, estado, oyentes} while a job runs
  const cambios = new Set();

  function poner(job, estado) {
    job.estado = estado;
    job.oyentes.alEstado?.(estado);
    for (const fn of cambios) fn(job.quien, estado);
  }
  cliente.on('progress', (p) => { if (actual && p.run === actual.id) actual.oyentes.alProgreso?.(p); });
  cliente.on('epoch', (e) => { if (actual && e.run === actual.id) actual.oyentes.alEpoca?.(e); });

  const ocupado = () => Object.assign(new Error(`${actual.quien} is training`), { code: 'busy', quien: actual.quien });

  return {
    /** The UI whose job runs ('entrenamiento', 'practica', 'cuaderno'), or null. */
    enCurso: () => actual?.quien ?? null,
    /** fn(quien, estado) at every change of any UI's run. */
    alCambiar: (fn) => cambios.add(fn),
    /** An error in Spanish; busy names the UI whose run holds the engine. */
    mensaje(error) {
      const quien = error?.quien ?? actual?.quien;
      return error?.code === 'busy' && quien ? T.ocupado[quien] : mensajeDeError(error);
    },

    /**
     * The tracker of one UI. oyentes: alEstado(estado), alProgreso(p), alEpoca(e), each only
     * for this UI's runs.
     */
    para(quien, oyentes = {}) {
      const mio = () => actual?.quien === quien;
      const alternar = async (desde, llamada, hacia) => {
        if (!mio() || actual.estado !== desde) return;
        const job = actual;
        await llamada();
        if (actual === job && job.estado === desde) poner(job, hacia);
      };
      return {
        estado: () => (mio() ? actual.estado : 'idle'),
        /** Runs trabajo(entrenar) as this UI's job; entrenar(options) is client.train's run. */
        async ejecutar(trabajo) {
          if (actual) throw ocupado();
          const job = { quien, id: null, estado: 'idle', oyentes };
          actual = job;
          poner(job, 'preparing');
          // lanzar: another kind of run than client.train's (client.fineTune's), started by the UI.
          const entrenar = async (opciones, lanzar = () => cliente.train(opciones)) => {
            const run = lanzar();
            job.id = run.id;
            poner(job, 'training');
            try {
              return await run;
            } finally {
              poner(job, 'finishing');
            }
          };
          try {
            return await trabajo(entrenar);
          } finally {
            actual = null;
            poner(job, 'idle');
          }
        },
        pausar: () => alternar('training', () => cliente.pause(), 'paused'),
        reanudar: () => alternar('paused', () => cliente.resume(), 'training'),
        /** Ends the run; 'finishing': the scoring pass after it (stop({pass: true}), rejects with 'stopped'). */
        async detener() {
          if (!mio()) return;
          if (['training', 'paused'].includes(actual.estado)) await cliente.stop();
          else if (actual.estado === 'finishing') await cliente.stop({ pass: true });
        },
      };
    },
  };
}
