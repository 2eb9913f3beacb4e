// leccion-motor.test.mjs: the engine lock of the lesson kit (web/js/leccion/kit/motor.js). While a
// Práctica experiment trains, the worker holds the experiment's model (here a 5 × 5-kernel variant
// of the lesson's network: 24 × 24 maps after the first layer, where the page's pretrained
// network has 26 × 26; the lesson's network is the slower base, so the run lasts). Every section that asks the engine about the model must
// either say the engine is busy or wait until the main model is back, never show the experiment's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp } from './harness.mjs';

const app = useApp('leccion-motor');
const EXPERIMENTO = ['saving', 'building', 'training', 'restoring'];

async function visit(page, id) {
  await page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
  await page.waitForSelector(`#${id}[data-ready="true"]`, { timeout: 60_000, state: 'attached' });
}

async function draw(page) {
  const canvas = page.getByTestId('draw-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + 0.3 * box.width, box.y + 0.2 * box.height);
  await page.mouse.down();
  for (const [x, y] of [[0.7, 0.2], [0.45, 0.85]]) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => /^\d$/.test(document.querySelector('[data-testid="prediction"]').textContent));
}

// The status line of the panel that holds `testid` (the runner's busy / error messages).
const panelState = (page, testid) => page.getByTestId(testid).evaluate((b) => b.closest('.panel').querySelector('.estado').dataset.state);

describe('the engine lock during a Práctica experiment', () => {
  test('sections that read the model wait or say busy, and never show the experiment\'s model', async () => {
    const { page, context, errors } = await app.openApp({ width: 1280, height: 800 });
    try {
      for (const id of ['maxpooling', 'entrenar', 'aprendido', 'dropout', 'convolucion', 'practica']) await visit(page, id);
      const titulo = '#maxpooling [data-parte="titulo-activacion"]';
      await page.waitForFunction((s) => /26 × 26/.test(document.querySelector(s).textContent), titulo);
      await page.waitForSelector('[data-testid="kernels"][data-count="32"]', { state: 'attached' });
      await page.waitForSelector('[data-testid="activations"][data-layers]', { state: 'attached' });
      const capas = await page.getByTestId('activations').getAttribute('data-layers');
      await draw(page);

      // Every change of these results is stamped with the experiment's state at that moment.
      await page.evaluate((s) => {
        window.__cambios = [];
        const estado = () => document.querySelector('[data-testid="practice-status"]').dataset.state;
        const vigilar = (nombre, nodo) => new MutationObserver(() => window.__cambios.push([nombre, estado()]))
          .observe(nodo, { childList: true, subtree: true, characterData: true, attributes: true });
        vigilar('maxpooling', document.querySelector(s));
        vigilar('activaciones', document.querySelector('[data-testid="activations"]'));
        vigilar('kernels', document.querySelector('[data-testid="kernels"]'));
        vigilar('convolucion', document.querySelector('[data-testid="conv-mapa"]'));
        vigilar('dropout', document.querySelector('[data-testid="dropout-predict-result"]'));
        vigilar('test0', document.querySelector('[data-testid="test0-onehot"]'));
      }, titulo);

      await page.getByTestId('practice-base').selectOption('keras-mnist');
      await page.getByTestId('practica-kernel5').check();
      await page.getByTestId('practice-images').selectOption('2000');
      await page.getByTestId('practice-run').click();
      await page.waitForSelector('[data-testid="practice-status"][data-state="training"]', { state: 'attached', timeout: 60_000 });

      // Buttons that ask the engine say it is busy; the choosers and cursor-driven widgets wait.
      for (const id of ['kernels-refresh', 'confusion-compute', 'test0-predict', 'lesson-evaluate']) {
        await page.getByTestId(id).click();
        assert.equal(await panelState(page, id), 'busy', `${id} says the engine is busy`);
      }
      // The training panel would swap the model too: it waits, and so do the weights' buttons.
      assert.equal(await page.getByTestId('train-start').isDisabled(), true, '"Entrenar" waits for the experiment');
      assert.equal(await page.getByTestId('weights-save').isDisabled(), true, 'saving weights waits for the experiment');
      for (const id of ['maxpooling-dibujo', 'convolucion-dibujo', 'act-dibujo', 'dropout-predict-twice']) await page.getByTestId(id).click();
      await page.waitForTimeout(1500);
      // Read in one page task: while the experiment holds the engine, max-pooling still shows test image 0.
      const ahora = await page.evaluate(() => ({
        estado: document.querySelector('[data-testid="practice-status"]').dataset.state,
        texto: document.querySelector('#maxpooling .fuente-desc').textContent,
      }));
      if (EXPERIMENTO.includes(ahora.estado)) assert.match(ahora.texto, /Imagen n\.º 0/, 'max-pooling still shows the test image');

      await page.waitForSelector('[data-testid="practice-status"][data-state="done"]', { timeout: 400_000, state: 'attached' });
      await page.waitForFunction(() => !document.querySelector('[data-testid="train-start"]').disabled);
      // The waiting calls run now, on the main model: the drawing, 32 channels of 26 × 26.
      await page.waitForFunction(() => /dibujo/.test(document.querySelector('#maxpooling .fuente-desc').textContent), null, { timeout: 30_000 });
      await page.waitForFunction(() => /dibujo/.test(document.querySelector('#aprendido .fuente-desc').textContent), null, { timeout: 30_000 });
      await page.waitForSelector('[data-testid="dropout-predict-result"][data-iguales="true"]', { state: 'attached' });
      assert.match(await page.locator(titulo).textContent(), /26 × 26/);
      assert.equal(await page.getByTestId('pool-canal').locator('option').count(), 32);
      assert.equal(await page.getByTestId('activations').getAttribute('data-layers'), capas);
      assert.match(await page.locator('[data-testid="activations"] h4').nth(1).textContent(), /26 × 26 × 32/);
      await page.getByTestId('kernels-refresh').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="kernels"]').closest('.panel').querySelector('.estado').dataset.state === 'done');
      assert.equal(await page.getByTestId('kernels').getAttribute('data-count'), '32');

      const cambios = await page.evaluate(() => window.__cambios);
      assert.ok(cambios.some(([n]) => n === 'maxpooling'), 'max-pooling was redrawn once the experiment ended');
      assert.deepEqual(cambios.filter(([, estado]) => EXPERIMENTO.includes(estado)), [],
        'nothing that reads the model changed while the experiment held the engine');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
