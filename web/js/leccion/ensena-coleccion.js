// «Enséñale a la red», collecting: the guided drawing ("Dibuja un 3", the digits in a shuffled
// order, N of each) through the engine's own preprocessing (a prediction's steps.placed, as the
// drawing panel's), and the grid of 28 × 28 thumbnails per digit with «Rehacer» and «Quitar».

import { leccion } from '../textos.js';
import { el, ponerEstado } from './kit/dom.js';
import { pintarTinta } from './kit/lienzo.js';
import { crearTrazos } from '../ui/trazos.js';
import { crearVerPasos } from './ensena-que-ve.js';
import { ARABIGOS, APARTE, aBytes, aFloats, ordenGuiado } from './ensena-datos.js';

const T = leccion.ensena;

/** The symbol the student copies for class `cifra` in `modo` (their own symbols: the class's digit). */
export const simbolo = (modo, cifra) => (modo === 'arabiga' ? ARABIGOS[cifra] : String(cifra));

/**
 * @param {HTMLElement} raiz
 * @param {{motor, conjunto: () => object, alCambiar: () => void}} o  conjunto() is the live set
 *   {modo, porCifra, dibujos}; alCambiar() after every change of its drawings
 * → {empezar(), pintarRejilla(), refrescar()}
 */
export function crearColeccion(raiz, { motor, conjunto, alCambiar }) {
  const pide = el('p', { class: 'ensena-pide', 'data-testid': 'teach-prompt', 'aria-live': 'polite' });
  // Ten symbols of the student's own: the first drawing of the class asked for, to draw it alike.
  const suyo = el('canvas', { class: 'ensena-mini', 'data-testid': 'teach-own-symbol', role: 'img', hidden: true });
  const cuenta = el('p', { class: 'ayuda', 'data-testid': 'teach-count' });
  const lienzo = el('canvas', { class: 'fuente-lienzo ensena-lienzo', 'data-testid': 'teach-canvas', role: 'img', 'aria-label': T.lienzo });
  const guardar = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'teach-save', text: T.guardar_dibujo });
  const borrar = el('button', { type: 'button', 'data-testid': 'teach-clear', text: T.borrar_trazo });
  const estado = el('p', { class: 'estado', role: 'status', 'data-testid': 'teach-draw-status' });
  const zona = el('div', { class: 'ensena-zona', hidden: true }, pide, suyo, cuenta, lienzo, el('div', { class: 'botones' }, guardar, borrar), estado);
  const rejilla = el('div', { class: 'ensena-rejilla', 'data-testid': 'teach-grid' });
  const pasos = crearVerPasos(motor, 'teach-thumb');
  raiz.append(zona, el('h4', { text: T.rejilla_titulo }), rejilla, pasos.nodo);
  const trazos = crearTrazos(lienzo, { alTrazar: () => {} });
  let pendientes = [];   // digits still to ask for, in order
  let rehaciendo = null;  // index into dibujos being redrawn, or null
  const accion = motor.accion(estado, { botones: [guardar], calculando: false });

  function faltan() {
    const { porCifra, dibujos } = conjunto();
    const hay = new Array(10).fill(0);
    for (const d of dibujos) hay[d.cifra] += 1;
    // The same shuffled order whatever is missing: the full order, minus what is drawn.
    return ordenGuiado(porCifra, porCifra * 7919).filter((c) => (hay[c] -= 1) < 0);
  }

  function preguntar() {
    const { modo, porCifra } = conjunto();
    const cifra = rehaciendo !== null ? conjunto().dibujos[rehaciendo].cifra : pendientes[0];
    zona.hidden = cifra === undefined;
    if (cifra === undefined) {
      ponerEstado(estado, 'complete', T.completo);
      return;
    }
    const s = simbolo(modo, cifra);
    if (modo === 'inventada') pide.textContent = rehaciendo !== null ? T.rehacer_inventado(cifra) : T.dibuja_inventado(cifra);
    else pide.textContent = rehaciendo !== null ? T.dibuja_rehacer(s, String(cifra)) : T.dibuja(s, String(cifra));
    mostrarSuyo(modo, cifra);
    pide.dataset.digit = String(cifra);
    const total = porCifra * 10;
    cuenta.textContent = T.cuenta(Math.min(total, total - pendientes.length + 1), total);
    trazos.borrar();
  }

  function mostrarSuyo(modo, cifra) {
    const primero = conjunto().dibujos.find((d) => d.cifra === cifra);
    suyo.hidden = modo !== 'inventada' || !primero;
    if (suyo.hidden) return;
    pintarTinta(suyo, aFloats(primero.pixeles));
    suyo.setAttribute('aria-label', T.tu_simbolo(cifra));
  }

  guardar.addEventListener('click', () => accion(async (cliente) => {
    const imagen = trazos.imagen();
    if (!imagen) return ponerEstado(estado, 'empty', T.vacio_aviso);
    const { steps } = await cliente.predict(imagen);
    if (steps.empty) return ponerEstado(estado, 'empty', T.vacio_aviso);
    // The strokes are kept too: «¿Qué ve?» draws them again for the engine (ensena-que-ve.js).
    const dibujo = { pixeles: aBytes(steps.placed), trazos: trazos.puntos() };
    const { dibujos } = conjunto();
    if (rehaciendo !== null) {
      dibujos[rehaciendo] = { cifra: dibujos[rehaciendo].cifra, ...dibujo };
      rehaciendo = null;
    } else {
      dibujos.push({ cifra: pendientes.shift(), ...dibujo });
    }
    ponerEstado(estado, 'saved', '');
    pintarRejilla();
    alCambiar();
    preguntar();
  }));
  borrar.addEventListener('click', () => trazos.borrar());

  function miniatura(d, i, n, aparte, modo) {
    const lienzoMini = el('canvas', { class: 'ensena-mini', role: 'img', 'aria-label': T.miniatura_alt(d.cifra, n, aparte) });
    pintarTinta(lienzoMini, aFloats(d.pixeles));
    const rehacer = el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': 'teach-redo', text: T.rehacer,
      onclick: () => { rehaciendo = i; preguntar(); lienzo.scrollIntoView({ block: 'center' }); } });
    const quitar = el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': 'teach-delete', text: T.quitar,
      onclick: () => {
        conjunto().dibujos.splice(i, 1);
        rehaciendo = null;
        pendientes = faltan();
        pintarRejilla();
        alCambiar();
        preguntar();
      } });
    const ver = pasos.boton(d, T.dibujo_nombre(simbolo(modo, d.cifra), String(d.cifra), n));
    return el('figure', { class: `ensena-dibujo${aparte ? ' aparte' : ''}`, 'data-testid': 'teach-thumb', 'data-digit': String(d.cifra) },
      lienzoMini, el('figcaption', { class: 'botones' }, rehacer, quitar, ver ?? []));
  }

  function pintarRejilla() {
    const { modo, dibujos } = conjunto();
    const filas = Array.from({ length: 10 }, () => []);
    dibujos.forEach((d, i) => filas[d.cifra].push(i));
    rejilla.replaceChildren(...filas.map((indices, cifra) => el('div', { class: 'ensena-fila' },
      el('p', { class: 'ensena-fila-titulo', text: T.cifra_titulo(simbolo(modo, cifra), String(cifra), indices.length) }),
      el('div', { class: 'ensena-minis' }, indices.map((i, k) => miniatura(dibujos[i], i, k + 1, (k + 1) % APARTE === 0, modo))))));
    rejilla.dataset.count = String(dibujos.length);
  }

  return {
    /** Asks for the drawings still missing (all of them for a new set). */
    empezar() {
      pendientes = faltan();
      rehaciendo = null;
      preguntar();
      if (pendientes.length) lienzo.scrollIntoView({ block: 'center' });
    },
    pintarRejilla,
    /** Says the current request again (the mode changed its symbol), if one is showing. */
    refrescar() { if (!zona.hidden) preguntar(); },
  };
}
