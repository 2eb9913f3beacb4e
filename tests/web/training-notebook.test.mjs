// training-notebook.test.mjs: «Reproducir el cuaderno» (section 8) in Debian's Chromium, shortened by the
// test-only hook (globalThis.convaulaPruebas, set before the page loads): the Keras-style log,
// pause and resume, a hidden tab, one run at a time, the final evaluate and predict, the page's
// network untouched by the run (the drawing answers with it meanwhile), whether the run finishes
// or is stopped, and «Usar esta red» with its «Deshacer». The full 15-epoch run
// is bench/cuaderno.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IDLE, READY, openPage, useApp } from './harness.mjs';
import { SEVEN, closeTo, drawDigit, hideTab, recordDrawings, useAndUndo } from './acts.mjs';

const app = useApp('training-notebook');
// 20 batches of 32 per epoch, validation and evaluate on the first 500 test images.
const SHORT = { epochs: 2, trainLimit: 640, valLimit: 500, testLimit: 500 };

async function openNotebook(settings = SHORT) {
  const opened = await openPage(app.browser, app.server.url, '');
  await opened.context.addInitScript((c) => { globalThis.convaulaPruebas = { cuaderno: c }; }, settings);
  await opened.page.reload();
  await opened.page.setViewportSize({ width: 1280, height: 800 });
  await opened.page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
  await opened.page.locator('#entrenar').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
  await opened.page.waitForSelector('#entrenar[data-ready="true"]', { timeout: 60_000, state: 'attached' });
  return opened;
}

const status = (page) => page.getByTestId('notebook-status').evaluate((el) => ({ ...el.dataset, text: el.textContent }));
const progressBar = (page) => page.getByTestId('notebook-progress').evaluate((el) => ({ ...el.dataset, value: el.value }));
const waitStatus = (page, states, timeout = 180_000) => page.waitForFunction(
  (s) => s.includes(document.querySelector('[data-testid="notebook-status"]').dataset.state), states, { timeout });
// How far the run is, as one number: epoch × 1000 + batch.
const progress = async (page) => { const b = await progressBar(page); return Number(b.epoch ?? 0) * 1000 + Number(b.batch ?? 0); };
const waitProgress = (page, least, timeout = 60_000) => page.waitForFunction((m) => {
  const d = document.querySelector('[data-testid="notebook-progress"]').dataset;
  return Number(d.epoch ?? 0) * 1000 + Number(d.batch ?? 0) >= m;
}, least, { timeout });

// The test-0 prediction of «Evaluar y predecir» (the drawing's network).
async function predictTest0(page) {
  await page.getByTestId('test0-predict').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="test0-onehot"]')?.dataset.value);
  const probs = await page.evaluate(() => Array.from({ length: 10 },
    (_, d) => Number(document.querySelector(`[data-testid="test0-prob-${d}"]`).dataset.value)));
  await page.evaluate(() => { delete document.querySelector('[data-testid="test0-onehot"]').dataset.value; });
  return probs;
}

describe('running the notebook (Reproducir el cuaderno)', () => {
  test('Keras log, pause and resume, a hidden tab, one run at a time, then evaluate and predict test image 0', async () => {
    const { page, context, errors } = await openNotebook();
    try {
      // The Práctica, built before the run, must say the notebook's run is on.
      await page.locator('#practica').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
      await page.waitForSelector('[data-testid="practice-status"][data-state="idle"]', { timeout: 60_000, state: 'attached' });
      await page.locator('#entrenar').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
      const predictionBefore = await predictTest0(page);
      await page.getByTestId('notebook-run').click();
      await waitProgress(page, 1003);
      await page.getByTestId('practice-run').click();
      await page.waitForSelector('[data-testid="practice-status"][data-state="busy"]', { state: 'attached', timeout: 10_000 });
      assert.match(await page.getByTestId('practice-status').textContent(), /reproduciendo el cuaderno/);
      // One run at a time: "Entrenar" says so too; the page's network answers meanwhile, unchanged.
      await page.getByTestId('train-start').click();
      await page.waitForSelector('[data-testid="train-status"][data-state="busy"]', { state: 'attached', timeout: 10_000 });
      assert.match(await page.getByTestId('train-status').textContent(), /reproduciendo el cuaderno/);
      assert.deepEqual(await predictTest0(page), predictionBefore);

      // Pause: no progress while paused; resume goes on from there.
      await page.getByTestId('notebook-pause').click();
      await waitStatus(page, ['paused'], 10_000);
      await page.waitForTimeout(300);  // a slice already running may still report once
      const atPause = await progress(page);
      await page.waitForTimeout(1500);
      assert.equal(await progress(page), atPause, 'no batch while paused');
      assert.equal(await page.getByTestId('notebook-resume').isDisabled(), false);
      await page.getByTestId('notebook-resume').click();
      await waitStatus(page, ['training'], 10_000);
      await waitProgress(page, atPause + 1);

      // A hidden tab does not stall the run (the worker trains; the page only listens).
      const show = await hideTab(page, app.server.url);
      // It goes on (or ends) while hidden; the wait's timeout is only a hang guard.
      const hidden = await progress(page);
      await page.waitForFunction((h) => {
        const d = document.querySelector('[data-testid="notebook-progress"]').dataset;
        return document.querySelector('[data-testid="notebook-status"]').dataset.state !== 'training' ||
          Number(d.epoch ?? 0) * 1000 + Number(d.batch ?? 0) > h;
      }, hidden, { timeout: 60_000, polling: 100 });
      await show();

      await waitStatus(page, ['done']);
      const log = (await page.getByTestId('notebook-log').textContent()).split('\n').filter(Boolean);
      // Keras's log is program output: Python's notation, 0.1234.
      const n = '\\d+\\.\\d{4}';
      const epochLine = new RegExp(`^20/20 \\[={30}\\] - \\d+ s \\d+ ms/step - loss: ${n} - accuracy: ${n} - val_loss: ${n} - val_accuracy: ${n}$`);
      assert.match(log[0], /^model\.fit\(X_train, y_train, batch_size=32, epochs=2, verbose=1, validation_data=\(X_test, y_test\)\)$/);
      assert.deepEqual(log.filter((l) => /^Epoch /.test(l)), ['Epoch 1/2', 'Epoch 2/2']);
      assert.equal(log.filter((l) => epochLine.test(l)).length, 2, log.join('\n'));
      assert.equal(log.at(-2), 'score = model.evaluate(X_test, y_test, verbose=1)');
      // 500 test images in batches of 32, as Keras counts steps.
      assert.match(log.at(-1), new RegExp(`^16/16 \\[={30}\\] - \\d+ s - loss: ${n} - accuracy: ${n}$`));

      const score = await page.getByTestId('notebook-score').evaluate((el) => ({ ...el.dataset, text: el.textContent }));
      assert.ok(Number(score.accuracy) > 0.3, `test accuracy ${score.accuracy} after 1,280 images`);
      assert.match(score.text, /^score = \[\d+\.\d{4}, \d\.\d{4}\]: pérdida \d+,\d{4}/);
      // model.predict's ten probabilities and np.round of them (halves to even).
      const logText = await page.getByTestId('notebook-predict').textContent();
      const probs = logText.match(/\d+\.\d{7}/g).map(Number);
      assert.equal(probs.length, 10);
      assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      const rounding = await page.getByTestId('notebook-round').evaluate((el) => ({ value: el.dataset.value, text: el.textContent }));
      assert.equal(rounding.value, probs.map((p) => (p > 0.5 ? 1 : 0)).join(','));
      assert.equal(rounding.text, `[[${rounding.value.split(',').join(', ')}]]`);
      const reply = await page.getByTestId('notebook-answer').evaluate((el) => ({ ...el.dataset }));
      assert.equal(reply.label, '7');  // X_test[0]
      assert.equal(Number(reply.digit), probs.indexOf(Math.max(...probs)));

      // The page's network is still the one from before (until «Usar esta red», the next test).
      assert.equal(await page.getByTestId('active-model').getAttribute('data-model'), 'preentrenada');
      assert.equal(await page.getByTestId('notebook-use').isVisible(), true);
      assert.deepEqual(await predictTest0(page), predictionBefore);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the drawing keeps the page\'s network while the notebook trains; then «Usar esta red» and «Deshacer»', async () => {
    // One epoch of 200 batches: long enough to draw a digit meanwhile.
    const { page, context, errors } = await openNotebook({ ...SHORT, epochs: 1, trainLimit: 6400 });
    try {
      await recordDrawings(page);
      const predictionBefore = (await drawDigit(page, SEVEN)).probs;
      await page.getByTestId('notebook-run').click();
      await waitStatus(page, ['training'], 60_000);
      closeTo((await drawDigit(page, SEVEN)).probs, predictionBefore, 'the drawing while the notebook trains');
      assert.equal((await status(page)).state, 'training', 'answered while the notebook trained');
      await waitStatus(page, ['done']);
      await useAndUndo(page, { prefix: 'notebook', slot: 'cuaderno', before: predictionBefore });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('"Detener" ends the run; the page\'s network is the one from before', async () => {
    const { page, context, errors } = await openNotebook({ ...SHORT, epochs: 5 });
    try {
      const predictionBefore = await predictTest0(page);
      await page.getByTestId('notebook-run').click();
      await waitProgress(page, 1005);
      await page.getByTestId('notebook-stop').click();
      await waitStatus(page, ['stopped'], 60_000);
      assert.match((await status(page)).text, /Tu red \(la del dibujo\) no ha cambiado/);
      assert.equal(await page.getByTestId('notebook-result').isHidden(), true);
      assert.equal(await page.getByTestId('notebook-use').isHidden(), true);
      assert.equal(await page.getByTestId('notebook-run').isDisabled(), false);
      const after = await predictTest0(page);
      assert.deepEqual(after, predictionBefore);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
