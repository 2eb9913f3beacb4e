// «Usar esta red» and «Deshacer», after a network trained in a slot of its own (a Práctica
// experiment, the notebook's run): the page's network (slot 'principal') is kept as a snapshot,
// the trained one copied over it, and «Deshacer» brings the snapshot back exactly. The drawing
// and the sections then answer with whichever is in 'principal'; no weights cross to the page.
// The same buttons may show in more than one place (vista): every place shows the same state.

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
 * → {nodo, vista(prefijo, titulo?), ofrecer(cual), retirar(), enUso()}: ofrecer shows the button
 *   for the network now in the slot (cual: its name in a sentence), retirar hides it (the slot is
 *   about to change); vista gives another place for the same buttons (test ids from its own
 *   prefijo; titulo: a line above them), hidden while nothing is offered.
 */
export function crearUsarRed(motor, { slot, prefijo, textos = {}, origen = 'clase' }) {
  const { cliente, ejecuciones } = motor;
  const X = { usar: C.usar_red, deshacer: C.deshacer, hecho: C.usar_red_hecho, deshecho: C.deshecho, ...textos };
  const vistas = [];
  let cual = '';
  let version = null;  // motor.versionPrincipal() right after the copy: «Deshacer» is for that one
  let fase = 'idle';   // 'idle' (nothing offered), 'offered', 'used'
  let ultimo = { estado: 'idle', texto: '' };

  function pintar(foco) {
    for (const v of vistas) {
      v.usar.hidden = fase !== 'offered';
      v.deshacer.hidden = fase !== 'used';
      if (v.conTitulo) v.nodo.hidden = fase === 'idle';
      ponerEstado(v.estado, ultimo.estado, ultimo.texto);
    }
    foco?.focus({ preventScroll: true });
  }
  const decir = (estado, texto) => { ultimo = { estado, texto }; };

  async function intentar(fn, vista) {
    for (const v of vistas) v.usar.disabled = v.deshacer.disabled = true;
    try {
      await fn(vista);
    } catch (error) {
      decir(error?.code === 'busy' ? 'busy' : 'error', ejecuciones.mensaje(error));
      pintar();
    } finally {
      for (const v of vistas) v.usar.disabled = v.deshacer.disabled = false;
    }
  }

  const usarla = (v) => intentar(async () => {
    await cliente.snapshotModel(PRINCIPAL);
    motor.principalCambiado(await cliente.copyModel(slot, PRINCIPAL), origen);
    version = motor.versionPrincipal();
    fase = 'used';
    decir('used', X.hecho(cual));
    pintar(v.deshacer);
  }, v);
  const deshacerla = (v) => intentar(async () => {
    if (motor.versionPrincipal() !== version) {
      fase = 'idle';
      decir('stale', C.deshacer_tarde);
      return pintar();
    }
    motor.principalCambiado(await cliente.restoreModel(PRINCIPAL), 'recuperada');
    fase = 'offered';
    decir('undone', X.deshecho);
    pintar(v.usar);
  }, v);

  function vista(p, titulo) {
    const usar = el('button', { type: 'button', 'data-testid': `${p}-use`, text: X.usar, hidden: true });
    const deshacer = el('button', { type: 'button', 'data-testid': `${p}-undo`, text: X.deshacer, hidden: true });
    const estado = el('p', { class: 'estado', role: 'status', 'data-testid': `${p}-use-status` });
    const nodo = el('div', { class: 'usar-red', 'data-testid': `${p}-use-box` },
      titulo ? el('p', { class: 'usar-red-titulo', text: titulo }) : [], el('div', { class: 'botones' }, usar, deshacer), estado);
    const v = { nodo, usar, deshacer, estado, conTitulo: Boolean(titulo) };
    usar.addEventListener('click', () => usarla(v));
    deshacer.addEventListener('click', () => deshacerla(v));
    vistas.push(v);
    pintar();
    return nodo;
  }

  return {
    nodo: vista(prefijo),
    vista,
    ofrecer(nombre) {
      cual = nombre;
      fase = 'offered';
      decir('offered', '');
      pintar();
    },
    /** True while the copy answers the drawings (until «Deshacer»). */
    enUso: () => fase === 'used',
    retirar() {
      fase = 'idle';
      decir('idle', '');
      pintar();
    },
  };
}
