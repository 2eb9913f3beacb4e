// The page's network (slot 'principal') kept in this browser when it was trained in class or
// loaded from a file, so that a reload or a restarted engine gives it back instead of the
// pretrained one. A run that crashes the engine never replaces it: it is written only once a
// run has ended, so the network from before "Entrenar" is what comes back.

import { pesos as T } from '../textos.js';
import { crearAlmacen } from './almacen.js';
import { MAXIMO_BYTES } from './pesos.js';

const CLAVE = 'red-v1';  // a new layout gets a new key; records under an old one are then ignored
const ORIGENES = ['clase', 'archivo'];  // modelo_activo's keys it may be shown with

/** True if `r` is a record in the layout of 'red-v1' (the engine still checks the weights). */
export function redValida(r) {
  return typeof r === 'object' && r !== null
    && r.pesos instanceof ArrayBuffer && r.pesos.byteLength > 0 && r.pesos.byteLength <= MAXIMO_BYTES
    && ORIGENES.includes(r.origen) && (r.archivo === null || typeof r.archivo === 'string')
    && typeof r.fecha === 'string';
}

/**
 * `avisar(frase, estado)` shows a Spanish notice ('error': it could not be kept; 'set-aside':
 * a stored record was refused). → {guardar(origen, archivo), recuperar(), olvidar()}
 */
export function crearRedConservada(cliente, { avisar }) {
  const almacen = crearAlmacen('convaula-red');
  const fallo = (error) => avisar(T.conservar_error[error?.code] ?? T.conservar_error.no_disponible, 'error');
  // Without IndexedDB nothing was kept: there is nothing to read or forget, and nothing to say.
  const falloSalvoSinIdb = (error) => { if (error?.code !== 'sin_indexeddb') fallo(error); };
  // Reading refused (some private modes, a database the browser will not open): nothing comes back.
  const ilegible = (error) => { if (error?.code !== 'sin_indexeddb') avisar(T.conservada_ilegible, 'error'); };
  const apartada = () => avisar(T.conservada_apartada, 'set-aside');
  return {
    /** Keeps the network now in 'principal'; `origen`, `archivo`: how the "Red activa" line names it. */
    async guardar(origen, archivo = null) {
      try {
        const pesos = await cliente.saveWeights({ model: 'principal' });
        await almacen.guardar(CLAVE, { pesos, origen, archivo, fecha: new Date().toISOString() });
        return true;
      } catch (error) {
        fallo(error);
        return false;
      }
    },
    /**
     * Loads the kept network into 'principal': {resumen, origen, archivo}, or null (none kept,
     * or none usable). A record the engine refuses, or that crashes it, is set aside: it would
     * otherwise be refused again at every start.
     */
    async recuperar() {
      let valor;
      try {
        const leido = await almacen.leer(CLAVE, redValida);
        if (leido.apartado) apartada();
        valor = leido.valor;
      } catch (error) {
        ilegible(error);
        return null;
      }
      if (!valor) return null;
      try {
        return { resumen: await cliente.loadWeights(valor.pesos), origen: valor.origen, archivo: valor.archivo };
      } catch {
        await almacen.apartar(CLAVE).catch(() => {});
        apartada();
        return null;
      }
    },
    /** The page went back to the pretrained network: nothing to give back any more. */
    olvidar: () => almacen.borrar(CLAVE).catch(falloSalvoSinIdb),
  };
}
