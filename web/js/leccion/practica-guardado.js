// Where the Práctica keeps its runs between visits: IndexedDB, through npm's idb-keyval (copied
// to vendor/ by the build). Every failure — no IndexedDB (some private modes), a full quota, a
// database the browser refuses — comes back as an Error with a stable `code` ('sin_indexeddb',
// 'cuota', 'no_disponible'); the caller says so in Spanish and keeps the runs in the page.

const BASE = 'convaula';
const ALMACEN = 'practica';
const CLAVE = 'runs-v1';  // a new layout gets a new key; an old one is then ignored

function codigo(error) {
  if (error?.code === 'sin_indexeddb') return error;
  const nombre = error?.name ?? '';
  const code = nombre === 'QuotaExceededError' ? 'cuota' : 'no_disponible';
  return Object.assign(new Error(`${code}: ${nombre} ${error?.message ?? error}`), { code });
}

export function crearGuardado() {
  let almacen = null;  // idb-keyval's store, opened at first use
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
    /** The runs stored by earlier visits ([] if none). */
    cargar: () => intentar(async ({ idb, store }) => {
      const runs = await idb.get(CLAVE, store);
      return Array.isArray(runs) ? runs : [];
    }),
    /** Replaces what is stored with `runs` (plain objects). */
    guardar: (runs) => intentar(({ idb, store }) => idb.set(CLAVE, runs, store)),
  };
}
