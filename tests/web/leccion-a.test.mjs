// leccion-a.test.mjs: sections 1–5 of the lesson (Imágenes … Maxpooling) in Debian's Chromium:
// each renders the engine's numbers without console errors, the convolution and pooling widgets
// step with buttons and keys, and every section fits at desktop and phone sizes. Screenshots go
// to build/artifacts/leccion-a/ (gitignored).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp } from './harness.mjs';

const SECCIONES = ['imagenes', 'convolucion', 'capas-convolutivas', 'mnist', 'maxpooling'];
const app = useApp('leccion-a');
const ARTIFACTS = app.artifacts;
const { openApp } = app;

// Sections start their widgets when they come near the screen.
const visitar = (page, id) => page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
const texto = (page, testid) => page.getByTestId(testid).textContent();
// Waits until the element's text matches, and returns it.
async function esperarTexto(page, testid, patron) {
  await page.waitForFunction(([id, fuente, flags]) =>
    new RegExp(fuente, flags).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
  [testid, patron.source, patron.flags], { timeout: 15_000 });
  return texto(page, testid);
}

describe('Lección, secciones 1–5', () => {
  test('Imágenes: a real digit as 0–255 values and a picture split into R, G, B', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'imagenes');
      await esperarTexto(page, 'imagenes-gris-lectura', /vale \d+/);
      assert.match(await page.locator('[data-testid="imagenes-gris"]').getAttribute('aria-label'), /es un 4/);
      // Keyboard: the grid takes the arrows and reads the pixel under the cursor.
      await page.getByTestId('imagenes-gris').focus();
      for (let i = 0; i < 14; i++) await page.keyboard.press('ArrowDown');
      for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
      assert.match(await texto(page, 'imagenes-gris-lectura'), /fila 14, columna 6: vale \d+/);
      await esperarTexto(page, 'imagenes-color-lectura', /R = \d+, G = \d+, B = \d+/);
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
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'convolucion');
      const suma = await esperarTexto(page, 'conv-suma', /= 765$/);
      assert.match(suma, /^Suma: 255 \+ 0 \+ 0 \+ 255/);
      assert.match(await texto(page, 'conv-posicion'), /\(2, 1\)/);
      const productos = await texto(page, 'conv-productos');
      assert.match(productos, /1 × 255 = 255/);

      // Two steps right with the keyboard: the window lies on the dark half, all zeros.
      await page.getByTestId('conv-salida').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await esperarTexto(page, 'conv-posicion', /\(2, 3\)/);
      assert.match(await esperarTexto(page, 'conv-suma', /= 0$/), /= 0$/);
      assert.notEqual(await texto(page, 'conv-productos'), productos, 'the products changed');
      // The button steps back onto the edge.
      await page.getByTestId('conv-anterior').click();
      await esperarTexto(page, 'conv-posicion', /\(2, 2\)/);
      await esperarTexto(page, 'conv-suma', /= 765$/);
      // (0, 0): the bright half, flat, gives 0 as the lesson says.
      await page.getByTestId('conv-salida').focus();
      await page.keyboard.press('PageUp');
      await page.keyboard.press('Home');
      await esperarTexto(page, 'conv-posicion', /\(0, 0\)/);
      await esperarTexto(page, 'conv-suma', /= 0$/);

      // A horizontal-edge kernel sees nothing in a vertical edge; the digit's map is redrawn.
      await page.getByTestId('conv-ir-ejemplo').click();
      await esperarTexto(page, 'conv-suma', /= 765$/);
      await page.waitForFunction(() => document.querySelector('[data-testid="conv-mapa"]').dataset.max !== undefined);
      const antes = await page.getByTestId('conv-mapa').getAttribute('data-max');
      await page.getByTestId('conv-preajuste').selectOption('horizontales');
      await esperarTexto(page, 'conv-suma', /= 0$/);
      await page.waitForFunction((m) => document.querySelector('[data-testid="conv-mapa"]').dataset.max !== m, antes);
      // A typed weight is used at once: top-left 2 instead of 1 gives 2·255 + 255 + 255 = 1020.
      await page.getByTestId('conv-preajuste').selectOption('verticales');
      await page.getByTestId('kernel-0').fill('2');
      await esperarTexto(page, 'conv-suma', /= 1020$/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Capas convolutivas: 104 neurons sharing 9 weights, an 8 × 13 × 4 tensor, 36 inputs and a 5 × 5 field', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'capas-convolutivas');
      assert.match(await esperarTexto(page, 'capas-neuronas', /104/), /8 × 13 = 104/);
      assert.match(await texto(page, 'capas-pesos'), /Solo 9!/);
      assert.match(await esperarTexto(page, 'capas-tensor', /×/), /8 × 13 × 4 \(alto × ancho × canales\)/);
      assert.match(await esperarTexto(page, 'capas-36', /36/), /4 × 3 × 3 = 36/);
      assert.match(await texto(page, 'capas-campo'), /5 × 5/);
      await esperarTexto(page, 'capas-segunda-lectura', /columnas 0 a 4/);
      await page.getByTestId('capas-segunda-salida').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      await esperarTexto(page, 'capas-segunda-lectura', /filas 1 a 5 y las columnas 1 a 5/);
      // The calculator asks the engine again for another size.
      await page.getByTestId('capas-alto').fill('28');
      await page.getByTestId('capas-ancho').fill('28');
      await page.getByTestId('capas-ancho').press('Tab');
      await esperarTexto(page, 'capas-neuronas', /26 × 26 = 676/);
      // The output-size formula with stride and padding, held to the engine's own sizes.
      assert.match(await esperarTexto(page, 'capas-formula', /26/), /Alto: ⌊\(28 \+ 0 − 3\) \/ 1⌋ \+ 1 = 26/);
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
        assert.match(await texto(page, 'capas-neuronas'), new RegExp(`${h} × ${w} =`));
      }
      assert.match((await formula()).texto, /Ancho: ⌊\(14 \+ 0 − 4\) \/ 2⌋ \+ 1 = 6/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Clasificación del MNIST: counts, normalization, one-hot and the Keras summary', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'mnist');
      // Shapes read as Python prints them: no thousands separator inside a tuple.
      assert.match(await esperarTexto(page, 'mnist-carga', /60000/), /\(60000, 28, 28\).*\(10000, 28, 28\)/);
      assert.match(await texto(page, 'mnist-forma'), /\(60000, 28, 28, 1\).*\(10000, 28, 28, 1\)/);
      assert.match(await page.locator('#mnist [data-parte="onehot-forma"]').textContent(), /\(10000,\) a \(10000, 10\)/);
      // Normalized values are decimals in [0, 1]; the same patch read 0–255 before.
      const despues = await esperarTexto(page, 'mnist-despues', /0,\d/);
      assert.ok(despues.length > 0);
      assert.match(await texto(page, 'mnist-antes'), /\d{3}/);
      const filas = await page.locator('[data-testid="mnist-onehot"] tbody tr').allTextContents();
      assert.equal(filas.length, 8);
      assert.match(filas[0], /^7 ?0000000100$/, 'test image 0 is a 7');
      const resumen = await esperarTexto(page, 'mnist-resumen', /dense_1/);
      for (const n of ['(None, 26, 26, 32)', '320', '18.496', '(None, 9216)', '1.179.776', '1.290']) assert.ok(resumen.includes(n), `summary shows ${n}`);
      assert.match(await esperarTexto(page, 'mnist-total', /\d/), /1\.199\.882/);
      assert.match(await esperarTexto(page, 'mnist-sin-pooling', /\d/), /36\.864.*4\.718\.720 parámetros/);
      // "About a quarter", with the exact numbers: 1.179.776 against 4.718.720 / 4 = 1.179.680.
      assert.match(await esperarTexto(page, 'mnist-sin-pooling-cierre', /\d/),
        /1\.179\.776 parámetros: aproximadamente una cuarta parte \(4\.718\.720 \/ 4 = 1\.179\.680;/);
      const cabecera = await page.locator('[data-testid="mnist-resumen"] thead').textContent();
      for (const g of ['capa (tipo)', 'forma de la salida', 'n.º de parámetros']) assert.ok(cabecera.includes(g), `summary header glosses ${g}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Maxpooling: the 2 × 2 window steps over a real activation map and keeps its maximum', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'maxpooling');
      await esperarTexto(page, 'pool-maximo', /máximo: /);
      assert.match(await texto(page, 'pool-descartado'), /75\s%/);
      assert.ok(await page.locator('[data-testid="pool-canal"] option').count() >= 16, 'one option per channel');
      // Step until the window shows other values and another maximum.
      const primero = { ventana: await texto(page, 'pool-ventana'), maximo: await texto(page, 'pool-maximo') };
      let ahora = primero;
      for (let i = 0; i < 12 && (ahora.ventana === primero.ventana || ahora.maximo === primero.maximo); i++) {
        const posicion = await texto(page, 'pool-posicion');
        await page.getByTestId(i % 2 ? 'pool-siguiente' : 'pool-anterior').click();
        await page.waitForFunction((p) => document.querySelector('[data-testid="pool-posicion"]').textContent !== p, posicion);
        await page.waitForFunction(() => document.querySelector('[data-testid="pool-ventana"] .ganador'));
        ahora = { ventana: await texto(page, 'pool-ventana'), maximo: await texto(page, 'pool-maximo') };
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
      const posicion = await texto(page, 'pool-posicion');
      await page.getByTestId('pool-reducido').focus();
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction((p) => document.querySelector('[data-testid="pool-posicion"]').textContent !== p, posicion);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  for (const [nombre, tamano] of [['escritorio', { width: 1366, height: 768 }], ['movil', { width: 390, height: 844 }]]) {
    test(`layout at ${tamano.width}×${tamano.height}: sections 1–5 fit, screenshots saved`, async () => {
      const { page, context, errors } = await openApp(tamano);
      try {
        for (const id of SECCIONES) {
          await visitar(page, id);
          // Each section's last engine number is in place before the picture is taken.
          const listo = { imagenes: 'imagenes-color-lectura', convolucion: 'conv-suma', 'capas-convolutivas': 'capas-segunda-lectura', mnist: 'mnist-sin-pooling', maxpooling: 'pool-maximo' }[id];
          await esperarTexto(page, listo, /\d/);
          await page.locator(`#${id}`).screenshot({ path: `${ARTIFACTS}${nombre}-${id}.png` });
        }
        const desborde = await page.evaluate((ids) => {
          const ancho = document.documentElement.clientWidth;
          const anchos = ids.flatMap((id) => [...document.querySelectorAll(`#${id} *`)])
            .filter((el) => !el.closest('.sr-only, .archivo-oculto') && el.getBoundingClientRect().right > ancho + 1);
          return { scrollWidth: document.documentElement.scrollWidth, ancho, anchos: anchos.map((el) => el.outerHTML.slice(0, 80)) };
        }, SECCIONES);
        assert.equal(desborde.scrollWidth, desborde.ancho, 'no horizontal scrolling');
        assert.deepEqual(desborde.anchos, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
