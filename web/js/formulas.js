// formulas.js: renders LaTeX with KaTeX (npm package, copied to dist/vendor by the build).
import katex from '../vendor/katex/katex.mjs';
import { el } from './leccion/kit/dom.js';

/**
 * Renders `tex` into `element` (replacing its content). display: a centred block formula.
 * The element should carry an aria-label with the formula read aloud in Spanish.
 */
export function formula(element, tex, { display = false } = {}) {
  katex.render(tex, element, { displayMode: display, throwOnError: false, output: 'htmlAndMathml' });
}

/**
 * Renders every [data-tex="clave"] element below `raiz` as the block formula tex[clave], read
 * aloud as alt[clave] (role="math").
 */
export function renderFormulas(raiz, tex, alt) {
  for (const el of raiz.querySelectorAll('[data-tex]')) {
    formula(el, tex[el.dataset.tex], { display: true });
    el.setAttribute('aria-label', alt[el.dataset.tex]);
    el.setAttribute('role', 'math');
  }
}

/**
 * One block of formulas read aloud as `alt`, one piece per line so they stack on a phone
 * instead of running off the screen. Returns the element.
 */
export function bloqueFormulas(alt, piezas) {
  return el('div', { class: 'formulas', role: 'math', 'aria-label': alt }, ...piezas.map((tex) => {
    const pieza = el('div', { class: 'formula', 'aria-hidden': 'true' });
    formula(pieza, tex, { display: true });
    return pieza;
  }));
}
