// aula.mjs: scripts/serve.mjs in class mode on loopback, and JSON requests to its class API.
// Shared by the Aula en vivo tests (aula-*.test.mjs) and bench/aula-carga.mjs.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './harness.mjs';
import { startServer } from './http.mjs';

/** The built page (web/dist), which the class server serves in the browser suites. */
export const DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** A scratch page root whose lesson code names these questions (server/aula/catalog.mjs). */
export async function lessonRoot(dir, ids) {
  await mkdir(join(dir, 'js', 'leccion'), { recursive: true });
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>x</title>\n');
  await writeFile(join(dir, 'js', 'leccion', 'preguntas.js'), ids.map((id) => `crearPregunta(raiz, { id: '${id}' });\n`).join(''));
  return dir;
}

/**
 * serve.mjs --class on 127.0.0.1 (on `port`, or any free one) with `root` and the data folder `data`; resolves the
 * startServer object plus {key, code} read from what it prints.
 */
export async function startClass({ root, data, args = [], port = 0 }) {
  const s = await startServer({ args: ['--root', root, '--class', '--host', '127.0.0.1', '--data', data, ...args], port });
  for (let i = 0; i < 100 && !/#clave=/.test(s.out()); i++) await new Promise((r) => setTimeout(r, 50));
  const key = /#clave=([A-Za-z0-9_-]+)/.exec(s.out())?.[1];
  const code = /\?aula=([A-Z0-9]+)/.exec(s.out())?.[1];
  if (!key || !code) throw new Error(`no teacher URL in: ${s.out()}`);
  return { ...s, key, code };
}

/**
 * The browser suites' class: a scratch folder (`dir`), the class server on web/dist with its
 * data in it (`server`) and Chromium mapping the non-loopback name aula.test to 127.0.0.1
 * (`browser`); `artifacts`, the suite's screenshot folder, is created. close() ends all three.
 */
export async function openClass(artifacts) {
  const dir = await mkdtemp(join(tmpdir(), 'convaula-class-'));
  await mkdir(artifacts, { recursive: true });
  const [server, browser] = await Promise.all([
    startClass({ root: DIST, data: join(dir, 'data') }),
    launchBrowser({ args: ['--host-resolver-rules=MAP aula.test 127.0.0.1'] }),
  ]);
  return {
    dir, server, browser,
    async close() {
      await browser.close();
      server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A student's page joined to the class at `url` (aula.test): a new context (`options`) that
 * reaches nothing but loopback, `prepare(context)` run before the page opens (routes, init
 * scripts); resolves {context, page, name (the pseudonym)}.
 */
export async function joinedStudent(browser, url, { options, prepare } = {}) {
  const context = await browser.newContext(options);
  await context.route((u) => !['127.0.0.1', 'aula.test'].includes(u.hostname), (route) => route.abort());
  await prepare?.(context);
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('aula-join-button').click();
  await page.waitForSelector('[data-testid="aula-status"][data-state="joined"]');
  return { context, page, name: await page.getByTestId('aula-join').getAttribute('data-pseudonym') };
}

/**
 * One request to the class API: resolves {status, headers, body (parsed JSON, or the text)}.
 * `json` is sent as the body (a string as is); `token` as the student, `key` as the teacher;
 * `raw`: the body as a Buffer.
 */
export function api(port, method, path, { json, token, key, headers = {}, agent = false, raw = false } = {}) {
  const body = json === undefined ? undefined : typeof json === 'string' ? json : JSON.stringify(json);
  const h = { ...(body !== undefined && { 'Content-Type': 'application/json' }), ...(token && { Authorization: `Bearer ${token}` }),
    ...(key && { 'X-Aula-Clave': key }), ...headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/api/aula/${path}`, method, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (raw) return resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) });
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = text;
        try { parsed = JSON.parse(text); } catch { /* not JSON: the text */ }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Joins the class as `seudonimo`; resolves the token. */
export async function joinClass(port, code, seudonimo) {
  const r = await api(port, 'POST', 'unirse', { json: { codigo: code, seudonimo } });
  if (r.status !== 201) throw new Error(`join ${seudonimo}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

/**
 * The teacher's live stream: calls onEvent(summary) for each event; resolves {close()} once
 * the response has started.
 */
export function openStream(port, key, onEvent) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/aula/panel/flujo', headers: { 'X-Aula-Clave': key }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream: ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').find((l) => l.startsWith('data: '));
          if (data) onEvent(JSON.parse(data.slice(6)));
        }
      });
      res.on('error', () => {});
      resolve({ close: () => req.destroy(), status: res.statusCode });
    });
    req.on('error', reject);
    req.end();
  });
}
