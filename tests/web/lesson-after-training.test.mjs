// lesson-after-training.test.mjs: what the lesson shows once the network has trained, in Debian's
// Chromium: the real dropout mask of the last training batch (and a clear note before there is
// one), test image 0, the kernels, the activations, the confusion matrix of 10.000 images, and a
// practice run. Screenshots go to build/artifacts/lesson-after-training/ (gitignored).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp } from './harness.mjs';
import { setUpRun, visit } from './acts.mjs';

const app = useApp('lesson-after-training');
const dataset = (page, selector) => page.locator(selector).evaluate((el) => ({ ...el.dataset }));
// Trains the classroom preset on 10.000 images for one epoch (313 batches of 32).
async function trainShort(page) {
  await setUpRun(page, { images: 10000, epochs: 1 });
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

describe('the lesson after training', () => {

  test('dropout: the real mask of the last training batch, and a clear note before there is one', async () => {
    const { page, context, errors } = await app.openApp();
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
      await page.getByTestId('dropout-real-grid').screenshot({ path: `${app.artifacts}dropout-mascara-real.png` });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('after a short training: test image 0, kernels, activations, confusion matrix of 10.000, a practice run', async () => {
    const { page, context, errors } = await app.openApp();
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
      const mosaics = await page.locator('[data-testid="activations"] canvas.mapas').evaluateAll((cs) => cs.map((c) => [Number(c.dataset.maps), c.width, c.height]));
      assert.deepEqual(mosaics.map(([n]) => n), [16, 16, 32, 32]);
      for (const [n, w, h] of mosaics) assert.ok(w > 0 && h > 0 && n > 0, `${n} maps in ${w} × ${h}`);
      await page.getByTestId('confusion-compute').click();
      await page.waitForSelector('[data-testid="errors-gallery"] canvas', { timeout: 60_000, state: 'attached' });
      const counts = await page.locator('[data-testid="confusion"] td[data-count]').evaluateAll((tds) => tds.map((td) => Number(td.dataset.count)));
      assert.equal(counts.length, 100);
      assert.equal(counts.reduce((a, b) => a + b, 0), 10000);
      assert.match(await page.getByTestId('confusion-summary').textContent(), /^10\.000 imágenes/);

      // A practice run: the main model is saved, the variant trains, the main model comes back.
      await visit(page, 'practica');
      await page.getByTestId('practice-sigmoid').check();
      await page.waitForFunction(() => /sigmoide/.test(document.querySelector('[data-testid="practice-diff"]').textContent));
      await page.getByTestId('practice-images').selectOption('2000');
      await page.getByTestId('practice-run').click();
      await page.waitForSelector('[data-testid="practice-status"][data-state="done"]', { timeout: 180_000, state: 'attached' });
      assert.equal(await page.locator('[data-testid="practice-runs"] tbody tr').count(), 1);
      assert.ok(Number(await page.getByTestId('practice-chart-loss').getAttribute('data-puntos')) > 2, 'the run has its loss curve');
      assert.ok(Number(await page.getByTestId('practice-chart-accuracy').getAttribute('data-puntos')) > 2, 'the run has its accuracy curve');
      assert.match(await page.getByTestId('practice-legend').textContent(), /Exp\. 1: sigmoide/);
      const again = await predictTest0(page);
      assert.deepEqual(again.probs, probs, 'the main model is restored after the experiment');
      await page.locator('[data-testid="practice-runs"] tbody button').click();
      assert.equal(await page.locator('[data-testid="practice-runs"] tbody tr').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
