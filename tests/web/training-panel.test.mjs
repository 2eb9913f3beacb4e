// training-panel.test.mjs: a teacher trains the network from the training panel, in Debian's
// Chromium: the classroom preset's loss falls and accuracy rises, with pause, resume and stop;
// hiding the tab neither stops nor spoils a run; the weights save to a file that loads back;
// a network trained here comes back after a reload and after an engine crash in the next run.
// Whether the page stays responsive while training is bench/fluidez.mjs's figure.
// Screenshots go to build/artifacts/training-panel/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { READY, trainStatus, useApp, waitState } from './harness.mjs';
import { ONE, activeModel, closeTo, draw, expectPrediction, hideTab, setUpRun } from './acts.mjs';

const app = useApp('training-panel');

describe('training from the panel', () => {

  test('training the classroom preset: loss falls, accuracy rises, pause/resume/stop', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await setUpRun(page, { images: 60000 });
      await page.getByTestId('train-start').click();
      await waitState(page, ['training']);

      const batchAtLeast = (n) => page.waitForFunction(
        (k) => Number(document.querySelector('[data-testid="train-status"]').dataset.batch) >= k, n, { timeout: 60_000 });
      await batchAtLeast(300);
      const s = await trainStatus(page);
      assert.ok(Number(s.loss) < Number(s.firstLoss), `loss ${s.firstLoss} → ${s.loss}`);
      assert.ok(Number(s.accuracy) > Number(s.firstAccuracy), `accuracy ${s.firstAccuracy} → ${s.accuracy}`);
      assert.ok(Number(await page.locator('#grafica-perdida').getAttribute('data-puntos')) > 5, 'the loss chart has points');

      await page.getByTestId('train-pause').click();
      await waitState(page, ['paused']);
      await page.waitForTimeout(300);  // a progress message already on its way may still land
      const pausedAt = (await trainStatus(page)).batch;
      await page.waitForTimeout(700);
      assert.equal((await trainStatus(page)).batch, pausedAt, 'no batches while paused');

      await page.getByTestId('train-resume').click();
      await waitState(page, ['training']);
      await batchAtLeast(Number(pausedAt) + 50);

      await page.getByTestId('train-stop').click();
      await waitState(page, ['done', 'idle'], 60_000);
      const end = await trainStatus(page);
      if (end.state === 'done') {
        assert.match(end.testAccuracy, /^0\.\d{4}$|^1\.0000$/);
        assert.ok(Number(end.testAccuracy) > 0.9, `test accuracy after ${end.batch} batches: ${end.testAccuracy}`);
      }
      await page.getByTestId('train-status').scrollIntoViewIfNeeded();
      await page.locator('.panel-entrenamiento').screenshot({ path: `${app.artifacts}training.png` });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('hiding the tab and coming back neither stops nor spoils training', async () => {
    const { page, context, errors } = await app.openApp({ pretrained: true });
    try {
      await setUpRun(page, { epochs: 1 });
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.batch) >= 20, null, { timeout: 60_000 });
      const show = await hideTab(page, app.server.url);
      // It goes on (or ends) while hidden; the wait's timeout is only a hang guard.
      const hiddenAt = Number((await trainStatus(page)).batch);
      await page.waitForFunction((h) => {
        const d = document.querySelector('[data-testid="train-status"]').dataset;
        return d.state === 'done' || Number(d.batch) > h;
      }, hiddenAt, { timeout: 60_000, polling: 100 });
      await show();
      await waitState(page, ['done'], 120_000);
      const end = await trainStatus(page);
      console.log(`after hiding the tab: test accuracy ${end.testAccuracy}`);
      assert.ok(Number(end.testAccuracy) > 0.9, `test accuracy ${end.testAccuracy}`);
      assert.equal(await activeModel(page), 'clase');
      assert.match(await page.getByTestId('active-model').textContent(), /entrenada en clase/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the weights save to a file that loads back, and the network keeps predicting', async () => {
    const { page, context, errors } = await app.openApp();
    try {
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

  test('a network trained with «Entrenar» comes back after a reload, and after a crash during the next run', async () => {
    const { page, context, errors } = await app.openApp({ pretrained: true });
    try {
      const pretrained = await answerOfPage(page);
      await trainBriefly(page);
      await page.waitForSelector(KEPT, { timeout: 60_000, state: 'attached' });
      const trained = await answerOfPage(page);
      assert.ok(trained.some((p, d) => Math.abs(p - pretrained[d]) > 1e-3), 'the run changed the network');

      await page.reload();
      await page.waitForSelector(KEPT, { timeout: READY, state: 'attached' });
      await waitState(page, ['idle'], READY);
      closeTo(await answerOfPage(page), trained, 'after a reload');

      // The next run crashes the engine half-way: the network from before it comes back.
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.batch) >= 5,
        null, { timeout: 60_000 });
      await page.evaluate(() => import('/js/arranque.js').then(({ cliente }) => cliente.trap().catch(() => {})));
      await page.waitForSelector('#motor-error:not([hidden])');
      await page.waitForSelector(KEPT, { timeout: READY, state: 'attached' });
      await waitState(page, ['idle'], READY);
      assert.match(await page.locator('#motor-error').textContent(), /última red entrenada en clase/);
      closeTo(await answerOfPage(page), trained, 'after a crash during «Entrenar»');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

// The active-model line once the network it names is kept in this browser.
const KEPT = '[data-testid="active-model"][data-model="clase"][data-kept="true"]';

// «Entrenar» on the classroom preset, 1 epoch of the smallest subset, stopped after 30 batches.
async function trainBriefly(page) {
  await setUpRun(page, { images: 10000, epochs: 1 });
  await page.getByTestId('train-start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.batch) >= 30,
    null, { timeout: 60_000 });
  await page.getByTestId('train-stop').click();
  await waitState(page, ['done', 'idle'], 60_000);
}

// The probabilities the page's network gives a fixed 7 (a bar and a diagonal), asked through
// the page's own client: the same input every time, whatever the drawing canvas does.
const answerOfPage = (page) => page.evaluate(async () => {
  const { cliente } = await import('/js/arranque.js');
  const pixels = new Float32Array(28 * 28);
  for (let c = 7; c < 21; c++) pixels[6 * 28 + c] = 1;
  for (let r = 7; r < 24; r++) pixels[r * 28 + Math.round(20 - (r - 6) * 0.5)] = 1;
  return Array.from((await cliente.predict({ pixels })).probabilities);
});
