// The one element builder of the page's widgets, and the status line they share.

/**
 * el('p', {class: 'x', text: 'hola'}, child...): an element with attributes and children.
 * `text` sets textContent, `on…` adds a listener, `style` goes through the CSSOM (the page's
 * Content-Security-Policy refuses inline style attributes), false/null/undefined are skipped.
 */
export function el(etiqueta, atributos = {}, ...hijos) {
  const nodo = document.createElement(etiqueta);
  for (const [clave, valor] of Object.entries(atributos)) {
    if (valor === undefined || valor === null || valor === false) continue;
    if (clave === 'text') nodo.textContent = valor;
    else if (clave === 'class') nodo.className = valor;
    else if (clave === 'style') ponerEstilo(nodo, valor);
    else if (clave.startsWith('on')) nodo.addEventListener(clave.slice(2), valor);
    else nodo.setAttribute(clave, valor === true ? '' : String(valor));
  }
  nodo.append(...hijos.flat().filter((h) => h !== null && h !== undefined));
  return nodo;
}

/**
 * A table in its own scrolling box (app.css's .tabla-caja): where the table is wider than the
 * screen (a phone, the projector's large type) the box scrolls, and as a focusable named region
 * the keyboard can scroll it too.
 */
export function cajaDeTabla(etiqueta, tabla) {
  return el('div', { class: 'tabla-caja', tabindex: 0, role: 'region', 'aria-label': etiqueta }, tabla);
}

// "a: 1; --b: x" → one setProperty per declaration.
function ponerEstilo(nodo, declaraciones) {
  for (const d of declaraciones.split(';')) {
    const dos = d.indexOf(':');
    if (dos > 0) nodo.style.setProperty(d.slice(0, dos).trim(), d.slice(dos + 1).trim());
  }
}

/** A status line that also tells tests and styles its state through data-state; empty = hidden. */
export function ponerEstado(nodo, estado, texto) {
  nodo.dataset.state = estado;
  nodo.textContent = texto;
  nodo.hidden = !texto;
}
