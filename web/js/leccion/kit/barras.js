// The one probability-bar component: ten bars, one per digit (the drawing's answer, the
// lesson's model.predict, the last layer of "Qué ha aprendido la red"). Each row is a list item
// (its value in data-value for tests) whose track is a meter: a list holds only list items, and
// the meter's value is a plain decimal percentage, as ARIA requires (never 3.6e-11).

import { dibujo as T } from '../../textos.js';
import { porcentaje } from '../../formato.js';
import { el } from './dom.js';

/**
 * Fills `lista` (an <ol class="barras">) and returns mostrar(probabilidades | null).
 * @param {{prefijo?: string, formato?: (p: number) => string}} o  prefijo: data-testid of each
 *   bar is `${prefijo}-${d}` (none without it); formato: the number written after the bar
 */
export function crearBarras(lista, { prefijo, formato = (p) => porcentaje(p) } = {}) {
  lista.classList.add('barras');
  const filas = Array.from({ length: 10 }, (_, d) => {
    const relleno = el('span', { class: 'barra-relleno' });
    const valor = el('span', { class: 'barra-valor', 'aria-hidden': 'true' });
    const pista = el('span', {
      class: 'barra-pista', role: 'meter', 'aria-label': T.probabilidad_de(d),
      'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0',
    }, relleno);
    const fila = el('li', { class: 'barra', 'data-testid': prefijo && `${prefijo}-${d}`, 'data-value': '0' },
      el('span', { class: 'barra-digito', 'aria-hidden': 'true', text: String(d) }), pista, valor);
    lista.append(fila);
    return { fila, pista, relleno, valor };
  });

  return function mostrar(probabilidades) {
    const mejor = probabilidades ? probabilidades.indexOf(Math.max(...probabilidades)) : -1;
    filas.forEach(({ fila, pista, relleno, valor }, d) => {
      const p = probabilidades ? probabilidades[d] : 0;
      fila.dataset.value = String(p);
      pista.setAttribute('aria-valuenow', (100 * p).toFixed(2));
      pista.setAttribute('aria-valuetext', probabilidades ? formato(p) : porcentaje(0));
      fila.classList.toggle('barra-mejor', d === mejor);
      // transform rather than width: no layout per update while the pen moves.
      relleno.style.transform = `scaleX(${p})`;
      valor.textContent = probabilidades ? formato(p) : '';
    });
  };
}

/** The three likeliest digits, likeliest first: [{d, p}] (what a screen reader hears first). */
export function tresPrimeros(probabilidades) {
  return Array.from(probabilidades, (p, d) => ({ d, p })).sort((a, b) => b.p - a.p).slice(0, 3);
}
