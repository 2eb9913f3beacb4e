// Where the Práctica keeps its runs between visits: IndexedDB through ui/almacen.js, whose
// failures come back as an Error with a stable `code` ('sin_indexeddb', 'cuota',
// 'no_disponible'); the caller says so in Spanish and keeps the runs in the page.
//
// What is read back is checked against the layout of its key's version (VERSIONES): a record
// that does not fit (damaged, edited by hand) is set aside under '<key>-apartados', kept and
// not deleted, and left out of the table; the caller says how many. Runs of an older layout are
// brought up to the current one when no current key exists yet; the old key stays as it was.

import { crearAlmacen } from '../ui/almacen.js';

const ESTADOS = ['done', 'stopped', 'error'];
export const MAX_HIPOTESIS = 280;  // characters of a run's hypothesis

const finito = (x) => typeof x === 'number' && Number.isFinite(x);
const texto = (x) => typeof x === 'string';
const nulo = (x, valido) => x === null || valido(x);
const puntos = (x) => Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 3 && p.every(finito));

/** True if `r` is a finished run in the layout of 'runs-v1': validated on the test set. */
function runValidoV1(r) {
  return typeof r === 'object' && r !== null
    && Number.isInteger(r.n) && r.n > 0
    && texto(r.etiqueta) && texto(r.config) && texto(r.base) && (r.fecha === undefined || texto(r.fecha))
    && Array.isArray(r.diff) && r.diff.every(texto)
    && finito(r.imagenes) && r.imagenes >= 0 && finito(r.epocas) && r.epocas > 0
    && finito(r.parametros) && r.parametros >= 0
    && puntos(r.puntos)
    && nulo(r.test, (t) => typeof t === 'object' && finito(t.loss) && finito(t.accuracy))
    && nulo(r.segundos, (x) => finito(x) && x >= 0)
    && ESTADOS.includes(r.estado);
}

/**
 * True if `r` is a finished run in the layout of 'runs-v2' (practica.js, crearTablero): v1's,
 * plus the student's hypothesis and the validation points [epoch, loss, accuracy] measured on
 * held-out training images (`test` is then the test set scored once, at the end).
 */
export function runValido(r) {
  return runValidoV1(r) && texto(r.hipotesis) && r.hipotesis.length <= MAX_HIPOTESIS && puntos(r.validacion);
}

// The layouts, oldest first, each with how a run of it becomes one of the next.
const VERSIONES = [
  { clave: 'runs-v1', valido: runValidoV1, subir: (r) => ({ ...r, hipotesis: '', validacion: [] }) },
  { clave: 'runs-v2', valido: runValido },
];
const ACTUAL = VERSIONES.at(-1);
const apartados = (clave) => `${clave}-apartados`;

export function crearGuardado() {
  const almacen = crearAlmacen('convaula', 'practica');
  return {
    /**
     * {runs, apartados}: the valid runs stored by earlier visits ([] if none), and how many
     * records were set aside now (moved to '<key>-apartados' in the same transaction).
     */
    cargar: () => almacen.usar(async ({ idb, store }) => {
      const guardados = await idb.getMany(VERSIONES.map((v) => v.clave), store);
      const i = guardados.findLastIndex((g) => g !== undefined);
      if (i < 0) return { runs: [], apartados: 0 };
      const { clave, valido } = VERSIONES[i];
      const lista = Array.isArray(guardados[i]) ? guardados[i] : [guardados[i]];
      const malos = lista.filter((r) => !valido(r));
      const runs = VERSIONES.slice(i, -1).reduce((rs, v) => rs.map(v.subir), lista.filter(valido));
      const cambios = i < VERSIONES.length - 1 || malos.length ? [[ACTUAL.clave, runs]] : [];
      if (malos.length) {
        const ya = await idb.get(apartados(clave), store);
        cambios.push([apartados(clave), [...(Array.isArray(ya) ? ya : []), ...malos]]);
      }
      if (cambios.length) await idb.setMany(cambios, store);
      return { runs, apartados: malos.length };
    }),
    /** Replaces what is stored with `runs` (plain objects). */
    guardar: (runs) => almacen.guardar(ACTUAL.clave, runs),
  };
}
