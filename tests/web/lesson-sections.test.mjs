// lesson-sections.test.mjs: a student reads the lesson's sections, in Debian's Chromium: each
// widget shows the engine's real numbers and steps with buttons and keys (Imágenes, Convolución,
// Capas convolutivas with its edge maps and receptive field, Clasificación del MNIST with its
// summary, Maxpooling, Dropout, ReLU), and a repainted canvas shows only its new picture.
// Screenshots go to build/artifacts/lesson-sections/ (gitignored).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useApp } from './harness.mjs';
import { SEVEN, answer, draw, text, visit, waitText } from './acts.mjs';

const app = useApp('lesson-sections');
const SECTIONS_6_10 = ['dropout', 'relu', 'entrenar', 'aprendido', 'practica'];
const dataset = (page, selector) => page.locator(selector).evaluate((el) => ({ ...el.dataset }));

const dataOf = (page, testid, key) => page.getByTestId(testid).evaluate((el, k) => el.dataset[k], key);
const waitData = (page, testid, key, value) => page.waitForFunction(([id, k, v]) =>
  document.querySelector(`[data-testid="${id}"]`)?.dataset[k] === v, [testid, key, value], { timeout: 15_000 });

// Where neuron i of the second layer (11 wide, centred under the image's 15) is drawn.
async function secondLayerNeuron(page, i) {
  await page.getByTestId('campo-lienzo').scrollIntoViewIfNeeded();
  const box = await page.getByTestId('campo-lienzo').boundingBox();
  const side = Number(await dataOf(page, 'campo-lienzo', 'lado')), label = Number(await dataOf(page, 'campo-lienzo', 'rotulo'));
  return [box.x + (box.width - side * 15) / 2 + (i + 2.5) * side, box.y + label + side / 2];
}

describe('reading the lesson', () => {

  test('Imágenes: a real digit as 0–255 values and a picture split into R, G, B', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'imagenes', { ready: false });
      await waitText(page, 'imagenes-gris-lectura', /vale \d+/);
      assert.match(await page.locator('[data-testid="imagenes-gris"]').getAttribute('aria-label'), /es un 4/);
      // Keyboard: the grid takes the arrows and reads the pixel under the cursor.
      await page.getByTestId('imagenes-gris').focus();
      for (let i = 0; i < 14; i++) await page.keyboard.press('ArrowDown');
      for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
      assert.match(await text(page, 'imagenes-gris-lectura'), /fila 14, columna 6: vale \d+/);
      await waitText(page, 'imagenes-color-lectura', /R = \d+, G = \d+, B = \d+/);
      // A picture from the device: a 2×2 PNG of pure red, green, blue and white.
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC', 'base64');
      await page.getByTestId('imagenes-foto').setInputFiles({ name: 'colores.png', mimeType: 'image/png', buffer: png });
      await page.waitForFunction(() => /colores\.png/.test(document.querySelector('[data-testid="imagenes-color"]').getAttribute('aria-label')));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Convolución: 765 at (2, 1), 0 on flat patches, stepping changes products and sums', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'convolucion', { ready: false });
      const suma = await waitText(page, 'conv-suma', /= 765$/);
      assert.match(suma, /^Suma: 255 \+ 0 \+ 0 \+ 255/);
      assert.match(await text(page, 'conv-posicion'), /\(2, 1\)/);
      const productos = await text(page, 'conv-productos');
      assert.match(productos, /1 × 255 = 255/);

      // Two steps right with the keyboard: the window lies on the dark half, all zeros.
      await page.getByTestId('conv-salida').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await waitText(page, 'conv-posicion', /\(2, 3\)/);
      assert.match(await waitText(page, 'conv-suma', /= 0$/), /= 0$/);
      assert.notEqual(await text(page, 'conv-productos'), productos, 'the products changed');
      // The button steps back onto the edge.
      await page.getByTestId('conv-anterior').click();
      await waitText(page, 'conv-posicion', /\(2, 2\)/);
      await waitText(page, 'conv-suma', /= 765$/);
      // (0, 0): the bright half, flat, gives 0 as the lesson says.
      await page.getByTestId('conv-salida').focus();
      await page.keyboard.press('PageUp');
      await page.keyboard.press('Home');
      await waitText(page, 'conv-posicion', /\(0, 0\)/);
      await waitText(page, 'conv-suma', /= 0$/);

      // A horizontal-edge kernel sees nothing in a vertical edge; the digit's map is redrawn.
      await page.getByTestId('conv-ir-ejemplo').click();
      await waitText(page, 'conv-suma', /= 765$/);
      await page.waitForFunction(() => document.querySelector('[data-testid="conv-mapa"]').dataset.max !== undefined);
      const antes = await page.getByTestId('conv-mapa').getAttribute('data-max');
      await page.getByTestId('conv-preajuste').selectOption('horizontales');
      await waitText(page, 'conv-suma', /= 0$/);
      await page.waitForFunction((m) => document.querySelector('[data-testid="conv-mapa"]').dataset.max !== m, antes);
      // A typed weight is used at once: top-left 2 instead of 1 gives 2·255 + 255 + 255 = 1020.
      await page.getByTestId('conv-preajuste').selectOption('verticales');
      await page.getByTestId('kernel-0').fill('2');
      await waitText(page, 'conv-suma', /= 1020$/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('four edge maps of a real digit from the engine, a corner channel, the lesson\'s 4 × 8 × 13 crop', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      // Section 2's map of the same image with the vertical kernel, for comparison.
      await visit(page, 'convolucion', { ready: false });
      await page.waitForFunction(() => document.querySelector('[data-testid="conv-mapa"]').dataset.max !== undefined);
      const maxSeccion2 = Number(await dataOf(page, 'conv-mapa', 'max'));
      // The corner preset is in section 2's list too: its weights, and a new map from the engine.
      await page.getByTestId('conv-preajuste').selectOption('esquina');
      assert.deepEqual(await Promise.all([0, 4, 5, 8].map((i) => page.getByTestId(`kernel-${i}`).inputValue())), ['-1', '2', '2', '-1']);
      await page.waitForFunction((m) => document.querySelector('[data-testid="conv-mapa"]').dataset.max !== m, String(maxSeccion2));
      await visit(page, 'capas-convolutivas', { ready: false });
      assert.match(await waitText(page, 'bordes-tensor', /×/), /4 × 26 × 26/);
      const mapas = await page.locator('[data-testid="bordes-mapas"] canvas').evaluateAll((cs) => cs.map((c) => ({ id: c.dataset.testid, ...c.dataset })));
      assert.deepEqual(mapas.map((m) => m.id), ['bordes-mapa-horizontales', 'bordes-mapa-verticales', 'bordes-mapa-diagonales', 'bordes-mapa-antidiagonales']);
      // The vertical channel is the engine's map section 2 shows for the same image and kernel.
      assert.equal(Number(mapas[1].max), maxSeccion2);
      // Four different kernels, four different maps; a digit's strokes light every one of them.
      assert.equal(new Set(mapas.map((m) => `${m.min},${m.max}`)).size, 4);
      for (const m of mapas) assert.ok(Number(m.max) > 0.5 && Number(m.min) < -0.5, `${m.id} ${m.min}..${m.max}`);
      // The corner kernel adds a fifth channel; the crop gives the notebook's 8 × 13 maps.
      await page.getByTestId('bordes-esquina').check();
      await waitText(page, 'bordes-tensor', /5 × 26 × 26/);
      await page.getByTestId('bordes-tipo').selectOption('recorte');
      await waitText(page, 'bordes-tensor', /5 × 8 × 13/);
      await page.getByTestId('bordes-esquina').uncheck();
      assert.match(await waitText(page, 'bordes-tensor', /4 × 8 × 13/), /4 × 8 × 13/);
      assert.equal(await page.locator('[data-testid="bordes-mapas"] canvas').count(), 4);
      assert.equal(await dataOf(page, 'bordes-mapa-verticales', 'ancho'), '13');
      // Another test image: new maps.
      await page.getByTestId('bordes-indice').fill('1');
      await page.getByTestId('bordes-indice').press('Enter');
      await page.waitForFunction((m) => document.querySelector('[data-testid="bordes-mapa-verticales"]')?.dataset.max !== m, mapas[1].max);
      // "Usar mi dibujo": the student's own digit, as the engine preprocessed it.
      await draw(page, SEVEN);
      await answer(page);
      await visit(page, 'capas-convolutivas', { ready: false });
      const antes = await dataOf(page, 'bordes-mapa-verticales', 'max');
      await page.getByTestId('bordes-dibujo').click();
      await page.waitForFunction(() => /Tu dibujo/.test(document.querySelector('#capas-convolutivas [data-parte="bordes"] .fuente-desc').textContent));
      await page.waitForFunction((m) => document.querySelector('[data-testid="bordes-mapa-verticales"]')?.dataset.max !== m, antes);
      assert.equal(await dataOf(page, 'bordes-tensor', 'ancho'), '13', 'still the 10 × 15 crop');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Capas convolutivas: 104 neurons sharing 9 weights, a 4 × 8 × 13 tensor, 36 inputs and a 5 × 5 field', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'capas-convolutivas', { ready: false });
      assert.match(await waitText(page, 'capas-neuronas', /104/), /8 × 13 = 104/);
      assert.match(await text(page, 'capas-pesos'), /Solo 9!/);
      assert.match(await waitText(page, 'capas-tensor', /×/), /4 × 8 × 13/);
      assert.match(await waitText(page, 'capas-36', /36/), /4 × 3 × 3 = 36/);
      assert.match(await text(page, 'capas-campo'), /5 × 5/);
      await waitText(page, 'capas-segunda-lectura', /columnas 0 a 4/);
      await page.getByTestId('capas-segunda-salida').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      await waitText(page, 'capas-segunda-lectura', /filas 1 a 5 y las columnas 1 a 5/);
      // The calculator asks the engine again for another size.
      await page.getByTestId('capas-alto').fill('28');
      await page.getByTestId('capas-ancho').fill('28');
      await page.getByTestId('capas-ancho').press('Tab');
      await waitText(page, 'capas-neuronas', /26 × 26 = 676/);
      // The output-size formula with stride and padding, held to the engine's own sizes.
      assert.match(await waitText(page, 'capas-formula', /26/), /Alto: ⌊\(28 \+ 0 − 3\) \/ 1⌋ \+ 1 = 26/);
      const formula = () => page.getByTestId('capas-formula').evaluate((li) => ({ ...li.dataset, texto: li.textContent }));
      const casos = [
        { alto: '10', ancho: '15', k: '3', paso: '2', relleno: 'valid', esperado: [4, 7] },
        { alto: '10', ancho: '15', k: '5', paso: '1', relleno: 'same', esperado: [10, 15] },
        { alto: '11', ancho: '15', k: '3', paso: '2', relleno: 'same', esperado: [6, 8] },
        { alto: '10', ancho: '13', k: '4', paso: '3', relleno: 'same', esperado: [4, 5] },
        { alto: '9', ancho: '14', k: '4', paso: '2', relleno: 'valid', esperado: [3, 6] },
      ];
      for (const c of casos) {
        await page.getByTestId('capas-alto').fill(c.alto);
        await page.getByTestId('capas-ancho').fill(c.ancho);
        await page.getByTestId('capas-kernel').fill(c.k);
        await page.getByTestId('capas-paso').fill(c.paso);
        await page.getByTestId('capas-relleno').selectOption(c.relleno);
        await page.getByTestId('capas-paso').dispatchEvent('change');
        const [h, w] = c.esperado;
        await page.waitForFunction(([h, w]) => {
          const d = document.querySelector('[data-testid="capas-formula"]').dataset;
          return d.motorAlto === String(h) && d.motorAncho === String(w);
        }, [h, w]);
        const f = await formula();
        assert.deepEqual([Number(f.alto), Number(f.ancho)], [h, w], `formula = engine for ${JSON.stringify(c)}: ${f.texto}`);
        assert.match(await text(page, 'capas-neuronas'), new RegExp(`${h} × ${w} =`));
      }
      assert.match((await formula()).texto, /Ancho: ⌊\(14 \+ 0 − 4\) \/ 2⌋ \+ 1 = 6/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('receptive field: one second-layer neuron, its 3 first-layer neurons, 5 pixels, 3 + 2 = 5', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'capas-convolutivas', { ready: false });
      await waitData(page, 'campo-lienzo', 'pixeles', '5-9');
      assert.equal(await dataOf(page, 'campo-lienzo', 'primera'), '5-7');
      assert.equal(await dataOf(page, 'campo-lienzo', 'paso'), '1');
      assert.equal(await page.getByTestId('campo-cuenta').isVisible(), false, 'the sum waits for step 3');
      assert.equal(await page.getByTestId('campo-anterior').isDisabled(), true);
      await page.getByTestId('campo-siguiente').click();
      assert.match(await waitText(page, 'campo-pasos', /de la 5 a la 7/), /neurona 5 de la segunda capa/);
      await page.getByTestId('campo-siguiente').click();
      await waitData(page, 'campo-lienzo', 'paso', '3');
      assert.match(await text(page, 'campo-pasos'), /píxeles 5 a 9/);
      assert.match(await text(page, 'campo-cuenta'), /3 \+ \(3 − 1\) × 1 = 3 \+ 2 = 5/);
      assert.match(await text(page, 'campo-cuenta'), /5 × 5 píxeles/);
      assert.equal(await page.getByTestId('campo-siguiente').isDisabled(), true);
      // Keyboard: the slider picks another neuron; the windows move with it.
      await page.getByTestId('campo-neurona').focus();
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await waitData(page, 'campo-lienzo', 'pixeles', '3-7');
      assert.equal(await dataOf(page, 'campo-lienzo', 'primera'), '3-5');
      await page.keyboard.press('Home');
      await waitData(page, 'campo-lienzo', 'pixeles', '0-4');
      // A click on the top row picks that neuron (the last one: pixels 10 to 14).
      await page.mouse.click(...await secondLayerNeuron(page, 10));
      await waitData(page, 'campo-lienzo', 'pixeles', '10-14');
      await page.getByTestId('campo-anterior').click();
      await waitData(page, 'campo-lienzo', 'paso', '2');
      assert.equal(await page.getByTestId('campo-cuenta').isVisible(), false);
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
      assert.match(await waitText(page, 'mnist-carga', /60000/), /\(60000, 28, 28\).*\(10000, 28, 28\)/);
      assert.match(await text(page, 'mnist-forma'), /\(60000, 28, 28, 1\).*\(10000, 28, 28, 1\)/);
      assert.match(await page.locator('#mnist [data-parte="onehot-forma"]').textContent(), /\(10000,\) a \(10000, 10\)/);
      // Normalized values are decimals in [0, 1]; the same patch read 0–255 before.
      const despues = await waitText(page, 'mnist-despues', /0,\d/);
      assert.ok(despues.length > 0);
      assert.match(await text(page, 'mnist-antes'), /\d{3}/);
      const filas = await page.locator('[data-testid="mnist-onehot"] tbody tr').allTextContents();
      assert.equal(filas.length, 8);
      assert.match(filas[0], /^7 ?0000000100$/, 'test image 0 is a 7');
      const resumen = await waitText(page, 'mnist-resumen', /dense_1/);
      for (const n of ['(None, 26, 26, 32)', '320', '18.496', '(None, 9216)', '1.179.776', '1.290']) assert.ok(resumen.includes(n), `summary shows ${n}`);
      assert.match(await waitText(page, 'mnist-total', /\d/), /1\.199\.882/);
      assert.match(await waitText(page, 'mnist-sin-pooling', /\d/), /36\.864.*4\.718\.720 parámetros/);
      // "About a quarter", with the exact numbers: 1.179.776 against 4.718.720 / 4 = 1.179.680.
      assert.match(await waitText(page, 'mnist-sin-pooling-cierre', /\d/),
        /1\.179\.776 parámetros: aproximadamente una cuarta parte \(4\.718\.720 \/ 4 = 1\.179\.680;/);
      const cabecera = await page.locator('[data-testid="mnist-resumen"] thead').textContent();
      for (const g of ['capa (tipo)', 'forma de la salida', 'n.º de parámetros']) assert.ok(cabecera.includes(g), `summary header glosses ${g}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Maxpooling: the 2 × 2 window steps over a real activation map and keeps its maximum', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'maxpooling', { ready: false });
      await waitText(page, 'pool-maximo', /máximo: /);
      assert.match(await text(page, 'pool-descartado'), /75\s%/);
      assert.ok(await page.locator('[data-testid="pool-canal"] option').count() >= 16, 'one option per channel');
      // Step until the window shows other values and another maximum.
      const primero = { ventana: await text(page, 'pool-ventana'), maximo: await text(page, 'pool-maximo') };
      let ahora = primero;
      for (let i = 0; i < 12 && (ahora.ventana === primero.ventana || ahora.maximo === primero.maximo); i++) {
        const posicion = await text(page, 'pool-posicion');
        await page.getByTestId(i % 2 ? 'pool-siguiente' : 'pool-anterior').click();
        await page.waitForFunction((p) => document.querySelector('[data-testid="pool-posicion"]').textContent !== p, posicion);
        await page.waitForFunction(() => document.querySelector('[data-testid="pool-ventana"] .ganador'));
        ahora = { ventana: await text(page, 'pool-ventana'), maximo: await text(page, 'pool-maximo') };
      }
      assert.notEqual(ahora.ventana, primero.ventana, 'the window shows other values');
      assert.notEqual(ahora.maximo, primero.maximo, 'another maximum is kept');
      // The kept value is the window's largest.
      const { ventana, maximo } = await page.evaluate(() => ({
        ventana: [...document.querySelectorAll('[data-testid="pool-ventana"] td')].map((td) => Number(td.textContent.replace(',', '.'))),
        maximo: Number(document.querySelector('[data-testid="pool-maximo"]').dataset.value),
      }));
      assert.ok(Math.abs(Math.max(...ventana) - maximo) < 1e-3, `${maximo} is the max of ${ventana}`);
      // Keyboard on the pooled map moves the window too.
      const posicion = await text(page, 'pool-posicion');
      await page.getByTestId('pool-reducido').focus();
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction((p) => document.querySelector('[data-testid="pool-posicion"]').textContent !== p, posicion);
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
});
