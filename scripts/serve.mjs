#!/usr/bin/env node
// serve.mjs: the server for web/dist, on this machine (127.0.0.1) or for a whole class (--class).
//
//   node scripts/serve.mjs [--no-isolation] [--root DIR] [--class] [--host ADDR] [--log]
//                          [--timeout SECONDS]
//   PORT=8080 by default (0 = any free port); CLASS=1 is the same as --class.
//
// --class listens on every interface and prints each LAN address with a QR code, so thirty
// devices on the school's Wi-Fi can open the page; any Host name is answered. --host binds
// one address instead (the tests use 127.0.0.1). --log prints one line per response
// ("log: GET /path 200 1234 br"), which the tests and bench/carga.mjs count bytes with.
// The first line is always "ConvAula: http://127.0.0.1:PORT/" (tests wait for it).
//
// What a class cannot knock over (README, "Despliegue (deployment)"): every response, errors included,
// carries the CSP, nosniff and COOP/COEP/CORP, Node's own answers to malformed requests too
// (400, and 431 for a request line or headers over 16 KB); nothing outside the root is served
// (symlinks are resolved and checked); a bad URL is a 400, an unreadable or vanishing file (a
// request during build-web.sh's rm/cp) a 403/404, a server out of file descriptors a 503 (the
// page then retries later, not at once), and a stream that fails halfway is closed without
// taking the server down. A connection idle for --timeout seconds (30 by default: a client
// that stopped reading, or never finished its headers) is closed, and its file with it. ETag/Last-Modified with Cache-Control: no-cache make the browser's
// and the service worker's revalidation a 304. x.br / x.gz beside x (made by
// scripts/compress.mjs) are sent with Content-Encoding when the browser accepts them.
// data/*.gz have no x beside them: they go out as opaque bytes, which the worker inflates
// itself with DecompressionStream (and reports download progress).
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { STATUS_CODES, createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const isolation = !flag('--no-isolation');
const classMode = flag('--class') || process.env.CLASS === '1';
const log = flag('--log');
const root = resolve(option('--root') ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', 'web', 'dist'));
const port = Number(process.env.PORT ?? 8080);
const host = option('--host') ?? (classMode ? '::' : '127.0.0.1');
const timeoutMs = Math.max(1, Math.round(1000 * Number(option('--timeout') ?? 30))) || 30_000;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.gz': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

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

// On every response, errors and 304s included.
const SECURITY = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': CSP,
  'Referrer-Policy': 'no-referrer',
  ...(isolation && {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }),
};

// Preferred first; a q=0 in Accept-Encoding refuses that coding.
const CODINGS = [['br', '.br'], ['gzip', '.gz']];
function accepted(header = '') {
  const ok = new Set();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) ok.add(name);
  }
  return ok;
}

class HttpError extends Error {
  constructor(status) { super(String(status)); this.status = status; }
}

// Out of file descriptors (or the system's file table full): the file exists, come back later.
const exhausted = (err) => err.code === 'EMFILE' || err.code === 'ENFILE';
const busy = () => new HttpError(503);

function errorHeaders(status, extra) {
  return { ...SECURITY, 'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(`${status}\n`), 'Cache-Control': 'no-store',
    ...(status === 503 && { 'Retry-After': '5' }), ...extra };
}

function fail(res, status, extra = {}) {
  res.writeHead(status, errorHeaders(status, extra));
  res.end(`${status}\n`);
}

// Node's parser refused the request (no `res` exists): the same answer, written on the socket.
function failRaw(socket, status) {
  const head = Object.entries(errorHeaders(status, { Connection: 'close' })).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${status}\n`);
}

/** The request's path as a file under root, or an HttpError (400 bad URL, 404 hidden file). */
function fileOf(url) {
  let path;
  try {
    path = decodeURIComponent(new URL(url, 'http://x').pathname);
  } catch {
    throw new HttpError(400);
  }
  if (path.includes('\0')) throw new HttpError(400);
  const parts = path.split('/').filter(Boolean);
  if (parts.some((p) => p === '..')) throw new HttpError(400);
  if (parts.some((p) => p.startsWith('.'))) throw new HttpError(404);
  return { file: join(root, ...parts), dir: path.endsWith('/') || parts.length === 0 };
}

// Opens `file` if it really lies inside root (after every symlink) and is a regular file.
// The handle is stat'ed, not the path, so a file replaced meanwhile cannot mix sizes.
async function openInside(file) {
  let real;
  try {
    real = await realpath(file);
  } catch (err) {
    if (exhausted(err)) throw busy();
    return null;
  }
  const realRoot = await realpath(root).catch((err) => { throw exhausted(err) ? busy() : err; });
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new HttpError(403);
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (err.code === 'EACCES' || err.code === 'EPERM') throw new HttpError(403);
    if (exhausted(err)) throw busy();
    return null;
  }
  const info = await handle.stat();
  if (info.isFile()) return { handle, info };
  await handle.close();
  return info.isDirectory() ? { directory: true } : null;
}

// The representation to send: a precompressed sibling if accepted, else the file itself.
async function choose(file, acceptEncoding) {
  const ok = accepted(acceptEncoding);
  let variants = false;
  for (const [coding, suffix] of CODINGS) {
    const found = await openInside(file + suffix).catch((err) => {
      if (err.status === 503) throw err;
      return null;
    });
    if (!found?.handle) continue;
    variants = true;
    if (ok.has(coding)) return { ...found, coding, variants };
    await found.handle.close();
  }
  const plain = await openInside(file);
  return plain && { ...plain, variants };
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, { Allow: 'GET, HEAD' });
  let { file, dir } = fileOf(req.url);
  let found = dir ? { directory: true } : await choose(file, req.headers['accept-encoding']);
  if (found?.directory) {
    file = join(file, 'index.html');
    found = await choose(file, req.headers['accept-encoding']);
  }
  if (!found?.handle) return fail(res, 404);
  const { handle: fh, info, coding, variants } = found;
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}${coding ? `-${coding}` : ''}"`;
  const headers = {
    ...SECURITY,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    ETag: etag,
    'Last-Modified': info.mtime.toUTCString(),
    ...(variants && { Vary: 'Accept-Encoding' }),
    ...(coding && { 'Content-Encoding': coding }),
  };
  if (notModified(req, etag, info.mtime)) {
    await fh.close();
    res.writeHead(304, headers).end();
    return record(req, 304, coding);
  }
  res.writeHead(200, { ...headers, 'Content-Length': info.size });
  if (req.method === 'HEAD' || info.size === 0) {
    await fh.close();
    res.end();
    return record(req, 200, coding);
  }
  // pipeline closes the file and destroys the response on any error on either side (a file
  // truncated halfway, a client gone): the browser sees a cut response, the server goes on.
  // A file truncated meanwhile ends early: the connection is closed so the client cannot
  // take the short body for the whole file.
  const stream = fh.createReadStream({ end: info.size - 1 });
  pipeline(stream, res, (err) => {
    if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') console.error(`serve: ${req.url}: ${err.message}`);
    const cut = err || stream.bytesRead < info.size;
    if (cut) res.destroy();
    record(req, cut ? 'cut' : 200, coding);
  });
}

function notModified(req, etag, mtime) {
  const inm = req.headers['if-none-match'];
  if (inm) return inm.split(',').map((t) => t.trim().replace(/^W\//, '')).some((t) => t === etag || t === '*');
  const ims = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(ims) && Math.floor(mtime.getTime() / 1000) <= Math.floor(ims / 1000);
}

const socketBytes = new WeakMap();
function record(req, status, coding) {
  if (!log) return;
  // Bytes on the wire for this response's body: the socket's count since the request began.
  const sent = req.socket.bytesWritten - (socketBytes.get(req) ?? 0);
  console.log(`log: ${req.method} ${req.url} ${status} ${sent} ${coding ?? '-'}`);
}

// Idle connections are closed after timeoutMs (server.setTimeout below), unfinished headers
// and requests too; Node checks those every connectionsCheckingInterval.
const server = createServer({
  headersTimeout: timeoutMs,
  requestTimeout: timeoutMs,
  connectionsCheckingInterval: Math.min(30_000, Math.max(50, timeoutMs / 4)),
}, (req, res) => {
  if (log) socketBytes.set(req, req.socket.bytesWritten);
  handle(req, res).catch((err) => {
    const status = err instanceof HttpError ? err.status : 500;
    if (status === 500) console.error(`serve: ${req.url}: ${err.message}`);
    if (!res.headersSent) fail(res, status);
    else res.destroy();
    if (log) record(req, status);
  });
});
server.setTimeout(timeoutMs);  // without a 'timeout' listener, an idle socket is destroyed
// A client that sends garbage gets a 400 (431: a request line or headers over Node's 16 KB);
// one that timed out is just closed. Never an uncaught error.
server.on('clientError', (err, socket) => {
  if (!socket.writable || err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return socket.destroy();
  failRaw(socket, err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400);
});

server.on('error', (err) => {
  // Out of file descriptors, accept() fails (libuv closes that connection): keep serving.
  if (err.syscall === 'accept') return;
  // No IPv6 on this machine: every IPv4 interface instead.
  if (host === '::' && err.code === 'EAFNOSUPPORT') return server.listen(port, '0.0.0.0');
  console.error(`serve: ${err.message}`);
  process.exit(1);
});
server.listen(port, host, async () => {
  const { port: actual } = server.address();
  const note = isolation ? '' : '  (no COOP/COEP: single-threaded engine)';
  console.log(`ConvAula: http://127.0.0.1:${actual}/${note}`);
  if (classMode) await announce(actual);
});

// Class mode: every address the students' devices can use, and a QR code of the first.
async function announce(actualPort) {
  const lan = lanAddresses().map((a) => `http://${a.includes(':') ? `[${a}]` : a}:${actualPort}/`);
  const bound = server.address().address;
  if (bound !== '::' && bound !== '0.0.0.0') {
    console.log(`Modo clase: escuchando solo en ${host}`);
    return;
  }
  if (lan.length === 0) {
    console.log('Modo clase: este equipo no tiene ninguna dirección de red local (¿está conectado a la wifi?).');
    return;
  }
  console.log('Modo clase: los estudiantes pueden abrir cualquiera de estas direcciones:');
  for (const url of lan) console.log(`  ${url}`);
  try {
    const { renderUnicodeCompact } = await import('uqr');
    console.log(renderUnicodeCompact(lan[0], { border: 2 }));
  } catch (err) {
    console.log(`(sin código QR: ${err.message})`);
  }
  console.log('Por http desde otra dirección el navegador no permite hilos ni uso sin conexión: la página lo explica.');
}

function lanAddresses() {
  const out = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') out.push(a.address);
  }
  return out;
}
