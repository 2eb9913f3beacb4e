// «Práctica por grupos», the student's side: in a page opened for a class (?aula=), the Práctica
// shows the student's group and, when the teacher gave the group a variant, sets the form to it;
// each finished experiment then goes to the teacher's panel with its variant, group, per-epoch
// curves, test accuracy, duration and the engine's thread count (the pseudonym is the only name
// the server has). Without ?aula= nothing here runs and the Práctica works as on its own.

import { aula } from '../textos.js';
import { entero } from '../formato.js';
import { el, ponerEstado } from '../leccion/kit/dom.js';
import { GRUPOS, VARIANTES_GRUPO, varianteDeGrupo } from '../leccion/variantes.js';
import { primerArranque } from '../arranque.js';
import { UNIDO, credencialAula, enAula, tokenRechazado } from './alumno.js';
import { pedir, textoError } from './peticion.js';

const T = aula.grupos;
const GUARDADO = 'convaula.aula.grupo';
const INTENTOS = 15, REINTENTO_MS = 4000;

/** The class part of the Práctica for `formulario` (practica-formulario.js), or null outside a class. */
export function crearPracticaAula(formulario) {
  if (!enAula()) return null;
  const grupo = el('select', { id: 'practica-grupo', 'data-testid': 'practice-class-group' },
    el('option', { value: '', text: T.alumno_sin_grupo }), ...GRUPOS.map((g) => el('option', { value: g, text: T.grupo(g) })));
  grupo.value = sessionStorage.getItem(GUARDADO) ?? '';
  const estado = el('p', { class: 'ayuda', role: 'status', 'data-testid': 'practice-class-status' });
  const nodo = el('div', { class: 'campo practica-aula', 'data-testid': 'practice-class', hidden: true },
    el('label', { for: grupo.id, text: T.alumno_grupo }), grupo, estado);
  let plan = {};

  // The group's variant (if the teacher gave it one) into the form.
  function aplicar() {
    sessionStorage.setItem(GUARDADO, grupo.value);
    const v = plan[grupo.value];
    if (v && VARIANTES_GRUPO[v]) formulario.aplicar(VARIANTES_GRUPO[v]);
    ponerEstado(estado, v ? 'assigned' : 'free', v ? T.alumno_asignada(grupo.value, T.variantes[v]) : T.alumno_libre);
    nodo.dataset.variant = v ?? '';
    formulario.describir();
  }
  async function leerPlan() {
    const cabeceras = credencialAula();
    if (!cabeceras) return;
    try {
      const antes = nodo.hidden ? undefined : plan[grupo.value] ?? null;
      plan = (await pedir('practica', { cabeceras })).grupos;
      nodo.hidden = false;
      // The form is set again only when the group's variant changed: a student's own changes stay.
      if ((plan[grupo.value] ?? null) !== antes) aplicar();
    } catch (err) {
      if (err.code === 'token_invalido') tokenRechazado(err);
    }
  }
  grupo.addEventListener('change', aplicar);  // choosing a group sets its variant
  document.addEventListener(UNIDO, leerPlan);
  leerPlan();

  return {
    nodo,
    /** Before a run: the teacher may have changed the groups meanwhile. */
    antes: leerPlan,
    /**
     * A finished run: {cambios, base, imagenes, epocas: [[loss, acc, val_loss, val_acc]], exactitud,
     * segundos}. Without a connection (a server restarting) or when told to wait, it is sent
     * again for about a minute; the server keeps a resent experiment once.
     */
    async enviar(run) {
      if (!credencialAula() || run.epocas.length === 0) return;
      ponerEstado(estado, 'sending', T.enviando);
      const { threads } = await primerArranque.engine;
      const datos = { variante: varianteDeGrupo(run.cambios), grupo: grupo.value || null, base: run.base, imagenes: run.imagenes,
        epocas: run.epocas, exactitud: run.exactitud, segundos: run.segundos, hilos: threads };
      for (let intento = 1; ; intento++) {
        const cabeceras = credencialAula();
        if (!cabeceras) return;
        try {
          const r = await pedir('practica/experimentos', { cabeceras, datos });
          return ponerEstado(estado, 'sent', T.enviado(entero(r.n)));
        } catch (err) {
          if (err.code === 'token_invalido') tokenRechazado(err);
          const otraVez = err.code === 'red' || (err.status >= 500 && err.status !== 507) || err.code === 'demasiadas_peticiones';
          const motivo = textoError(aula.errores, err.code);
          if (!otraVez || intento >= INTENTOS) return ponerEstado(estado, 'error', T.no_enviado(motivo));
          ponerEstado(estado, 'retrying', T.reintentando(motivo));
          await new Promise((r) => setTimeout(r, Math.max(err.reintentarEn * 1000, REINTENTO_MS)));
        }
      }
    },
  };
}
