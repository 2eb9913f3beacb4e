// harness.mjs: shared setup of the browser tests: the dev server on a free port, and Debian's Chromium.
//
// The server is scripts/serve.mjs itself (PORT=0 picks a free port; it prints the URL).
// Every request that leaves 127.0.0.1 is aborted and recorded, so a test can assert the
// page never reaches the network; console errors and uncaught exceptions are recorded too.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts scripts/serve.mjs; resolves {url, close()} once it listens. */
export function startServer({ isolation = true } = {}) {
  const args = [`${ROOT}/scripts/serve.mjs`, ...(isolation ? [] : ['--no-isolation'])];
  const child = spawn(process.execPath, args, { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve({ url: m[0], close: () => child.kill() });
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
