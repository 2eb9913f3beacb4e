// hosts.test.mjs: deploy/'s configurations for nginx, Apache and Caddy, run as written (only the
// root and the listening address changed) on loopback against web/dist: security headers, the
// wasm type, precompressed copies with Content-Encoding and Vary, data/*.gz left alone, 304 on
// revalidation, and the page in Chromium cross-origin isolated with the engine on 2 threads.
// deploy/_headers (Netlify, Cloudflare Pages) sends what serve.mjs sends. scripts/setup.sh
// installs Debian's nginx, apache2 and caddy; a server is skipped, saying so, only where the
// system's package lists lack it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { launchBrowser } from './harness.mjs';
import { get, startServer } from './http.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'web', 'dist');
const has = (bin) => { try { execFileSync('sh', ['-c', `command -v ${bin}`]); return true; } catch { return false; } };
const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const deployed = (file) => readFile(join(ROOT, 'deploy', file), 'utf8');
const skip = (bin) => !has(bin) && `${bin} is not installed (scripts/setup.sh installs it where the package exists)`;
const scratch = [];
after(async () => { for (const d of scratch) await rm(d, { recursive: true, force: true }); });

async function waitListening(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await get(port, '/').then(() => true, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on ${port}`);
}

async function checkServer(port) {
  const ok = (r, what) => {
    assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin', what);
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp', what);
    assert.equal(r.headers['cross-origin-resource-policy'], 'same-origin', what);
    assert.match(r.headers['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/, what);
    assert.equal(r.headers['cache-control'], 'no-cache', what);
  };
  const original = await readFile(join(DIST, 'wasm', 'convaula-simd.wasm'));
  const wasm = await get(port, '/wasm/convaula-simd.wasm', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(wasm.status, 200);
  ok(wasm, 'wasm');
  assert.equal(wasm.headers['content-type'], 'application/wasm');
  assert.equal(wasm.headers['content-encoding'], 'gzip');
  assert.match(wasm.headers.vary ?? '', /Accept-Encoding/);
  assert.ok(gunzipSync(wasm.body).equals(original));
  const page = await get(port, '/', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(page.status, 200);
  assert.match(page.headers['content-type'], /^text\/html/);
  ok(page, 'index');
  const js = await get(port, '/js/main.js');
  assert.match(js.headers['content-type'], /javascript/);
  assert.equal(js.headers['content-encoding'], undefined, 'nothing accepted, nothing encoded');
  const again = await get(port, '/js/main.js', { headers: { 'if-none-match': js.headers.etag } });
  assert.equal(again.status, 304);
  const data = await get(port, '/data/t10k-labels-idx1-ubyte.gz', { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(data.headers['content-encoding'], undefined, 'data/*.gz are plain files to the server');
  assert.ok(data.body.equals(await readFile(join(DIST, 'data', 't10k-labels-idx1-ubyte.gz'))));
  ok(await get(port, '/no-existe'), '404');
  return { original };
}

// The page from this host in Chromium: cross-origin isolated, so the engine runs 2 threads; a
// static host has no class server, and the page shows no live control and asks nothing of /api/.
async function checkThreads(browser, port) {
  const context = await browser.newContext();
  const apiCalls = [];
  context.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) apiCalls.push(r.url()); });
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('[data-testid="engine-variant"][data-variant]', { timeout: 90_000, state: 'attached' });
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    assert.equal(await page.getByTestId('engine-variant').getAttribute('data-variant'), 'simd-mt');
    // The engine's details are the status line's tooltip (a teacher's, not a student's).
    assert.match(await page.getByTestId('engine-variant').getAttribute('title'), /\b2 hilos/);
    assert.equal(await page.getByTestId('aula-join').count(), 0, 'no «Unirse al aula» on a static host');
    assert.deepEqual(apiCalls, []);
  } finally {
    await context.close();
  }
}

describe('deploy/\'s host configurations', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('nginx (deploy/nginx.conf)', { skip: skip('nginx') }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convaula-nginx-'));
    scratch.push(dir);
    const port = await freePort();
    const server = (await deployed('nginx.conf')).replace('listen 443 ssl;', `listen 127.0.0.1:${port};`)
      .replaceAll('/srv/convaula', DIST).replace('include mime.types;', 'include /etc/nginx/mime.types;');
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir};`).join(' ');
    await writeFile(join(dir, 'nginx.conf'), `pid ${dir}/pid; error_log ${dir}/error.log; events {}\n` +
      `http { access_log off; ${temp}\n${server}\n}\n`);
    const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; user root;'], { stdio: 'inherit' });
    try {
      await waitListening(port);
      await checkServer(port);
      await checkThreads(browser, port);
    } finally {
      child.kill();
    }
  });

  test('Apache (deploy/apache-convaula.conf)', { skip: skip('apache2') }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convaula-apache-'));
    scratch.push(dir);
    const port = await freePort();
    const M = '/usr/lib/apache2/modules';
    const modules = ['mpm_event', 'authz_core', 'dir', 'mime', 'headers', 'rewrite']
      .map((m) => `LoadModule ${m}_module ${M}/mod_${m}.so`).join('\n');
    await writeFile(join(dir, 'httpd.conf'), `ServerRoot ${dir}\nServerName localhost\nListen 127.0.0.1:${port}\n` +
      `PidFile ${dir}/pid\nErrorLog ${dir}/error.log\n${modules}\nTypesConfig /etc/mime.types\nDirectoryIndex index.html\n` +
      `DocumentRoot ${DIST}\nUser nobody\nGroup nogroup\n<Directory ${DIST}>\n  Require all granted\n</Directory>\n` +
      (await deployed('apache-convaula.conf')).replaceAll('/srv/convaula', DIST));
    const child = spawn('apache2', ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], { stdio: 'inherit', env: { ...process.env, APACHE_RUN_DIR: dir } });
    try {
      await waitListening(port);
      await checkServer(port);
      await checkThreads(browser, port);
      const json = await get(port, '/models/keras-mnist.json', { headers: { 'accept-encoding': 'gzip, br' } });
      assert.equal(json.headers['content-encoding'], 'br');
      assert.match(json.headers['content-type'], /^application\/json/);
      assert.ok(brotliDecompressSync(json.body).equals(await readFile(join(DIST, 'models', 'keras-mnist.json'))));
    } finally {
      child.kill();
    }
  });

  test('Caddy (deploy/Caddyfile)', { skip: skip('caddy') }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convaula-caddy-'));
    scratch.push(dir);
    const port = await freePort();
    // Caddy listens on every interface unless told: bind keeps it on loopback.
    const site = (await deployed('Caddyfile')).replace('aula.example.org', `http://127.0.0.1:${port}`)
      .replace('    root * /srv/convaula', `    bind 127.0.0.1\n    root * ${DIST}`);
    await writeFile(join(dir, 'Caddyfile'), `{\n  admin off\n  auto_https off\n}\n${site}`);
    const child = spawn('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
      { stdio: 'ignore', env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
    try {
      await waitListening(port);
      await checkServer(port);
      await checkThreads(browser, port);
    } finally {
      child.kill();
    }
  });

  test('deploy/_headers (Netlify, Cloudflare Pages) sends the headers serve.mjs sends', async () => {
    const lines = (await deployed('_headers')).split('\n');
    assert.equal(lines[0], '/*', 'one rule, for every path');
    const headers = Object.fromEntries(lines.slice(1).filter((l) => l.trim()).map((l) => {
      const [, name, value] = l.match(/^\s+([\w-]+): (.*)$/);
      return [name.toLowerCase(), value];
    }));
    const server = await startServer({ args: ['--root', DIST] });
    try {
      const served = (await get(server.port, '/')).headers;
      for (const [name, value] of Object.entries(headers)) assert.equal(value, served[name], name);
      assert.deepEqual(Object.keys(headers).sort(), ['cache-control', 'content-security-policy', 'cross-origin-embedder-policy',
        'cross-origin-opener-policy', 'cross-origin-resource-policy', 'x-content-type-options']);
    } finally {
      server.close();
    }
  });
});
