// Where «Enséñale a la red» keeps the student's drawings between visits: IndexedDB through npm's
// idb-keyval, with practica-guardado.js's failure rules: no IndexedDB (some private modes), a
// full quota or a database the browser refuses come back as an Error with a stable `code`
// ('sin_indexeddb', 'cuota', 'no_disponible'); the caller says so in Spanish and keeps the
// drawings in the page. A record that does not fit the layout (conjuntoValido) is not used and
// not overwritten until the student saves a new set.

import { MODOS, PIXELES, POR_CIFRA } from './ensena-datos.js';

const BASE = 'convaula-ensena';  // a database of its own: idb-keyval makes one store per database
const ALMACEN = 'dibujos';
const CLAVE = 'conjunto-v1';

/** True if `c` is {modo, porCifra, dibujos: [{cifra 0–9, pixeles: Uint8Array(784)}]}. */
export function conjuntoValido(c) {
  return typeof c === 'object' && c !== null && MODOS.includes(c.modo)
    && Number.isInteger(c.porCifra) && c.porCifra >= POR_CIFRA.minimo && c.porCifra <= POR_CIFRA.maximo
    && Array.isArray(c.dibujos) && c.dibujos.every((d) => typeof d === 'object' && d !== null
      && Number.isInteger(d.cifra) && d.cifra >= 0 && d.cifra <= 9
      && d.pixeles instanceof Uint8Array && d.pixeles.length === PIXELES);
}

function codigo(error) {
  if (error?.code === 'sin_indexeddb') return error;
  const nombre = error?.name ?? '';
  const code = nombre === 'QuotaExceededError' ? 'cuota' : 'no_disponible';
  return Object.assign(new Error(`${code}: ${nombre} ${error?.message ?? error}`), { code });
}

export function crearGuardadoEnsena() {
  let almacen = null;
  async function abrir() {
    if (typeof indexedDB === 'undefined' || !indexedDB) throw Object.assign(new Error('no IndexedDB'), { code: 'sin_indexeddb' });
    if (!almacen) {
      const idb = await import('../../vendor/idb-keyval/index.js');
      almacen = { idb, store: idb.createStore(BASE, ALMACEN) };
    }
    return almacen;
  }
  const intentar = async (fn) => {
    try {
      return await fn(await abrir());
    } catch (error) {
      throw codigo(error);
    }
  };
  return {
    /** {conjunto, danado}: the stored set (null if none or not valid; danado: it was not valid). */
    cargar: () => intentar(async ({ idb, store }) => {
      const c = await idb.get(CLAVE, store);
      if (c === undefined) return { conjunto: null, danado: false };
      return conjuntoValido(c) ? { conjunto: c, danado: false } : { conjunto: null, danado: true };
    }),
    /** Replaces the stored set with `conjunto`. */
    guardar: (conjunto) => intentar(({ idb, store }) => idb.set(CLAVE, conjunto, store)),
  };
}
