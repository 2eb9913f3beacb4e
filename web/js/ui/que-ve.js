// "¿Qué ve la red?": the preprocessing steps of digit.h side by side, from the engine's own
// intermediate images (client.predict's steps): input, ink box, crop, 20×20 fit, 28×28 placement.

import { que_ve as T } from '../textos.js';
import { dimensionar, pintarTinta } from '../leccion/kit/lienzo.js';
import { el } from '../leccion/kit/dom.js';
import { entero } from '../formato.js';

const PASOS = ['entrada', 'caja', 'recorte', 'ajuste', 'colocado'];

export function crearQueVe(lista) {
  const lienzos = Object.fromEntries(PASOS.map((paso) => {
    const lienzo = el('canvas', { 'data-paso': paso, role: 'img', 'aria-label': T.pasos[paso] });
    lista.append(el('li', { class: `paso paso-${paso}` }, lienzo, el('span', { class: 'paso-pie', text: T.pasos[paso] })));
    return [paso, lienzo];
  }));

  function vaciar() {
    for (const lienzo of Object.values(lienzos)) {
      lienzo.width = lienzo.height = 1;
      lienzo.dataset.vacio = '';
    }
  }

  // fuente: the canvas the engine read; steps: client.predict's steps (digit.h).
  function mostrar(fuente, steps) {
    if (!steps || steps.empty) { vaciar(); return; }
    for (const lienzo of Object.values(lienzos)) delete lienzo.dataset.vacio;
    // Repainted every frame while the pen moves: the size is set only when it changes, and the
    // engine's canvas (opaque, white paper) covers the last frame.
    for (const paso of ['entrada', 'caja']) {
      const lienzo = lienzos[paso];
      dimensionar(lienzo, fuente.width, fuente.height);
      lienzo.getContext('2d').drawImage(fuente, 0, 0);
    }
    const { x0, y0, x1, y1 } = steps.box;
    const { cropped } = steps;
    lienzos.entrada.setAttribute('aria-label', T.pasos_alt.entrada(entero(fuente.width), entero(fuente.height)));
    lienzos.caja.setAttribute('aria-label', T.pasos_alt.caja(entero(x0), entero(y0), entero(x1 - x0), entero(y1 - y0)));
    lienzos.recorte.setAttribute('aria-label', T.pasos_alt.recorte(entero(cropped.width), entero(cropped.height)));
    const ctx = lienzos.caja.getContext('2d');
    ctx.strokeStyle = '#d9480f';
    ctx.lineWidth = Math.max(2, fuente.width / 70);
    ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
    pintarTinta(lienzos.recorte, cropped.pixels, cropped.width, cropped.height);
    pintarTinta(lienzos.ajuste, steps.fitted.pixels, steps.fitted.width, steps.fitted.height);
    const colocado = pintarTinta(lienzos.colocado, steps.placed);
    // digit.h puts the centre of mass on pixel (14, 14): mark that pixel.
    colocado.fillStyle = 'rgba(217, 72, 15, 0.8)';
    colocado.fillRect(14, 14, 1, 1);
  }

  vaciar();
  return { mostrar, vaciar };
}
