// How the notebook's NumPy output reads on the page: np.round's rounding and the ten
// probabilities of model.predict, written the same way by «Evaluar y predecir» and
// «Reproducir el cuaderno».

// Program output keeps Python's notation, as the notebook prints it: 0.1234, not 0,1234.
export function comoPython(x, decimales = 4) {
  return x.toFixed(decimales);
}

// NumPy's np.round: to the nearest integer, halves to the even one (np.round(0.5) = 0,
// np.round(1.5) = 2), unlike Math.round, which sends every half up.
export function redondearComoNumpy(x) {
  const abajo = Math.floor(x);
  const resto = x - abajo;
  if (resto > 0.5) return abajo + 1;
  if (resto < 0.5) return abajo;
  return abajo % 2 === 0 ? abajo : abajo + 1;
}

// model.predict's (1, 10) array, four values a row as NumPy wraps it.
export function vectorComoNumpy(p) {
  const filas = [];
  for (let i = 0; i < p.length; i += 4) filas.push(Array.from(p.slice(i, i + 4), (v) => comoPython(v, 7)).join('  '));
  return `[[${filas.join('\n  ')}]]`;
}
