// harness.mjs: shared setup of the browser tests: the dev server on a free port, and Debian's Chromium.
//
// The server is scripts/serve.mjs itself (PORT=0 picks a free port; it prints the URL).
// Every request that leaves 127.0.0.1 is aborted and recorded, so a test can assert the
// page never reaches the network; console errors and uncaught exceptions are recorded too.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Starts scripts/serve.mjs; resolves {url, port, out(), close()} once it listens. `args` are
 * more options (--root DIR, --log: out() then has one "log:" line per response).
 */
export function startServer({ isolation = true, args = [] } = {}) {
  const argv = [`${ROOT}/scripts/serve.mjs`, ...(isolation ? [] : ['--no-isolation']), ...args];
  const child = spawn(process.execPath, argv, { env: { ...process.env, PORT: '0', CLASS: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let started = false;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m && !started) {
        started = true;
        resolve({ url: m[0], port: Number(m[1]), out: () => out, close: () => child.kill() });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${out}`)));
  });
}

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
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
 * window size and waits until the `ready` selector is in the DOM.
 */
export function useApp(suite) {
  const app = {
    server: null,
    browser: null,
    artifacts: fileURLToPath(new URL(`../../build/artifacts/${suite}/`, import.meta.url)),
    async openApp({ width = 1366, height = 768, ready = IDLE } = {}) {
      const opened = await openPage(app.browser, app.server.url, '');
      await opened.page.setViewportSize({ width, height });
      await opened.page.waitForSelector(ready, { timeout: READY, state: 'attached' });
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
