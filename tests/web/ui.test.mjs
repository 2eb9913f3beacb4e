// ui.test.mjs: the page as a student and a teacher use it, in Debian's Chromium, through the
// stable data-testid hooks: loading, drawing, training with pause/resume/stop, weights files,
// layout at desktop and phone sizes. Screenshots go to build/artifacts/ui/ (gitignored).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { READY, openPage, trainStatus, useApp, waitState } from './harness.mjs';

// Runs in the page: the page's scroll width, and the elements that stick out of the viewport.
// The section strip on phones scrolls sideways on purpose; everything else must fit. Content
// inside a box that clips or scrolls (a code block, KaTeX's visually hidden MathML) is seen
// only through that box, so the box is what must fit.
function measureOverflow() {
  const width = document.documentElement.clientWidth;
  const clippedInside = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return a.getBoundingClientRect().right <= width + 1;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')].filter((el) =>
    !el.closest('nav') && !el.closest('.sr-only, .archivo-oculto') &&
    el.getBoundingClientRect().right > width + 1 && !clippedInside(el));
  return { scrollWidth: document.documentElement.scrollWidth, width, wide: wide.map((el) => el.outerHTML.slice(0, 80)) };
}

const app = useApp('ui');
const ARTIFACTS = app.artifacts;
const { openApp } = app;
const status = trainStatus;

// Draws strokes given as lists of [x, y] fractions of the canvas, with the real mouse.
async function draw(page, strokes) {
  const canvas = page.getByTestId('draw-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  for (const stroke of strokes) {
    const [[x0, y0], ...rest] = stroke;
    await page.mouse.move(box.x + x0 * box.width, box.y + y0 * box.height);
    await page.mouse.down();
    for (const [x, y] of rest) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 4 });
    await page.mouse.up();
  }
}
const SEVEN = [[[0.3, 0.2], [0.7, 0.2], [0.45, 0.85]]];
const ONE = [[[0.5, 0.15], [0.5, 0.85]]];

// Bars and digit read in one page task, so a prediction landing meanwhile cannot mix two answers.
function readPrediction(page) {
  return page.evaluate(() => ({
    text: document.querySelector('[data-testid="prediction"]').textContent,
    probs: Array.from({ length: 10 }, (_, d) => Number(document.querySelector(`[data-testid="prob-${d}"]`).dataset.value)),
  }));
}

// Holds the pretrained weights' download back until soltar(); pedidos() counts the requests.
async function retenerPesos(context) {
  let soltar;
  const retenidos = new Promise((resolve) => { soltar = resolve; });
  let pedidos = 0;
  await context.route('**/models/keras-mnist.cvw', async (route) => {
    pedidos++;
    await retenidos;
    await route.continue();
  });
  return { soltar, pedidos: () => pedidos };
}

async function expectPrediction(page) {
  await page.waitForFunction(() => /^\d$/.test(document.querySelector('[data-testid="prediction"]').textContent));
  const { text, probs } = await readPrediction(page);
  const sum = probs.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-3, `probabilities sum to ${sum}`);
  assert.equal(Number(text), probs.indexOf(Math.max(...probs)), 'the prediction is the most probable digit');
  return { digit: Number(text), probs };
}

// Page-side probes of main-thread health while training: every task over 50 ms that the
// main thread runs (PerformanceObserver 'longtask'), and the delays a 10 ms interval timer
// sees. A timer can also be late because the OS gave the CPU to someone else (the worker's
// own threads, a parallel build), which is no task of the page's; so the longest task is
// the hard limit, and the timer's delays are a figure for the log.
function installResponsivenessProbe(page) {
  return page.evaluate(() => {
    const probe = { longestTask: 0, gaps: [], tasks: [] };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        probe.longestTask = Math.max(probe.longestTask, entry.duration);
        probe.tasks.push(`${(entry.startTime / 1000).toFixed(2)} s: ${entry.duration.toFixed(0)} ms`);
      }
    }).observe({ type: 'longtask' });
    // When a long task happens, the state the page was in says what it was doing.
    new MutationObserver(() => probe.tasks.push(`${(performance.now() / 1000).toFixed(2)} s: state ${
      document.querySelector('[data-testid="train-status"]').dataset.state}`))
      .observe(document.querySelector('[data-testid="train-status"]'), { attributeFilter: ['data-state'] });
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      probe.gaps.push(now - last - 10);
      last = now;
    }, 10);
    window.__probe = probe;
  });
}

describe('ConvAula page', () => {
  test('loads in Spanish with no console errors and no request outside localhost', async () => {
    const { page, context, errors, outside } = await openApp();
    try {
      assert.equal(await page.getAttribute('html', 'lang'), 'es');
      assert.equal(await page.locator('nav a').count(), 10);
      const sections = await page.locator('main section[data-section]').evaluateAll((els) =>
        els.map((s) => ({ id: s.id, title: s.querySelector('h2').textContent, intro: s.querySelector('.intro').textContent })));
      assert.equal(sections.length, 10);
      for (const s of sections) {
        assert.ok(s.title.length > 2, `${s.id} has a heading`);
        assert.ok(s.intro.length > 120 && !/próximamente/i.test(s.intro), `${s.id} has a real intro`);
      }
      // Students see that the engine is ready; which variant runs is in the line's tooltip.
      assert.equal(await page.getByTestId('engine-variant').textContent(), 'Motor listo');
      assert.match(await page.getByTestId('engine-variant').getAttribute('title'), /^Motor: WebAssembly/);
      assert.match(await page.getByTestId('preset').inputValue(), /^(classroom|keras-mnist)$/);
      // Nothing untranslated slipped through: every data-t element got its text.
      assert.equal(await page.locator('[data-t]:empty').count(), 0);
      assert.deepEqual(errors, []);
      assert.deepEqual(outside, []);
    } finally {
      await context.close();
    }
  });

  test('a digit drawn while the pretrained network is still downloading is answered by it', async () => {
    // The weights are held back until the 7 is drawn. The drawing's request waits in the
    // worker for the network (no error, no fresh model built meanwhile) and is answered as
    // soon as the network is in (README, "Modelo preentrenado").
    const context = await app.browser.newContext();
    const pesos = await retenerPesos(context);
    const page = await context.newPage();
    const errors = [];
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    page.on('pageerror', (err) => errors.push(String(err)));
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(app.server.url);
      await draw(page, SEVEN);
      await page.waitForTimeout(500);
      assert.equal(pesos.pedidos(), 1, 'the worker asked for the weights once');
      assert.equal(await page.getByTestId('prediction').getAttribute('data-pending'), 'true');
      assert.equal(await page.getByTestId('prediction').textContent(), '');
      assert.equal(await page.getByTestId('active-model').getAttribute('data-model'), 'cargando');
      pesos.soltar();
      await page.waitForFunction(() => document.querySelector('[data-testid="prediction"]').dataset.pending === 'false', null, { timeout: READY });
      const { digit } = await expectPrediction(page);
      assert.equal(digit, 7);
      await page.waitForSelector('[data-testid="active-model"][data-model="preentrenada"]', { timeout: READY });
      assert.equal(await page.locator('#dibujo-error').isHidden(), true);
      assert.deepEqual(errors, []);
    } finally {
      pesos.soltar();
      await context.close();
    }
  });

  test('a finished drawing reaches the worker at once, without waiting for the answer to the stroke in progress', async () => {
    // While the network loads, the stroke's first request waits in the worker. When the pen
    // lifts, the finished drawing is sent too, not after a round trip of the first answer
    // through the page: both are answered the moment the network is in.
    const context = await app.browser.newContext();
    const pesos = await retenerPesos(context);
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__predicts = 0;
      const enviar = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (message, ...rest) {
        if (message?.type === 'predict') window.__predicts++;
        return enviar.call(this, message, ...rest);
      };
    });
    const errors = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(app.server.url);
      await draw(page, SEVEN);
      await page.waitForTimeout(500);
      assert.equal(await page.evaluate(() => window.__predicts), 2, 'the stroke in progress and the finished drawing are both in the worker');
      assert.equal(await page.getByTestId('prediction').getAttribute('data-pending'), 'true');
      pesos.soltar();
      await page.waitForFunction(() => document.querySelector('[data-testid="prediction"]').dataset.pending === 'false', null, { timeout: READY });
      const { digit } = await expectPrediction(page);
      assert.equal(digit, 7);
      assert.deepEqual(errors, []);
    } finally {
      pesos.soltar();
      await context.close();
    }
  });

  test('work that waits for a quiet page waits for a drawn digit\'s answer too, but not for ever', async () => {
    // js/leccion/kit/reposo.js: uPlot, the training form and the lesson's sections wait with
    // cuandoLibre(); the drawing marks its predictions with esperarRespuesta().
    const { page, context, errors } = await openPage(app.browser, app.server.url);
    try {
      const r = await page.evaluate(async () => {
        const { cuandoLibre, esperarRespuesta } = await import('/js/leccion/kit/reposo.js');
        const pausa = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
        let responder;
        esperarRespuesta(new Promise((resolve) => { responder = resolve; }));
        let t0 = performance.now();
        let libre = null;
        cuandoLibre().then(() => { libre = performance.now() - t0; });
        await pausa(1500);  // an idle page: before, cuandoLibre() resolved within a frame or two
        const antes = libre;
        responder();
        while (libre === null && performance.now() - t0 < 10_000) await pausa(10);
        // An answer that never comes holds the wait for RESPUESTA_MAX_MS (3 s), no longer.
        esperarRespuesta(new Promise(() => {}));
        t0 = performance.now();
        let nunca = null;
        cuandoLibre().then(() => { nunca = performance.now() - t0; });
        while (nunca === null && performance.now() - t0 < 10_000) await pausa(10);
        return { antes, libre, nunca };
      });
      assert.equal(r.antes, null, 'still waiting while the answer is outstanding');
      assert.ok(r.libre >= 1500 && r.libre < 5000, `free once answered (${r.libre} ms)`);
      assert.ok(r.nunca >= 2900 && r.nunca < 8000, `an answer that never comes holds it about 3 s (${r.nunca} ms)`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a canvas painted again shows only the new picture, whatever its size or layout', async () => {
    // kit/lienzo.js keeps each canvas's size and pixel buffer while they still fit (the drawing's
    // steps are repainted every frame): nothing of the last picture may show through.
    const { page, context, errors } = await openPage(app.browser, app.server.url);
    try {
      const r = await page.evaluate(async () => {
        const { pintarTinta, pintarMosaico, escalaGris } = await import('/js/leccion/kit/lienzo.js');
        const pixeles = (c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
        const nuevo = () => document.createElement('canvas');
        const rampa = (n, k) => Float32Array.from({ length: n }, (_, i) => ((i * k) % 11) / 10);
        const igual = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
        const c = nuevo(), m = nuevo(), casos = [];
        // pintar(canvas) on the reused canvas and on a fresh one: the same pixels.
        const repintar = (lienzo, pintar) => {
          pintar(lienzo);
          const fresco = nuevo();
          pintar(fresco);
          casos.push({ tamano: [lienzo.width, lienzo.height], igual: igual(pixeles(lienzo), pixeles(fresco)) });
        };
        for (const [datos, w, h] of [[rampa(784, 3), 28, 28], [rampa(784, 7), 28, 28], [rampa(400, 5), 20, 20]]) {
          repintar(c, (lienzo) => pintarTinta(lienzo, datos, w, h));
        }
        // The same canvas size with another layout: 4 planes of 3 × 3 two to a row (7 × 7), then
        // 2 of 3 × 3 in a column (3 × 7) and 1 of 7 × 7; the 1-pixel gaps are transparent.
        for (const [n, h, w, columnas] of [[4, 3, 3, 2], [2, 3, 3, 1], [1, 7, 7, 1], [4, 3, 3, 2]]) {
          const datos = rampa(n * h * w, n + w);
          repintar(m, (lienzo) => pintarMosaico(lienzo, datos, n, h, w, escalaGris(), columnas));
        }
        const tinta = nuevo();
        pintarTinta(tinta, Float32Array.from([1, 0, 0.5, 0.25]), 2, 2);
        return { casos, grises: pixeles(tinta).filter((_, i) => i % 4 === 0), opaco: pixeles(tinta).filter((_, i) => i % 4 === 3) };
      });
      assert.deepEqual(r.casos.map((x) => x.tamano), [[28, 28], [28, 28], [20, 20], [7, 7], [3, 7], [7, 7], [7, 7]]);
      for (const [i, x] of r.casos.entries()) assert.ok(x.igual, `case ${i}: the repainted canvas equals a fresh one`);
      assert.deepEqual(r.grises, [0, 255, 127, 191], 'ink 1 is black, 0 white paper');
      assert.deepEqual(r.opaco, [255, 255, 255, 255]);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the tab icon comes once the page is quiet, and nothing asks for /favicon.ico', async () => {
    // An SVG icon is a document of its own for the page's main thread (main.js sets it when
    // the page is quiet); until then the empty one keeps the browser from asking /favicon.ico.
    const context = await app.browser.newContext();
    const respuestas = new Map();  // path → status
    context.on('response', (r) => respuestas.set(new URL(r.url()).pathname, r.status()));
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(app.server.url, { waitUntil: 'domcontentloaded' });
      assert.equal(await page.locator('link[rel="icon"]').getAttribute('href'), 'data:,');
      await page.waitForFunction(() => document.querySelector('link[rel="icon"]').getAttribute('href') === 'img/icono.svg', null, { timeout: READY });
      for (let i = 0; i < 100 && !respuestas.has('/img/icono.svg'); i++) await page.waitForTimeout(100);
      assert.equal(respuestas.get('/img/icono.svg'), 200, 'the icon is fetched');
      assert.ok(!respuestas.has('/favicon.ico'), 'no request for /favicon.ico');
    } finally {
      await context.close();
    }
  });

  test('a lesson section that cannot be built says so in Spanish, and the others still are', async () => {
    // Its module cannot be downloaded (offline on a first visit, a server gone): the section
    // says so under its title instead of staying half empty without a word (kit/secciones.js).
    const context = await app.browser.newContext();
    await context.route('**/js/leccion/relu.js', (route) => route.abort());
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(app.server.url);
      await page.locator('#relu').scrollIntoViewIfNeeded();
      const aviso = page.locator('#relu [data-testid="section-error"]');
      await aviso.waitFor({ timeout: READY });
      assert.match(await aviso.textContent(), /^Esta parte de la lección no se ha podido preparar\. Vuelve a cargar la página/);
      assert.equal(await aviso.getAttribute('role'), 'alert');
      assert.ok(await page.locator('#relu').getAttribute('data-error'));
      await page.waitForSelector('#dropout[data-ready="true"]', { timeout: READY });
      assert.equal(await page.locator('#dropout [data-testid="section-error"]').count(), 0);
    } finally {
      await context.close();
    }
  });

  test('the section the reader went to stays on screen while the ones above it are built, and a reload comes back to it', async () => {
    // A jump to the last section leaves the tail of the one above it on screen; building that
    // one used to push the Práctica five screens down, out of reach of its own observer, and a
    // reload's pixel-exact restoration landed in the middle of the lesson (kit/secciones.js).
    const { page, context, errors } = await openApp({ width: 1280, height: 800 });
    const arriba = () => page.locator('#practica').evaluate((s) => Math.round(s.getBoundingClientRect().top));
    const construidas = (page) => page.waitForFunction(() => ['aprendido', 'practica']
      .every((id) => document.getElementById(id).dataset.ready === 'true'), null, { timeout: READY });
    try {
      assert.equal(await page.locator('#aprendido').getAttribute('data-ready'), null, 'not built yet: far from the top');
      await page.locator('#practica').evaluate((s) => s.scrollIntoView({ behavior: 'instant' }));
      const antes = await arriba();
      assert.ok(antes > 0 && antes < 800, `the Práctica is on screen (${antes})`);
      await construidas(page);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assert.ok(Math.abs(await arriba() - antes) <= 2, `the Práctica stayed at ${antes} px (${await arriba()})`);

      await page.reload();
      await page.waitForSelector('#train-status[data-state="idle"]', { timeout: READY, state: 'attached' });
      await construidas(page);
      const despues = await arriba();
      assert.ok(despues >= 0 && despues < 800, `after the reload the Práctica is on screen (${despues})`);

      // A link's smooth scroll passes sections that are built on the way: it still ends at its
      // section, at the section's scroll margin (0.5rem).
      await page.click('nav a[href="#maxpooling"]');
      await page.waitForSelector('#maxpooling[data-ready="true"]', { timeout: READY, state: 'attached' });
      await page.waitForFunction(() => Math.abs(document.getElementById('maxpooling').getBoundingClientRect().top - 8) <= 2, null, { timeout: 10_000 })
        .catch(() => {});
      const enlace = await page.locator('#maxpooling').evaluate((s) => Math.round(s.getBoundingClientRect().top));
      assert.ok(Math.abs(enlace - 8) <= 2, `the link's section is at the top (${enlace})`);

      // A link to the section already at its place scrolls nothing, and must not hold that
      // section against the next scroll: a script's scroll to ReLU was pulled back to Maxpooling.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 1200)));  // the link's scroll is over
      await page.click('nav a[href="#maxpooling"]');
      await page.locator('#relu').evaluate((s) => s.scrollIntoView({ behavior: 'instant' }));
      await page.waitForSelector('#relu[data-ready="true"]', { timeout: READY, state: 'attached' });
      await page.evaluate(() => new Promise((r) => setTimeout(r, 1200)));  // scrollend, any correction
      const relu = await page.locator('#relu').evaluate((s) => Math.round(s.getBoundingClientRect().top));
      assert.ok(Math.abs(relu - 8) <= 2, `ReLU stays where the script put it (${relu})`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('drawing with the mouse gives a live prediction with ten probabilities summing to 1', async () => {
    const { page, context, errors } = await openApp();
    try {
      await draw(page, SEVEN);
      await expectPrediction(page);
      const placed = await page.locator('#vista28').evaluate((c) =>
        c.getContext('2d').getImageData(0, 0, 28, 28).data.filter((v, i) => i % 4 === 0 && v < 128).length);
      assert.ok(placed > 10, 'the 28×28 preview shows the preprocessed digit');

      await page.getByTestId('draw-clear').click();
      assert.equal(await page.getByTestId('prediction').textContent(), '');
      assert.deepEqual((await readPrediction(page)).probs, Array(10).fill(0));

      // Stroke → bars latency: from the pointer event to the bars' first update after it.
      await page.evaluate(() => {
        window.__latencies = [];
        let since = null;
        document.querySelector('[data-testid="draw-canvas"]').addEventListener('pointerdown', (e) => { since = e.timeStamp; }, true);
        new MutationObserver(() => {
          if (since !== null) { window.__latencies.push(performance.now() - since); since = null; }
        }).observe(document.querySelector('[data-testid="prob-0"]'), { attributes: true, attributeFilter: ['data-value'] });
      });
      for (let i = 0; i < 7; i++) {
        await draw(page, [[[0.2 + 0.08 * i, 0.3], [0.25 + 0.08 * i, 0.6]]]);
        await page.waitForTimeout(250);
      }
      const latencies = (await page.evaluate(() => window.__latencies)).sort((a, b) => a - b);
      const median = latencies[Math.floor(latencies.length / 2)];
      console.log(`stroke → bars latency (ms): median ${median.toFixed(1)}, all ${latencies.map((l) => l.toFixed(0)).join(' ')}`);
      assert.ok(latencies.length >= 5, `bars updated after ${latencies.length} of 7 strokes`);
      // The latency is a figure for the log above (it read 60 ms with another suite running);
      // asserted is only that the bars follow the pen: well under a fifth of a second.
      assert.ok(median < 200, `median stroke → bars latency ${median.toFixed(1)} ms`);
      await expectPrediction(page);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('training the classroom preset: loss falls, accuracy rises, pause/resume/stop, page stays responsive', async () => {
    const { page, context, errors } = await openApp();
    try {
      await page.getByTestId('preset').selectOption('classroom');
      await waitState(page, ['idle']);
      await page.selectOption('#subconjunto', '60000');
      await installResponsivenessProbe(page);
      await page.getByTestId('train-start').click();
      await waitState(page, ['training']);

      const batchAtLeast = (n) => page.waitForFunction(
        (k) => Number(document.querySelector('[data-testid="train-status"]').dataset.batch) >= k, n, { timeout: 60_000 });
      await batchAtLeast(300);
      const s = await status(page);
      assert.ok(Number(s.loss) < Number(s.firstLoss), `loss ${s.firstLoss} → ${s.loss}`);
      assert.ok(Number(s.accuracy) > Number(s.firstAccuracy), `accuracy ${s.firstAccuracy} → ${s.accuracy}`);
      assert.ok(Number(await page.locator('#grafica-perdida').getAttribute('data-puntos')) > 5, 'the loss chart has points');

      await page.getByTestId('train-pause').click();
      await waitState(page, ['paused']);
      await page.waitForTimeout(300);  // a progress message already on its way may still land
      const pausedAt = (await status(page)).batch;
      await page.waitForTimeout(700);
      assert.equal((await status(page)).batch, pausedAt, 'no batches while paused');

      await page.getByTestId('train-resume').click();
      await waitState(page, ['training']);
      await batchAtLeast(Number(pausedAt) + 50);

      await page.getByTestId('train-stop').click();
      await waitState(page, ['done', 'idle'], 60_000);
      const probe = await page.evaluate(() => window.__probe);
      const gaps = probe.gaps.sort((a, b) => a - b);
      const late = gaps.filter((g) => g > 100).length;
      console.log(`while training: longest task ${probe.longestTask.toFixed(0)} ms; timer delay median ` +
        `${gaps[gaps.length >> 1].toFixed(1)} ms, max ${gaps.at(-1).toFixed(0)} ms, ${late} of ${gaps.length} over 100 ms; ${probe.tasks.join(', ')}`);
      // How smooth is a figure for the log above (a timed unit test could only be flaky on a shared
      // machine); what is asserted is that the page never freezes: no task near a second.
      assert.ok(probe.longestTask < 1000, `longest main-thread task ${probe.longestTask} ms; ${probe.tasks.join(', ')}`);
      // The late timer ticks are logged, not asserted: they count the OS giving the CPU to the
      // worker's threads or another program (26 of 1,541 at load 12 here), not the page's work.

      const end = await status(page);
      if (end.state === 'done') {
        assert.match(end.testAccuracy, /^0\.\d{4}$|^1\.0000$/);
        assert.ok(Number(end.testAccuracy) > 0.9, `test accuracy after ${end.batch} batches: ${end.testAccuracy}`);
      }
      await page.getByTestId('train-status').scrollIntoViewIfNeeded();
      await page.locator('.panel-entrenamiento').screenshot({ path: `${ARTIFACTS}entrenamiento.png` });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a corrupt weights file is refused in Spanish and the model keeps predicting; a saved file loads back', async () => {
    const { page, context, errors } = await openApp();
    try {
      await page.getByTestId('weights-load').setInputFiles({
        name: 'roto.pesos', mimeType: 'application/octet-stream', buffer: Buffer.from('esto no son pesos de ConvAula'),
      });
      const message = page.getByTestId('weights-message');
      await page.waitForSelector('[data-testid="weights-message"][data-state="error"]');
      const expected = await page.evaluate(() => import('./js/textos.js').then((m) => m.errores.bad_weights));
      assert.ok((await message.textContent()).includes(expected), await message.textContent());
      await draw(page, ONE);
      await expectPrediction(page);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('weights-save').click()]);
      const saved = await readFile(await download.path());
      assert.ok(saved.length > 1000, `weights file of ${saved.length} bytes`);
      await page.getByTestId('weights-load').setInputFiles({ name: 'guardado.pesos', mimeType: 'application/octet-stream', buffer: saved });
      await page.waitForSelector('[data-testid="weights-message"][data-state="ok"]');
      await page.getByTestId('draw-clear').click();
      await draw(page, ONE);
      await expectPrediction(page);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  for (const [name, size] of [['escritorio', { width: 1366, height: 768 }], ['movil', { width: 390, height: 844 }]]) {
    test(`layout at ${size.width}×${size.height}: no horizontal overflow, screenshots saved`, async () => {
      const { page, context, errors } = await openApp(size);
      try {
        await page.screenshot({ path: `${ARTIFACTS}${name}-inicio.png` });
        await draw(page, SEVEN);
        await expectPrediction(page);
        await page.locator('#entrenar').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
        await page.screenshot({ path: `${ARTIFACTS}${name}-entrenar.png` });
        await page.getByTestId('draw-canvas').evaluate((el) => el.scrollIntoView({ behavior: 'instant', block: 'center' }));
        await page.screenshot({ path: `${ARTIFACTS}${name}-dibujo.png` });
        await page.screenshot({ path: `${ARTIFACTS}${name}-completa.png`, fullPage: true });

        const overflow = await page.evaluate(measureOverflow);
        assert.equal(overflow.scrollWidth, overflow.width, 'no horizontal scrolling');
        assert.deepEqual(overflow.wide, []);

        // Projector mode is a body class; the layout still fits with its larger type.
        await page.locator('#boton-proyector').click();
        assert.ok(await page.evaluate(() => document.body.classList.contains('proyector')));
        const projector = await page.evaluate(measureOverflow);
        assert.deepEqual(projector.wide, []);
        assert.equal(projector.scrollWidth, projector.width, 'no horizontal scrolling in projector mode');
        await page.locator('#entrenar').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
        await page.screenshot({ path: `${ARTIFACTS}${name}-proyector.png` });
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  test('controls are reachable with the keyboard', async () => {
    const { page, context } = await openApp();
    try {
      const reached = new Set();
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const id = await page.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.id);
        if (id) reached.add(id);
      }
      for (const id of ['preset', 'tasa', 'lote', 'epocas', 'subconjunto', 'train-start', 'draw-clear', 'weights-save', 'weights-load']) {
        assert.ok(reached.has(id), `Tab reaches ${id}`);
      }
      // An invalid learning rate is refused with a Spanish message next to the field.
      await page.fill('#tasa', '0');
      await page.getByTestId('train-start').click();
      assert.match(await page.locator('#tasa-error').textContent(), /mayor que 0/);
      assert.equal((await status(page)).state, 'idle');
    } finally {
      await context.close();
    }
  });
});
