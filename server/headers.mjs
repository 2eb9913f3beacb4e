// headers.mjs: what every response of the server carries (files, the class API, errors), and
// the plain-text error answers.
import { STATUS_CODES } from 'node:http';

// Code only from this origin, no eval ('wasm-unsafe-eval' lets the workers compile the
// engine's wasm, nothing more), no inline scripts or style attributes, no requests
// anywhere else. index.html repeats it in a <meta> for other servers; keep both the same.
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers on every response, errors and 304s included. */
export function securityHeaders(isolation) {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': CSP,
    'Referrer-Policy': 'no-referrer',
    ...(isolation && {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    }),
  };
}

export class HttpError extends Error {
  constructor(status) { super(String(status)); this.status = status; }
}

/** Plain-text errors ("404\n") with the security headers; `failRaw` when Node has no `res`. */
export function errors(security) {
  const headersOf = (status, extra) => ({ ...security, 'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(`${status}\n`), 'Cache-Control': 'no-store',
    ...(status === 503 && { 'Retry-After': '5' }), ...extra });
  return {
    fail(res, status, extra = {}) {
      res.writeHead(status, headersOf(status, extra));
      res.end(`${status}\n`);
    },
    failRaw(socket, status) {
      const head = Object.entries(headersOf(status, { Connection: 'close' })).map(([k, v]) => `${k}: ${v}\r\n`);
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${status}\n`);
    },
  };
}
