// Records kept in this browser between visits, each checked on load against the layout of its
// versioned key. IndexedDB (crearAlmacen) for big ones, through npm's idb-keyval (copied to
// vendor/ by the build); Web Storage (leerLocal/guardarLocal) for small settings.
//
// A record that does not fit its layout (damaged, written by another version, edited by hand)
// is set aside under `${clave}-apartados`, kept and not deleted, and the caller is told so. Every
// IndexedDB failure — none (some private modes), a full quota, a database the browser refuses —
// comes back as an Error with a stable `code` ('sin_indexeddb', 'cuota', 'no_disponible'); the
// caller says so in Spanish and carries on with what it has in the page.

const apartados = (clave) => `${clave}-apartados`;

function codigo(error) {
  if (error?.code === 'sin_indexeddb') return error;
  const nombre = error?.name ?? '';
  const code = nombre === 'QuotaExceededError' ? 'cuota' : 'no_disponible';
  return Object.assign(new Error(`${code}: ${nombre} ${error?.message ?? error}`), { code });
}

/** The IndexedDB database `base` with one object store (`nombre`, by default the same name). */
export function crearAlmacen(base, nombre = base) {
  let abierto = null;  // idb-keyval's store, opened at first use
  async function abrir() {
    if (typeof indexedDB === 'undefined' || !indexedDB) throw Object.assign(new Error('no IndexedDB'), { code: 'sin_indexeddb' });
    if (!abierto) {
      const idb = await import('../../vendor/idb-keyval/index.js');
      abierto = { idb, store: idb.createStore(base, nombre) };
    }
    return abierto;
  }
  const intentar = async (fn) => {
    try {
      return await fn(await abrir());
    } catch (error) {
      throw codigo(error);
    }
  };
  // Moves the record under `clave` to the end of its set-aside list, in one transaction
  // (requests in a transaction complete in order: the list is read before the record).
  const apartar = ({ idb, store }, clave) => store('readwrite', (s) => new Promise((resolve, reject) => {
    const lista = s.get(apartados(clave)), valor = s.get(clave);
    valor.onsuccess = () => {
      if (valor.result !== undefined) {
        s.put([...(Array.isArray(lista.result) ? lista.result : []), valor.result], apartados(clave));
        s.delete(clave);
      }
      resolve(idb.promisifyRequest(s.transaction));
    };
    valor.onerror = () => reject(valor.error);
  }));
  return {
    /** {valor, apartado}: the record if it fits valido(record) (else undefined, and apartado true). */
    leer: (clave, valido) => intentar(async (a) => {
      const valor = await a.idb.get(clave, a.store);
      if (valor === undefined || valido(valor)) return { valor, apartado: false };
      await apartar(a, clave);
      return { valor: undefined, apartado: true };
    }),
    guardar: (clave, valor) => intentar(({ idb, store }) => idb.set(clave, valor, store)),
    /** Sets the record aside: it fitted its layout but its contents were refused (by the engine, say). */
    apartar: (clave) => intentar((a) => apartar(a, clave)),
    borrar: (clave) => intentar(({ idb, store }) => idb.del(clave, store)),
    /** fn({idb, store}) with idb-keyval and the store, its failures coded as the others'. */
    usar: (fn) => intentar(fn),
  };
}

/**
 * The value stored in Web Storage `almacen` ('localStorage' or 'sessionStorage') under `clave`,
 * written by guardarLocal: {valor, apartado}. `valido(valor)` is its layout; a value that is not JSON or
 * does not fit is set aside (apartado: true) and `valor` is null. Storage refused (private
 * modes): null, as if nothing had been stored.
 */
export function leerLocal(almacen, clave, valido) {
  let texto = null;
  try { texto = globalThis[almacen].getItem(clave); } catch { return { valor: null, apartado: false }; }
  if (texto === null) return { valor: null, apartado: false };
  try {
    const valor = JSON.parse(texto);
    if (valido(valor)) return { valor, apartado: false };
  } catch { /* not JSON: set aside below */ }
  try {
    globalThis[almacen].setItem(apartados(clave), texto);
    globalThis[almacen].removeItem(clave);
  } catch { /* storage refused: it stays where it is, and is refused again next time */ }
  return { valor: null, apartado: true };
}

/** Stores `valor` as JSON; false if the browser refused (private modes, quota). */
export function guardarLocal(almacen, clave, valor) {
  try {
    globalThis[almacen].setItem(clave, JSON.stringify(valor));
    return true;
  } catch {
    return false;
  }
}
