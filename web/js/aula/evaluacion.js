// The lesson's network on the class's handwriting, on the teacher's panel: the page starts the
// engine's worker with the pretrained network (as index.html does), reads every drawing of the
// class's set with it, and shows the accuracy, the accuracy per digit, the confusion table and
// the drawings it read worst (the lowest probability for their own digit), beside its MNIST figure.
// Before that, «Preguntar primero a la clase» puts up the class's live question about it (the
// students answer it in «Enséñale a la red», leccion/pregunta-aula.js), with its answers' card.

import { aula } from '../textos.js';
import { entero, porcentaje } from '../formato.js';
import { el, ponerEstado } from '../leccion/kit/dom.js';
import { ConvAulaClient } from '../client.js';
import { aFloats, medir } from '../leccion/ensena-datos.js';
import { nodosMedida } from '../leccion/ensena-medida.js';
import { deBase64 } from './galeria.js';

const T = aula.conjunto;
const MANIFIESTO = new URL('../../models/keras-mnist.json', import.meta.url).href;
const PEORES = 12;
/** The live question asked before the evaluation (its id, as leccion/pregunta-aula.js writes it). */
const PREGUNTA = 'question-class-handwriting';
const SIN_RESPUESTAS = { total: 0, round: 1, revealed: false, correct: 0, answers: [] };

/**
 * The evaluation in `raiz`; crearTarjeta(id) → {nodo, pintar(pregunta)}: the panel's card of a
 * live question. → {conjuntoCambiado({dibujos}) after each read of the set, pregunta(resumen)
 * at each panel summary, propia(id): whether a question's card is here, not in the panel's list}.
 */
export function crearEvaluacion(raiz, { crearTarjeta }) {
  const preguntar = el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': 'aula-ask-class', text: T.preguntar });
  const tarjeta = crearTarjeta(PREGUNTA);
  const pregunta = el('div', { class: 'evaluacion-pregunta', 'data-testid': 'aula-class-question', hidden: true },
    el('p', { class: 'nota', text: T.preguntar_nota }), tarjeta.nodo);
  tarjeta.pintar(SIN_RESPUESTAS);
  const abrirPregunta = () => {
    pregunta.hidden = false;
    preguntar.hidden = true;
  };
  preguntar.addEventListener('click', abrirPregunta);
  const boton = el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': 'aula-evaluate', text: T.evaluar, disabled: true });
  const detener = el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': 'aula-evaluate-stop', text: T.detener, disabled: true });
  const estado = el('p', { class: 'estado', role: 'status', 'data-testid': 'aula-evaluation-status' });
  const mnist = el('p', { class: 'nota', 'data-testid': 'aula-evaluation-mnist' });
  const resultado = el('div', { 'data-testid': 'aula-evaluation-result' });
  raiz.append(el('h2', { text: T.evaluar_titulo }), el('div', { class: 'botones' }, preguntar), pregunta,
    el('div', { class: 'botones' }, boton, detener), estado, mnist, resultado);

  let dibujos = [];
  let motor = null;  // {cliente, manifiesto}, once started
  async function arrancar() {
    if (motor) return motor;
    const cliente = new ConvAulaClient(new URL('../../worker.js', import.meta.url).href, { init: { manifest: MANIFIESTO } });
    const [inicio, manifiesto] = await Promise.all([cliente.started,
      fetch(MANIFIESTO).then((r) => (r.ok ? r.json() : null)).catch(() => null)]);
    if (!inicio.network) throw new Error('no pretrained network');
    motor = { cliente, manifiesto };
    return motor;
  }

  let parar = false;  // «Detener»: the loop ends before its next drawing
  detener.addEventListener('click', () => {
    parar = true;
    detener.disabled = true;
  });

  boton.addEventListener('click', async () => {
    const lista = dibujos.map((d) => ({ cifra: d.etiqueta, pixeles: deBase64(d.x) }));
    if (!lista.length) return ponerEstado(estado, 'empty', T.evaluar_vacio);
    boton.disabled = true;
    parar = false;
    detener.disabled = false;
    try {
      ponerEstado(estado, 'loading', T.evaluar_cargando);
      const { cliente, manifiesto } = await arrancar();
      const predichas = [], seguridad = [];
      for (const [i, d] of lista.entries()) {
        if (parar) return ponerEstado(estado, 'stopped', T.evaluar_detenida);
        if (i % 25 === 0) ponerEstado(estado, 'working', T.evaluando(entero(i), entero(lista.length)));
        const r = await cliente.predict({ pixels: aFloats(d.pixeles) });
        predichas.push(r.digit);
        seguridad.push(r.probabilities[d.cifra]);
      }
      const m = medir(lista.map((d) => d.cifra), predichas);
      const peores = [...m.fallos].sort((a, b) => seguridad[a] - seguridad[b]).slice(0, PEORES);
      const nodos = nodosMedida({ ...m, fallos: peores }, lista, predichas, 'propia');
      // Of many misread drawings, only the worst are shown: the heading says how many.
      if (m.fallos.length > PEORES) nodos.findLast((n) => n.tagName === 'H5').textContent = T.peores(entero(PEORES));
      resultado.replaceChildren(...nodos);
      const exactitudMnist = manifiesto?.testAccuracy;
      mnist.textContent = exactitudMnist ? T.mnist(porcentaje(exactitudMnist)) : '';
      estado.dataset.total = String(m.total);
      ponerEstado(estado, 'done', '');
    } catch {
      ponerEstado(estado, 'error', T.evaluar_error);
    } finally {
      boton.disabled = !dibujos.length;
      detener.disabled = true;
    }
  });

  return {
    pregunta(resumen) {
      const p = resumen.questions[PREGUNTA];
      tarjeta.pintar(p ?? SIN_RESPUESTAS);
      if (p) abrirPregunta();  // asked before this panel opened (a reload), or already answered
    },
    propia: (id) => id === PREGUNTA,
    conjuntoCambiado(conjunto) {
      dibujos = conjunto.dibujos;
      if (estado.dataset.state !== 'loading' && estado.dataset.state !== 'working') boton.disabled = !dibujos.length;
    },
  };
}
