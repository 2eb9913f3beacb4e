// harness.mjs: shared setup of the browser suites and benches: the dev server on a free port
// (http.mjs), Debian's Chromium, a watched page, a first visit, and waiting for the network.
//
// Every request that leaves 127.0.0.1 is aborted and recorded, so a test can assert the
// page never reaches the network; console errors and uncaught exceptions are recorded too.
import { mkdir } from 'node:fs/promises';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './http.mjs';

export { startServer };

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's Chromium, headless; `args` are more switches (--host-resolver-rules=…). */
export function launchBrowser({ args = [] } = {}) {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...args] });
}

/**
 * A fresh page on `url`, watched: returns {page, outside, errors}. `path` is the document to
 * open; worker-level tests open a plain same-origin file (client.js) so that only their own
 * client runs, with the server's COOP/COEP headers in force.
 */
export async function openPage(browser, url, path = 'js/client.js') {
  const context = await browser.newContext();
  const outside = [], errors = [];
  await context.route((u) => u.hostname !== '127.0.0.1', (route) => {
    outside.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url + path);
  return { page, context, outside, errors };
}

/** Engine start + MNIST download and decode, on a busy two-core machine. */
export const READY = 90_000;
/** In the DOM once the model is built and MNIST is loaded (the panel itself may be folded away). */
export const IDLE = '[data-testid="train-status"][data-state="idle"]';

/**
 * The fixture of the page-level suites (ui, lección, aula): one dev server and one Chromium per
 * test file, started by a before() hook and closed by an after() hook, which this registers.
 * Returns `app`: its `server` and `browser` (live once the hooks ran), `artifacts` (the suite's
 * screenshot folder in build/artifacts/, gitignored) and `openApp()`, which opens the app at a
 * window size and waits until the `ready` selector is in the DOM (and, with `pretrained`, the
 * pretrained network).
 */
export function useApp(suite) {
  const app = {
    server: null,
    browser: null,
    artifacts: fileURLToPath(new URL(`../../build/artifacts/${suite}/`, import.meta.url)),
    async openApp({ width = 1366, height = 768, ready = IDLE, pretrained = false } = {}) {
      const opened = await openPage(app.browser, app.server.url, '');
      await opened.page.setViewportSize({ width, height });
      await opened.page.waitForSelector(ready, { timeout: READY, state: 'attached' });
      if (pretrained) await waitPretrained(opened.page);
      return opened;
    },
  };
  before(async () => {
    [app.server, app.browser] = await Promise.all([startServer(), launchBrowser()]);
    await mkdir(app.artifacts, { recursive: true });
  });
  after(async () => {
    await app.browser?.close();
    app.server?.close();
  });
  return app;
}

/** The training panel's state, batch, epoch… (its data-* attributes) and its text. */
export const trainStatus = (page) =>
  page.getByTestId('train-status').evaluate((el) => ({ ...el.dataset, text: el.textContent }));

/** Waits until the training panel is in one of `states`. */
export const waitState = (page, states, timeout = 30_000) => page.waitForFunction(
  (s) => s.includes(document.querySelector('[data-testid="train-status"]').dataset.state), states, { timeout });

/** In the DOM once the pretrained network answers drawings. */
export const PRETRAINED = '[data-testid="active-model"][data-model="preentrenada"]';
/** Waits for the pretrained network ("the network") to be in the page's worker. */
export const waitPretrained = (page, timeout = READY) => page.waitForSelector(PRETRAINED, { timeout, state: 'attached' });

/**
 * A first visit: a fresh context (empty caches, no service worker) on `browser`; requests to
 * anything but loopback names (127.0.0.1 and the mapped aula.test) are recorded in `outside`.
 * Not intercepted with route(): Playwright then turns the HTTP cache off, and the service
 * worker's install is meant to find the page's files there. Returns {context, page, outside, errors}.
 */
export async function firstVisit(browser) {
  const context = await browser.newContext();
  const outside = [], errors = [];
  context.on('request', (r) => {
    const { hostname, protocol } = new URL(r.url());
    if (/^https?:$/.test(protocol) && hostname !== '127.0.0.1' && hostname !== 'aula.test') outside.push(r.url());
  });
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return { context, page, outside, errors };
}

/**
 * Resolves with the build's version once the service worker controls the page and has stored
 * what the page used. Fails within `ms` (or at once if the install failed) with where the
 * service worker got to: a page whose install failed never gets a controller.
 */
export const offlineStored = (page, ms = 120_000) => page.evaluate((limit) => new Promise((resolve, reject) => {
  const sw = navigator.serviceWorker;
  const fail = async (why) => {
    const r = await sw.getRegistration();
    const state = { controller: sw.controller?.state ?? null, installing: r?.installing?.state ?? null,
      waiting: r?.waiting?.state ?? null, active: r?.active?.state ?? null };
    reject(new Error(`service worker: ${why} (${JSON.stringify(state)})`));
  };
  const timer = setTimeout(() => fail(`no 'convaula-guardado' within ${limit} ms of asking`), limit);
  const ask = () => sw.controller.postMessage({ type: 'convaula-guardar' });
  sw.addEventListener('message', ({ data }) => {
    if (data?.type !== 'convaula-guardado') return;
    clearTimeout(timer);
    resolve(data.version);
  });
  if (sw.controller) { ask(); return; }
  sw.addEventListener('controllerchange', ask, { once: true });
  sw.getRegistration().then((r) => r?.installing?.addEventListener('statechange', ({ target }) => {
    if (target.state === 'redundant' && !sw.controller) {
      clearTimeout(timer);
      fail('its install failed: the page will never be controlled');
    }
  }));
}), ms);
