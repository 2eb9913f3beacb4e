// requests.mjs: what the class API accepts: JSON bodies of a few hundred bytes, checked
// against a schema, same-origin only, and a rate per student.

/** A refusal: the status and a stable code (the page shows its Spanish text, textos.js aula.errores). */
export class ApiError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    Object.assign(this, { status, code, headers });
  }
}

export const MAX_BODY = 1024;  // bytes; the largest valid body is about 200

/** The request's JSON body (Content-Type application/json, at most `max` bytes). */
export async function readJson(req, max = MAX_BODY) {
  if (!/^application\/json(;|$)/i.test(req.headers['content-type'] ?? '')) {
    throw new ApiError(415, 'tipo_no_json', 'the body must be application/json');
  }
  if (Number(req.headers['content-length'] ?? 0) > max) throw tooLarge(max);
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > max) throw tooLarge(max);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'json_invalido', 'the body is not valid JSON');
  }
}
const tooLarge = (max) => new ApiError(413, 'demasiado_grande', `the body is over ${max} bytes`);

/**
 * Checks `body` against `schema` ({field: {type, max?, pattern?}}): an object with exactly
 * those fields; strings at most `max` characters (and matching `pattern`), trimmed.
 */
export function validate(body, schema) {
  const bad = (field, why) => new ApiError(422, 'esquema', `${field}: ${why}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body', 'not an object');
  for (const field of Object.keys(body)) if (!Object.hasOwn(schema, field)) throw bad(field, 'unknown field');
  const out = {};
  for (const [field, rule] of Object.entries(schema)) {
    let value = body[field];
    if (typeof value !== rule.type) throw bad(field, `expected a ${rule.type}`);
    if (rule.type === 'string') {
      value = value.trim();
      if (value.length === 0 || value.length > rule.max) throw bad(field, `1 to ${rule.max} characters`);
      if (rule.pattern && !rule.pattern.test(value)) throw bad(field, 'characters not allowed');
    }
    out[field] = value;
  }
  return out;
}

/**
 * Browsers send Origin on every POST and on cross-origin reads: it must be this server
 * (the Host the request came to). Scripts without a browser send none.
 */
export function checkOrigin(req) {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host !== req.headers.host) throw new ApiError(403, 'otro_origen', 'requests from another origin are refused');
}

/** A token bucket per key: `burst` requests at once, then `perSecond`. */
export function createRateLimit({ burst, perSecond }) {
  const buckets = new Map();
  return {
    take(key) {
      const now = Date.now();
      const b = buckets.get(key) ?? { tokens: burst, at: now };
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
      b.at = now;
      buckets.set(key, b);
      if (b.tokens < 1) {
        const wait = Math.ceil((1 - b.tokens) / perSecond);
        throw new ApiError(429, 'demasiadas_peticiones', 'too many requests: wait', { 'Retry-After': String(wait) });
      }
      b.tokens -= 1;
    },
    clear: () => buckets.clear(),
  };
}
