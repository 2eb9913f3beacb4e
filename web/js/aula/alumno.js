// A student's side of Aula en vivo: only on a page opened with ?aula=CODE (the address the
// class server prints and its QR code carry), a bar offers to join with a pseudonym; the
// token it gets is kept in this tab (sessionStorage), so a reload rejoins as the same
// student. Each question's answers then go to the teacher's panel (kit/pregunta.js calls
// enviarRespuesta). Without ?aula= nothing here runs and the page asks nothing of /api/.

import { aula as T } from '../textos.js';
import { el, ponerEstado } from '../leccion/kit/dom.js';
import { ErrorAula, pedir, textoError } from './peticion.js';

const GUARDADO = 'convaula.aula';
/** The document's event once this tab joined (or rejoined) the class. */
export const UNIDO = 'convaula-aula-unido';
const REINTENTO_MS = 4000;
let sesion = null;  // {codigo, token, seudonimo} once joined
let reabrir = null;  // shows the join form again, with why

const codigoDeLaPagina = () => new URLSearchParams(window.location.search).get('aula')?.toUpperCase() ?? null;

function leerGuardado(codigo) {
  try {
    const s = JSON.parse(sessionStorage.getItem(GUARDADO) ?? 'null');
    return s?.codigo === codigo ? s : null;
  } catch {
    return null;
  }
}

function sugerencia() {
  const animal = T.animales[Math.floor(Math.random() * T.animales.length)];
  return `${animal} ${1 + Math.floor(Math.random() * 99)}`;
}

/** Puts the join bar after `sitio` if the page was opened for a class. */
export function crearAulaAlumno(sitio) {
  const codigo = codigoDeLaPagina();
  if (!codigo) return;
  const entrada = el('input', { type: 'text', id: 'aula-seudonimo', maxlength: 24, autocomplete: 'off',
    spellcheck: 'false', 'data-testid': 'aula-pseudonym' });
  entrada.value = sugerencia();
  const boton = el('button', { type: 'submit', class: 'boton-pequeno', text: T.unirse, 'data-testid': 'aula-join-button' });
  const estado = el('p', { class: 'aula-estado', role: 'status', 'data-testid': 'aula-status', hidden: true });
  const formulario = el('form', { class: 'aula-unirse', novalidate: true },
    el('p', { text: T.unirse_texto }),
    el('label', { for: entrada.id, text: T.seudonimo }), entrada, boton);
  const barra = el('section', { class: 'aula-alumno', 'data-testid': 'aula-join', 'aria-label': T.unirse_titulo },
    el('h2', { text: T.unirse_titulo }), formulario, estado);
  sitio.after(barra);

  const unido = (s) => {
    sesion = s;
    sessionStorage.setItem(GUARDADO, JSON.stringify(s));
    formulario.hidden = true;
    barra.dataset.pseudonym = s.seudonimo;
    ponerEstado(estado, 'joined', T.unido(s.seudonimo));
    document.dispatchEvent(new CustomEvent(UNIDO));
  };
  const fallo = (err) => {
    ponerEstado(estado, 'error', textoError(T.errores, err.code));
    boton.disabled = false;
  };
  reabrir = (err) => {
    sesion = null;
    sessionStorage.removeItem(GUARDADO);
    delete barra.dataset.pseudonym;
    formulario.hidden = false;
    fallo(err);
  };

  formulario.addEventListener('submit', async (e) => {
    e.preventDefault();
    boton.disabled = true;
    ponerEstado(estado, 'joining', T.uniendo);
    try {
      const r = await pedir('unirse', { datos: { codigo, seudonimo: entrada.value.trim() } });
      unido({ codigo, token: r.token, seudonimo: r.seudonimo });
    } catch (err) {
      fallo(err);
    }
  });

  // A reload: the same student, if the server still knows the token (it keeps it across
  // restarts; not after the teacher deleted the class data). Unreachable: try again later.
  const guardado = leerGuardado(codigo);
  if (!guardado) return;
  formulario.hidden = true;
  const volver = async () => {
    try {
      await pedir('yo', { cabeceras: { Authorization: `Bearer ${guardado.token}` } });
      unido(guardado);
    } catch (err) {
      if (err.code === 'red' || err.status >= 500) {
        ponerEstado(estado, 'reconnecting', T.reconectando);
        setTimeout(volver, REINTENTO_MS);
        return;
      }
      reabrir(err);
    }
  };
  volver();
}

/** The joined student's Authorization header, or null (tokenRechazado(err) when the server no longer knows it). */
export const credencialAula = () => (sesion ? { Authorization: `Bearer ${sesion.token}` } : null);
export const enAula = () => codigoDeLaPagina() !== null;
export const tokenRechazado = (err) => reabrir?.(err);

/**
 * A question's answer (its id, the answer as the student sees it, right or wrong) to the
 * teacher's panel, if this tab joined a class; the server keeps only the first of each
 * question's round. Without a connection (a server restarting) it is tried again for a minute.
 */
export async function enviarRespuesta(pregunta, respuesta, correcta, intentos = 15) {
  if (!sesion) return;
  const s = sesion;
  try {
    await pedir('respuestas', { datos: { pregunta, respuesta: String(respuesta).trim().slice(0, 80) || '—', correcta },
      cabeceras: { Authorization: `Bearer ${s.token}` } });
  } catch (err) {
    if (err.code === 'token_invalido') return reabrir(err);
    const otraVez = err.code === 'red' || err.status >= 500 || err.code === 'demasiadas_peticiones';
    if (!otraVez || intentos <= 1) return;
    setTimeout(() => enviarRespuesta(pregunta, respuesta, correcta, intentos - 1), Math.max(err.reintentarEn * 1000, REINTENTO_MS));
  }
}
