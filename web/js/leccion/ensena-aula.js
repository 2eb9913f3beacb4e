// «Enséñale a la red» in a class (a page opened with ?aula=, aula/alumno.js): the student sends
// their drawings to the class's set on the teacher's panel, or withdraws them. Sending again
// replaces what the class had of theirs; a drawing the teacher removed is not sent back. Once
// joined, the section says how many of the student's drawings the class keeps.

import { aula, leccion } from '../textos.js';
import { entero } from '../formato.js';
import { el, ponerEstado } from './kit/dom.js';
import { UNIDO, credencialAula, enAula, tokenRechazado } from '../aula/alumno.js';
import { pedir, textoError } from '../aula/peticion.js';

const T = aula.conjunto;

const base64 = (bytes) => btoa(String.fromCharCode(...bytes));

/** The send/withdraw buttons for the drawings `dibujos()` ([{cifra, pixeles}]); null outside a class. */
export function crearEnvioAula(dibujos) {
  if (!enAula()) return null;
  const enviar = el('button', { type: 'button', 'data-testid': 'teach-class-send', text: leccion.ensena.enviar_aula });
  const retirar = el('button', { type: 'button', 'data-testid': 'teach-class-withdraw', text: leccion.ensena.retirar_aula });
  const estado = el('p', { class: 'estado', role: 'status', 'data-testid': 'teach-class-status' });

  async function pedirComo(ruta, datos, alResponder) {
    const credencial = credencialAula();
    if (!credencial) return ponerEstado(estado, 'not-joined', T.sin_unirse);
    enviar.disabled = retirar.disabled = true;
    try {
      alResponder(await pedir(ruta, { datos, cabeceras: credencial }));
    } catch (err) {
      if (err.code === 'token_invalido') tokenRechazado(err);
      ponerEstado(estado, 'error', textoError(aula.errores, err.code));
    } finally {
      enviar.disabled = retirar.disabled = false;
    }
  }
  enviar.addEventListener('click', () => {
    const lista = dibujos();
    if (!lista.length) return ponerEstado(estado, 'empty', T.sin_dibujos);
    ponerEstado(estado, 'sending', T.enviando);
    pedirComo('dibujos', { dibujos: lista.map((d) => ({ x: base64(d.pixeles), etiqueta: d.cifra })) }, (r) => {
      estado.dataset.count = String(r.guardados);
      ponerEstado(estado, 'sent', T.enviados(entero(r.guardados), r.quitados ? entero(r.quitados) : 0));
    });
  });
  retirar.addEventListener('click', () => pedirComo('dibujos/retirar', {}, (r) => {
    estado.dataset.count = '0';
    ponerEstado(estado, 'withdrawn', T.retirados(entero(r.retirados)));
  }));
  // Once joined (a reload rejoins): how many of theirs the class keeps, if any.
  const contar = () => pedirComo('dibujos', undefined, (r) => {
    if (!r.n) return;
    estado.dataset.count = String(r.n);
    ponerEstado(estado, 'in-class', T.en_aula(entero(r.n)));
  });
  document.addEventListener(UNIDO, contar);
  if (credencialAula()) contar();
  return el('div', { class: 'ensena-aula', 'data-testid': 'teach-class' }, el('div', { class: 'botones' }, enviar, retirar), estado);
}
