// leccion-b.test.mjs: the lesson's sections 6–10 (dropout, ReLU, entrenar y predecir, qué ha
// aprendido la red, práctica) in Debian's Chromium: each renders without console errors, its
// widgets react, and the engine's numbers land on the page. Screenshots of every section at
// desktop and phone sizes go to build/artifacts/leccion-b/ (gitignored).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp } from './harness.mjs';

const SECTIONS = ['dropout', 'relu', 'entrenar', 'aprendido', 'practica'];
const app = useApp('leccion-b');
const ARTIFACTS = app.artifacts;
const { openApp } = app;

// Sections build their widgets when they come near the screen: scroll there and wait.
async function visit(page, id) {
  await page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
  await page.waitForSelector(`#${id}[data-ready="true"]`, { timeout: 60_000, state: 'attached' });
}

const dataset = (page, selector) => page.locator(selector).evaluate((el) => ({ ...el.dataset }));

// Trains the classroom preset on 10.000 images for one epoch (313 batches of 32).
async function trainShort(page) {
  await page.getByTestId('preset').selectOption('classroom');
  await page.waitForSelector('[data-testid="train-status"][data-state="idle"]', { state: 'attached' });
  await page.selectOption('#subconjunto', '10000');
  await page.fill('#epocas', '1');
  await page.getByTestId('train-start').click();
  await page.waitForSelector('[data-testid="train-status"][data-state="done"]', { timeout: 240_000, state: 'attached' });
}

async function predictTest0(page) {
  await page.getByTestId('test0-predict').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="test0-onehot"]')?.dataset.value);
  return page.evaluate(() => ({
    probs: Array.from({ length: 10 }, (_, d) => Number(document.querySelector(`[data-testid="test0-prob-${d}"]`).dataset.value)),
    onehot: document.querySelector('[data-testid="test0-onehot"]').textContent,
    sum: Number(document.querySelector('[data-testid="test0-sum"]').dataset.value),
  }));
}

describe('lesson sections 6–10', () => {
  test('every section renders without console errors; dropout steps and ReLU slider react', async () => {
    const { page, context, errors } = await openApp();
    try {
      for (const id of SECTIONS) await visit(page, id);

      // Dropout: each step draws another mask from the engine's Dropout layer.
      await visit(page, 'dropout');
      // Predict first: the step-by-step masks show once the prediction is answered.
      await page.getByTestId('pregunta-apagadas-opcion-1').check();
      await page.getByTestId('pregunta-apagadas-comprobar').click();
      await page.waitForSelector('[data-testid="pregunta-apagadas"][data-state="resuelta"]');
      const first = (await dataset(page, '[data-testid="dropout-grid"]')).off;
      assert.ok(first.split(',').length > 20, `about half of the dense layer is off: ${first}`);
      assert.match(await page.getByTestId('dropout-summary').textContent(), /se multiplican por 2\./);
      await page.getByTestId('dropout-next').click();
      await page.waitForFunction((f) => document.querySelector('[data-testid="dropout-grid"]').dataset.off !== f, first);
      assert.match(await page.getByTestId('dropout-step').textContent(), /2/);
      await page.getByTestId('dropout-rate').selectOption('0.25');
      await page.waitForFunction(() => /se multiplican por 4\/3\./.test(document.querySelector('[data-testid="dropout-summary"]').textContent));
      // The worked example checks by hand: a × 4/3 = b with the numbers as shown.
      const ejemplo = await page.locator('[data-testid="dropout-example"]').textContent();
      const [, a, b] = ejemplo.match(/valía (\d+(?:,\d+)?) y en este paso sale \1 × 4\/3 = (\d+(?:,\d+)?)/) ?? [];
      assert.ok(a && b, `example with the 4/3 factor: ${ejemplo}`);
      const num = (s) => Number(s.replace(',', '.'));
      assert.equal(Math.round(num(a) * (4 / 3) * 100) / 100, num(b), ejemplo);
      await page.getByTestId('dropout-predict-twice').click();
      await page.waitForSelector('[data-testid="dropout-predict-result"][data-iguales="true"]', { state: 'attached' });

      // ReLU: moving x changes the derivatives the engine reports.
      await visit(page, 'relu');
      const derivative = () => dataset(page, '[data-testid="relu-d-sigmoid"]').then((d) => Number(d.value));
      assert.ok(Math.abs(await derivative() - 0.1966) < 1e-3, 'σ′(1) ≈ 0,1966');
      await page.getByTestId('relu-slider').focus();
      for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');  // x = 1 → 0
      await page.waitForFunction(() => Math.abs(Number(document.querySelector('[data-testid="relu-d-sigmoid"]').dataset.value) - 0.25) < 1e-6);
      await page.getByTestId('relu-slider').fill('-3');
      await page.waitForFunction(() => document.querySelector('[data-testid="relu-d-relu"]').dataset.value === '0');
      assert.ok(await derivative() < 0.05, 'σ′(−3) is nearly flat');
      await page.getByTestId('pregunta-gradiente-opcion-3').check();
      await page.getByTestId('pregunta-gradiente-comprobar').click();
      await page.waitForSelector('[data-testid="pregunta-gradiente"][data-state="resuelta"]');
      await page.getByTestId('relu-layers').fill('10');
      assert.match(await page.getByTestId('relu-product-sigmoid').textContent(), /0,25 elevado a 10 = 9,54 · 10⁻⁷/);
      // The bars agree with the text: the first of n layers receives 0,25^n, the last 0,25.
      const barras = await page.locator('#relu ol.gradiente li').evaluateAll((li) => li.map((b) => Number(b.dataset.value)));
      assert.equal(barras.length, 10);
      assert.ok(Math.abs(barras[0] - 0.25 ** 10) < 1e-15, `first bar ${barras[0]}`);
      assert.equal(barras[9], 0.25);
      assert.match(await page.locator('#relu').textContent(), /multiplicado n veces por 0,25.*0,25 elevado a n/);

      // np.round rounds halves to even, as NumPy does: np.round(0.5) is 0, not 1.
      const redondeos = await page.evaluate(async () => {
        const { redondearComoNumpy } = await import('./js/leccion/entrenar.js');
        return [0.5, 0.49, 0.51, 1, 1.5, 2.5, 0].map(redondearComoNumpy);
      });
      assert.deepEqual(redondeos, [0, 0, 1, 1, 2, 2, 0]);

      // The compile code follows the training panel.
      await page.selectOption('#optimizador', 'sgd');
      assert.match(await page.getByTestId('compile-code').textContent(), /optimizers\.SGD\(learning_rate=0\.01\)/);
      assert.match(await page.getByTestId('compile-code').textContent(), /loss='categorical_crossentropy'/);
      assert.equal(await page.getByTestId('compile-adadelta-note').isHidden(), true, 'the Adadelta note only beside Adadelta');
      await page.selectOption('#optimizador', 'adadelta');
      assert.match(await page.getByTestId('compile-code').textContent(), /Adadelta\(learning_rate=/);
      assert.match(await page.getByTestId('compile-adadelta-note').textContent(), /optimizer='Adadelta'.*learning_rate=0\.001.*learning_rate=1\.0/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('dropout: the real mask of the last training batch, and a clear note before there is one', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visit(page, 'dropout');
      const result = page.getByTestId('dropout-real-result');
      // The pretrained lesson network has Dropout layers but has not run a training batch here.
      await page.getByTestId('dropout-real').click();
      await page.waitForSelector('[data-testid="dropout-real-result"][data-state="none"]', { state: 'attached' });
      const none = await page.evaluate(() => import('./js/textos.js').then((m) => m.leccion.dropout.real_sin));
      assert.equal(await result.textContent(), none);
      assert.equal(await page.getByTestId('dropout-real-grid').isHidden(), true);

      // A few batches of the lesson's network, then stop: the engine keeps the last batch's masks.
      await page.getByTestId('preset').selectOption('keras-mnist');
      await page.waitForSelector('[data-testid="train-status"][data-state="idle"]', { state: 'attached' });
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.batch) >= 3,
        null, { timeout: 60_000 });
      await page.getByTestId('train-stop').click();
      await page.waitForFunction(() => ['done', 'idle'].includes(document.querySelector('[data-testid="train-status"]').dataset.state),
        null, { timeout: 120_000 });

      await page.getByTestId('dropout-real').click();
      await page.waitForSelector('[data-testid="dropout-real-result"][data-state="shown"]', { state: 'attached' });
      // "Capa dropout_1, imagen 1 de las 32 del último lote: N de 128 neuronas apagadas."
      const text = await result.textContent();
      const m = text.match(/dropout_1, imagen 1 de las 32 .*: (\d+) de 128 neuronas apagadas/);
      assert.ok(m, text);
      // Rate 0.5 on 128 units: 64 ± 5.7 off; outside 30–98 the mask is not a dropout mask.
      assert.ok(Number(m[1]) >= 30 && Number(m[1]) <= 98, text);
      assert.equal(await page.locator('[data-testid="dropout-real-grid"] li').count(), 128);
      await page.getByTestId('dropout-real-grid').screenshot({ path: `${ARTIFACTS}dropout-mascara-real.png` });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('after a short training: test image 0, kernels, activations, confusion matrix of 10.000, a practice run', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visit(page, 'entrenar');
      await trainShort(page);

      const { probs, onehot, sum } = await predictTest0(page);
      assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
      assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-4);
      assert.equal(probs.indexOf(Math.max(...probs)), 7, `test image 0 is a 7: ${probs}`);
      assert.equal(onehot, '[0, 0, 0, 0, 0, 0, 0, 1, 0, 0]');

      await visit(page, 'aprendido');
      await page.waitForSelector('[data-testid="kernels"][data-count="16"]', { state: 'attached' });
      assert.equal(await page.locator('[data-testid="kernels"] canvas').count(), 16);
      await page.getByTestId('act-show').click();
      await page.waitForSelector('[data-testid="activations"][data-layers="7"]', { state: 'attached' });
      assert.equal(await page.locator('[data-testid="activations"] .mapa').count(), 1, 'the input image');
      // Each conv/pooling layer's maps in one canvas: 16 + 16 + 32 + 32 maps, of the sizes the layers give.
      const mosaicos = await page.locator('[data-testid="activations"] canvas.mapas').evaluateAll((cs) => cs.map((c) => [Number(c.dataset.maps), c.width, c.height]));
      assert.deepEqual(mosaicos.map(([n]) => n), [16, 16, 32, 32]);
      for (const [n, w, h] of mosaicos) assert.ok(w > 0 && h > 0 && n > 0, `${n} maps in ${w} × ${h}`);
      await page.getByTestId('confusion-compute').click();
      await page.waitForSelector('[data-testid="errors-gallery"] canvas', { timeout: 60_000, state: 'attached' });
      const counts = await page.locator('[data-testid="confusion"] td[data-count]').evaluateAll((tds) => tds.map((td) => Number(td.dataset.count)));
      assert.equal(counts.length, 100);
      assert.equal(counts.reduce((a, b) => a + b, 0), 10000);
      assert.match(await page.getByTestId('confusion-summary').textContent(), /^10\.000 imágenes/);

      // A practice run: the main model is saved, the variant trains, the main model comes back.
      await visit(page, 'practica');
      await page.getByTestId('practica-sigmoide').check();
      await page.waitForFunction(() => /sigmoide/.test(document.querySelector('[data-testid="practice-diff"]').textContent));
      await page.getByTestId('practice-images').selectOption('2000');
      await page.getByTestId('practice-run').click();
      await page.waitForSelector('[data-testid="practice-status"][data-state="done"]', { timeout: 180_000, state: 'attached' });
      assert.equal(await page.locator('[data-testid="practice-runs"] tbody tr').count(), 1);
      assert.ok(Number(await page.getByTestId('practice-chart-loss').getAttribute('data-puntos')) > 2, 'the run has its loss curve');
      assert.ok(Number(await page.getByTestId('practice-chart-accuracy').getAttribute('data-puntos')) > 2, 'the run has its accuracy curve');
      assert.match(await page.locator('#practica .leyenda').textContent(), /Exp\. 1: sigmoide/);
      const again = await predictTest0(page);
      assert.deepEqual(again.probs, probs, 'the main model is restored after the experiment');
      await page.locator('[data-testid="practice-runs"] tbody button').click();
      assert.equal(await page.locator('[data-testid="practice-runs"] tbody tr').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  for (const [name, size] of [['escritorio', { width: 1366, height: 768 }], ['movil', { width: 390, height: 844 }]]) {
    test(`sections 6–10 at ${size.width}×${size.height}: nothing overflows, screenshots saved`, async () => {
      const { page, context, errors } = await openApp(size);
      try {
        for (const id of SECTIONS) await visit(page, id);
        await page.getByTestId('test0-predict').click();
        await page.waitForSelector('[data-testid="test0-onehot"][data-value]', { state: 'attached' });
        await page.getByTestId('confusion-compute').click();
        await page.waitForSelector('[data-testid="errors-gallery"] canvas', { timeout: 120_000, state: 'attached' });
        for (const id of SECTIONS) {
          await page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
          await page.locator(`#${id}`).screenshot({ path: `${ARTIFACTS}${name}-${id}.png` });
        }
        const wide = await page.evaluate((ids) => {
          const width = document.documentElement.clientWidth;
          return ids.flatMap((id) => [...document.querySelectorAll(`#${id} *`)]
            .filter((el) => !el.closest('.confusion-caja, .tabla-caja, .codigo, .formula, .sr-only, .katex-mathml') && el.getBoundingClientRect().right > width + 1)
            .map((el) => `${id}: ${el.outerHTML.slice(0, 80)}`));
        }, SECTIONS);
        assert.deepEqual(wide, []);
        assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), size.width);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  test('the widgets are reachable with the keyboard', async () => {
    const { page, context } = await openApp();
    try {
      for (const id of SECTIONS) await visit(page, id);
      await page.getByTestId('dropout-rate').focus();
      const reached = new Set();
      for (let i = 0; i < 140; i++) {
        await page.keyboard.press('Tab');
        const id = await page.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.id);
        if (id) reached.add(id);
      }
      for (const id of ['dropout-next', 'dropout-predict-twice', 'relu-slider', 'relu-layers', 'test0-predict',
        'kernels-refresh', 'act-show', 'confusion-compute', 'practica-sigmoide', 'practice-run']) {
        assert.ok(reached.has(id), `Tab reaches ${id}`);
      }
    } finally {
      await context.close();
    }
  });
});
