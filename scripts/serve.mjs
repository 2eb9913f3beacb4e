#!/usr/bin/env node
// serve.mjs: the server for web/dist, on this machine (127.0.0.1) or for a whole class (--class).
//
//   node scripts/serve.mjs [--no-isolation] [--root DIR] [--class] [--host ADDR] [--log]
//                          [--timeout SECONDS] [--data DIR]
//   PORT=8080 by default (0 = any free port); CLASS=1 is the same as --class.
//
// --class listens on every interface and prints each LAN address with a QR code, so thirty
// devices on the school's Wi-Fi can open the page; any Host name is answered. It also runs
// "Aula en vivo" (server/aula/): the class API under /api/aula/, its data in --data DIR
// (aula-datos/ beside the project by default), and prints the teacher's panel URL. Without
// --class there is no API: /api/ is a 404 like any missing file. --host binds one address
// instead (the tests use 127.0.0.1). --log prints one line per response
// ("log: GET /path 200 1234 br"). The first line is always "ConvAula: http://127.0.0.1:PORT/"
// (tests wait for it).
//
// What a class cannot knock over (README, "Despliegue (deployment)"): every response, errors
// included, carries the CSP, nosniff and COOP/COEP/CORP, Node's own answers to malformed
// requests too (400, and 431 for a request line or headers over 16 KB); the files' own
// limits are in server/static.mjs. A connection idle for --timeout seconds (30 by default: a
// client that stopped reading, or never finished its headers) is closed, and its file with it.
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { announce } from '../server/announce.mjs';
import { HttpError, errors, securityHeaders } from '../server/headers.mjs';
import { createLog } from '../server/log.mjs';
import { createStatic } from '../server/static.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const project = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const isolation = !flag('--no-isolation');
const classMode = flag('--class') || process.env.CLASS === '1';
const root = resolve(option('--root') ?? join(project, 'web', 'dist'));
const dataDir = resolve(option('--data') ?? join(project, 'aula-datos'));
const port = Number(process.env.PORT ?? 8080);
const host = option('--host') ?? (classMode ? '::' : '127.0.0.1');
const timeoutMs = Math.max(1, Math.round(1000 * Number(option('--timeout') ?? 30))) || 30_000;

const security = securityHeaders(isolation);
const { fail, failRaw } = errors(security);
const log = createLog(flag('--log'));
const serveFile = createStatic({ root, security, fail, log });
const aula = classMode ? await startAula() : null;

async function startAula() {
  const { openStore } = await import('../server/aula/store.mjs');
  const { createAulaApi, PREFIX } = await import('../server/aula/api.mjs');
  const { questionIds } = await import('../server/aula/catalog.mjs');
  const { lanUrls } = await import('../server/announce.mjs');
  const store = openStore(dataDir);
  const addresses = () => {
    const query = `?aula=${store.code}`;
    const lan = lanUrls(server.address().port, query);
    return lan.length && !['127.0.0.1', '::1'].includes(host) ? lan : [`http://127.0.0.1:${server.address().port}/${query}`];
  };
  const api = createAulaApi({ store, questions: questionIds(root), addresses, security, log });
  return { store, api, PREFIX };
}

const inApi = (url) => aula && (url === '/api/aula' || url.startsWith(aula.PREFIX));

// Idle connections are closed after timeoutMs (server.setTimeout below), unfinished headers
// and requests too; Node checks those every connectionsCheckingInterval.
const server = createServer({
  headersTimeout: timeoutMs,
  requestTimeout: timeoutMs,
  connectionsCheckingInterval: Math.min(30_000, Math.max(50, timeoutMs / 4)),
}, (req, res) => {
  log.begin(req);
  if (inApi(req.url)) return aula.api.handle(req, res);
  serveFile(req, res).catch((err) => {
    const status = err instanceof HttpError ? err.status : 500;
    if (status === 500) console.error(`serve: ${req.url}: ${err.message}`);
    if (!res.headersSent) fail(res, status);
    else res.destroy();
    log.record(req, status);
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
  const { port: actual, address: bound } = server.address();
  const note = isolation ? '' : '  (no COOP/COEP: single-threaded engine)';
  console.log(`ConvAula: http://127.0.0.1:${actual}/${note}`);
  if (classMode) await announce({ bound, host, port: actual, aula: aula?.store });
});

// Ctrl-C or a stop: the store is closed cleanly (its WAL checkpointed into aula.sqlite).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    aula?.api.close();
    aula?.store.close();
    process.exit(0);
  });
}
