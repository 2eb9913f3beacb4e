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
