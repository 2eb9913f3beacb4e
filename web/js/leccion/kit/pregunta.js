// "Piensa antes de mirar": a question the student answers first (picks an option, types a
// number or a shape, or builds a one-hot row), then the page asks the engine and shows its
// answer beside the verdict. Every lesson question and exercise is one of these.

import { leccion } from '../../textos.js';
import { el, ponerEstado } from './dom.js';

const T = leccion.pregunta;
let contador = 0;

/**
 * Appends the question to `raiz` and returns {nodo, reiniciar()}.
 * @param {object} o
 *   id          data-testid prefix: `${id}` (the form), `${id}-respuesta`, `${id}-comprobar`,
 *               `${id}-veredicto` (data-correcta="true|false"), `${id}-motor`
 *   enunciado   the question (string, or a function called at each answer for live values)
 *   opciones    [{valor, texto}]: radio buttons; without them a text box (or `campo`)
 *   campo       {nodo, valor(), vacio()}: a custom answer field (the one-hot row)
 *   pista       the text box's placeholder and hint
 *   motor, comprobar(valor, cliente) → {correcta, respuesta}: the check, run through the engine
 *               lock (motor.accion); respuesta: the engine's answer, in Spanish
 */
export function crearPregunta(raiz, o) {
  const n = ++contador;
  const enunciado = el('legend', { class: 'pregunta-enunciado' });
  const ponerEnunciado = () => { enunciado.textContent = typeof o.enunciado === 'function' ? o.enunciado() : o.enunciado; };
  ponerEnunciado();
  const campo = o.campo ?? (o.opciones ? campoOpciones(o, n) : campoTexto(o, n));
  const comprobar = el('button', { type: 'submit', class: 'boton-pequeno', text: T.comprobar, 'data-testid': `${o.id}-comprobar` });
  const veredicto = el('p', { class: 'pregunta-veredicto', 'data-testid': `${o.id}-veredicto`, role: 'status', hidden: true });
  const motorDice = el('p', { class: 'pregunta-motor', 'data-testid': `${o.id}-motor`, hidden: true });
  const aviso = el('p', { class: 'error', role: 'alert', hidden: true });
  const formulario = el('form', { class: 'pregunta', 'data-testid': o.id, novalidate: true },
    el('fieldset', {}, enunciado, el('span', { class: 'pregunta-piensa', text: T.piensa }),
      campo.nodo, el('div', { class: 'botones' }, comprobar)),
    veredicto, motorDice, aviso);
  raiz.append(formulario);

  const accion = o.motor.accion(aviso, { botones: [comprobar], calculando: false });

  async function responder() {
    if (campo.vacio()) return ponerEstado(aviso, 'error', T.primero);
    ponerEstado(aviso, 'done', '');
    const r = await accion((cliente) => o.comprobar(campo.valor(), cliente));
    if (!r) return;
    veredicto.hidden = false;
    veredicto.dataset.correcta = String(r.correcta);
    veredicto.textContent = r.correcta ? T.bien : T.no_exactamente;
    motorDice.hidden = false;
    motorDice.textContent = r.respuesta;
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
      veredicto.hidden = motorDice.hidden = true;
      campo.limpiar?.();
    },
  };
}

function campoOpciones(o, n) {
  const nombre = `pregunta-${n}`;
  const radios = o.opciones.map(({ valor, texto }, i) => {
    const input = el('input', { type: 'radio', name: nombre, value: valor, id: `${nombre}-${i}`,
      'data-testid': `${o.id}-opcion-${i}` });
    return { input, nodo: el('label', { class: 'pregunta-opcion', for: input.id }, input, ` ${texto}`) };
  });
  const elegido = () => radios.find((r) => r.input.checked)?.input.value;
  return {
    nodo: el('div', { class: 'pregunta-opciones' }, radios.map((r) => r.nodo)),
    valor: elegido,
    vacio: () => elegido() === undefined,
    limpiar: () => radios.forEach((r) => { r.input.checked = false; }),
  };
}

function campoTexto(o, n) {
  const input = el('input', { type: 'text', id: `pregunta-${n}-texto`, autocomplete: 'off', spellcheck: 'false',
    placeholder: o.pista ?? '', inputmode: o.numerico ? 'decimal' : undefined, 'data-testid': `${o.id}-respuesta` });
  return {
    nodo: el('div', { class: 'pregunta-texto' }, el('label', { class: 'sr-only', for: input.id, text: T.tu_respuesta }), input),
    valor: () => input.value,
    vacio: () => !input.value.trim(),
    limpiar: () => { input.value = ''; },
  };
}
