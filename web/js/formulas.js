// formulas.js: renders LaTeX with KaTeX (npm package, copied to dist/vendor by the build).
import katex from '../vendor/katex/katex.mjs';

/**
 * Renders `tex` into `element` (replacing its content). display: a centred block formula.
 * The element should carry an aria-label with the formula read aloud in Spanish.
 */
export function formula(element, tex, { display = false } = {}) {
  katex.render(tex, element, { displayMode: display, throwOnError: false, output: 'htmlAndMathml' });
}

/** Renders every element with a data-tex attribute below root (display if data-display). */
export function renderFormulas(root = document) {
  for (const el of root.querySelectorAll('[data-tex]')) {
    formula(el, el.dataset.tex, { display: el.hasAttribute('data-display') });
  }
}
