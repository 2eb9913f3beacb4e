// «Enséñale a la red», measuring: a network's answers on the held-out drawings as the accuracy,
// the accuracy per digit, the confusion table and the drawings it misread (what it saw, 28 × 28,
// and what it answered).

import { leccion } from '../textos.js';
import { entero, porcentaje } from '../formato.js';
import { el, cajaDeTabla } from './kit/dom.js';
import { pintarTinta } from './kit/lienzo.js';
import { aFloats } from './ensena-datos.js';
import { simbolo } from './ensena-coleccion.js';

const T = leccion.ensena;

/**
 * The measure m (ensena-datos.js's medir) of the drawings `dibujos` ([{cifra, pixeles}], in the
 * order measured) and the network's answers `predichas`, as nodes; pasos (ensena-que-ve.js), when
 * given, gives each misread drawing its «¿Qué ve?».
 */
export function nodosMedida(m, dibujos, predichas, modo, pasos) {
  const exactitud = el('p', { class: 'ensena-exactitud', 'data-testid': 'teach-accuracy', 'data-correct': String(m.aciertos),
    'data-total': String(m.total), text: T.exactitud(entero(m.aciertos), entero(m.total), porcentaje(m.exactitud)) });
  const porCifra = el('ol', { class: 'ensena-por-cifra', 'data-testid': 'teach-per-digit', 'aria-label': T.por_cifra_titulo },
    m.porCifra.map((c, d) => el('li', { text: `${simbolo(modo, d)}: ${c.total ? porcentaje(c.aciertos / c.total, 0) : '—'}` })));
  const cabecera = el('tr', {}, el('th', { scope: 'col', text: T.confusion_esquina }),
    ...Array.from({ length: 10 }, (_, d) => el('th', { scope: 'col', text: String(d) })));
  const filas = m.confusion.map((fila, d) => el('tr', {}, el('th', { scope: 'row', text: simbolo(modo, d) }),
    ...fila.map((n, p) => el('td', { class: `numero${n && p !== d ? ' ensena-error' : ''}${n && p === d ? ' ensena-bien' : ''}`, text: n ? entero(n) : '' }))));
  const tabla = el('table', { class: 'ensena-confusion', 'data-testid': 'teach-confusion' }, el('thead', {}, cabecera), el('tbody', {}, filas));
  const fallos = m.fallos.length
    ? el('div', { class: 'ensena-minis', 'data-testid': 'teach-misread' }, m.fallos.map((i) => {
      const c = el('canvas', { class: 'ensena-mini', role: 'img', 'aria-label': T.fallo_alt(dibujos[i].cifra, predichas[i]) });
      pintarTinta(c, aFloats(dibujos[i].pixeles));
      const ver = pasos?.boton(dibujos[i], T.fallo_nombre(simbolo(modo, dibujos[i].cifra), String(dibujos[i].cifra), predichas[i]));
      return el('figure', { class: 'ensena-dibujo', 'data-testid': 'teach-misread-drawing', 'data-digit': String(dibujos[i].cifra) },
        c, el('figcaption', { class: 'botones' }, el('span', { text: T.fallo(simbolo(modo, dibujos[i].cifra), predichas[i]) }), ver ?? []));
    }))
    : el('p', { 'data-testid': 'teach-misread', text: T.sin_fallos });
  return [exactitud, el('h5', { text: T.por_cifra_titulo }), porCifra, el('h5', { text: T.confusion_titulo }),
    cajaDeTabla(T.confusion_titulo, tabla), el('h5', { text: T.fallos_titulo }), fallos, ...(pasos ? [pasos.nodo] : [])];
}
