// The lesson's glossary: its entries (from textos.js) and, in the lesson's prose, a link from
// each term's first use to its entry, and from the entry back to that first use.

import { glosario as T } from '../textos.js';
import { el } from '../leccion/kit/dom.js';

/** Fills `seccion` with the glossary's entries. */
export function crearGlosario(seccion) {
  const lista = el('dl', { class: 'glosario-lista' });
  for (const t of T.terminos) {
    lista.append(el('dt', { id: `glosario-${t.id}`, tabindex: '-1', text: t.termino }),
      el('dd', { 'data-termino': t.id }, el('span', { text: t.definicion })));
  }
  seccion.append(lista);
}

/**
 * Links every term's first use in `raiz`'s prose (paragraphs and list items with static text,
 * in reading order, outside the glossary) to its entry. Forms are matched as whole words.
 */
export function enlazarGlosario(raiz) {
  const parrafos = [...raiz.querySelectorAll('p[data-t], li[data-t]')].filter((p) => !p.closest('#glosario'));
  for (const t of T.terminos) {
    const patron = new RegExp(`(?<![\\p{L}\\d])(${t.formas.map(escapar).join('|')})(?![\\p{L}\\d])`, 'iu');
    for (const p of parrafos) {
      if (enlazarEn(p, patron, t)) break;
    }
  }
}

const escapar = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Wraps the first match in one of the paragraph's own text nodes; true if it found one.
function enlazarEn(parrafo, patron, { id, testid }) {
  for (const nodo of [...parrafo.childNodes]) {
    if (nodo.nodeType !== Node.TEXT_NODE) continue;
    const m = patron.exec(nodo.data);
    if (!m) continue;
    const resto = nodo.splitText(m.index);
    resto.splitText(m[0].length);
    const enlace = el('a', { class: 'termino', href: `#glosario-${id}`, id: `uso-${id}`, 'data-testid': `glossary-link-${testid}` });
    resto.replaceWith(enlace);
    enlace.append(resto);
    const entrada = document.querySelector(`#glosario [data-termino="${id}"]`);
    entrada?.append(' ', el('a', { href: `#uso-${id}`, class: 'volver', text: `↩ ${T.volver}` }));
    return true;
  }
  return false;
}
