// "Piensa antes de mirar": a question the student answers first (picks an option, types a
// number or a shape, or builds a one-hot row), then the page asks the engine. A first wrong
// answer gets a hint and a second try; the engine's answer comes with a right answer or after
// the second try. Every lesson question and exercise is one of these, and each section keeps
// a tally of how many were right at the first try. In a live class (aula/alumno.js) each
// answer also goes to the teacher's panel, which keeps a student's first one.

import { leccion } from '../../textos.js';
import { entero } from '../../formato.js';
import { el, ponerEstado } from './dom.js';
import { enviarRespuesta } from '../../aula/alumno.js';

const T = leccion.pregunta;
let contador = 0;

/**
 * Appends the question to `raiz` and returns {nodo, reiniciar()}.
 * @param {object} o
 *   id          data-testid prefix: `${id}` (the form, data-state="abierta|segunda|resuelta"),
 *               `${id}-answer`, `${id}-check`, `${id}-verdict` (data-correcta), `${id}-hint`,
 *               `${id}-engine`, `${id}-option-${i}` (the radio buttons)
 *   enunciado   the question (string, or a function called at each answer for live values)
 *   opciones    [{valor, texto}]: radio buttons; without them a text box (or `campo`)
 *   campo       {nodo, valor(), vacio()}: a custom answer field (the one-hot row)
 *   pista       the text box's placeholder
 *   ayuda       the hint after a first wrong answer (a string)
 *   alResolver  called once, when the engine's answer is first shown: what the question
 *               kept hidden (the counts it asks about, a demonstration) can be shown then
 *   motor, comprobar(valor, cliente) → {correcta, respuesta}: the check, run through the engine
 *               lock (motor.accion); respuesta: the engine's answer, in Spanish
 */
export function crearPregunta(raiz, o) {
  const n = ++contador;
  const enunciado = el('legend', { class: 'pregunta-enunciado' });
  const ponerEnunciado = () => { enunciado.textContent = typeof o.enunciado === 'function' ? o.enunciado() : o.enunciado; };
  ponerEnunciado();
  const campo = o.campo ?? (o.opciones ? campoOpciones(o, n) : campoTexto(o, n));
  const comprobar = el('button', { type: 'submit', class: 'boton-pequeno', text: T.comprobar, 'data-testid': `${o.id}-check` });
  const veredicto = el('p', { class: 'pregunta-veredicto', 'data-testid': `${o.id}-verdict`, role: 'status', hidden: true });
  const pista = el('p', { class: 'pregunta-pista', 'data-testid': `${o.id}-hint`, hidden: true });
  const motorDice = el('p', { class: 'pregunta-motor', 'data-testid': `${o.id}-engine`, hidden: true });
  const aviso = el('p', { class: 'error', role: 'alert', hidden: true });
  const formulario = el('form', { class: 'pregunta', 'data-testid': o.id, 'data-state': 'abierta', novalidate: true },
    el('fieldset', {}, enunciado, el('span', { class: 'pregunta-piensa', text: T.piensa }),
      campo.nodo, el('div', { class: 'botones' }, comprobar)),
    veredicto, pista, motorDice, aviso);
  raiz.append(formulario);
  // A question may be built before its place is attached to the section: it joins the
  // section's tally once the code that builds it has run.
  let cuenta = null;
  queueMicrotask(() => { cuenta = recuento(formulario); cuenta.nueva(); });
  let intentos = 0, resuelta = false;

  const accion = o.motor.accion(aviso, { botones: [comprobar], calculando: false });

  function resolver(r) {
    motorDice.hidden = false;
    motorDice.textContent = r.respuesta;
    pista.hidden = true;
    formulario.dataset.state = 'resuelta';
    if (!resuelta) {
      resuelta = true;
      cuenta.resuelta(r.correcta && intentos === 1);
      o.alResolver?.();
    }
  }

  async function responder() {
    if (campo.vacio()) return ponerEstado(aviso, 'error', T.primero);
    ponerEstado(aviso, 'done', '');
    const r = await accion((cliente) => o.comprobar(campo.valor(), cliente));
    if (!r) return;
    intentos++;
    enviarRespuesta(o.id, campo.texto?.() ?? campo.valor(), r.correcta);
    veredicto.hidden = false;
    veredicto.dataset.correcta = String(r.correcta);
    if (r.correcta) {
      veredicto.textContent = intentos === 1 ? T.bien : T.bien_segunda;
      return resolver(r);
    }
    if (intentos === 1 && !resuelta) {
      veredicto.textContent = T.otra_vez;
      pista.hidden = false;
      pista.textContent = T.pista(o.ayuda ?? T.ayuda_general);
      formulario.dataset.state = 'segunda';
      return;
    }
    veredicto.textContent = T.no_exactamente;
    resolver(r);
  }
  formulario.addEventListener('submit', (e) => {
    e.preventDefault();
    responder();
  });

  return {
    nodo: formulario,
    /** After a change the question's numbers depend on (a new image): a fresh start. */
    reiniciar() {
      ponerEnunciado();
      veredicto.hidden = motorDice.hidden = pista.hidden = true;
      intentos = 0;
      formulario.dataset.state = 'abierta';
      campo.limpiar?.();
    },
  };
}

// The tally of a section's questions, shown under its introduction: how many the student got
// right at the first try, of how many. One per section, shared by its questions.
const recuentos = new WeakMap();
function recuento(nodo) {
  const seccion = nodo.closest('section') ?? document.body;
  if (recuentos.has(seccion)) return recuentos.get(seccion);
  const linea = el('p', { class: 'recuento', 'data-testid': 'section-tally', role: 'status' });
  const sitio = seccion.querySelector(':scope > .intro') ?? seccion.firstElementChild;
  if (sitio) sitio.after(linea); else seccion.prepend(linea);
  let total = 0, respondidas = 0, primera = 0;
  const pintar = () => {
    Object.assign(linea.dataset, { total: String(total), answered: String(respondidas), first: String(primera) });
    linea.textContent = respondidas === 0 ? T.recuento_inicio(entero(total))
      : T.recuento(entero(primera), entero(respondidas), entero(total));
  };
  const c = {
    nueva() { total++; pintar(); },
    resuelta(aLaPrimera) { respondidas++; if (aLaPrimera) primera++; pintar(); },
  };
  recuentos.set(seccion, c);
  return c;
}

function campoOpciones(o, n) {
  const nombre = `pregunta-${n}`;
  const radios = o.opciones.map(({ valor, texto }, i) => {
    const input = el('input', { type: 'radio', name: nombre, value: valor, id: `${nombre}-${i}`,
      'data-testid': `${o.id}-option-${i}` });
    return { input, nodo: el('label', { class: 'pregunta-opcion', for: input.id }, input, ` ${texto}`) };
  });
  const elegido = () => radios.find((r) => r.input.checked)?.input.value;
  return {
    nodo: el('div', { class: 'pregunta-opciones' }, radios.map((r) => r.nodo)),
    valor: elegido,
    texto: () => o.opciones.find((op) => op.valor === elegido())?.texto,
    vacio: () => elegido() === undefined,
    limpiar: () => radios.forEach((r) => { r.input.checked = false; }),
  };
}

function campoTexto(o, n) {
  const input = el('input', { type: 'text', id: `pregunta-${n}-texto`, autocomplete: 'off', spellcheck: 'false',
    placeholder: o.pista ?? '', inputmode: o.numerico ? 'decimal' : undefined, 'data-testid': `${o.id}-answer` });
  return {
    nodo: el('div', { class: 'pregunta-texto' }, el('label', { class: 'sr-only', for: input.id, text: T.tu_respuesta }), input),
    valor: () => input.value,
    vacio: () => !input.value.trim(),
    limpiar: () => { input.value = ''; },
  };
}
