// «Usar esta red» and «Deshacer», after a network trained in a slot of its own (a Práctica
// experiment, the notebook's run): the page's network (slot 'principal') is kept as a snapshot,
// the trained one copied over it, and «Deshacer» brings the snapshot back exactly. The drawing
// and the sections then answer with whichever is in 'principal'; no weights cross to the page.

import { leccion } from '../../textos.js';
import { el, ponerEstado } from './dom.js';

const C = leccion.comun;
const PRINCIPAL = 'principal';

/**
 * @param motor  kit/motor.js's object
 * @param {{slot: string, prefijo: string, textos?, origen?}} o  the slot to copy from; prefijo
 *   names the test ids (`${prefijo}-use`, `${prefijo}-undo`, `${prefijo}-use-status`); textos
 *   {usar, deshacer, hecho(cual), deshecho} replaces the buttons' and status's words; origen is
 *   the "Red activa" line's key while the copy answers (modelo-activo.js; 'clase' by default)
 * → {nodo, ofrecer(cual), retirar()}: ofrecer shows the button for the network now in the slot
 *   (cual: its name in a sentence), retirar hides it (the slot is about to change).
 */
export function crearUsarRed(motor, { slot, prefijo, textos = {}, origen = 'clase' }) {
  const { cliente, ejecuciones } = motor;
  const X = { usar: C.usar_red, deshacer: C.deshacer, hecho: C.usar_red_hecho, deshecho: C.deshecho, ...textos };
  const usar = el('button', { type: 'button', 'data-testid': `${prefijo}-use`, text: X.usar, hidden: true });
  const deshacer = el('button', { type: 'button', 'data-testid': `${prefijo}-undo`, text: X.deshacer, hidden: true });
  const estado = el('p', { class: 'estado', role: 'status', 'data-testid': `${prefijo}-use-status` });
  const nodo = el('div', { class: 'usar-red' }, el('div', { class: 'botones' }, usar, deshacer), estado);
  let cual = '';
  let version = null;  // motor.versionPrincipal() right after the copy: «Deshacer» is for that one

  async function intentar(fn) {
    usar.disabled = deshacer.disabled = true;
    try {
      await fn();
    } catch (error) {
      ponerEstado(estado, error?.code === 'busy' ? 'busy' : 'error', ejecuciones.mensaje(error));
    } finally {
      usar.disabled = deshacer.disabled = false;
    }
  }

  usar.addEventListener('click', () => intentar(async () => {
    await cliente.snapshotModel(PRINCIPAL);
    motor.principalCambiado(await cliente.copyModel(slot, PRINCIPAL), origen);
    version = motor.versionPrincipal();
    usar.hidden = true;
    deshacer.hidden = false;
    ponerEstado(estado, 'used', X.hecho(cual));
    deshacer.focus({ preventScroll: true });
  }));
  deshacer.addEventListener('click', () => intentar(async () => {
    if (motor.versionPrincipal() !== version) {
      deshacer.hidden = true;
      return ponerEstado(estado, 'stale', C.deshacer_tarde);
    }
    motor.principalCambiado(await cliente.restoreModel(PRINCIPAL), 'recuperada');
    deshacer.hidden = true;
    usar.hidden = false;
    ponerEstado(estado, 'undone', X.deshecho);
    usar.focus({ preventScroll: true });
  }));

  return {
    nodo,
    ofrecer(nombre) {
      cual = nombre;
      usar.hidden = false;
      deshacer.hidden = true;
      ponerEstado(estado, 'offered', '');
    },
    /** True while the copy answers the drawings (until «Deshacer»). */
    enUso: () => !deshacer.hidden,
    retirar() {
      usar.hidden = deshacer.hidden = true;
      ponerEstado(estado, 'idle', '');
    },
  };
}
