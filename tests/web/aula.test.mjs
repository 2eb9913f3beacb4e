// aula.test.mjs: the page ready for class (issue 6), in Debian's Chromium: the pretrained network
// answers drawings before any training, handwriting in several writers' styles is read,
// divergence brings the old network back, bad files are refused, the CSP holds, the page
// opens offline on a second visit, projector mode fits 1024×768, a crashed engine comes
// back, and training survives the tab being hidden. Screenshots go to build/artifacts/aula/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { openPage, READY, trainStatus, useApp, waitState } from './harness.mjs';

const app = useApp('aula');
const ARTIFACTS = app.artifacts;
const PRETRAINED = '[data-testid="active-model"][data-model="preentrenada"]';
const status = trainStatus;

// Opens the app and waits for the pretrained network; `datos` also waits for MNIST.
async function openApp({ width = 1366, height = 768, datos = false } = {}) {
  const opened = await app.openApp({ width, height, ready: PRETRAINED });
  if (datos) await waitState(opened.page, ['idle'], READY);
  return opened;
}
const activeModel = (page) => page.getByTestId('active-model').getAttribute('data-model');

// ---- handwriting: digits as pen paths, in a unit box (x right, y down) ----------------------

// Points along a closed or open ellipse arc, angles in turns (0 = right, 0.25 = down).
function arc(cx, cy, rx, ry, from, to, n = 24) {
  return Array.from({ length: n + 1 }, (_, i) => {
    const t = 2 * Math.PI * (from + ((to - from) * i) / n);
    return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)];
  });
}
// A polyline with its corners kept, densified so the mouse moves in small steps.
function line(...points) {
  const out = [points[0]];
  for (let i = 1; i < points.length; i++) {
    const [[x0, y0], [x1, y1]] = [points[i - 1], points[i]];
    const n = Math.max(2, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 0.04));
    for (let k = 1; k <= n; k++) out.push([x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n]);
  }
  return out;
}
// Each digit as a list of strokes, written the way people usually write it.
const DIGITS = [
  [arc(0.5, 0.5, 0.3, 0.45, -0.25, 0.77, 32)],
  [line([0.45, 0.12], [0.56, 0.03], [0.5, 0.97])],
  [[...arc(0.5, 0.3, 0.3, 0.25, 0.55, 1.05, 14), ...line([0.78, 0.42], [0.15, 0.95], [0.88, 0.95])]],
  [[...arc(0.48, 0.27, 0.3, 0.22, 0.6, 1.22, 16), ...arc(0.48, 0.71, 0.34, 0.26, 0.78, 1.42, 18)]],
  [line([0.55, 0.05], [0.12, 0.65], [0.88, 0.65]), line([0.66, 0.3], [0.66, 0.97])],
  [[...line([0.8, 0.05], [0.28, 0.05], [0.24, 0.45]), ...arc(0.47, 0.68, 0.33, 0.28, 0.62, 1.3, 18)]],
  [[...line([0.72, 0.04], [0.4, 0.35]), ...arc(0.5, 0.7, 0.27, 0.27, 0.6, 1.6, 24)]],
  [line([0.15, 0.08], [0.85, 0.08], [0.42, 0.97])],
  [[...arc(0.5, 0.27, 0.23, 0.22, 0.25, 1.25, 20), ...arc(0.5, 0.71, 0.28, 0.26, -0.25, 0.75, 20)]],
  [[...arc(0.47, 0.3, 0.26, 0.24, 0, 1.0, 24), ...line([0.73, 0.3], [0.7, 0.97])]],
];

// Writers' styles: where and how big the digit goes (fractions of the canvas), slant, and
// how many times each stroke is gone over (a heavy hand).
const STYLES = {
  normal: { cx: 0.5, cy: 0.5, size: 0.62 },
  inclinado: { cx: 0.5, cy: 0.5, size: 0.6, slant: 0.35 },
  pequeno: { cx: 0.5, cy: 0.5, size: 0.24 },
  descentrado: { cx: 0.3, cy: 0.32, size: 0.42 },
  grueso: { cx: 0.5, cy: 0.5, size: 0.55, passes: [[0, 0], [0.018, 0], [-0.018, 0], [0, 0.018]] },
  fino: { cx: 0.5, cy: 0.5, size: 0.88 },
};

function styled(strokes, { cx, cy, size, slant = 0, passes = [[0, 0]] }) {
  // Digits are about 0.7 times as wide as tall, as in MNIST.
  const place = ([x, y], [dx, dy]) => [cx + size * (0.7 * (x - 0.5) + slant * (0.5 - y)) + dx, cy + size * (y - 0.5) + dy];
  return passes.flatMap((offset) => strokes.map((s) => s.map((p) => place(p, offset))));
}

// Draws strokes given as lists of [x, y] fractions of the canvas, with the real mouse.
async function draw(page, strokes) {
  const canvas = page.getByTestId('draw-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  for (const [[x0, y0], ...rest] of strokes) {
    await page.mouse.move(box.x + x0 * box.width, box.y + y0 * box.height);
    await page.mouse.down();
    for (const [x, y] of rest) await page.mouse.move(box.x + x * box.width, box.y + y * box.height);
    await page.mouse.up();
  }
}

// The answer for the finished drawing: the prediction's data-pending turns "false" once the
// page has no newer drawing to classify.
async function prediction(page) {
  await page.waitForFunction(() => {
    const out = document.querySelector('[data-testid="prediction"]');
    return out.dataset.pending === 'false' && /^\d$/.test(out.textContent);
  });
  return page.evaluate(() => ({
    digit: Number(document.querySelector('[data-testid="prediction"]').textContent),
    probs: Array.from({ length: 10 }, (_, d) => Number(document.querySelector(`[data-testid="prob-${d}"]`).dataset.value)),
  }));
}
async function drawDigit(page, strokes) {
  await page.getByTestId('draw-clear').click();
  await draw(page, strokes);
  return prediction(page);
}

describe('ConvAula ready for class', () => {
  test('the pretrained network predicts a drawn digit before any training, once the engine is ready', async () => {
    const { page, context, errors, outside } = await openPage(app.browser, app.server.url, '');
    try {
      // Time from the engine being up (variant shown) to the pretrained network answering.
      await page.evaluate(() => new Promise((resolve) => {
        const variant = document.querySelector('[data-testid="engine-variant"]');
        const model = document.querySelector('[data-testid="active-model"]');
        const check = () => {
          if (variant.dataset.variant && window.__engineAt === undefined) window.__engineAt = performance.now();
          if (model.dataset.model === 'preentrenada' && window.__modelAt === undefined) window.__modelAt = performance.now();
          if (window.__modelAt !== undefined) resolve();
        };
        new MutationObserver(check).observe(document.body, { subtree: true, attributes: true, childList: true });
        check();
      }));
      await draw(page, styled(DIGITS[7], STYLES.normal));
      const { digit, probs } = await prediction(page);
      const predictedAt = await page.evaluate(() => performance.now());
      const { engineAt, modelAt } = await page.evaluate(() => ({ engineAt: window.__engineAt, modelAt: window.__modelAt }));
      const s = await status(page);
      console.log(`pretrained network ready ${(modelAt - engineAt).toFixed(0)} ms after the engine; ` +
        `first prediction ${(predictedAt - engineAt).toFixed(0)} ms after it (including the drawing); train state ${s.state}`);
      // The time is a figure, not a pass mark (timed unit tests fail on a busy machine): it is
      // measured in alternation against another build by bench/arranque-ab.mjs.
      assert.ok(modelAt >= engineAt, 'the pretrained network came after the engine');
      assert.notEqual(s.state, 'training');
      assert.equal(s.batch, undefined, 'no training has happened');
      assert.equal(digit, 7);
      assert.ok(probs[7] > 0.9, `p(7) = ${probs[7]}`);
      assert.match(await page.getByTestId('active-model').textContent(), /red preentrenada/);
      // Named honestly: the lesson's architecture, trained with Adam for 10 epochs (README, «Modelo preentrenado»).
      assert.match(await page.getByTestId('active-model').textContent(), /Adam durante 10 épocas, no con el Adadelta de 15 épocas/);
      await waitState(page, ['idle'], READY);
      assert.deepEqual(errors, []);
      assert.deepEqual(outside, []);
    } finally {
      await context.close();
    }
  });

  test('handwriting: digits 0–9 drawn with the mouse in six writers\' styles', async () => {
    const { page, context, errors } = await openApp();
    try {
      const perStyle = {};
      const misses = [];
      for (const [name, style] of Object.entries(STYLES)) {
        perStyle[name] = 0;
        for (let d = 0; d <= 9; d++) {
          const { digit } = await drawDigit(page, styled(DIGITS[d], style));
          if (digit === d) perStyle[name]++;
          else misses.push(`${name} ${d}→${digit}`);
        }
        await page.locator('.panel-dibujo').screenshot({ path: `${ARTIFACTS}escritura-${name}.png` });
      }
      const total = Object.values(perStyle).reduce((a, b) => a + b, 0);
      console.log(`handwriting accuracy: ${total}/60 (${((100 * total) / 60).toFixed(0)} %); per style ` +
        `${Object.entries(perStyle).map(([n, k]) => `${n} ${k}/10`).join(', ')}; misread: ${misses.join(', ') || 'none'}`);
      assert.ok(total >= 48, `${total}/60 read correctly (floor 80 %)`);
      for (const [name, k] of Object.entries(perStyle)) assert.ok(k >= 6, `${name}: ${k}/10`);
      // "¿Qué ve la red?" shows all five steps of the last drawing.
      const steps = await page.locator('#pasos-preproceso canvas').evaluateAll((cs) =>
        cs.map((c) => ({ step: c.dataset.paso, empty: 'vacio' in c.dataset, width: c.width, height: c.height })));
      assert.deepEqual(steps.map((s) => s.step), ['entrada', 'caja', 'recorte', 'ajuste', 'colocado']);
      assert.ok(steps.every((s) => !s.empty), JSON.stringify(steps));
      assert.equal(Math.max(steps[3].width, steps[3].height), 20, 'fitted into 20×20');
      assert.deepEqual([steps[4].width, steps[4].height], [28, 28]);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('training that diverges (SGD, lr = 100) stops with a Spanish explanation and the old network still answers', async () => {
    const { page, context, errors } = await openApp({ datos: true });
    try {
      const before = await drawDigit(page, styled(DIGITS[3], STYLES.normal));
      assert.equal(before.digit, 3);
      // The lesson's network itself, so the network from before "Entrenar" is the pretrained one.
      await page.selectOption('#optimizador', 'sgd');
      await page.fill('#tasa', '100');
      await page.getByTestId('train-start').click();
      await page.waitForSelector('[data-testid="train-status"][data-error="diverged"]', { timeout: 60_000 });
      const s = await status(page);
      console.log(`diverged after ${s.batch ?? 0} progress reports: ${s.text}`);
      assert.equal(s.state, 'error');
      assert.match(s.text, /NaN/);
      assert.match(s.text, /tasa de aprendizaje de 100/);
      assert.match(s.text, /Prueba con una tasa 10 o 100 veces menor/);
      assert.match(s.text, /Se ha recuperado la red que había antes/);
      assert.equal(await activeModel(page), 'preentrenada');
      assert.equal(await page.getByTestId('preset').inputValue(), 'keras-mnist');
      // The restored weights are the very same: same digit, same probabilities.
      const after = await drawDigit(page, styled(DIGITS[3], STYLES.normal));
      assert.equal(after.digit, before.digit);
      // The same network answers the same strokes; 1e-3, not bit-equality: the notice above the
      // canvas moves it by a fraction of a pixel, so the strokes rasterize a little differently
      // (2e-6 apart seen here). Fresh or other weights would differ by far more.
      after.probs.forEach((p, d) => assert.ok(Math.abs(p - before.probs[d]) < 1e-3, `p(${d}) ${before.probs[d]} → ${p}`));
      assert.equal(await page.getByTestId('train-start').isDisabled(), false, 'a new run can start');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('every input box refuses values out of range', async () => {
    const { page, context } = await openApp({ datos: true });
    try {
      const bad = { tasa: ['0', '-1', 'abc', '101', '1e9', ''], lote: ['0', '1025', '1.5', 'x'], epocas: ['0', '101', '2,5'] };
      for (const [field, values] of Object.entries(bad)) {
        for (const value of values) {
          await page.fill(`#${field}`, value);
          await page.getByTestId('train-start').click();
          assert.equal(await page.locator(`#${field}`).getAttribute('aria-invalid'), 'true', `${field} = "${value}"`);
          assert.ok(await page.locator(`#${field}-error`).isVisible(), `${field} = "${value}" shows its error`);
          assert.equal((await status(page)).state, 'idle');
        }
        await page.fill(`#${field}`, { tasa: '1', lote: '32', epocas: '1' }[field]);
        await page.locator(`#${field}`).dispatchEvent('change');
        assert.equal(await page.locator(`#${field}`).getAttribute('aria-invalid'), 'false');
      }
    } finally {
      await context.close();
    }
  });

  test('files that are not weights (random bytes, a PNG, an empty file, a big file) are refused and the network stays', async () => {
    const { page, context, errors } = await openApp();
    try {
      const png = await page.screenshot();
      const files = [
        { name: 'ruido.pesos', buffer: randomBytes(5000), expect: 'bad_weights' },
        { name: 'foto.png', buffer: png, expect: 'bad_weights' },
        { name: 'vacio.pesos', buffer: Buffer.alloc(0), expect: 'archivo_vacio' },
        { path: `${ARTIFACTS}enorme.bin`, expect: 'archivo_grande' },  // over Playwright's 50 MB for buffers
      ];
      await writeFile(files[3].path, Buffer.alloc(70 * 1024 * 1024));
      const textos = await page.evaluate(() => import('./js/textos.js').then((m) => ({
        bad_weights: m.errores.bad_weights, archivo_vacio: m.pesos.archivo_vacio, archivo_grande: m.pesos.archivo_grande('73'),
      })));
      const message = page.getByTestId('weights-message');
      for (const { name = 'enorme.bin', buffer, path, expect } of files) {
        await message.evaluate((el) => { el.dataset.state = ''; el.textContent = ''; });
        await page.getByTestId('weights-load').setInputFiles(path ?? { name, mimeType: 'application/octet-stream', buffer });
        await page.waitForSelector('[data-testid="weights-message"][data-state="error"]');
        assert.ok((await message.textContent()).includes(textos[expect]), `${name}: ${await message.textContent()}`);
        assert.equal(await activeModel(page), 'preentrenada', `${name} left the network alone`);
      }
      assert.equal((await drawDigit(page, styled(DIGITS[1], STYLES.normal))).digit, 1);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the Content-Security-Policy is in force: an injected inline script does not run and is reported', async () => {
    const { page, context, errors } = await openApp({ datos: true });
    try {
      const header = await page.evaluate(() => fetch('./').then((r) => r.headers.get('content-security-policy')));
      assert.match(header, /script-src 'self' 'wasm-unsafe-eval'/);
      assert.doesNotMatch(header, /'unsafe-eval'|'unsafe-inline'/);
      const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.match(meta, /script-src 'self' 'wasm-unsafe-eval'/);
      // The app works under it: isolated (threads), engine up, a digit read, nothing logged.
      assert.equal(await page.evaluate(() => crossOriginIsolated), true);
      assert.equal((await drawDigit(page, styled(DIGITS[4], STYLES.normal))).digit, 4);
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

  test('offline: after a first visit the page opens with the network cut, says so, and predicts', async () => {
    const { page, context, errors } = await openApp({ datos: true });
    try {
      await page.waitForSelector('[data-testid="offline-status"][data-state="lista"]', { timeout: READY });
      assert.match(await page.getByTestId('offline-status').textContent(), /Disponible sin conexión/);
      await context.setOffline(true);
      await page.reload();
      await page.waitForSelector(PRETRAINED, { timeout: READY });
      await waitState(page, ['idle'], READY);  // MNIST too came from the cache
      assert.equal(await page.getByTestId('offline-status').getAttribute('data-state'), 'desconectado');
      assert.equal(await page.evaluate(() => navigator.onLine), false);
      assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'COOP/COEP came back from the cache');
      assert.equal((await drawDigit(page, styled(DIGITS[2], STYLES.normal))).digit, 2);
      assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
    } finally {
      await context.close();
    }
  });

  test('projector mode at 1024×768: larger type, no horizontal overflow', async () => {
    const { page, context, errors } = await openApp({ width: 1024, height: 768 });
    try {
      const base = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#entrenar .intro')).fontSize));
      await page.locator('#boton-proyector').click();
      const big = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#entrenar .intro')).fontSize));
      assert.ok(big >= base * 1.4, `intro text ${base} px → ${big} px`);
      for (const target of ['#imagenes', '#entrenar', '.panel-dibujo', '.panel-pesos']) {
        await page.locator(target).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
        await page.screenshot({ path: `${ARTIFACTS}proyector-${target.replace(/\W/g, '')}.png` });
      }
      const overflow = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')].filter((el) =>
          // KaTeX's MathML copy for screen readers is clipped to nothing on purpose.
          !el.closest('nav, .sr-only, .archivo-oculto, .katex-mathml') && el.getBoundingClientRect().right > width + 1);
        return { scrollWidth: document.documentElement.scrollWidth, width, wide: wide.map((el) => el.outerHTML.slice(0, 80)) };
      });
      assert.equal(overflow.scrollWidth, overflow.width, 'no horizontal scrolling');
      assert.deepEqual(overflow.wide, []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a crashed engine is restarted, the page says so, and the pretrained network is back', async () => {
    const opened = await openPage(app.browser, app.server.url, 'js/client.js');  // a context to set up first
    const { context } = opened;
    // Keep a handle on the page's workers so the test can make the engine's one fail.
    await context.addInitScript(() => {
      const Original = window.Worker;
      window.__workers = [];
      window.Worker = class extends Original {
        constructor(...args) { super(...args); window.__workers.push(this); }
      };
    });
    const { page } = opened;
    const errors = [];
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    try {
      await page.goto(app.server.url);
      await page.waitForSelector(PRETRAINED, { timeout: READY });
      const before = await drawDigit(page, styled(DIGITS[0], STYLES.normal));
      // The lesson's sections near the drawing are built once it has been answered (reposo.js);
      // the crash comes after they are, as it would in class: this test is about the restart,
      // not about a section whose build a crash cuts short (issue 13's note).
      await page.waitForFunction(() => [...document.querySelectorAll('main section[data-section]')].every((s) => {
        const r = s.getBoundingClientRect();
        const cerca = r.bottom > -innerHeight && r.top < 2 * innerHeight;  // secciones.js's rootMargin
        return !cerca || s.dataset.ready === 'true';
      }), null, { timeout: READY });
      await page.evaluate(() => window.__workers[0].onerror(new ErrorEvent('error', { message: 'out of memory' })));
      await page.waitForSelector('#motor-error:not([hidden])');
      const said = await page.locator('#motor-error').textContent();
      assert.match(said, /se ha vuelto a arrancar con la red preentrenada/);
      await page.waitForFunction(() => window.__workers.length === 2);
      await page.waitForSelector(PRETRAINED, { timeout: READY });
      const after = await drawDigit(page, styled(DIGITS[0], STYLES.normal));
      assert.equal(after.digit, before.digit);
      // The same network answers the same strokes; 1e-3, not bit-equality: the notice above the
      // canvas moves it by a fraction of a pixel, so the strokes rasterize a little differently
      // (2e-6 apart seen here). Fresh or other weights would differ by far more.
      after.probs.forEach((p, d) => assert.ok(Math.abs(p - before.probs[d]) < 1e-3, `p(${d}) ${before.probs[d]} → ${p}`));
      await waitState(page, ['idle'], READY);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('hiding the tab and coming back neither stops nor spoils training', async () => {
    const { page, context, errors } = await openApp({ datos: true });
    try {
      await page.getByTestId('preset').selectOption('classroom');
      await waitState(page, ['idle']);
      await page.fill('#epocas', '1');
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.batch) >= 20, null, { timeout: 60_000 });
      // Another tab in front, then the page told it is hidden, as a browser does on a tab switch.
      const other = await context.newPage();
      await other.goto(`${app.server.url}img/icono.svg`);
      await other.bringToFront();
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      const hiddenAt = Number((await status(page)).batch);
      await page.waitForTimeout(2000);
      const s = await status(page);
      assert.ok(s.state === 'done' || Number(s.batch) > hiddenAt, `batch ${hiddenAt} → ${s.batch} while hidden`);
      await page.evaluate(() => {
        delete document.visibilityState;
        delete document.hidden;
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await page.bringToFront();
      await other.close();
      await waitState(page, ['done'], 120_000);
      const end = await status(page);
      console.log(`after hiding the tab: test accuracy ${end.testAccuracy}`);
      assert.ok(Number(end.testAccuracy) > 0.9, `test accuracy ${end.testAccuracy}`);
      assert.equal(await activeModel(page), 'clase');
      assert.match(await page.getByTestId('active-model').textContent(), /entrenada en clase/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
