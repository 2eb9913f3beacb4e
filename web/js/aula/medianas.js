// «Práctica por grupos»: each variant's median validation-accuracy curve (the bold line on the
// panel's chart, aula/grupos.js). Pure functions, no DOM.

/** The median of numbers. */
export function mediana(xs) {
  const o = xs.toSorted((a, b) => a - b);
  const m = o.length >> 1;
  return o.length % 2 ? o[m] : (o[m - 1] + o[m]) / 2;
}

/** Per variant, its median validation accuracy per epoch: [[epoch, median]] over the experiments that reached it. */
export function medianas(experimentos) {
  const por = new Map();
  for (const e of experimentos) {
    e.epocas.forEach((p, i) => {
      const lista = por.get(e.variante) ?? [];
      (lista[i] ??= []).push(p[3]);
      por.set(e.variante, lista);
    });
  }
  return new Map([...por].map(([v, lista]) => [v, lista.map((ys, i) => [i + 1, mediana(ys)])]));
}
