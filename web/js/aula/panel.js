// "Panel del aula" (aula.html), the teacher's screen on the projector: the students' address
// as a large QR code, the class code, how many joined, and per question how many answered.
// The answers' histogram stays hidden until "Mostrar respuestas"; it only ever shows counts,
// never who answered what. The teacher's key comes in the URL's fragment (never sent to the
// server, so never in a log), is kept in this tab and taken out of the address bar at once.

import { aula as T } from '../textos.js';
import { entero } from '../formato.js';
import { aplicarTextos } from '../ui/rotulos.js';
import { dibujarQr } from '../ui/compartir.js';
import { el, ponerEstado } from '../leccion/kit/dom.js';
import { API, ErrorAula, pedir, textoError } from './peticion.js';
import { crearGaleria } from './galeria.js';
import { crearEvaluacion } from './evaluacion.js';
import { crearGrupos } from './grupos.js';

const GUARDADA = 'convaula.aula.clave';
const REINTENTO_MS = 3000;

function tomarClave() {
  const enUrl = new URLSearchParams(window.location.hash.slice(1)).get('clave');
  if (enUrl) {
    sessionStorage.setItem(GUARDADA, enUrl);
    history.replaceState(null, '', window.location.pathname);
  }
  return sessionStorage.getItem(GUARDADA);
}

aplicarTextos(document);
const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
const error = $('aula-panel-error');
const conexion = $('aula-panel-connection');
const clave = tomarClave();
const cabeceras = { 'X-Aula-Clave': clave };
const accion = (ruta, datos, hecho = '') => pedir(ruta, { datos, cabeceras })
  .then(() => ponerEstado(error, 'ok', hecho), (err) => ponerEstado(error, 'error', textoError(T.errores, err.code)));
const evaluacion = crearEvaluacion($('aula-evaluation'), { crearTarjeta });
const galeria = crearGaleria($('aula-gallery'), { cabeceras, accion, alCambiar: evaluacion.conjuntoCambiado });
const grupos = crearGrupos($('aula-groups'), { cabeceras, accion });

if (!clave) ponerEstado(error, 'error', T.sin_clave);
else escuchar();

// The summary as server-sent events, read with fetch (an EventSource cannot send the key in a
// header); reconnects by itself when the server restarts.
async function escuchar() {
  try {
    const r = await fetch(new URL('panel/flujo', API), { headers: cabeceras, cache: 'no-store' });
    if (!r.ok) {
      const cuerpo = await r.json().catch(() => ({}));
      throw new ErrorAula(cuerpo.code ?? 'otro', r.status);
    }
    ponerEstado(conexion, 'live', T.panel_conectado);
    const lector = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let resto = '';
    for (;;) {
      const { value, done } = await lector.read();
      if (done) break;
      resto += value;
      let fin;
      while ((fin = resto.indexOf('\n\n')) >= 0) {
        const linea = resto.slice(0, fin).split('\n').find((l) => l.startsWith('data: '));
        resto = resto.slice(fin + 2);
        if (linea) pintar(JSON.parse(linea.slice(6)));
      }
    }
  } catch (err) {
    if (err.status === 401 || err.status === 403) return ponerEstado(error, 'error', textoError(T.errores, err.code));
  }
  ponerEstado(conexion, 'offline', T.panel_desconectado);
  setTimeout(escuchar, REINTENTO_MS);
}

let urlDibujada = null;
const tarjetas = new Map();

function pintar(resumen) {
  const url = resumen.direcciones[0];
  if (url !== urlDibujada) {
    urlDibujada = url;
    $('aula-panel-url').textContent = url;
    const lienzo = $('aula-panel-qr');
    lienzo.setAttribute('aria-label', T.panel_qr(url));
    lienzo.dataset.url = url;
    import('../../vendor/uqr/index.mjs').then(({ encode }) => dibujarQr(lienzo, encode(url, { border: 0, ecc: 'M' })));
  }
  $('aula-panel-code').textContent = T.panel_codigo(resumen.codigo);
  galeria.actualizar(resumen.dibujos);
  grupos.actualizar(resumen.practica);
  const unidos = $('aula-panel-joined');
  unidos.textContent = T.panel_unidos(entero(resumen.students));
  unidos.dataset.count = String(resumen.students);
  // The questions someone answered (or the teacher touched), each new one at the end.
  // The evaluation's own question has its card there.
  evaluacion.pregunta(resumen);
  const ids = resumen.preguntas_conocidas.filter((id) => resumen.questions[id] && !evaluacion.propia(id));
  $('aula-panel-empty').hidden = ids.length > 0;
  for (const [id, tarjeta] of tarjetas) if (!resumen.questions[id]) { tarjeta.nodo.remove(); tarjetas.delete(id); }
  const lista = $('aula-panel-questions');
  for (const id of ids) {
    if (!tarjetas.has(id)) {
      tarjetas.set(id, crearTarjeta(id));
      lista.append(tarjetas.get(id).nodo);
    }
    tarjetas.get(id).pintar(resumen.questions[id]);
  }
}

function crearTarjeta(id) {
  const cuenta = el('p', { class: 'tarjeta-cuenta', 'data-testid': 'aula-answer-count' });
  const ronda = el('p', { class: 'tarjeta-ronda nota' });
  const oculto = el('p', { class: 'nota', text: T.panel_oculto });
  const barras = el('ol', { class: 'histograma', 'data-testid': 'aula-histogram' });
  const correctas = el('p', { class: 'tarjeta-correctas', 'data-testid': 'aula-correct-count' });
  let mostrada = false;
  const mostrar = el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': 'aula-reveal',
    onclick: () => accion('preguntas/mostrar', { pregunta: id, mostrada: !mostrada }) });
  const nueva = el('button', { type: 'button', class: 'boton-pequeno', text: T.nueva_ronda, 'data-testid': 'aula-new-round',
    onclick: () => accion('preguntas/ronda', { pregunta: id }) });
  const nodo = el('article', { class: 'tarjeta-pregunta', 'data-testid': `aula-question-${id}` },
    el('h2', { text: T.preguntas[id] ?? id }), cuenta, ronda, oculto, barras, correctas,
    el('div', { class: 'botones' }, mostrar, nueva));
  return {
    nodo,
    pintar(p) {
      mostrada = p.revealed;
      Object.assign(nodo.dataset, { total: String(p.total), revealed: String(p.revealed) });
      cuenta.textContent = T.panel_respuestas(entero(p.total));
      ronda.textContent = T.panel_ronda(entero(p.round));
      ronda.hidden = p.round === 1;
      mostrar.textContent = p.revealed ? T.ocultar : T.mostrar;
      mostrar.setAttribute('aria-pressed', String(p.revealed));
      oculto.hidden = p.revealed;
      barras.hidden = correctas.hidden = !p.revealed;
      correctas.textContent = T.panel_correctas(entero(p.correct), entero(p.total));
      barras.replaceChildren(...(p.revealed ? p.answers.map((a) => barra(a, p.total)) : []));
    },
  };
}

// One answer's bar; its text (what a student typed or chose) only ever as textContent.
function barra({ answer, correct, count }, total) {
  const relleno = el('span', { class: 'histo-relleno' });
  relleno.style.inlineSize = `${(100 * count) / Math.max(1, total)}%`;
  return el('li', { class: correct ? 'histo-fila correcta' : 'histo-fila', 'data-testid': 'aula-bar',
    'data-answer': answer, 'data-count': String(count), 'data-correct': String(correct) },
  el('span', { class: 'histo-texto', text: answer }),
  el('span', { class: 'histo-pista' }, relleno),
  el('span', { class: 'histo-cuenta', text: entero(count) }),
  correct ? el('span', { class: 'histo-marca', text: T.correcta }) : null);
}

// "Borrar los datos del aula", after a confirmation.
const dialogo = $('aula-delete-dialog');
$('aula-delete').addEventListener('click', () => dialogo.showModal());
$('aula-delete-cancel').addEventListener('click', () => dialogo.close());
$('aula-delete-confirm').addEventListener('click', async () => {
  dialogo.close();
  await accion('borrar', {});
  if (error.dataset.state === 'ok') ponerEstado(error, 'ok', T.borrado);
});
