// lesson-sections.test.mjs: a student reads the lesson's sections, in Debian's Chromium: each
// widget shows the engine's real numbers and steps with buttons and keys (Imágenes, Convolución,
// Capas convolutivas with its edge maps and receptive field, Clasificación del MNIST with its
// summary, Maxpooling, Dropout, ReLU), and a repainted canvas shows only its new picture;
// Maxpooling, Dropout and ReLU ask for a prediction first; glossary terms link from their first
// use; "Usar mi dibujo" opens a pad in place; the projector hides the answers; the teacher's
// worksheet prints on two A4 pages.
// Screenshots go to build/artifacts/lesson-sections/ (gitignored).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useApp, waitPretrained } from './harness.mjs';
import { SEVEN, answer, answerQuestion, dataOf, draw, drawOnPad, secondLayerNeuron, text, visit, waitData, waitText } from './acts.mjs';

const app = useApp('lesson-sections');
const SECTIONS_6_10 = ['dropout', 'relu', 'entrenar', 'aprendido', 'practica'];
const dataset = (page, selector) => page.locator(selector).evaluate((el) => ({ ...el.dataset }));

describe('reading the lesson', () => {

  test('Imágenes: a real digit as 0–255 values and a picture split into R, G, B', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'imagenes', { ready: false });
      await waitText(page, 'images-gray-reading', /vale \d+/);
      assert.match(await page.locator('[data-testid="images-gray"]').getAttribute('aria-label'), /es un 4/);
      // Keyboard: the grid takes the arrows and reads the pixel under the cursor.
      await page.getByTestId('images-gray').focus();
      for (let i = 0; i < 14; i++) await page.keyboard.press('ArrowDown');
      for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
      assert.match(await text(page, 'images-gray-reading'), /fila 14, columna 6: vale \d+/);
      await waitText(page, 'images-color-reading', /R = \d+, G = \d+, B = \d+/);
      // A picture from the device: a 2×2 PNG of pure red, green, blue and white.
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC', 'base64');
      await page.getByTestId('images-photo').setInputFiles({ name: 'colores.png', mimeType: 'image/png', buffer: png });
      await page.waitForFunction(() => /colores\.png/.test(document.querySelector('[data-testid="images-color"]').getAttribute('aria-label')));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Convolución: 765 at (2, 1), 0 on flat patches, stepping changes products and sums', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'convolucion', { ready: false });
      const sum = await waitText(page, 'conv-sum', /= 765$/);
      assert.match(sum, /^Suma: 255 \+ 0 \+ 0 \+ 255/);
      assert.match(await text(page, 'conv-position'), /\(2, 1\)/);
      const products = await text(page, 'conv-products');
      assert.match(products, /1 × 255 = 255/);

      // Two steps right with the keyboard: the window lies on the dark half, all zeros.
      await page.getByTestId('conv-output').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await waitText(page, 'conv-position', /\(2, 3\)/);
      assert.match(await waitText(page, 'conv-sum', /= 0$/), /= 0$/);
      assert.notEqual(await text(page, 'conv-products'), products, 'the products changed');
      // The button steps back onto the edge.
      await page.getByTestId('conv-prev').click();
      await waitText(page, 'conv-position', /\(2, 2\)/);
      await waitText(page, 'conv-sum', /= 765$/);
      // (0, 0): the bright half, flat, gives 0 as the lesson says.
      await page.getByTestId('conv-output').focus();
      await page.keyboard.press('PageUp');
      await page.keyboard.press('Home');
      await waitText(page, 'conv-position', /\(0, 0\)/);
      await waitText(page, 'conv-sum', /= 0$/);

      // A horizontal-edge kernel sees nothing in a vertical edge; the digit's map is redrawn.
      await page.getByTestId('conv-go-example').click();
      await waitText(page, 'conv-sum', /= 765$/);
      await page.waitForFunction(() => document.querySelector('[data-testid="conv-map"]').dataset.max !== undefined);
      const before = await page.getByTestId('conv-map').getAttribute('data-max');
      await page.getByTestId('conv-preset').selectOption('horizontales');
      await waitText(page, 'conv-sum', /= 0$/);
      await page.waitForFunction((m) => document.querySelector('[data-testid="conv-map"]').dataset.max !== m, before);
      // A typed weight is used at once: top-left 2 instead of 1 gives 2·255 + 255 + 255 = 1020.
      await page.getByTestId('conv-preset').selectOption('verticales');
      await page.getByTestId('kernel-0').fill('2');
      await waitText(page, 'conv-sum', /= 1020$/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('four edge maps of a real digit from the engine, a corner channel, the lesson\'s 8 × 13 × 4 crop', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      // Section 2's map of the same image with the vertical kernel, for comparison.
      await visit(page, 'convolucion', { ready: false });
      await page.waitForFunction(() => document.querySelector('[data-testid="conv-map"]').dataset.max !== undefined);
      const sectionMax2 = Number(await dataOf(page, 'conv-map', 'max'));
      // The corner preset is in section 2's list too: its weights, and a new map from the engine.
      await page.getByTestId('conv-preset').selectOption('esquina');
      assert.deepEqual(await Promise.all([0, 4, 5, 8].map((i) => page.getByTestId(`kernel-${i}`).inputValue())), ['-1', '2', '2', '-1']);
      await page.waitForFunction((m) => document.querySelector('[data-testid="conv-map"]').dataset.max !== m, String(sectionMax2));
      await visit(page, 'capas-convolutivas', { ready: false });
      assert.match(await waitText(page, 'edges-tensor', /×/), /26 × 26 × 4 \(alto × ancho × canales\)/);
      const maps = await page.locator('[data-testid="edges-maps"] canvas').evaluateAll((cs) => cs.map((c) => ({
        id: c.dataset.testid, label: c.getAttribute('aria-label'), ...c.dataset })));
      assert.deepEqual(maps.map((m) => m.id), ['edges-channel-1', 'edges-channel-2', 'edges-channel-3', 'edges-channel-4']);
      // The notebook's order: horizontal, vertical and both diagonals.
      assert.deepEqual(maps.map((m) => m.label.match(/^Mapa de (.+?) de \d/)?.[1]),
        ['bordes horizontales', 'bordes verticales', 'bordes diagonales (\\)', 'bordes diagonales (/)']);
      // The vertical channel is the engine's map section 2 shows for the same image and kernel.
      assert.equal(Number(maps[1].max), sectionMax2);
      // Four different kernels, four different maps; a digit's strokes light every one of them.
      assert.equal(new Set(maps.map((m) => `${m.min},${m.max}`)).size, 4);
      for (const m of maps) assert.ok(Number(m.max) > 0.5 && Number(m.min) < -0.5, `${m.id} ${m.min}..${m.max}`);
      // The corner kernel adds a fifth channel; the crop gives the notebook's 8 × 13 maps.
      await page.getByTestId('edges-corner').check();
      await waitText(page, 'edges-tensor', /26 × 26 × 5/);
      await page.getByTestId('edges-input-kind').selectOption('recorte');
      await waitText(page, 'edges-tensor', /8 × 13 × 5/);
      await page.getByTestId('edges-corner').uncheck();
      assert.match(await waitText(page, 'edges-tensor', /8 × 13 × 4/), /8 × 13 × 4/);
      assert.equal(await page.locator('[data-testid="edges-maps"] canvas').count(), 4);
      assert.equal(await dataOf(page, 'edges-channel-2', 'ancho'), '13');
      // Another test image: new maps.
      await page.getByTestId('edges-index').fill('1');
      await page.getByTestId('edges-index').press('Enter');
      await page.waitForFunction((m) => document.querySelector('[data-testid="edges-channel-2"]')?.dataset.max !== m, maps[1].max);
      // "Usar mi dibujo": the student's own digit, as the engine preprocessed it.
      await draw(page, SEVEN);
      await answer(page);
      await visit(page, 'capas-convolutivas', { ready: false });
      const before = await dataOf(page, 'edges-channel-2', 'max');
      await page.getByTestId('edges-drawing').click();
      await page.waitForFunction(() => /Tu dibujo/.test(document.querySelector('#capas-convolutivas [data-parte="bordes"] .fuente-desc').textContent));
      await page.waitForFunction((m) => document.querySelector('[data-testid="edges-channel-2"]')?.dataset.max !== m, before);
      assert.equal(await dataOf(page, 'edges-tensor', 'ancho'), '13', 'still the 10 × 15 crop');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Capas convolutivas: 104 neurons sharing 9 weights, an 8 × 13 × 4 tensor, 36 inputs and a 5 × 5 field', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'capas-convolutivas', { ready: false });
      assert.match(await waitText(page, 'layers-neurons', /104/), /8 × 13 = 104/);
      assert.match(await text(page, 'layers-weights'), /Solo 9!/);
      assert.match(await waitText(page, 'layers-tensor', /×/), /8 × 13 × 4 \(alto × ancho × canales\)/);
      assert.match(await waitText(page, 'layers-36', /36/), /3 × 3 × 4 = 36/);
      assert.match(await text(page, 'layers-field'), /5 × 5/);
      await waitText(page, 'layers-second-reading', /columnas 0 a 4/);
      await page.getByTestId('layers-second-output').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      await waitText(page, 'layers-second-reading', /filas 1 a 5 y las columnas 1 a 5/);
      // The calculator asks the engine again for another size.
      await page.getByTestId('layers-height').fill('28');
      await page.getByTestId('layers-width').fill('28');
      await page.getByTestId('layers-width').press('Tab');
      await waitText(page, 'layers-neurons', /26 × 26 = 676/);
      // The output-size formula with stride and padding, held to the engine's own sizes.
      assert.match(await waitText(page, 'layers-formula', /26/), /Alto: ⌊\(28 \+ 0 − 3\) \/ 1⌋ \+ 1 = 26/);
      const formula = () => page.getByTestId('layers-formula').evaluate((li) => ({ ...li.dataset, formulaText: li.textContent }));
      const cases = [
        { alto: '10', ancho: '15', k: '3', paso: '2', relleno: 'valid', esperado: [4, 7] },
        { alto: '10', ancho: '15', k: '5', paso: '1', relleno: 'same', esperado: [10, 15] },
        { alto: '11', ancho: '15', k: '3', paso: '2', relleno: 'same', esperado: [6, 8] },
        { alto: '10', ancho: '13', k: '4', paso: '3', relleno: 'same', esperado: [4, 5] },
        { alto: '9', ancho: '14', k: '4', paso: '2', relleno: 'valid', esperado: [3, 6] },
      ];
      for (const c of cases) {
        await page.getByTestId('layers-height').fill(c.alto);
        await page.getByTestId('layers-width').fill(c.ancho);
        await page.getByTestId('layers-kernel').fill(c.k);
        await page.getByTestId('layers-stride').fill(c.paso);
        await page.getByTestId('layers-padding').selectOption(c.relleno);
        await page.getByTestId('layers-stride').dispatchEvent('change');
        const [h, w] = c.esperado;
        await page.waitForFunction(([h, w]) => {
          const d = document.querySelector('[data-testid="layers-formula"]').dataset;
          return d.motorAlto === String(h) && d.motorAncho === String(w);
        }, [h, w]);
        const f = await formula();
        assert.deepEqual([Number(f.alto), Number(f.ancho)], [h, w], `formula = engine for ${JSON.stringify(c)}: ${f.formulaText}`);
        assert.match(await text(page, 'layers-neurons'), new RegExp(`${h} × ${w} =`));
      }
      assert.match((await formula()).formulaText, /Ancho: ⌊\(14 \+ 0 − 4\) \/ 2⌋ \+ 1 = 6/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('receptive field: one second-layer neuron, its 3 first-layer neurons, 5 pixels, 3 + 2 = 5', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'capas-convolutivas', { ready: false });
      await waitData(page, 'field-canvas', 'pixeles', '5-9');
      assert.equal(await dataOf(page, 'field-canvas', 'primera'), '5-7');
      assert.equal(await dataOf(page, 'field-canvas', 'paso'), '1');
      assert.equal(await page.getByTestId('field-count').isVisible(), false, 'the sum waits for step 3');
      assert.equal(await page.getByTestId('field-prev').isDisabled(), true);
      await page.getByTestId('field-next').click();
      assert.match(await waitText(page, 'field-steps', /de la 5 a la 7/), /neurona 5 de la segunda capa/);
      await page.getByTestId('field-next').click();
      await waitData(page, 'field-canvas', 'paso', '3');
      assert.match(await text(page, 'field-steps'), /píxeles 5 a 9/);
      assert.match(await text(page, 'field-count'), /3 \+ \(3 − 1\) × 1 = 3 \+ 2 = 5/);
      assert.match(await text(page, 'field-count'), /5 × 5 píxeles/);
      assert.equal(await page.getByTestId('field-next').isDisabled(), true);
      // Keyboard: the slider picks another neuron; the windows move with it.
      await page.getByTestId('field-neuron').focus();
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await waitData(page, 'field-canvas', 'pixeles', '3-7');
      assert.equal(await dataOf(page, 'field-canvas', 'primera'), '3-5');
      await page.keyboard.press('Home');
      await waitData(page, 'field-canvas', 'pixeles', '0-4');
      // A click on the top row picks that neuron (the last one: pixels 10 to 14).
      await page.mouse.click(...await secondLayerNeuron(page, 10));
      await waitData(page, 'field-canvas', 'pixeles', '10-14');
      await page.getByTestId('field-prev').click();
      await waitData(page, 'field-canvas', 'paso', '2');
      assert.equal(await page.getByTestId('field-count').isVisible(), false);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Clasificación del MNIST: counts, normalization, one-hot and the Keras summary', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'mnist', { ready: false });
      // Shapes read as Python prints them: no thousands separator inside a tuple.
      assert.match(await waitText(page, 'mnist-loading', /60000/), /\(60000, 28, 28\).*\(10000, 28, 28\)/);
      assert.match(await text(page, 'mnist-shape'), /\(60000, 28, 28, 1\).*\(10000, 28, 28, 1\)/);
      assert.match(await page.locator('#mnist [data-parte="onehot-forma"]').textContent(), /\(10000,\) a \(10000, 10\)/);
      // Normalized values are decimals in [0, 1]; the same patch read 0–255 before.
      const after = await waitText(page, 'mnist-after', /0,\d/);
      assert.ok(after.length > 0);
      assert.match(await text(page, 'mnist-before'), /\d{3}/);
      const rows = await page.locator('[data-testid="mnist-onehot"] tbody tr').allTextContents();
      assert.equal(rows.length, 8);
      assert.match(rows[0], /^7 ?0000000100$/, 'test image 0 is a 7');
      const summary = await waitText(page, 'mnist-summary', /dense_1/);
      for (const n of ['(None, 26, 26, 32)', '320', '18.496', '(None, 9216)', '1.179.776', '1.290']) assert.ok(summary.includes(n), `summary shows ${n}`);
      assert.match(await waitText(page, 'mnist-total', /\d/), /1\.199\.882/);
      assert.match(await waitText(page, 'mnist-without-pooling', /\d/), /36\.864.*4\.718\.720 parámetros/);
      // "About a quarter", with the exact numbers: 1.179.776 against 4.718.720 / 4 = 1.179.680.
      assert.match(await waitText(page, 'mnist-without-pooling-closing', /\d/),
        /1\.179\.776 parámetros: aproximadamente una cuarta parte \(4\.718\.720 \/ 4 = 1\.179\.680;/);
      const header = await page.locator('[data-testid="mnist-summary"] thead').textContent();
      for (const g of ['capa (tipo)', 'forma de la salida', 'n.º de parámetros']) assert.ok(header.includes(g), `summary header glosses ${g}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Maxpooling: the 2 × 2 window steps over a real activation map and keeps its maximum', async () => {
    const { page, context, errors } = await app.openApp({ pretrained: true });
    try {
      await visit(page, 'maxpooling', { ready: false });
      await waitText(page, 'pool-maximum', /máximo: /);
      // The map the lesson's network pools: conv2's 24 × 24, down to 12 × 12.
      await page.waitForFunction(() => /24 × 24/.test(document.querySelector('#maxpooling [data-parte="titulo-activacion"]').textContent));
      assert.match(await page.locator('#maxpooling [data-parte="titulo-reducido"]').textContent(), /12 × 12/);
      assert.match(await text(page, 'pool-discarded'), /75\s%/);
      assert.ok(await page.locator('[data-testid="pool-channel"] option').count() >= 16, 'one option per channel');
      // Step until the window shows other values and another maximum.
      const initial = { windowValues: await text(page, 'pool-window'), maxValue: await text(page, 'pool-maximum') };
      let now = initial;
      for (let i = 0; i < 12 && (now.windowValues === initial.windowValues || now.maxValue === initial.maxValue); i++) {
        const position = await text(page, 'pool-position');
        await page.getByTestId(i % 2 ? 'pool-next' : 'pool-prev').click();
        await page.waitForFunction((p) => document.querySelector('[data-testid="pool-position"]').textContent !== p, position);
        await page.waitForFunction(() => document.querySelector('[data-testid="pool-window"] .ganador'));
        now = { windowValues: await text(page, 'pool-window'), maxValue: await text(page, 'pool-maximum') };
      }
      assert.notEqual(now.windowValues, initial.windowValues, 'the window shows other values');
      assert.notEqual(now.maxValue, initial.maxValue, 'another maximum is kept');
      // The kept value is the window's largest.
      const { windowValues, maxValue } = await page.evaluate(() => ({
        windowValues: [...document.querySelectorAll('[data-testid="pool-window"] td')].map((td) => Number(td.textContent.replace(',', '.'))),
        maxValue: Number(document.querySelector('[data-testid="pool-maximum"]').dataset.value),
      }));
      assert.ok(Math.abs(Math.max(...windowValues) - maxValue) < 1e-3, `${maxValue} is the max of ${windowValues}`);
      // Keyboard on the pooled map moves the window too.
      const position = await text(page, 'pool-position');
      await page.getByTestId('pool-reduced').focus();
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction((p) => document.querySelector('[data-testid="pool-position"]').textContent !== p, position);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('every section renders without console errors; dropout steps and ReLU slider react', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      for (const id of SECTIONS_6_10) await visit(page, id);

      // Dropout: each step draws another mask from the engine's Dropout layer.
      await visit(page, 'dropout');
      // Predict first: the step-by-step masks show once the prediction is answered.
      await answerQuestion(page, 'question-dropped', { option: 1 });
      const first = (await dataset(page, '[data-testid="dropout-grid"]')).off;
      assert.ok(first.split(',').length > 20, `about half of the dense layer is off: ${first}`);
      assert.match(await page.getByTestId('dropout-summary').textContent(), /se multiplican por 2\./);
      await page.getByTestId('dropout-next').click();
      await page.waitForFunction((f) => document.querySelector('[data-testid="dropout-grid"]').dataset.off !== f, first);
      assert.match(await page.getByTestId('dropout-step').textContent(), /2/);
      await page.getByTestId('dropout-rate').selectOption('0.25');
      await page.waitForFunction(() => /se multiplican por 4\/3\./.test(document.querySelector('[data-testid="dropout-summary"]').textContent));
      // The worked example checks by hand: a × 4/3 = b with the numbers as shown.
      const example = await page.locator('[data-testid="dropout-example"]').textContent();
      const [, a, b] = example.match(/valía (\d+(?:,\d+)?) y en este paso sale \1 × 4\/3 = (\d+(?:,\d+)?)/) ?? [];
      assert.ok(a && b, `example with the 4/3 factor: ${example}`);
      const num = (s) => Number(s.replace(',', '.'));
      assert.equal(Math.round(num(a) * (4 / 3) * 100) / 100, num(b), example);
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
      await answerQuestion(page, 'question-gradient', { option: 3 });
      await page.getByTestId('relu-layers').fill('10');
      assert.match(await page.getByTestId('relu-product-sigmoid').textContent(), /0,25 elevado a 10 = 9,54 · 10⁻⁷/);
      // The bars agree with the text: the first of n layers receives 0,25^n, the last 0,25.
      const bars = await page.locator('#relu ol.gradiente li').evaluateAll((li) => li.map((b) => Number(b.dataset.value)));
      assert.equal(bars.length, 10);
      assert.ok(Math.abs(bars[0] - 0.25 ** 10) < 1e-15, `first bar ${bars[0]}`);
      assert.equal(bars[9], 0.25);
      assert.match(await page.locator('#relu').textContent(), /multiplicado n veces por 0,25.*0,25 elevado a n/);

      // np.round rounds halves to even, as NumPy does: np.round(0.5) is 0, not 1.
      const roundings = await page.evaluate(async () => {
        const { redondearComoNumpy } = await import('./js/leccion/entrenar.js');
        return [0.5, 0.49, 0.51, 1, 1.5, 2.5, 0].map(redondearComoNumpy);
      });
      assert.deepEqual(roundings, [0, 0, 1, 1, 2, 2, 0]);

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

  test('a canvas painted again shows only the new picture, whatever its size or layout', async () => {
    // kit/lienzo.js keeps each canvas's size and pixel buffer while they still fit (the drawing's
    // steps are repainted every frame): nothing of the last picture may show through.
    const { page, context, errors } = await openPage(app.browser, app.server.url);
    try {
      const r = await page.evaluate(async () => {
        const { pintarTinta, pintarMosaico, escalaGris } = await import('/js/leccion/kit/lienzo.js');
        const pixelsOf = (c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
        const newCanvas = () => document.createElement('canvas');
        const ramp = (n, k) => Float32Array.from({ length: n }, (_, i) => ((i * k) % 11) / 10);
        const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
        const c = newCanvas(), m = newCanvas(), cases = [];
        // pintar(canvas) on the reused canvas and on a fresh one: the same pixels.
        const repaint = (canvas, paint) => {
          paint(canvas);
          const fresh = newCanvas();
          paint(fresh);
          cases.push({ dims: [canvas.width, canvas.height], same: same(pixelsOf(canvas), pixelsOf(fresh)) });
        };
        for (const [values, w, h] of [[ramp(784, 3), 28, 28], [ramp(784, 7), 28, 28], [ramp(400, 5), 20, 20]]) {
          repaint(c, (canvas) => pintarTinta(canvas, values, w, h));
        }
        // The same canvas size with another layout: 4 planes of 3 × 3 two to a row (7 × 7), then
        // 2 of 3 × 3 in a column (3 × 7) and 1 of 7 × 7; the 1-pixel gaps are transparent.
        for (const [n, h, w, columnas] of [[4, 3, 3, 2], [2, 3, 3, 1], [1, 7, 7, 1], [4, 3, 3, 2]]) {
          const values = ramp(n * h * w, n + w);
          repaint(m, (canvas) => pintarMosaico(canvas, values, n, h, w, escalaGris(), columnas));
        }
        const ink = newCanvas();
        pintarTinta(ink, Float32Array.from([1, 0, 0.5, 0.25]), 2, 2);
        return { cases, greys: pixelsOf(ink).filter((_, i) => i % 4 === 0), alpha: pixelsOf(ink).filter((_, i) => i % 4 === 3) };
      });
      assert.deepEqual(r.cases.map((x) => x.dims), [[28, 28], [28, 28], [20, 20], [7, 7], [3, 7], [7, 7], [7, 7]]);
      for (const [i, x] of r.cases.entries()) assert.ok(x.same, `case ${i}: the repainted canvas equals a fresh one`);
      assert.deepEqual(r.greys, [0, 255, 127, 191], 'ink 1 is black, 0 white paper');
      assert.deepEqual(r.alpha, [255, 255, 255, 255]);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Maxpooling, Dropout and ReLU ask for a prediction before their demonstration', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      // Maxpooling: the engine pools the shifted map; crossing the block edge moves the 9.
      await visit(page, 'maxpooling', { ready: false });
      let r = await answerQuestion(page, 'question-shift', { option: 1 });
      assert.equal(r.right, true);
      assert.match(r.engine, /\[\[9, 0\], \[0, 0\]\], \[\[9, 0\], \[0, 0\]\] y \[\[0, 9\], \[0, 0\]\]/);

      // Dropout: the step-by-step masks wait for the answer.
      await visit(page, 'dropout', { ready: false });
      await page.getByTestId('question-dropped').waitFor({ timeout: 60_000 });
      assert.equal(await page.getByTestId('dropout-grid').isVisible(), false, 'the masks wait for the prediction');
      r = await answerQuestion(page, 'question-dropped', { option: 0 });  // "exactly 64": wrong
      assert.equal(await page.getByTestId('dropout-grid').isVisible(), false);
      r = await answerQuestion(page, 'question-dropped', { option: 1 });
      assert.equal(r.right, true);
      assert.equal(await page.getByTestId('dropout-grid').isVisible(), true);
      const droppedCounts = r.engine.match(/apaga ([\d, ]+)\./)[1].split(', ').map(Number);
      assert.equal(droppedCounts.length, 5);
      assert.ok(new Set(droppedCounts).size > 1 && droppedCounts.every((n) => n > 30 && n < 98), droppedCounts.join(' '));

      // ReLU: the products and the bars wait for the answer.
      await visit(page, 'relu', { ready: false });
      await page.getByTestId('question-gradient').waitFor({ timeout: 60_000 });
      assert.equal(await page.getByTestId('relu-product-sigmoid').isVisible(), false);
      r = await answerQuestion(page, 'question-gradient', { option: 3 });
      assert.equal(r.right, true);
      assert.match(r.engine, /0,25 elevado a 10 = 9,54 · 10⁻⁷/);
      assert.equal(await page.getByTestId('relu-product-sigmoid').isVisible(), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('glossary: each term links from its first use to its entry, and back', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      const termLinks = await page.locator('a.termino').evaluateAll((as) => as.map((a) => ({
        href: a.getAttribute('href'), inSection: a.closest('section')?.id, hasTarget: Boolean(document.querySelector(a.getAttribute('href'))) })));
      const terms = await page.locator('#glosario dt').count();
      assert.equal(terms, 12);
      assert.equal(termLinks.length, terms, JSON.stringify(termLinks));
      assert.equal(new Set(termLinks.map((e) => e.href)).size, terms, 'one link per term');
      assert.ok(termLinks.every((e) => e.hasTarget && e.inSection !== 'glosario'));
      // "kernel" is first used in the convolution section's introduction.
      const kernel = page.getByTestId('glossary-link-kernel');
      assert.equal(await kernel.evaluate((a) => a.closest('p').matches('#convolucion > .intro')), true);
      await kernel.click();
      await page.waitForFunction(() => location.hash === '#glosario-kernel');
      assert.equal(await page.locator('#glosario-kernel').isVisible(), true);
      await page.locator('#glosario [data-termino="kernel"] a.volver').click();
      await page.waitForFunction(() => location.hash === '#uso-kernel');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('"Usar mi dibujo" opens a pad in place; a stroke on it feeds the section', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'maxpooling');
      await page.getByTestId('maxpooling-drawing').click();
      assert.equal(await page.getByTestId('maxpooling-canvas').isVisible(), true);
      assert.match(await page.locator('#maxpooling .fuente-desc').textContent(), /Dibuja un dígito en el recuadro/);
      const before = await text(page, 'pool-maximum');
      await drawOnPad(page, 'maxpooling-canvas', SEVEN);
      await page.waitForFunction(() => /Tu dibujo del recuadro/.test(document.querySelector('#maxpooling .fuente-desc').textContent));
      await page.waitForFunction((a) => document.querySelector('[data-testid="pool-maximum"]').textContent !== a, before);
      // "Borrar" empties the pad: nothing drawn anywhere, a Spanish message.
      await page.getByTestId('maxpooling-clear').click();
      await page.waitForFunction(() => /No hay nada dibujado/.test(document.querySelector('#maxpooling .fuente .error').textContent));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('projector: «Ocultar respuestas» hides verdicts and the engine\'s answers', async () => {
    const { page, context, errors } = await app.openApp({ width: 1920, height: 1080 });
    try {
      assert.equal(await page.getByTestId('hide-answers').isVisible(), false, 'only in projector mode');
      await page.locator('#boton-proyector').click();
      await page.getByTestId('hide-answers').click();
      assert.equal(await page.getByTestId('hide-answers').getAttribute('aria-pressed'), 'true');
      await visit(page, 'convolucion', { ready: false });
      await answerQuestion(page, 'question-uniform', { option: 0 });
      assert.equal(await page.getByTestId('question-uniform-engine').isVisible(), false);
      assert.equal(await page.getByTestId('question-uniform-verdict').isVisible(), false);
      await page.getByTestId('hide-answers').click();
      assert.equal(await page.getByTestId('question-uniform-engine').isVisible(), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the teacher\'s worksheet prints on two A4 pages, without the guide', async () => {
    const { page, context, errors } = await openPage(app.browser, app.server.url, 'guia-docente.html');
    try {
      await page.waitForSelector('body[data-ready="true"]');
      assert.ok(await page.getByTestId('guide-plan-1h').locator('tbody tr').count() > 3);
      assert.ok(await page.getByTestId('guide-plan-2h').locator('tbody tr').count() > 3);
      assert.equal(await page.getByTestId('worksheet-sheet').count(), 2);
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
      assert.equal((pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length, 2);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.guia').isVisible(), false);
      assert.equal(await page.getByTestId('worksheet').isVisible(), true);
      // The 6 × 6 image, its kernel and an empty 4 × 4 output to fill in.
      assert.equal(await page.locator('.matriz-ficha.imagen td').count(), 36);
      assert.equal(await page.locator('.matriz-ficha.kernel td').count(), 9);
      assert.deepEqual([...new Set(await page.locator('.matriz-ficha.salida td').allTextContents())], ['']);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  const SIZES = [
    ['escritorio', { width: 1366, height: 900 }, {}],
    ['movil', { width: 390, height: 844 }, { hasTouch: true, isMobile: true, deviceScaleFactor: 2 }],
    ['proyector', { width: 1920, height: 1080 }, { proyector: true }],
  ];
  const CHANGED = ['convolucion', 'capas-convolutivas', 'mnist', 'maxpooling', 'dropout', 'relu', 'glosario'];
  for (const [name, viewport, options] of SIZES) {
    test(`${name} (${viewport.width}×${viewport.height}): predictions, the pad and the glossary fit; screenshots`, async () => {
      const context = await app.browser.newContext({ viewport, hasTouch: options.hasTouch, isMobile: options.isMobile, deviceScaleFactor: options.deviceScaleFactor });
      const errors = [];
      await context.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());
      if (options.proyector) await context.addInitScript(() => localStorage.setItem('convaula.proyector', '1'));
      const page = await context.newPage();
      page.on('pageerror', (err) => errors.push(String(err)));
      page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
      try {
        await page.goto(app.server.url);
        await waitPretrained(page);
        for (const id of CHANGED.slice(0, -1)) await visit(page, id);
        await visit(page, 'maxpooling');
        await page.getByTestId('maxpooling-drawing').click();
        await drawOnPad(page, 'maxpooling-canvas', SEVEN, { touch: options.hasTouch });
        await page.waitForFunction(() => /Tu dibujo del recuadro/.test(document.querySelector('#maxpooling .fuente-desc').textContent));
        await answerQuestion(page, 'question-shift', { option: 0 });  // wrong: the hint shows
        for (const id of CHANGED) await page.locator(`#${id}`).screenshot({ path: `${app.artifacts}${name}-${id}.png` });
        const overflow = await page.evaluate((ids) => {
          const width = document.documentElement.clientWidth;
          const out = ids.flatMap((id) => [...document.querySelectorAll(`#${id} *`)])
            .filter((el) => !el.closest('.sr-only, .archivo-oculto') && el.getBoundingClientRect().right > width + 1);
          return { scrollWidth: document.documentElement.scrollWidth, width, out: out.map((el) => el.outerHTML.slice(0, 80)) };
        }, CHANGED);
        assert.equal(overflow.scrollWidth, overflow.width, 'no horizontal scrolling');
        assert.deepEqual(overflow.out, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
