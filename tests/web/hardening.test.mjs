// hardening.test.mjs: a page that cannot storm the server or wedge its engine.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { READY, launchBrowser, startServer } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'web', 'dist');
const PRETRAINED = '[data-testid="active-model"][data-model="preentrenada"]';
const OFFLINE_READY = '[data-testid="offline-status"][data-state="lista"]';
const script = (name, ...args) => promisify(execFile)(process.execPath, [join(ROOT, 'scripts', name), ...args]);

describe('engine restarts', { timeout: 300_000 }, () => {
  let server, browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('a worker.js that answers 404 is asked for a handful of times in 60 s, and "Reintentar" brings the engine', async () => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    let requests = 0;
    let broken = true;
    await context.route(/\/worker\.js(#.*)?$/, (route) => {
      requests++;
      return broken ? route.fulfill({ status: 404, body: 'not found' }) : route.continue();
    });
    const page = await context.newPage();
    // The page's clock is driven by the test: 60 s of restart delays pass in a few real seconds.
    await page.clock.install();
    await page.goto(server.url);
    const retry = page.getByTestId('engine-retry');
    await retry.waitFor({ state: 'visible', timeout: 60_000 });
    // Each second of page time, a moment of real time for a worker started then to fail.
    for (let s = 0; s < 60; s++) {
      await page.clock.runFor(1000);
      await page.waitForTimeout(100);
    }
    console.log(`# worker.js requested ${requests} times in 60 s of page time`);
    assert.ok(requests >= 3 && requests <= 8, `${requests} requests in 60 s`);
    assert.equal(await retry.textContent(), 'Reintentar');
    assert.match(await page.getByTestId('engine-retry-status').textContent(), /No se ha podido cargar el motor/);

    // The server is back: the button starts the engine now, without waiting out the delay.
    broken = false;
    await page.clock.resume();
    await retry.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="engine-variant"]').dataset.variant,
      null, { timeout: 90_000 });
    assert.equal(await page.getByTestId('engine-retry-status').isHidden(), true);
    await context.close();
  });
});

describe('engine threads', { timeout: 300_000 }, () => {
  let server, browser, page;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    page = await browser.newPage();
    await page.goto(`${server.url}js/client.js`);
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('bench asking for more threads than the pthread pool runs with the pool, and the engine answers after', async () => {
    const r = await page.evaluate(async () => {
      const { ConvAulaClient } = await import('/js/client.js');
      const client = new ConvAulaClient('/worker.js');
      const info = await client.init();
      const asked = navigator.hardwareConcurrency + 2;
      const bench = await client.bench({ preset: 'classroom', batches: 1, threads: asked });
      const presets = await client.presets();
      return { variant: info.variant, threads: info.threads, asked, benchThreads: bench.threads, presets: presets.length };
    });
    assert.equal(r.variant, 'simd-mt');
    // The pool holds min(cores, 8) - 1 workers (at least 1): the caller's thread plus those.
    assert.ok(r.benchThreads >= r.threads && r.benchThreads < r.asked, JSON.stringify(r));
    assert.ok(r.presets > 0);
  });
});

describe('service worker builds', { timeout: 600_000 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  it('a first visit without COOP/COEP stores the threaded engine too: the isolated second load starts offline', async () => {
    const server = await startServer({ isolation: false });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.waitForSelector(PRETRAINED, { timeout: READY, state: 'attached' });
      assert.equal(await page.getByTestId('engine-variant').getAttribute('data-variant'), 'simd');
      await page.waitForSelector(OFFLINE_READY, { timeout: READY, state: 'attached' });
      await context.setOffline(true);
      await page.reload();
      await page.waitForSelector(PRETRAINED, { timeout: READY, state: 'attached' });
      assert.equal(await page.getByTestId('engine-variant').getAttribute('data-variant'), 'simd-mt');
      assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    } finally {
      await context.close();
      server.close();
    }
  });

  it('a file evicted from the cache while the server has a new build is not served from that build', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convaula-evicted-'));
    const root = join(dir, 'dist');
    await cp(DIST, root, { recursive: true });
    const server = await startServer({ args: ['--root', root] });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.waitForSelector(PRETRAINED, { timeout: READY, state: 'attached' });
      await page.waitForSelector(OFFLINE_READY, { timeout: READY, state: 'attached' });
      // Build B on the server, made as scripts/build-web.sh makes one: a changed file and its
      // precompressed copies, the service worker restamped, then its own copies (the server
      // sends sw.js.br to a browser that takes brotli) ...
      await appendFile(join(root, 'js', 'textos.js'), "\nexport const construccion = 'B';\n");
      await script('compress.mjs', root, join(dir, 'compress'), '--only', 'js/textos.js');
      await script('precache.mjs', root);
      await script('compress.mjs', root, join(dir, 'compress'), '--only', 'sw.js');
      // ... and that file gone from build A's cache (the browser evicted it).
      const got = await page.evaluate(async () => {
        const key = new URL('js/textos.js', location.href).href;
        for (const name of await caches.keys()) if (name.startsWith('convaula-')) await (await caches.open(name)).delete(key);
        return fetch('js/textos.js').then((r) => r.text()).then(
          (text) => (text.includes("construccion = 'B'") ? 'build B' : 'build A'), (err) => `refused (${err.name})`);
      });
      console.log(`# js/textos.js evicted, server on build B: the page on build A got ${got}`);
      assert.match(got, /^refused/);
      // The page is told, finds build B's service worker and offers it.
      await page.getByTestId('update').waitFor({ state: 'visible', timeout: 60_000 });
    } finally {
      await context.close();
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
