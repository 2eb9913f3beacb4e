// The Práctica's table as a CSV file for a spreadsheet: Spanish headers, ';' between fields and
// decimal commas (what a Spanish-language spreadsheet expects), UTF-8 with a BOM so that accents
// survive, one row per run.

import { leccion, aula } from '../textos.js';
import { sinAgrupar } from '../formato.js';

const T = leccion.practica;

// A field with ';', '"' or a line break goes between quotes, its quotes doubled.
const campo = (v) => {
  const s = String(v ?? '');
  return /[;"\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

// A student's text that a spreadsheet would take for a formula keeps a leading apostrophe.
const sinFormula = (t) => (/^[=+\-@\t\r]/.test(t) ? `'${t}` : t);

const cifra = (x) => (x === undefined ? '' : sinAgrupar(x, 4));
/** Rows of fields → the CSV text (without the BOM). */
export const csvDeFilas = (filas) => filas.map((f) => f.map(campo).join(';')).join('\r\n') + '\r\n';

/** runs: the table's runs → the CSV text (without the BOM). */
export function csvDeRuns(runs) {
  const filas = [T.csv_columnas];
  for (const r of runs) {
    const v = r.validacion.at(-1) ?? [];
    filas.push([
      r.n, r.etiqueta, T.base_nombres[r.base] ?? r.base, r.imagenes, r.epocas, r.parametros,
      r.segundos === null ? '' : sinAgrupar(r.segundos, 1), sinFormula(r.hipotesis),
      cifra(v[1]), cifra(v[2]), cifra(r.test?.loss), cifra(r.test?.accuracy),
      T.csv_estados[r.estado] ?? r.estado, r.diff.join(' '),
    ]);
  }
  return csvDeFilas(filas);
}

/**
 * «Práctica por grupos»: the class's experiments (server/aula/experimentos.mjs, best first) →
 * the CSV text (without the BOM): one row per experiment, its last epoch's validation beside
 * the test accuracy.
 */
export function csvDeExperimentos(lista) {
  const G = aula.grupos;
  return csvDeFilas([G.csv_columnas, ...lista.map((e, i) => {
    const v = e.epocas.at(-1);
    return [i + 1, G.variantes[e.variante] ?? e.variante, e.grupo ?? '', sinFormula(e.seudonimo), T.base_nombres[e.base] ?? e.base,
      e.imagenes, e.epocas.length, cifra(v[2]), cifra(v[3]), cifra(e.exactitud), sinAgrupar(e.segundos, 1), e.hilos];
  })]);
}

/** Hands the CSV to the browser as a download. */
export function descargarCsv(runs, nombre = T.csv_archivo) {
  const url = URL.createObjectURL(new Blob(['\uFEFF', csvDeRuns(runs)], { type: 'text/csv;charset=utf-8' }));
  const enlace = document.createElement('a');
  enlace.href = url;
  enlace.download = nombre;
  document.body.append(enlace);
  enlace.click();
  enlace.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
