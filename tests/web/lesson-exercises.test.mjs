// lesson-exercises.test.mjs: a student answers the lesson's questions and exercises, in Debian's
// Chromium: an answer first, then the engine's; wrong and right answers, by keyboard, mouse and
// touch, at desktop, phone and projector sizes; the MNIST exercises checked on the engine's
// data; the summary's pooling switch. Screenshots go to build/artifacts/lesson-exercises/ (and
// to $CONVAULA_SHOTS when set).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { IDLE, READY, useApp } from './harness.mjs';
import { text, visit, waitText } from './acts.mjs';

const app = useApp('lesson-exercises');
const SECCIONES = ['convolucion', 'capas-convolutivas', 'mnist'];

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

// Answers a question: an option (index) or typed text, then "Comprobar"; returns the verdict.
async function answerQuestion(page, id, { opcion, escribir }) {
  if (opcion !== undefined) await page.getByTestId(`${id}-opcion-${opcion}`).check();
  if (escribir !== undefined) await page.getByTestId(`${id}-respuesta`).fill(escribir);
  const antes = await page.getByTestId(`${id}-motor`).textContent();
  await page.getByTestId(`${id}-veredicto`).evaluate((el) => { el.dataset.correcta = ''; });
  await page.getByTestId(`${id}-comprobar`).click();
  await page.waitForFunction((t) => ['true', 'false'].includes(document.querySelector(`[data-testid="${t}-veredicto"]`).dataset.correcta), id);
  return { correcta: await dataOf(page, `${id}-veredicto`, 'correcta') === 'true', motor: await text(page, `${id}-motor`), antes };
}

describe('answering the lesson\'s questions', () => {

  test('questions: an answer first, then the engine\'s; wrong and right answers, keyboard only', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'convolucion', { ready: false });
      await page.getByTestId('pregunta-homogenea-comprobar').click();
      await page.waitForFunction(() => /Primero responde/.test(document.querySelector('[data-testid="pregunta-homogenea"] .error').textContent));
      assert.equal(await page.getByTestId('pregunta-homogenea-motor').isVisible(), false, 'no answer before the student\'s');
      let r = await answerQuestion(page, 'pregunta-homogenea', { opcion: 2 });  // 1.800
      assert.equal(r.correcta, false);
      assert.match(r.motor, /1 × 200 \+ 0 × 200 \+ \(-1\) × 200 .* = 0\. Con todos a 37 da 0/);
      r = await answerQuestion(page, 'pregunta-homogenea', { opcion: 0 });
      assert.equal(r.correcta, true);

      await visit(page, 'capas-convolutivas', { ready: false });
      assert.equal(await page.getByTestId('capas-revelar').evaluate((d) => d.open), false, 'the counts wait for an answer');
      // Keyboard only: type, Enter submits.
      await page.getByTestId('pregunta-neuronas-respuesta').focus();
      await page.keyboard.type('936');
      await page.keyboard.press('Enter');
      await waitData(page, 'pregunta-neuronas-veredicto', 'correcta', 'false');
      assert.match(await text(page, 'pregunta-neuronas-motor'), /8 × 13 = 104 neuronas/);
      await page.getByTestId('pregunta-neuronas-respuesta').fill('');
      await page.getByTestId('pregunta-neuronas-respuesta').focus();
      await page.keyboard.type('104');
      await page.keyboard.press('Enter');
      await waitData(page, 'pregunta-neuronas-veredicto', 'correcta', 'true');
      assert.equal(await page.getByTestId('capas-revelar').evaluate((d) => d.open), true, 'answering opens the counts');
      const opciones = await page.locator('[data-testid="pregunta-pesos"] label').allTextContents();
      const nueve = opciones.findIndex((t) => /Solo 9/.test(t));
      assert.ok(nueve >= 0, opciones.join(' | '));
      r = await answerQuestion(page, 'pregunta-pesos', { opcion: (nueve + 1) % opciones.length });
      assert.equal(r.correcta, false);
      // Radios by keyboard: focus one, Space picks it, Tab to "Comprobar", Enter.
      await page.getByTestId(`pregunta-pesos-opcion-${nueve}`).focus();
      await page.keyboard.press('Space');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await waitData(page, 'pregunta-pesos-veredicto', 'correcta', 'true');
      assert.match(await text(page, 'pregunta-pesos-motor'), /9 pesos \(10 parámetros con el bias\)\. Las 104 neuronas/);
      r = await answerQuestion(page, 'pregunta-entradas', { escribir: '36' });
      assert.equal(r.correcta, true);
      assert.match(r.motor, /4 × 3 × 3 = 36/);
      // Not a number: a Spanish error, no verdict change.
      await page.getByTestId('pregunta-campo-respuesta').fill('cinco');
      await page.getByTestId('pregunta-campo-comprobar').click();
      await page.waitForFunction(() => /Escribe un número/.test(document.querySelector('[data-testid="pregunta-campo"] .error').textContent));
      assert.equal(await page.getByTestId('pregunta-campo-veredicto').isVisible(), false);
      r = await answerQuestion(page, 'pregunta-campo', { escribir: '3' });
      assert.equal(r.correcta, false);
      r = await answerQuestion(page, 'pregunta-campo', { escribir: '5' });
      assert.equal(r.correcta, true);
      assert.match(r.motor, /5 × 5/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('MNIST exercises checked on the engine\'s data: a normalised pixel, the reshape, a one-hot row', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'mnist', { ready: false });
      const enunciado = await waitText(page, 'tarea-normalizar', /vale \d+\./);
      const byte = Number(enunciado.match(/vale (\d+)\./)[1]);
      assert.ok(byte > 60 && byte < 195, `a grey pixel: ${byte}`);
      let r = await answerQuestion(page, 'tarea-normalizar', { escribir: '1' });
      assert.equal(r.correcta, false);
      r = await answerQuestion(page, 'tarea-normalizar', { escribir: (byte / 255).toFixed(3).replace('.', ',') });
      assert.equal(r.correcta, true);
      assert.match(r.motor, new RegExp(`${byte} / 255 = 0,\\d{4}`));
      // Dot decimals are read too.
      r = await answerQuestion(page, 'tarea-normalizar', { escribir: (byte / 255).toFixed(3) });
      assert.equal(r.correcta, true);

      await waitText(page, 'tarea-forma', /\(10000, 28, 28\)/);
      r = await answerQuestion(page, 'tarea-forma', { escribir: '(10000, 28, 28)' });
      assert.equal(r.correcta, false);
      assert.match(r.motor, /\(10000, 28, 28, 1\)/);
      r = await answerQuestion(page, 'tarea-forma', { escribir: '(10000, 28, 28, 1)' });
      assert.equal(r.correcta, true);

      // Test image 0 is a 7: the row is 0000000100.
      await waitText(page, 'tarea-onehot', /nº 0 es un 7/);
      await page.getByTestId('tarea-onehot-3').click();
      await page.getByTestId('tarea-onehot-7').click();
      r = await answerQuestion(page, 'tarea-onehot', {});
      assert.equal(r.correcta, false, 'two ones');
      await page.getByTestId('tarea-onehot-3').press('Enter');  // a toggle button, by keyboard
      assert.equal(await page.getByTestId('tarea-onehot-3').getAttribute('aria-pressed'), 'false');
      r = await answerQuestion(page, 'tarea-onehot', {});
      assert.equal(r.correcta, true);
      assert.match(r.motor, /etiqueta 7 → \[0, 0, 0, 0, 0, 0, 0, 1, 0, 0\]/);
      // The next image (a 2): a fresh row to fill.
      await page.getByTestId('tarea-onehot-otra').click();
      await waitText(page, 'tarea-onehot', /nº 1 es un 2/);
      assert.equal(await page.getByTestId('tarea-onehot-7').getAttribute('aria-pressed'), 'false');
      assert.equal(await page.getByTestId('tarea-onehot-veredicto').isVisible(), false);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('summary: the pooling switch redraws it from the engine, Param # grouped, layers linked to their sections', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'mnist', { ready: false });
      assert.match(await waitText(page, 'mnist-total', /\d/), /^Total params · parámetros en total: 1\.199\.882$/);
      assert.match(await text(page, 'mnist-entrenables'), /^Trainable params · parámetros entrenables: 1\.199\.882$/);
      assert.match(await text(page, 'mnist-no-entrenables'), /^Non-trainable params · parámetros fijos: 0$/);
      const columna = () => page.locator('[data-testid="mnist-resumen"] tbody td.numero').allTextContents();
      const con = await columna();
      assert.ok(con.includes('1.290') && con.includes('18.496') && con.includes('320'), con.join(' '));
      for (const n of con) assert.match(n, /^\d{1,3}(\.\d{3})*$/, `${n} grouped like the rest`);
      assert.match(await text(page, 'mnist-densa'), /La capa densa «dense» tiene 1\.179\.776 de los 1\.199\.882 parámetros: el 98,3\s%/);
      const enlaces = await page.locator('[data-testid="mnist-resumen"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual([...new Set(enlaces)].sort(), ['#capas-convolutivas', '#dropout', '#maxpooling']);

      // Predict first: the engine's ratio decides which option is right.
      let r = await answerQuestion(page, 'pregunta-pooling', { opcion: 1 });
      assert.equal(r.correcta, false);
      r = await answerQuestion(page, 'pregunta-pooling', { opcion: 2 });
      assert.equal(r.correcta, true);
      assert.match(r.motor, /4\.738\.826 parámetros sin maxpooling frente a 1\.199\.882 con él, 3,95 veces más/);

      // The switch, by keyboard: the whole table without MaxPooling2D.
      await page.getByTestId('mnist-con-pooling').focus();
      await page.keyboard.press('Space');
      await waitData(page, 'mnist-resumen', 'pooling', 'sin');
      assert.match(await text(page, 'mnist-total'), /4\.738\.826$/);
      const sin = await page.locator('[data-testid="mnist-resumen"] tbody tr').allTextContents();
      assert.equal(sin.length, con.length - 1);
      assert.ok(!sin.some((t) => /MaxPooling2D/.test(t)));
      assert.ok(sin.some((t) => /\(None, 36864\)/.test(t)) && sin.some((t) => /4\.718\.720/.test(t)), sin.join('\n'));
      assert.match(await text(page, 'mnist-densa'), /4\.718\.720 de los 4\.738\.826 parámetros: el 99,6\s%/);
      assert.match(await text(page, 'mnist-pooling-estado'), /Sin maxpooling/);
      await page.getByTestId('mnist-con-pooling').click();
      await waitData(page, 'mnist-resumen', 'pooling', 'con');
      assert.match(await text(page, 'mnist-total'), /1\.199\.882$/);
      // The pooling row links to its section.
      await page.locator('[data-testid="mnist-resumen"] a[href="#maxpooling"]').click();
      await page.waitForFunction(() => location.hash === '#maxpooling');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  const TAMANOS = [
    ['escritorio', { width: 1280, height: 800 }, {}],
    ['movil', { width: 390, height: 844 }, { hasTouch: true, isMobile: true, deviceScaleFactor: 3 }],
    ['proyector', { width: 1920, height: 1080 }, { proyector: true }],
  ];
  for (const [nombre, viewport, opciones] of TAMANOS) {
    test(`${nombre} (${viewport.width}×${viewport.height}): the new widgets fit, work by ${opciones.hasTouch ? 'touch' : 'mouse'}, screenshots`, async () => {
      const context = await app.browser.newContext({ viewport, hasTouch: opciones.hasTouch, isMobile: opciones.isMobile, deviceScaleFactor: opciones.deviceScaleFactor });
      const errors = [];
      await context.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());
      if (opciones.proyector) await context.addInitScript(() => localStorage.setItem('convaula.proyector', '1'));
      const page = await context.newPage();
      page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
      page.on('pageerror', (err) => errors.push(String(err)));
      const carpetas = [app.artifacts, process.env.CONVAULA_SHOTS].filter(Boolean).map((c) => (c.endsWith('/') ? c : `${c}/`));
      await Promise.all(carpetas.map((c) => mkdir(c, { recursive: true })));
      const foto = (selector, archivo) => Promise.all(carpetas.map((c) => page.locator(selector).screenshot({ path: `${c}${nombre}-${archivo}.png` })));
      const pulsar = (testid) => (opciones.hasTouch ? page.getByTestId(testid).tap() : page.getByTestId(testid).click());
      try {
        await page.goto(app.server.url);
        await page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
        assert.equal(await page.evaluate(() => document.body.classList.contains('proyector')), Boolean(opciones.proyector));

        await visit(page, 'convolucion', { ready: false });
        await page.getByTestId('pregunta-homogenea-opcion-0').check();
        await pulsar('pregunta-homogenea-comprobar');
        await waitData(page, 'pregunta-homogenea-veredicto', 'correcta', 'true');
        await foto('[data-testid="pregunta-homogenea"]', 'pregunta-homogenea');

        await visit(page, 'capas-convolutivas', { ready: false });
        await waitText(page, 'bordes-tensor', /4 × 26 × 26/);
        await foto('#capas-convolutivas [data-parte="bordes"]', 'bordes');
        // The lesson's 10 × 15 crop with the corner channel: five 8 × 13 maps.
        await page.getByTestId('bordes-tipo').selectOption('recorte');
        await pulsar('bordes-esquina');
        await waitText(page, 'bordes-tensor', /5 × 8 × 13/);
        await foto('#capas-convolutivas [data-parte="bordes"]', 'bordes-recorte-esquina');
        await page.getByTestId('pregunta-neuronas-respuesta').fill('104');
        await pulsar('pregunta-neuronas-comprobar');
        await waitData(page, 'pregunta-neuronas-veredicto', 'correcta', 'true');
        await foto('#capas-convolutivas [data-parte="preguntas-calculadora"]', 'preguntas-capas');
        await waitData(page, 'campo-lienzo', 'pixeles', '5-9');
        // A tap (or click) on the second layer's first neuron.
        const [x, y] = await secondLayerNeuron(page, 0);
        if (opciones.hasTouch) await page.touchscreen.tap(x, y);
        else await page.mouse.click(x, y);
        await waitData(page, 'campo-lienzo', 'pixeles', '0-4');
        await pulsar('campo-siguiente');
        await pulsar('campo-siguiente');
        await waitData(page, 'campo-lienzo', 'paso', '3');
        await foto('#capas-convolutivas [data-parte="campo-receptivo"]', 'campo-receptivo');

        await visit(page, 'mnist', { ready: false });
        await waitText(page, 'tarea-onehot', /es un 7/);
        await pulsar('tarea-onehot-7');
        await pulsar('tarea-onehot-comprobar');
        await waitData(page, 'tarea-onehot-veredicto', 'correcta', 'true');
        await foto('[data-testid="tarea-onehot"]', 'tarea-onehot');
        await waitText(page, 'tarea-normalizar', /vale \d+\./);
        await foto('[data-testid="tarea-normalizar"]', 'tarea-normalizar');
        await foto('[data-testid="tarea-forma"]', 'tarea-forma');
        await waitText(page, 'mnist-total', /\d/);
        await foto('#mnist [data-parte="modelo"]', 'resumen-con-pooling');
        await pulsar('mnist-con-pooling');
        await waitData(page, 'mnist-resumen', 'pooling', 'sin');
        await foto('#mnist [data-parte="modelo"]', 'resumen-sin-pooling');

        const desborde = await page.evaluate((ids) => {
          const ancho = document.documentElement.clientWidth;
          const fuera = ids.flatMap((id) => [...document.querySelectorAll(`#${id} *`)])
            .filter((el) => !el.closest('.sr-only, .archivo-oculto') && el.getBoundingClientRect().right > ancho + 1);
          return { scrollWidth: document.documentElement.scrollWidth, ancho, fuera: fuera.map((el) => el.outerHTML.slice(0, 80)) };
        }, SECCIONES);
        assert.equal(desborde.scrollWidth, desborde.ancho, 'no horizontal scrolling');
        assert.deepEqual(desborde.fuera, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
