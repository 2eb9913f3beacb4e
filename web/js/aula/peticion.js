// The class API (scripts/serve.mjs --class, server/aula/api.mjs) from the page: JSON in and
// out, same origin. A refusal becomes an ErrorAula with the server's stable code; no
// connection at all is the code 'red'.

export const API = new URL('../../api/aula/', import.meta.url);

export class ErrorAula extends Error {
  constructor(code, status = 0, reintentarEn = 0) {
    super(code);
    Object.assign(this, { code, status, reintentarEn });
  }
}

/**
 * `ruta` under /api/aula/; `datos` is sent as JSON; `cabeceras` (a token, the key). Resolves the
 * JSON answer, or with `bytes` the body as a Uint8Array (a refusal is JSON either way).
 */
export async function pedir(ruta, { datos, cabeceras = {}, bytes = false } = {}) {
  let r;
  try {
    r = await fetch(new URL(ruta, API), {
      method: datos === undefined ? 'GET' : 'POST',
      headers: { ...(datos !== undefined && { 'Content-Type': 'application/json' }), ...cabeceras },
      body: datos === undefined ? undefined : JSON.stringify(datos),
      cache: 'no-store',
    });
  } catch {
    throw new ErrorAula('red');
  }
  if (r.ok && bytes) return new Uint8Array(await r.arrayBuffer());
  const cuerpo = await r.json().catch(() => ({}));
  if (!r.ok) throw new ErrorAula(cuerpo.code ?? 'otro', r.status, Number(r.headers.get('Retry-After') ?? 0));
  return cuerpo;
}

/** The Spanish text of an error code (textos.js aula.errores). */
export const textoError = (errores, code) => errores[code] ?? errores.otro;

/** A file the teacher downloads from `ruta` (with the key in `cabeceras`), saved as `nombre`. */
export async function descargar(ruta, nombre, cabeceras) {
  const r = await fetch(new URL(ruta, API), { headers: cabeceras, cache: 'no-store' });
  if (!r.ok) throw new ErrorAula('otro', r.status);
  const enlace = document.createElement('a');
  enlace.href = URL.createObjectURL(await r.blob());
  enlace.download = nombre;
  enlace.click();
  setTimeout(() => URL.revokeObjectURL(enlace.href), 10_000);
}

/**
 * Reads a panel's data again after each change the live summary announces (its `cambios`), one
 * request at a time: leer() resolves the data, pintar(datos) shows it. Returns actualizar(cambios).
 */
export function crearLector(leer, pintar) {
  let leido = null, leyendo = false, pendiente = null;
  async function bucle() {
    leyendo = true;
    try {
      while (pendiente !== leido) {
        const quiero = pendiente;
        const datos = await leer();
        leido = quiero;
        pintar(datos);
      }
    } catch {
      leido = null;  // read again at the next change
    } finally {
      leyendo = false;
    }
  }
  return (cambios) => {
    pendiente = cambios ?? null;
    if (!leyendo) bucle();
  };
}
