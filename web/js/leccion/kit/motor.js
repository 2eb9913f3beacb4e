// What every lesson section knows about the engine: when it is ready (the model built and MNIST
// loaded), the runner through which a section's engine call goes, and the page's network. The
// sections read slot 'principal'; the Práctica and the notebook train slots of their own, so
// nothing here waits for them (protocolo.js states what the worker answers during a run).

import { leccion } from '../../textos.js';
import { ponerEstado } from './dom.js';

const C = leccion.comun;

/**
 * @param {{cliente, entrenamiento, ejecuciones, version, origen}} app  the engine client, the
 *   training panel's object (estado(), alCambiarEstado(fn), modeloCargado(resumen, origen)), the
 *   run tracker (ui/ejecucion.js), version(): a count of the changes of slot 'principal', and
 *   origen(): which network that is, as the "Red activa" line says it ({tipo, detalle}, or null).
 */
export function crearMotor({ cliente, entrenamiento, ejecuciones, version, origen = () => null }) {
  let resolverListo;
  const listo = new Promise((r) => { resolverListo = r; });

  const motor = {
    cliente,
    ejecuciones,
    /** Resolves with loadData()'s counts {train, test} once the model and MNIST are ready. */
    listo: () => listo,
    /** main.js calls this once, when the model is built and MNIST loaded. */
    datosListos: (datos) => resolverListo(datos),
    /** fn(state) at every change of the training panel's state (e.g. 'done' after a run). */
    alCambiarPrincipal: (fn) => entrenamiento.alCambiarEstado(fn),
    /** How many times slot 'principal' has changed: a change since a given moment shows in it. */
    versionPrincipal: version,
    /** Which network slot 'principal' holds: modelo-activo.js's {tipo, detalle}, or null. */
    origenPrincipal: origen,
    /** Slot 'principal' holds another network now (its summary; origen as modelo-activo.js's). */
    principalCambiado(resumen, origen) { entrenamiento.modeloCargado(resumen, origen); },
    /** Runs fn(cliente) once the engine is ready. Every engine call of a section goes through here. */
    async consultar(fn) {
      await listo;
      return fn(cliente);
    },

    /**
     * The runner of a section's action: `nodo` (a status line or an alert) shows its failure in
     * Spanish, and the `botones` are disabled while it runs. Options:
     *   calculando: true  say "Calculando…" meanwhile (status lines, not alerts)
     *   detener: a button, enabled only while the action runs, that ends its scoring pass
     *            (stop({pass: true}): the pass rejects with 'stopped', said as stopped, not failed)
     * Returns (fn) => Promise of fn's result, or undefined when it failed or was stopped.
     */
    accion(nodo, { botones = [], calculando = true, detener = null } = {}) {
      if (detener) {
        detener.disabled = true;
        detener.addEventListener('click', () => {
          detener.disabled = true;
          cliente.stop({ pass: true }).catch(() => {});
        });
      }
      return async (fn) => {
        for (const b of botones) b.disabled = true;
        if (detener) detener.disabled = false;
        if (calculando) ponerEstado(nodo, 'working', C.calculando);
        try {
          const r = await motor.consultar(fn);
          ponerEstado(nodo, 'done', '');
          return r;
        } catch (error) {
          if (error?.code === 'stopped') ponerEstado(nodo, 'stopped', C.detenido);
          else ponerEstado(nodo, error?.code === 'busy' ? 'busy' : 'error', ejecuciones.mensaje(error));
          return undefined;
        } finally {
          for (const b of botones) b.disabled = false;
          if (detener) detener.disabled = true;
        }
      };
    },
  };
  return motor;
}
