// Number formatting and parsing for Spanish readers: every number the page shows goes through here.

const cache = new Map();

// Intl.NumberFormat objects are costly to build and charts format many numbers per frame.
function formateador(opciones) {
  const clave = JSON.stringify(opciones);
  if (!cache.has(clave)) cache.set(clave, new Intl.NumberFormat('es-ES', opciones));
  return cache.get(clave);
}

// 60000 → "60.000"; es-ES leaves four-digit numbers ungrouped ("1024"), as the RAE recommends.
export function entero(n) {
  return formateador({ maximumFractionDigits: 0 }).format(n);
}

// 1290 → "1.290", like 18.496 beside it: a column of counts (Keras's summary) groups every
// number, so digits line up and sizes compare at a glance; running text keeps entero().
export function enteroAgrupado(n) {
  return formateador({ maximumFractionDigits: 0, useGrouping: 'always' }).format(n);
}

// 0.12345, 4 → "0,1235"
export function decimal(x, decimales = 4) {
  return formateador({ minimumFractionDigits: decimales, maximumFractionDigits: decimales }).format(x);
}

// Shortest form with `min` to `max` decimals: 0.001 → "0,001"; 1 → "1", or "1,0" with min 1.
export function numero(x, max = 6, min = 0) {
  return formateador({ minimumFractionDigits: min, maximumFractionDigits: max }).format(x);
}

// 0.9812, 2 → "98,12 %"
export function porcentaje(x, decimales = 1) {
  return formateador({ style: 'percent', minimumFractionDigits: decimales, maximumFractionDigits: decimales }).format(x);
}

// For a spreadsheet (CSV): decimal comma, no thousands separator: 60000 → "60000", 0.5 → "0,5".
export function sinAgrupar(x, max = 6) {
  return formateador({ useGrouping: false, maximumFractionDigits: max }).format(x);
}

// Seconds → "45 s", "3 min 05 s", "1 h 02 min".
export function duracion(segundos) {
  const s = Math.max(0, Math.round(segundos));
  const dos = (n) => String(n).padStart(2, '0');
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${dos(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${dos(Math.floor((s % 3600) / 60))} min`;
}

// Parses what a Spanish speaker types: "0,001", "0.001", " 1 ". Returns NaN if it is not a number.
// Thousands separators are not accepted: in a learning-rate box "1.000" is ambiguous.
export function leerNumero(texto) {
  const limpio = String(texto).trim().replace(',', '.');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(limpio)) return NaN;
  return Number(limpio);
}

const SUPERINDICES = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

// 0.000000953 → "9,54 · 10⁻⁷"; numbers from 0.001 up to a million keep the plain es-ES form.
export function cientifico(x, decimales = 2) {
  if (x === 0 || (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6)) return numero(x, Math.max(decimales, 3));
  const exponente = Math.floor(Math.log10(Math.abs(x)));
  const sup = String(exponente).split('').map((c) => SUPERINDICES[c]).join('');
  return `${numero(x / 10 ** exponente, decimales)} · 10${sup}`;
}
