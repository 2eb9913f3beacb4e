// Where the Práctica keeps its runs between visits: IndexedDB, through npm's idb-keyval (copied
// to vendor/ by the build). Every failure — no IndexedDB (some private modes), a full quota, a
// database the browser refuses — comes back as an Error with a stable `code` ('sin_indexeddb',
// 'cuota', 'no_disponible'); the caller says so in Spanish and keeps the runs in the page.
//
// What is read back is checked against the layout of CLAVE's version (runValido): a record
// that does not fit (damaged, written by another version, edited by hand) is set aside under
// APARTADOS, kept and not deleted, and left out of the table; the caller says how many.

const BASE = 'convaula';
const ALMACEN = 'practica';
const CLAVE = 'runs-v1';  // a new layout gets a new key; an old one is then ignored
const APARTADOS = `${CLAVE}-apartados`;
const ESTADOS = ['done', 'stopped', 'error'];

const finito = (x) => typeof x === 'number' && Number.isFinite(x);
const texto = (x) => typeof x === 'string';
const nulo = (x, valido) => x === null || valido(x);

/** True if `r` is a finished run in the layout of 'runs-v1' (practica.js, crearTablero). */
export function runValido(r) {
  return typeof r === 'object' && r !== null
    && Number.isInteger(r.n) && r.n > 0
    && texto(r.etiqueta) && texto(r.config) && texto(r.base) && (r.fecha === undefined || texto(r.fecha))
    && Array.isArray(r.diff) && r.diff.every(texto)
    && finito(r.imagenes) && r.imagenes >= 0 && finito(r.epocas) && r.epocas > 0
    && finito(r.parametros) && r.parametros >= 0
    && Array.isArray(r.puntos) && r.puntos.every((p) => Array.isArray(p) && p.length === 3 && p.every(finito))
    && nulo(r.test, (t) => typeof t === 'object' && finito(t.loss) && finito(t.accuracy))
    && nulo(r.segundos, (x) => finito(x) && x >= 0)
    && ESTADOS.includes(r.estado);
}

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
    /**
     * {runs, apartados}: the valid runs stored by earlier visits ([] if none), and how many
     * records were set aside now (moved to APARTADOS in the same transaction).
     */
    cargar: () => intentar(async ({ idb, store }) => {
      const [guardado, yaApartados] = await idb.getMany([CLAVE, APARTADOS], store);
      if (guardado === undefined) return { runs: [], apartados: 0 };
      const lista = Array.isArray(guardado) ? guardado : [guardado];
      const runs = lista.filter(runValido);
      const malos = lista.filter((r) => !runValido(r));
      if (malos.length) {
        await idb.setMany([[CLAVE, runs], [APARTADOS, [...(Array.isArray(yaApartados) ? yaApartados : []), ...malos]]], store);
      }
      return { runs, apartados: malos.length };
    }),
    /** Replaces what is stored with `runs` (plain objects). */
    guardar: (runs) => intentar(({ idb, store }) => idb.set(CLAVE, runs, store)),
  };
}
