// Where «Enséñale a la red» keeps the student's drawings between visits: IndexedDB through
// ui/almacen.js: a failure comes back as an Error with a stable `code` ('sin_indexeddb', 'cuota',
// 'no_disponible'); the caller says so in Spanish and keeps the drawings in the page. A record
// that does not fit the layout (conjuntoValido) is set aside under '<key>-apartados', not used
// and not deleted.

import { crearAlmacen } from '../ui/almacen.js';
import { MODOS, PIXELES, POR_CIFRA } from './ensena-datos.js';

const BASE = 'convaula-ensena';  // a database of its own: idb-keyval makes one store per database
const ALMACEN = 'dibujos';
const CLAVE = 'conjunto-v1';

/** Strokes as trazos.js's puntos() gives them: [[x, y]…] per stroke, fractions of the side. */
const trazosValidos = (t) => Array.isArray(t) && t.every((trazo) => Array.isArray(trazo) && trazo.length > 0
  && trazo.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite)));

/**
 * True if `c` is {modo, porCifra, dibujos: [{cifra 0–9, pixeles: Uint8Array(784), trazos?}]}
 * (trazos: the strokes of a drawing made on the page; an imported one has none).
 */
export function conjuntoValido(c) {
  return typeof c === 'object' && c !== null && MODOS.includes(c.modo)
    && Number.isInteger(c.porCifra) && c.porCifra >= POR_CIFRA.minimo && c.porCifra <= POR_CIFRA.maximo
    && Array.isArray(c.dibujos) && c.dibujos.every((d) => typeof d === 'object' && d !== null
      && Number.isInteger(d.cifra) && d.cifra >= 0 && d.cifra <= 9
      && d.pixeles instanceof Uint8Array && d.pixeles.length === PIXELES
      && (d.trazos === undefined || trazosValidos(d.trazos)));
}

export function crearGuardadoEnsena() {
  const almacen = crearAlmacen(BASE, ALMACEN);
  return {
    /** {conjunto, danado}: the stored set (null if none or not valid; danado: it was set aside). */
    cargar: async () => {
      const { valor, apartado } = await almacen.leer(CLAVE, conjuntoValido);
      return { conjunto: valor ?? null, danado: apartado };
    },
    /** Replaces the stored set with `conjunto`. */
    guardar: (conjunto) => almacen.guardar(CLAVE, conjunto),
  };
}
