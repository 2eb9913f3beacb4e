// serve.test.mjs: scripts/serve.mjs on a scratch root, over loopback only (no browser): validators
// and 304s, HEAD, precompressed variants, bad URLs, symlinks out of the root, unreadable and
// vanishing files, a file cut halfway, class mode. Every answer must carry the security
// headers, and the server must still answer afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, mkdir, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { get, startServer } from './http.mjs';

const MAIN_JS = 'export const x = 1;\n'.repeat(200);

function assertSecurity(headers, what) {
  assert.equal(headers['x-content-type-options'], 'nosniff', what);
  assert.match(headers['content-security-policy'] ?? '', /default-src 'self'/, what);
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin', what);
  assert.equal(headers['cross-origin-embedder-policy'], 'require-corp', what);
  assert.equal(headers['cross-origin-resource-policy'], 'same-origin', what);
}

describe('serve.mjs', () => {
  let dir, root, server;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convaula-serve-'));
    root = join(dir, 'root');
    await mkdir(join(root, 'js'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>x</title>\n');
    await writeFile(join(root, 'js', 'main.js'), MAIN_JS);
    await writeFile(join(root, 'js', 'main.js.br'), brotliCompressSync(MAIN_JS));
    await writeFile(join(root, 'js', 'main.js.gz'), gzipSync(MAIN_JS));
    await writeFile(join(dir, 'secret.txt'), 'outside the root\n');
    await symlink(join(dir, 'secret.txt'), join(root, 'fuera.txt'));
    await symlink(dir, join(root, 'arriba'));
    await symlink('bucle', join(root, 'bucle'));
    await symlink(join(root, 'js', 'main.js'), join(root, 'dentro.js'));
    server = await startServer({ args: ['--root', root] });
  });
  after(async () => {
    server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a file: 200 with type, validators, no-cache and the security headers; 304 on revalidation', async () => {
    const r = await get(server.port, '/js/main.js', { headers: { 'accept-encoding': 'identity' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), MAIN_JS);
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.equal(r.headers.vary, 'Accept-Encoding');
    assert.ok(r.headers.etag && r.headers['last-modified']);
    assertSecurity(r.headers, '200');
    const byTag = await get(server.port, '/js/main.js', { headers: { 'accept-encoding': 'identity', 'if-none-match': r.headers.etag } });
    assert.equal(byTag.status, 304);
    assert.equal(byTag.body.length, 0);
    assert.equal(byTag.headers.etag, r.headers.etag);
    assertSecurity(byTag.headers, '304');
    const byDate = await get(server.port, '/js/main.js', { headers: { 'accept-encoding': 'identity', 'if-modified-since': r.headers['last-modified'] } });
    assert.equal(byDate.status, 304);
    const stale = await get(server.port, '/js/main.js', { headers: { 'accept-encoding': 'identity', 'if-none-match': '"otro"' } });
    assert.equal(stale.status, 200);
  });

  test('the root is index.html; HEAD has the headers and no body', async () => {
    const r = await get(server.port, '/', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(Number(r.headers['content-length']), '<!doctype html><title>x</title>\n'.length);
    assertSecurity(r.headers, 'HEAD');
  });

  test('precompressed siblings go out with Content-Encoding and Vary, by Accept-Encoding', async () => {
    const br = await get(server.port, '/js/main.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.equal(brotliDecompressSync(br.body).toString(), MAIN_JS);
    assert.ok(br.body.length < MAIN_JS.length / 5, `${br.body.length} bytes`);
    const gz = await get(server.port, '/js/main.js', { headers: { 'accept-encoding': 'gzip, br;q=0' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.notEqual(gz.headers.etag, br.headers.etag, 'each representation has its own ETag');
    const none = await get(server.port, '/js/main.js');
    assert.equal(none.headers['content-encoding'], undefined);
    assert.equal(none.body.toString(), MAIN_JS);
  });

  test('bad URLs are 400, other methods 405, missing files 404, all with the security headers', async () => {
    // '/%2e%2e/x' is '/x' to a URL parser: inside the root, so a 404.
    for (const path of ['/%2e%2e/secret.txt', '/js/%2e%2e/%2e%2e/secret.txt']) {
      const r = await get(server.port, path);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(r.body.toString(), /outside/);
    }
    for (const path of ['/%', '/%E0%A4%A', '/js/%00main.js', '/js/..%2f..%2fsecret.txt']) {
      const r = await get(server.port, path);
      assert.equal(r.status, 400, path);
      assertSecurity(r.headers, path);
      assert.doesNotMatch(r.body.toString(), /at |Error/, 'no stack trace');
    }
    const post = await get(server.port, '/index.html', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    assertSecurity(post.headers, '405');
    const missing = await get(server.port, '/no-existe.js');
    assert.equal(missing.status, 404);
    assertSecurity(missing.headers, '404');
    assert.equal((await get(server.port, '/.git/config')).status, 404, 'hidden files are not served');
    assert.equal((await get(server.port, '/js/main.js')).status, 200, 'still serving');
  });

  test('nothing outside the root: symlinks are resolved and checked; a symlink loop is a 404', async () => {
    const out = await get(server.port, '/fuera.txt');
    assert.equal(out.status, 403);
    assertSecurity(out.headers, '403');
    assert.doesNotMatch(out.body.toString(), /outside/);
    assert.equal((await get(server.port, '/arriba/secret.txt')).status, 403);
    assert.equal((await get(server.port, '/bucle')).status, 404);
    const inside = await get(server.port, '/dentro.js', { headers: { 'accept-encoding': 'identity' } });
    assert.equal(inside.status, 200, 'a symlink that stays inside is fine');
    assert.equal(inside.body.toString(), MAIN_JS);
  });

  test('a file truncated while it is being sent: the response is cut, the server goes on', async () => {
    const big = join(root, 'grande.bin');
    await writeFile(big, Buffer.alloc(64 << 20, 7));
    let cut = false;
    const r = await get(server.port, '/grande.bin', {
      onResponse: (res) => { res.pause(); setTimeout(() => truncate(big, 1 << 20).then(() => res.resume()), 100); },
    }).catch((err) => { cut = true; return { err }; });
    assert.ok(cut || r.body.length < 64 << 20, 'the client can tell the body is short');
    assert.equal((await get(server.port, '/index.html')).status, 200, 'still serving');
    await rm(big);
  });

  test('files replaced and deleted while requested (build-web.sh rm/cp): only 200s and 404s, never a crash', async () => {
    const path = join(root, 'js', 'cambia.js');
    let running = true;
    const churn = (async () => {
      for (let i = 0; running; i++) {
        await writeFile(path, `// ${i}\n`.repeat(1000));
        await rm(path, { force: true });
      }
    })();
    const statuses = await Promise.all(Array.from({ length: 300 }, () => get(server.port, '/js/cambia.js')
      .then((r) => r.status, () => 'cut')));
    running = false;
    await churn;
    assert.ok(statuses.every((s) => s === 200 || s === 404 || s === 'cut'), [...new Set(statuses)].join(','));
    assert.equal((await get(server.port, '/index.html')).status, 200, 'still serving');
  });

  test('an unreadable file is a 403 with the security headers, and the server goes on', async () => {
    // Root reads anything: then the server runs as nobody, so the permission check is real.
    const asNobody = process.getuid?.() === 0;
    const file = join(root, 'privado.js');
    await writeFile(file, 'secreto\n');
    await chmod(file, 0o000);
    let other = server;
    if (asNobody) {
      await chmod(dir, 0o755);
      for (const d of [root, join(root, 'js')]) await chmod(d, 0o755);
      other = await startServer({ args: ['--root', root], uid: 65534, gid: 65534 });
    }
    try {
      const r = await get(other.port, '/privado.js');
      assert.equal(r.status, 403);
      assertSecurity(r.headers, 'unreadable');
      assert.equal((await get(other.port, '/index.html')).status, 200, 'still serving');
    } finally {
      if (asNobody) other.close();
      await rm(file);
    }
  });

  test('--no-isolation leaves COOP/COEP out but keeps the CSP and nosniff', async () => {
    const plain = await startServer({ args: ['--root', root, '--no-isolation'] });
    try {
      const r = await get(plain.port, '/%');
      assert.equal(r.status, 400);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.ok(r.headers['content-security-policy']);
      assert.equal(r.headers['cross-origin-embedder-policy'], undefined);
    } finally {
      plain.close();
    }
  });
});

describe('serve.mjs class mode', () => {
  // Class mode opens the class store: a scratch data folder, never the project's aula-datos/.
  let data;
  before(async () => { data = await mkdtemp(join(tmpdir(), 'convaula-class-')); });
  after(() => rm(data, { recursive: true, force: true }));

  test('--class on all interfaces prints every LAN URL and a QR code; checked through loopback only', async () => {
    const root = fileURLToPath(new URL('../fixtures', import.meta.url));
    const s = await startServer({ args: ['--root', root, '--class', '--data', data] });
    try {
      // Whatever name the devices use is answered (here through 127.0.0.1).
      const r = await get(s.port, '/', { headers: { host: `aula.test:${s.port}` } });
      assert.ok([200, 404].includes(r.status));
      assertSecurity(r.headers, 'class');
      await new Promise((ok) => setTimeout(ok, 300));
      const out = s.out();
      // Either LAN URLs with a QR code, or the Spanish note that there is no LAN address.
      if (/Modo clase: los estudiantes/.test(out)) {
        assert.match(out, new RegExp(`http://\\d+\\.\\d+\\.\\d+\\.\\d+:${s.port}/`));
        assert.match(out, /[▀▄█]/, 'a QR code drawn with block characters');
      } else {
        assert.match(out, /Modo clase: este equipo no tiene ninguna dirección/);
      }
    } finally {
      s.close();
    }
  });

  test('--class --host 127.0.0.1 answers any Host name on loopback', async () => {
    const root = fileURLToPath(new URL('../fixtures', import.meta.url));
    const s = await startServer({ args: ['--root', root, '--class', '--host', '127.0.0.1', '--data', data] });
    try {
      const r = await get(s.port, '/no-existe', { headers: { host: 'aula.test' } });
      assert.equal(r.status, 404);
      assertSecurity(r.headers, 'class 404');
      assert.match(s.out(), /Modo clase: escuchando solo en 127\.0\.0\.1/);
    } finally {
      s.close();
    }
  });
});

// The fds the server process holds (Linux /proc).
const openFds = async (pid) => (await readdir(`/proc/${pid}/fd`)).length;

// Polls `ok()` every 100 ms, at most `tries` times (a hang guard, not a timing).
async function until(ok, tries) {
  for (let i = 0; i < tries; i++) {
    if (await ok()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

// A client that asks for `path` and never reads the answer (or, with no path, never finishes
// its headers): it holds a socket, and a file, until the server lets go.
function stalled(port, path) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.pause();
  socket.write(path ? `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n` : 'GET / HTTP/1.1\r\nHost: x\r\n');
  return socket;
}

describe('serve.mjs at its limits', () => {
  let dir, root;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convaula-limits-'));
    root = join(dir, 'root');
    await mkdir(join(root, 'js'), { recursive: true });
    await writeFile(join(root, 'js', 'main.js'), MAIN_JS);
    await writeFile(join(root, 'big.bin'), Buffer.alloc(8 << 20, 7));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a 20 KB URL or header: 431 with the security headers', async () => {
    const server = await startServer({ args: ['--root', root] });
    try {
      const url = await get(server.port, `/${'a'.repeat(20_000)}`);
      const header = await get(server.port, '/js/main.js', { headers: { 'x-big': 'a'.repeat(20_000) } });
      for (const [what, r] of [['url', url], ['header', header]]) {
        assert.equal(r.status, 431, what);
        assertSecurity(r.headers, what);
      }
      assert.equal((await get(server.port, '/js/main.js')).status, 200, 'still serving');
    } finally {
      server.close();
    }
  });

  test('out of file descriptors (64): 503s, never a 404 for a file that exists, every answer with the security headers', async () => {
    const server = await startServer({ args: ['--root', root] });
    try {
      execFileSync('prlimit', ['--pid', String(server.child.pid), '--nofile=64:64']);
      const statuses = [];
      // 100 clients at once, up to 5 rounds until the descriptors run out (a bounded loop).
      for (let round = 0; round < 5 && !statuses.includes(503); round++) {
        const results = await Promise.all(Array.from({ length: 100 }, () =>
          get(server.port, '/js/main.js', { headers: { 'accept-encoding': 'identity' } }).catch((err) => err)));
        for (const r of results) {
          if (r instanceof Error) { statuses.push(r.code); continue; }  // refused at accept()
          statuses.push(r.status);
          assertSecurity(r.headers, `status ${r.status}`);
        }
      }
      const tally = new Map();
      for (const s of statuses) tally.set(s, (tally.get(s) ?? 0) + 1);
      const counts = [...tally].map(([s, n]) => `${s}: ${n}`).join(', ');
      console.log(`# 100 clients under --nofile=64: ${counts}`);
      assert.ok(statuses.includes(503), counts);
      assert.ok(!statuses.includes(404), counts);
      assert.ok(statuses.every((s) => [200, 503, 'ECONNRESET', 'EPIPE'].includes(s)), counts);
      assert.equal((await get(server.port, '/js/main.js')).status, 200, 'still serving');
    } finally {
      server.close();
    }
  });

  test('100 clients that never read and 10 that never finish their headers are let go after --timeout', async () => {
    const server = await startServer({ args: ['--root', root, '--timeout', '1'] });
    const pid = server.child.pid;
    const sockets = [];
    try {
      await get(server.port, '/js/main.js');
      const idle = await openFds(pid);
      for (let i = 0; i < 100; i++) sockets.push(stalled(server.port, '/big.bin'));
      for (let i = 0; i < 10; i++) sockets.push(stalled(server.port));
      let peak = idle;
      const held = await until(async () => (peak = await openFds(pid)) >= idle + 110, 300);
      console.log(`# fds: ${idle} idle, ${peak} with 110 stalled clients`);
      assert.ok(held, `the stalled clients never held their fds (${peak})`);
      let now = peak;
      const released = await until(async () => (now = await openFds(pid)) <= idle, 600);
      console.log(`# fds after the timeout: ${now}`);
      assert.ok(released, `${now} fds still open, ${idle} when idle`);
      assert.equal((await get(server.port, '/js/main.js')).status, 200, 'still serving');
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
