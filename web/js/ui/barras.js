// Ten probability bars, one per digit; each exposes its value in data-value for tests and aria.

import { dibujo as T } from '../textos.js';
import { porcentaje } from '../formato.js';

export function crearBarras(lista) {
  const filas = Array.from({ length: 10 }, (_, d) => {
    const fila = document.createElement('li');
    fila.className = 'barra';
    fila.dataset.testid = `prob-${d}`;
    fila.dataset.value = '0';
    fila.setAttribute('role', 'meter');
    fila.setAttribute('aria-label', T.probabilidad_de(d));
    fila.setAttribute('aria-valuemin', '0');
    fila.setAttribute('aria-valuemax', '1');
    fila.setAttribute('aria-valuenow', '0');
    const digito = document.createElement('span');
    digito.className = 'barra-digito';
    digito.textContent = String(d);
    const pista = document.createElement('span');
    pista.className = 'barra-pista';
    const relleno = document.createElement('span');
    relleno.className = 'barra-relleno';
    pista.append(relleno);
    const valor = document.createElement('span');
    valor.className = 'barra-valor';
    fila.append(digito, pista, valor);
    lista.append(fila);
    return { fila, relleno, valor };
  });

  // probabilidades: Float32Array(10), or null to empty the bars.
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
      valor.textContent = probabilidades ? porcentaje(p) : '';
    });
  };
}
