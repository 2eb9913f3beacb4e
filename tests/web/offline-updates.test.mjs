// offline-updates.test.mjs: a class's first visit, the page offline, and updates, in Debian's
// Chromium, loopback only: a first visit's bytes (page and service worker together, counted by
// serve.mjs --log) stay under 4 MB, then the page opens and answers with the network cut;
// served without COOP/COEP the service worker isolates the second load, which runs 2 threads;
// an update never mixes builds, in one tab or two. How soon the first answer comes is
// bench/primera-respuesta.mjs's figure. Screenshots go to build/artifacts/offline-updates/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { READY, firstVisit, offlineStored, startServer, useApp, waitPretrained, waitState } from './harness.mjs';
import { drawSeven } from './acts.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'web', 'dist');
// Bytes of a first visit before any training, headers included. They do not depend on timing:
// the same build always sends the same files (the pretrained weights are 2.1 MB of it, the
// MNIST test-set sample 0.16 MB, KaTeX's fonts for offline formulas 0.26 MB).
const TARGET = 4_000_000;
const app = useApp('offline-updates');

// serve.mjs --log lines since `from`: [{method, path, status, bytes}].
function logged(server, from = 0) {
  return server.out().slice(from).split('\n').filter((l) => l.startsWith('log: ')).map((l) => {
    const [, method, path, status, bytes, coding] = l.split(' ');
    return { method, path, status, bytes: Number(bytes), coding };
  });
}

// The engine variant's sentence is the status line's tooltip (the line says only that it is ready).
const engine = (page) => page.getByTestId('engine-variant').evaluate((el) => ({ variant: el.dataset.variant, text: el.title }));

describe('first visit, offline and updates', { timeout: 900_000 }, () => {

  test('a first visit before training: per-file bytes and total <= 4 MB, page and service worker together; then offline, it says so and predicts', async () => {
    const server = await startServer({ args: ['--log'] });
    const { context, page, errors, outside } = await firstVisit(app.browser);
    try {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(server.url);
      await waitPretrained(page);
      const { digit } = await drawSeven(page);
      await waitState(page, ['idle'], READY);
      const version = await offlineStored(page);
      await page.locator('#estado-motor').screenshot({ path: join(app.artifacts, 'primera-visita-estado.png') });
      // The lesson's first sections, as a student scrolls through them.
      for (const id of ['imagenes', 'convolucion', 'capas-convolutivas', 'mnist']) {
        await page.locator(`#${id}`).scrollIntoViewIfNeeded();
        await page.waitForTimeout(300);
      }
      await offlineStored(page);
      await page.waitForSelector('[data-testid="offline-status"][data-state="lista"]', { timeout: READY });
      assert.match(await page.getByTestId('offline-status').textContent(), /Disponible sin conexión/);
      const rows = logged(server);
      const perFile = new Map();
      for (const r of rows) perFile.set(r.path, (perFile.get(r.path) ?? 0) + r.bytes);
      const total = [...perFile.values()].reduce((a, b) => a + b, 0);
      const table = [...perFile].sort((a, b) => b[1] - a[1]).map(([p, b]) => `${String(b).padStart(9)}  ${p}`);
      console.log(`first visit (build ${version}): ${rows.length} responses, ${total} bytes ` +
        `(target ${TARGET}: ${total <= TARGET ? 'met' : `missed by ${total - TARGET}`})\n${table.join('\n')}`);
      assert.equal(digit, 7);
      assert.ok(total <= TARGET, `first visit ${total} bytes > ${TARGET}`);
      assert.ok(!rows.some((r) => r.path.startsWith('/data/train-')), 'no training set before training');
      assert.ok(!rows.some((r) => r.path.startsWith('/data/t10k-')), 'only the test-set sample before it is needed');
      assert.ok(rows.some((r) => r.path === '/data/test-sample-images-idx3-ubyte.gz'));
      assert.ok(rows.every((r) => r.status === '200' || r.status === '304'), JSON.stringify(rows.filter((r) => r.status !== '200' && r.status !== '304')));
      assert.deepEqual(outside, []);
      assert.deepEqual(errors, []);

      // Second visit with the network cut: everything used comes from the service worker.
      await context.setOffline(true);
      const before = server.out().length;
      await page.reload();
      await waitPretrained(page);
      assert.equal((await drawSeven(page)).digit, 7);
      await waitState(page, ['idle'], READY);
      // Only the browser's own update check of sw.js gets past Playwright's offline switch.
      assert.deepEqual(logged(server, before).filter((r) => r.path !== '/sw.js'), [], 'nothing else reached the server');
      assert.equal(await page.getByTestId('offline-status').getAttribute('data-state'), 'desconectado');
      assert.equal(await page.evaluate(() => navigator.onLine), false);
      assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'COOP/COEP came back from the cache');
      assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
    } finally {
      await context.close();
      server.close();
    }
  });

  test('served without COOP/COEP: the service worker isolates the second load, which runs 2 threads', async () => {
    const server = await startServer({ isolation: false });
    const { context, page, errors } = await firstVisit(app.browser);
    try {
      await page.goto(server.url);
      await waitPretrained(page);
      const first = { isolated: await page.evaluate(() => crossOriginIsolated), ...(await engine(page)) };
      await offlineStored(page);
      await page.reload();
      await waitPretrained(page);
      const second = { isolated: await page.evaluate(() => crossOriginIsolated), ...(await engine(page)),
        cores: await page.evaluate(() => navigator.hardwareConcurrency) };
      console.log(`without server headers: first load ${JSON.stringify(first)}; second load ${JSON.stringify(second)}`);
      assert.equal(first.isolated, false);
      assert.equal(first.variant, 'simd');
      assert.equal(second.isolated, true);
      assert.equal(second.variant, 'simd-mt');
      assert.match(second.text, new RegExp(`${Math.min(second.cores, 8)} hilos`));
      assert.ok(second.cores >= 2, 'this machine has 2 cores');
      assert.equal((await drawSeven(page)).digit, 7);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      server.close();
    }
  });

  test('an update never mixes builds: A keeps working, "Recargar" runs B, B works offline, even with the service worker\'s record damaged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convaula-update-'));
    const root = join(dir, 'dist');
    await cp(DIST, root, { recursive: true });
    const server = await startServer({ args: ['--root', root] });
    const { context, page, errors } = await firstVisit(app.browser);
    await page.setViewportSize({ width: 1280, height: 800 });
    const build = () => page.evaluate(async () => (await (await fetch('js/textos.js')).text()).includes("construccion = 'B'") ? 'B' : 'A');
    try {
      await page.goto(server.url);
      await waitPretrained(page);
      await waitState(page, ['idle'], READY);
      const versionA = await offlineStored(page);
      // sw.js's own record (which build each open page runs) damaged in Cache Storage: B's
      // service worker reads it when it activates.
      const damaged = '{"active": "' + versionA + '", "older": {"x": 3';
      const state = (text) => page.evaluate(async (t) => {
        const store = await caches.open('convaula.state'), key = new URL('convaula-state', location.href).href;
        if (t) return store.put(key, new Response(t));
        return { record: await (await store.match(key))?.json(), aside: await (await store.match(`${key}-set-aside`))?.text() };
      }, text);
      await state(damaged);
      // Build B on the server: one changed file, the service worker restamped.
      await appendFile(join(root, 'js', 'textos.js'), "\nexport const construccion = 'B';\n");
      await rm(join(root, 'js', 'textos.js.br'));
      await rm(join(root, 'js', 'textos.js.gz'));
      await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'precache.mjs'), root]);
      await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'compress.mjs'), root, join(dir, 'cache'), '--only', 'sw.js']);
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
      await page.getByTestId('update').waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await page.getByTestId('update').textContent(), /Hay una versión nueva/);
      await page.locator('#estado-motor').screenshot({ path: join(app.artifacts, 'actualizacion.png') });
      // A still runs A, all of it: files, a new drawing, the lazily loaded QR encoder.
      assert.equal(await build(), 'A');
      assert.equal((await drawSeven(page)).digit, 7);
      await page.locator('#boton-proyector').click();
      await page.getByTestId('share').click();
      await page.getByTestId('share-dialog').waitFor({ state: 'visible' });
      await page.screenshot({ path: join(app.artifacts, 'actualizacion-y-compartir.png') });
      await page.keyboard.press('Escape');
      await page.locator('#boton-proyector').click();
      // "Recargar": the page reloads on B.
      await Promise.all([page.waitForEvent('load'), page.getByTestId('update-reload').click()]);
      await waitPretrained(page);
      assert.equal(await build(), 'B');
      const versionB = await offlineStored(page);
      assert.notEqual(versionB, versionA);
      // The damaged record was set aside (kept) and rebuilt.
      assert.deepEqual(await state(), { record: { active: versionB, older: {} }, aside: damaged });
      assert.equal(await page.getByTestId('update').isVisible(), false);
      assert.equal((await drawSeven(page)).digit, 7);
      // B offline.
      await context.setOffline(true);
      await page.reload();
      await waitPretrained(page);
      assert.equal(await build(), 'B');
      assert.equal((await drawSeven(page)).digit, 7);
      await waitState(page, ['idle'], READY);
      console.log(`update: build ${versionA} kept running after ${versionB} was served; "Recargar" ran ${versionB}, also offline`);
      assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
    } finally {
      await context.close();
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('another tab\'s "Recargar": this tab keeps running A (files, lazy modules, a new worker) until its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convaula-tabs-'));
    const root = join(dir, 'dist');
    await cp(DIST, root, { recursive: true });
    const server = await startServer({ args: ['--root', root] });
    const { context, page: first, errors } = await firstVisit(app.browser);
    const second = await context.newPage();
    second.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    second.on('pageerror', (err) => errors.push(String(err)));
    // Which build a page runs, read three ways: a plain file, a module it has not imported yet
    // (QR encoder), and a worker it starts now (B's worker.js answers 'construccion').
    const textos = (page) => page.evaluate(async () => ((await (await fetch('js/textos.js')).text()).includes("construccion = 'B'") ? 'B' : 'A'));
    const qr = (page) => page.evaluate(async () => (await import('./vendor/uqr/index.mjs')).construccion ?? 'A');
    const worker = (page) => page.evaluate(() => new Promise((resolve) => {
      const w = new Worker('worker.js', { type: 'module' });
      w.onmessage = ({ data }) => { w.terminate(); resolve(data === 'B' ? 'B' : 'A'); };
      w.postMessage('construccion');
    }));
    try {
      for (const page of [first, second]) {
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.goto(server.url);
        await waitPretrained(page);
        await waitState(page, ['idle'], READY);
      }
      const versionA = await offlineStored(second);
      // Build B: three changed files, the service worker restamped.
      await appendFile(join(root, 'js', 'textos.js'), "\nexport const construccion = 'B';\n");
      await appendFile(join(root, 'vendor', 'uqr', 'index.mjs'), "\nexport const construccion = 'B';\n");
      await appendFile(join(root, 'worker.js'), "\nconst atender = self.onmessage;\nself.onmessage = (e) => (e.data === 'construccion' ? self.postMessage('B') : atender(e));\n");
      for (const file of ['js/textos.js', 'vendor/uqr/index.mjs', 'worker.js']) {
        await rm(join(root, `${file}.br`), { force: true });
        await rm(join(root, `${file}.gz`), { force: true });
      }
      await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'precache.mjs'), root]);
      await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'compress.mjs'), root, join(dir, 'cache'), '--only', 'sw.js']);
      await first.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
      for (const page of [first, second]) await page.getByTestId('update').waitFor({ state: 'visible', timeout: 60_000 });

      // The first tab chooses B.
      await Promise.all([first.waitForEvent('load'), first.getByTestId('update-reload').click()]);
      await waitPretrained(first);
      const versionB = await offlineStored(first);
      const onB = { textos: await textos(first), qr: await qr(first), worker: await worker(first) };

      // The second still runs A, all of it, and still offers B. The worker it starts is written
      // down as running A (sw.js's record), so what that worker imports comes from A too.
      const onA = { textos: await textos(second), qr: await qr(second) };
      const clientsOnA = async () => (await second.evaluate(async () => {
        const kept = await (await caches.open('convaula.state')).match(new URL('convaula-state', location.href).href);
        return kept.json();
      })).older[versionA]?.length ?? 0;
      const before = await clientsOnA();
      onA.worker = await worker(second);
      const workersOnA = (await clientsOnA()) - before;
      onA.version = await second.evaluate(() => document.querySelector('#actualizacion').dataset.version);
      assert.equal((await drawSeven(second)).digit, 7);
      assert.equal(await second.getByTestId('update').isVisible(), true);
      const caches = await first.evaluate(() => caches.keys());
      console.log(`tabs: after the first tab's Recargar it runs ${versionB} ${JSON.stringify(onB)}, the second ` +
        `${versionA} ${JSON.stringify(onA)} (clients on A: ${before} + ${workersOnA}); caches ${caches.join(' ')}`);
      assert.notEqual(versionB, versionA);
      assert.deepEqual(onB, { textos: 'B', qr: 'B', worker: 'B' });
      assert.deepEqual(onA, { textos: 'A', qr: 'A', worker: 'A', version: versionA });
      assert.equal(workersOnA, 1, 'the new worker runs A');
      assert.ok(caches.includes(`convaula-${versionA}`) && caches.includes(`convaula-${versionB}`));

      // Its own "Recargar" runs B; A's cache goes once no page runs A.
      await Promise.all([second.waitForEvent('load'), second.getByTestId('update-reload').click()]);
      await waitPretrained(second);
      assert.equal(await offlineStored(second), versionB);
      assert.deepEqual({ textos: await textos(second), worker: await worker(second) }, { textos: 'B', worker: 'B' });
      assert.equal((await drawSeven(second)).digit, 7);
      assert.equal(await second.getByTestId('update').isVisible(), false);
      assert.deepEqual((await second.evaluate(() => caches.keys())).filter((k) => k.startsWith('convaula-')), [`convaula-${versionB}`]);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
