#!/usr/bin/env node
// serve.mjs: dev server for web/dist on 127.0.0.1, cross-origin isolated so wasm threads work.
//
//   node scripts/serve.mjs [--no-isolation] [--root DIR]      PORT=8080 by default; 0 = any free port
//
// COOP/COEP make the page crossOriginIsolated (SharedArrayBuffer, hence the pthread
// engine); --no-isolation leaves them out to exercise the single-threaded path.
// .gz files go out as opaque bytes, without Content-Encoding, because the worker
// decompresses them itself with DecompressionStream (and reports download progress).
// Prints "ConvAula: http://127.0.0.1:PORT/" once listening (tests wait for that line).
//
// Every response carries the Content-Security-Policy: code only from this origin, no eval
// ('wasm-unsafe-eval' lets the workers compile the engine's wasm, nothing more), no inline
// scripts or style attributes, no requests anywhere else. index.html repeats it in a <meta>
// for other servers; keep both the same.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const isolation = !args.includes('--no-isolation');
const rootArg = args.indexOf('--root');
const root = resolve(rootArg >= 0 ? args[rootArg + 1]
  : join(fileURLToPath(new URL('.', import.meta.url)), '..', 'web', 'dist'));
const port = Number(process.env.PORT ?? 8080);

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

const CSP = [
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

const headers = (type, length) => ({
  'Content-Type': type,
  'Content-Length': length,
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': CSP,
  ...(isolation && {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }),
});

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  let file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, headers(TYPES[extname(file)] ?? 'application/octet-stream', info.size));
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(err);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address();
  console.log(`ConvAula: http://127.0.0.1:${actual}/${isolation ? '' : '  (no COOP/COEP: single-threaded engine)'}`);
});
