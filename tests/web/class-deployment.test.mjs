// class-deployment.test.mjs: the page served to a class, in Debian's Chromium, loopback only:
// opened as http://aula.test:PORT/ (a LAN name mapped to 127.0.0.1: not a secure context) it
// predicts, trains single-threaded and says why in Spanish; projector mode's "Compartir con la
// clase" draws the page's own address as a QR code; the Content-Security-Policy is in force.
// The server's own behaviour is serve.test.mjs; nginx, Apache and Caddy are hosts.test.mjs.
// Screenshots go to build/artifacts/class-deployment/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { READY, firstVisit, launchBrowser, startServer, trainStatus, useApp, waitPretrained, waitState } from './harness.mjs';
import { STYLES, drawSeven, handwritten } from './acts.mjs';

const app = useApp('class-deployment');

// The engine variant's sentence is the status line's tooltip (the line says only that it is ready).
const engine = (page) => page.getByTestId('engine-variant').evaluate((el) => ({ variant: el.dataset.variant, text: el.title }));

describe('deployed for a class', { timeout: 900_000 }, () => {

  test('http://aula.test:PORT/ (not a secure context): predicts, trains single-threaded, and says why in Spanish', async () => {
    const server = await startServer();
    const lan = await launchBrowser({ args: ['--host-resolver-rules=MAP aula.test 127.0.0.1'] });
    const { context, page, errors, outside } = await firstVisit(lan);
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`http://aula.test:${server.port}/`);
      await waitPretrained(page);
      assert.equal(await page.evaluate(() => isSecureContext), false);
      const note = page.getByTestId('insecure-context');
      assert.ok(await note.isVisible());
      const text = await note.textContent();
      assert.match(text, /no la considera segura/);
      assert.match(text, /un solo hilo/);
      assert.match(text, /https/);
      assert.match(text, /localhost/);
      await page.screenshot({ path: join(app.artifacts, 'no-segura-movil.png') });
      assert.equal((await drawSeven(page)).digit, 7);
      const e = await engine(page);
      assert.equal(e.variant, 'simd');
      await waitState(page, ['idle'], READY);
      // The smallest subset, one epoch: enough to see it train on one thread.
      const smallest = await page.locator('#subconjunto option').first().getAttribute('value');
      await page.selectOption('#subconjunto', smallest);
      await page.fill('#epocas', '1');
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.batch) > 0,
        null, { timeout: READY });
      await page.getByTestId('train-stop').click();
      await waitState(page, ['done', 'idle', 'stopped'], READY);
      const s = await trainStatus(page);
      console.log(`aula.test: engine ${e.text}; training reached batch ${s.batch}, then stopped (${s.state})`);
      assert.deepEqual(outside, []);
      // Chromium's own console note on COOP over http is what the page's note explains.
      assert.deepEqual(errors.filter((m) => !/Cross-Origin-Opener-Policy header has been ignored/.test(m)), []);
    } finally {
      await context.close();
      await lan.close();
      server.close();
    }
  });

  test('projector mode: "Compartir con la clase" draws the page\'s own address as a QR code, under the CSP', async () => {
    const server = await startServer();
    const { context, page, errors } = await firstVisit(app.browser);
    try {
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.goto(server.url);
      await waitPretrained(page);
      assert.equal(await page.getByTestId('share').isVisible(), false, 'only in projector mode');
      await page.locator('#boton-proyector').click();
      await page.getByTestId('share').click();
      const qr = page.getByTestId('share-qr');
      await qr.waitFor({ state: 'visible' });
      assert.equal(await qr.getAttribute('data-url'), server.url);
      assert.equal(await page.getByTestId('share-url').textContent(), server.url);
      // A QR code: dark and light modules, finder pattern in the top-left corner.
      const { dark, width, corner } = await qr.evaluate((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++;
        const at = (x, y) => d[4 * (y * c.width + x)] < 128;
        return { dark: n / (d.length / 4), width: c.width, corner: at(16 + 4, 16 + 4) };
      });
      assert.ok(dark > 0.25 && dark < 0.6, `dark fraction ${dark}`);
      assert.ok(width >= 21 * 8);
      assert.equal(corner, true);
      assert.match(await page.locator('dialog.compartir .nota').textContent(), /make serve CLASS=1/);
      await page.screenshot({ path: join(app.artifacts, 'compartir-proyector.png') });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      server.close();
    }
  });

  test('the Content-Security-Policy is in force: an injected inline script does not run and is reported', async () => {
    const { page, context, errors } = await app.openApp({ pretrained: true });
    try {
      const header = await page.evaluate(() => fetch('./').then((r) => r.headers.get('content-security-policy')));
      assert.match(header, /script-src 'self' 'wasm-unsafe-eval'/);
      assert.doesNotMatch(header, /'unsafe-eval'|'unsafe-inline'/);
      const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.match(meta, /script-src 'self' 'wasm-unsafe-eval'/);
      // The app works under it: isolated (threads), engine up, a digit read, nothing logged.
      assert.equal(await page.evaluate(() => crossOriginIsolated), true);
      assert.equal((await handwritten(page, 4)).digit, 4);
      assert.deepEqual(errors, [], 'no console errors (CSP violations included) while the app runs');

      const violation = await page.evaluate(() => new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
        const script = document.createElement('script');
        script.textContent = 'window.__inyectado = true;';
        document.head.append(script);
        setTimeout(() => resolve(null), 2000);
      }));
      assert.equal(await page.evaluate(() => window.__inyectado), undefined, 'the inline script did not run');
      assert.match(String(violation), /^script-src/);
      const onclick = await page.evaluate(() => new Promise((resolve) => {
        const b = document.createElement('button');
        b.setAttribute('onclick', 'window.__clic = true');
        document.body.append(b);
        b.click();
        b.remove();
        setTimeout(() => resolve(window.__clic), 100);
      }));
      assert.equal(onclick, undefined, 'inline event handlers do not run');
    } finally {
      await context.close();
    }
  });
});
