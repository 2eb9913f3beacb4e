// The one probability-bar component: ten bars, one per digit (the drawing's answer, the
// lesson's model.predict, the last layer of "Qué ha aprendido la red"). Each bar is a meter
// with its value in data-value for tests and aria.

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
    const valor = el('span', { class: 'barra-valor' });
    const fila = el('li', {
      class: 'barra', 'data-testid': prefijo && `${prefijo}-${d}`, 'data-value': '0', role: 'meter',
      'aria-label': T.probabilidad_de(d), 'aria-valuemin': '0', 'aria-valuemax': '1', 'aria-valuenow': '0',
    }, el('span', { class: 'barra-digito', text: String(d) }), el('span', { class: 'barra-pista' }, relleno), valor);
    lista.append(fila);
    return { fila, relleno, valor };
  });

  return function mostrar(probabilidades) {
    const mejor = probabilidades ? probabilidades.indexOf(Math.max(...probabilidades)) : -1;
    filas.forEach(({ fila, relleno, valor }, d) => {
      const p = probabilidades ? probabilidades[d] : 0;
      fila.dataset.value = String(p);
      fila.setAttribute('aria-valuenow', String(p));
      fila.setAttribute('aria-valuetext', porcentaje(p));
      fila.classList.toggle('barra-mejor', d === mejor);
      // transform rather than width: no layout per update while the pen moves.
      relleno.style.transform = `scaleX(${p})`;
      valor.textContent = probabilidades ? formato(p) : '';
    });
  };
}
