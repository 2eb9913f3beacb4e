// lesson-exercises.test.mjs: a student answers the lesson's questions and exercises, in Debian's
// Chromium: an answer first, then the engine's; wrong and right answers, by keyboard, mouse and
// touch, at desktop, phone and projector sizes; the MNIST exercises checked on the engine's
// data; the summary's pooling switch. Screenshots go to build/artifacts/lesson-exercises/ (and
// to $CONVAULA_SHOTS when set).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { IDLE, READY, useApp } from './harness.mjs';
import { answerQuestion, secondLayerNeuron, text, visit, waitData, waitText } from './acts.mjs';

const app = useApp('lesson-exercises');
const SECTIONS = ['convolucion', 'capas-convolutivas', 'mnist'];


describe('answering the lesson\'s questions', () => {

  test('questions: an answer first, then the engine\'s; wrong and right answers, keyboard only', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'convolucion', { ready: false });
      await page.getByTestId('question-uniform-check').click();
      await page.waitForFunction(() => /Primero responde/.test(document.querySelector('[data-testid="question-uniform"] .error').textContent));
      assert.equal(await page.getByTestId('question-uniform-engine').isVisible(), false, 'no answer before the student\'s');
      let r = await answerQuestion(page, 'question-uniform', { option: 2 });  // 1.800
      assert.equal(r.right, false);
      // A first wrong answer: a hint and a second try, the engine's answer still hidden.
      assert.equal(await page.getByTestId('question-uniform-hint').isVisible(), true);
      assert.equal(await page.getByTestId('question-uniform-engine').isVisible(), false);
      r = await answerQuestion(page, 'question-uniform', { option: 0 });
      assert.equal(r.right, true);
      assert.match(r.engine, /1 × 200 \+ 0 × 200 \+ \(-1\) × 200 .* = 0\. Con todos a 37 da 0/);

      await visit(page, 'capas-convolutivas', { ready: false });
      assert.equal(await page.getByTestId('layers-reveal').evaluate((d) => d.open), false, 'the counts wait for an answer');
      // Keyboard only: type, Enter submits.
      await page.getByTestId('question-neurons-answer').focus();
      await page.keyboard.type('936');
      await page.keyboard.press('Enter');
      await waitData(page, 'question-neurons-verdict', 'correcta', 'false');
      assert.equal(await page.getByTestId('layers-reveal').evaluate((d) => d.open), false, 'a wrong first answer keeps the counts hidden');
      await page.getByTestId('question-neurons-answer').fill('');
      await page.getByTestId('question-neurons-answer').focus();
      await page.keyboard.type('104');
      await page.keyboard.press('Enter');
      await waitData(page, 'question-neurons-verdict', 'correcta', 'true');
      assert.equal(await page.getByTestId('layers-reveal').evaluate((d) => d.open), true, 'answering opens the counts');
      assert.match(await text(page, 'question-neurons-engine'), /8 × 13 = 104 neuronas/);
      const options = await page.locator('[data-testid="question-weights"] label').allTextContents();
      const nine = options.findIndex((t) => t.trim() === '9');
      assert.ok(nine >= 0, options.join(' | '));
      r = await answerQuestion(page, 'question-weights', { option: (nine + 1) % options.length });
      assert.equal(r.right, false);
      // Radios by keyboard: focus one, Space picks it, Tab to "Comprobar", Enter.
      await page.getByTestId(`question-weights-option-${nine}`).focus();
      await page.keyboard.press('Space');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await waitData(page, 'question-weights-verdict', 'correcta', 'true');
      assert.match(await text(page, 'question-weights-engine'), /9 pesos \(10 parámetros con el sesgo\)\. Las 104 neuronas/);
      r = await answerQuestion(page, 'question-inputs', { type: '36' });
      assert.equal(r.right, true);
      assert.match(r.engine, /3 × 3 × 4 = 36/);
      // Not a number: a Spanish error, no verdict change.
      await page.getByTestId('question-field-answer').fill('cinco');
      await page.getByTestId('question-field-check').click();
      await page.waitForFunction(() => /Escribe un número/.test(document.querySelector('[data-testid="question-field"] .error').textContent));
      assert.equal(await page.getByTestId('question-field-verdict').isVisible(), false);
      r = await answerQuestion(page, 'question-field', { type: '3' });
      assert.equal(r.right, false);
      r = await answerQuestion(page, 'question-field', { type: '5' });
      assert.equal(r.right, true);
      assert.match(r.engine, /5 × 5/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a wrong first answer gets a hint and a second try, a second one the solution; each section tallies first tries', async () => {
    const { page, context, errors } = await app.openApp();
    const tally = (sectionId) => page.locator(`#${sectionId} [data-testid="section-tally"]`).evaluate((el) => ({ ...el.dataset, text: el.textContent }));
    try {
      await visit(page, 'convolucion', { ready: false });
      await page.getByTestId('question-uniform').waitFor({ timeout: 60_000 });
      assert.deepEqual(await tally('convolucion').then((t) => [t.answered, t.total]), ['0', '1']);
      let r = await answerQuestion(page, 'question-uniform', { option: 2 });  // 1.800: wrong
      assert.equal(r.state, 'segunda');
      assert.match(await text(page, 'question-uniform-hint'), /^Pista: el kernel de bordes verticales/);
      assert.equal(r.engine, '', 'no solution after one try');
      r = await answerQuestion(page, 'question-uniform', { option: 0 });
      assert.equal(r.state, 'resuelta');
      assert.match(await text(page, 'question-uniform-verdict'), /Esta vez sí/);
      assert.equal(await page.getByTestId('question-uniform-hint').isVisible(), false);
      const convolucion = await tally('convolucion');
      assert.deepEqual([convolucion.first, convolucion.answered, convolucion.total], ['0', '1', '1']);
      assert.match(convolucion.text, /0 de 1 a la primera/);

      await visit(page, 'capas-convolutivas', { ready: false });
      r = await answerQuestion(page, 'question-neurons', { type: '104' });
      assert.equal(r.state, 'resuelta');
      assert.match(await text(page, 'question-neurons-verdict'), /a la primera/);
      // Two wrong answers: the engine's answer comes with the second.
      r = await answerQuestion(page, 'question-field', { type: '3' });
      assert.equal(r.state, 'segunda');
      r = await answerQuestion(page, 'question-field', { type: '4' });
      assert.deepEqual([r.state, r.right], ['resuelta', false]);
      assert.match(r.engine, /5 × 5/);
      const layers = await tally('capas-convolutivas');
      assert.deepEqual([layers.first, layers.answered, layers.total], ['1', '2', '4']);
      assert.match(layers.text, /1 de 2 a la primera \(respondidas 2 de 4\)/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('MNIST exercises checked on the engine\'s data: a normalised pixel, the reshape, a one-hot row', async () => {
    const { page, context, errors } = await app.openApp();
    try {
      await visit(page, 'mnist', { ready: false });
      const statement = await waitText(page, 'task-normalize', /vale \d+\./);
      const byte = Number(statement.match(/vale (\d+)\./)[1]);
      assert.ok(byte > 60 && byte < 195, `a grey pixel: ${byte}`);
      let r = await answerQuestion(page, 'task-normalize', { type: '1' });
      assert.equal(r.right, false);
      r = await answerQuestion(page, 'task-normalize', { type: (byte / 255).toFixed(4).replace('.', ',') });
      assert.equal(r.right, true);
      assert.match(r.engine, new RegExp(`${byte} / 255 = 0,\\d{4}`));
      // Dot decimals are read too.
      r = await answerQuestion(page, 'task-normalize', { type: (byte / 255).toFixed(4) });
      assert.equal(r.right, true);

      await waitText(page, 'task-shape', /\(10000, 28, 28\)/);
      r = await answerQuestion(page, 'task-shape', { type: '(10000, 28, 28)' });
      assert.equal(r.right, false);
      r = await answerQuestion(page, 'task-shape', { type: '(10000, 28, 28, 1)' });
      assert.equal(r.right, true);
      assert.match(r.engine, /\(10000, 28, 28, 1\)/);

      // The exercise starts past the eight rows the table shows: test image 8 is a 5.
      await waitText(page, 'task-onehot', /n\.º 8 es un 5/);
      await page.getByTestId('task-onehot-3').click();
      await page.getByTestId('task-onehot-5').click();
      r = await answerQuestion(page, 'task-onehot', {});
      assert.equal(r.right, false, 'two ones');
      await page.getByTestId('task-onehot-3').press('Enter');  // a toggle button, by keyboard
      assert.equal(await page.getByTestId('task-onehot-3').getAttribute('aria-pressed'), 'false');
      r = await answerQuestion(page, 'task-onehot', {});
      assert.equal(r.right, true);
      assert.match(r.engine, /etiqueta 5 → \[0, 0, 0, 0, 0, 1, 0, 0, 0, 0\]/);
      // The next image (a 9): a fresh row to fill.
      await page.getByTestId('task-onehot-other').click();
      await waitText(page, 'task-onehot', /n\.º 9 es un 9/);
      assert.equal(await page.getByTestId('task-onehot-5').getAttribute('aria-pressed'), 'false');
      assert.equal(await page.getByTestId('task-onehot-verdict').isVisible(), false);
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
      assert.match(await text(page, 'mnist-trainable'), /^Trainable params · parámetros entrenables: 1\.199\.882$/);
      assert.match(await text(page, 'mnist-non-trainable'), /^Non-trainable params · parámetros fijos: 0$/);
      const column = () => page.locator('[data-testid="mnist-summary"] tbody td.numero').allTextContents();
      const cells = await column();
      assert.ok(cells.includes('1.290') && cells.includes('18.496') && cells.includes('320'), cells.join(' '));
      for (const n of cells) assert.match(n, /^\d{1,3}(\.\d{3})*$/, `${n} grouped like the rest`);
      assert.match(await text(page, 'mnist-dense'), /La capa densa «dense» tiene 1\.179\.776 de los 1\.199\.882 parámetros: el 98,3\s%/);
      const links = await page.locator('[data-testid="mnist-summary"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual([...new Set(links)].sort(), ['#capas-convolutivas', '#dropout', '#maxpooling']);

      // Predict first: the engine's ratio decides which option is right.
      let r = await answerQuestion(page, 'question-pooling', { option: 1 });
      assert.equal(r.right, false);
      r = await answerQuestion(page, 'question-pooling', { option: 2 });
      assert.equal(r.right, true);
      assert.match(r.engine, /4\.738\.826 parámetros sin maxpooling frente a 1\.199\.882 con él, 3,95 veces más/);

      // The switch, by keyboard: the whole table without MaxPooling2D.
      await page.getByTestId('mnist-with-pooling').focus();
      await page.keyboard.press('Space');
      await waitData(page, 'mnist-summary', 'pooling', 'sin');
      assert.match(await text(page, 'mnist-total'), /4\.738\.826$/);
      const without = await page.locator('[data-testid="mnist-summary"] tbody tr').allTextContents();
      assert.equal(without.length, cells.length - 1);
      assert.ok(!without.some((t) => /MaxPooling2D/.test(t)));
      assert.ok(without.some((t) => /\(None, 36864\)/.test(t)) && without.some((t) => /4\.718\.720/.test(t)), without.join('\n'));
      assert.match(await text(page, 'mnist-dense'), /4\.718\.720 de los 4\.738\.826 parámetros: el 99,6\s%/);
      assert.match(await text(page, 'mnist-pooling-state'), /Sin maxpooling/);
      await page.getByTestId('mnist-with-pooling').click();
      await waitData(page, 'mnist-summary', 'pooling', 'con');
      assert.match(await text(page, 'mnist-total'), /1\.199\.882$/);
      // The pooling row links to its section.
      await page.locator('[data-testid="mnist-summary"] a[href="#maxpooling"]').click();
      await page.waitForFunction(() => location.hash === '#maxpooling');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  const SIZES = [
    ['escritorio', { width: 1280, height: 800 }, {}],
    ['movil', { width: 390, height: 844 }, { hasTouch: true, isMobile: true, deviceScaleFactor: 3 }],
    ['proyector', { width: 1920, height: 1080 }, { proyector: true }],
  ];
  for (const [sizeName, viewport, options] of SIZES) {
    test(`${sizeName} (${viewport.width}×${viewport.height}): the new widgets fit, work by ${options.hasTouch ? 'touch' : 'mouse'}, screenshots`, async () => {
      const context = await app.browser.newContext({ viewport, hasTouch: options.hasTouch, isMobile: options.isMobile, deviceScaleFactor: options.deviceScaleFactor });
      const errors = [];
      await context.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());
      if (options.proyector) await context.addInitScript(() => localStorage.setItem('convaula.proyector', '1'));
      const page = await context.newPage();
      page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
      page.on('pageerror', (err) => errors.push(String(err)));
      const folders = [app.artifacts, process.env.CONVAULA_SHOTS].filter(Boolean).map((c) => (c.endsWith('/') ? c : `${c}/`));
      await Promise.all(folders.map((c) => mkdir(c, { recursive: true })));
      const photo = (selector, shotName) => Promise.all(folders.map((c) => page.locator(selector).screenshot({ path: `${c}${sizeName}-${shotName}.png` })));
      const pressKey = (testid) => (options.hasTouch ? page.getByTestId(testid).tap() : page.getByTestId(testid).click());
      try {
        await page.goto(app.server.url);
        await page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
        assert.equal(await page.evaluate(() => document.body.classList.contains('proyector')), Boolean(options.proyector));

        await visit(page, 'convolucion', { ready: false });
        await page.getByTestId('question-uniform-option-0').check();
        await pressKey('question-uniform-check');
        await waitData(page, 'question-uniform-verdict', 'correcta', 'true');
        await photo('[data-testid="question-uniform"]', 'question-uniform');

        await visit(page, 'capas-convolutivas', { ready: false });
        await waitText(page, 'edges-tensor', /26 × 26 × 4/);
        await photo('#capas-convolutivas [data-parte="bordes"]', 'bordes');
        // The lesson's 10 × 15 crop with the corner channel: five 8 × 13 maps.
        await page.getByTestId('edges-input-kind').selectOption('recorte');
        await pressKey('edges-corner');
        await waitText(page, 'edges-tensor', /8 × 13 × 5/);
        await photo('#capas-convolutivas [data-parte="bordes"]', 'bordes-recorte-esquina');
        await page.getByTestId('question-neurons-answer').fill('104');
        await pressKey('question-neurons-check');
        await waitData(page, 'question-neurons-verdict', 'correcta', 'true');
        await photo('#capas-convolutivas [data-parte="preguntas-calculadora"]', 'preguntas-capas');
        await waitData(page, 'field-canvas', 'pixeles', '5-9');
        // A tap (or click) on the second layer's first neuron.
        const [x, y] = await secondLayerNeuron(page, 0);
        if (options.hasTouch) await page.touchscreen.tap(x, y);
        else await page.mouse.click(x, y);
        await waitData(page, 'field-canvas', 'pixeles', '0-4');
        await pressKey('field-next');
        await pressKey('field-next');
        await waitData(page, 'field-canvas', 'paso', '3');
        await photo('#capas-convolutivas [data-parte="campo-receptivo"]', 'campo-receptivo');

        await visit(page, 'mnist', { ready: false });
        await waitText(page, 'task-onehot', /es un 5/);
        await pressKey('task-onehot-5');
        await pressKey('task-onehot-check');
        await waitData(page, 'task-onehot-verdict', 'correcta', 'true');
        await photo('[data-testid="task-onehot"]', 'task-onehot');
        await waitText(page, 'task-normalize', /vale \d+\./);
        await photo('[data-testid="task-normalize"]', 'task-normalize');
        await photo('[data-testid="task-shape"]', 'task-shape');
        await waitText(page, 'mnist-total', /\d/);
        await photo('#mnist [data-parte="modelo"]', 'resumen-con-pooling');
        // The switch waits for the pooling question's answer.
        await page.getByTestId('question-pooling-option-2').check();
        await pressKey('question-pooling-check');
        await waitData(page, 'question-pooling-verdict', 'correcta', 'true');
        await pressKey('mnist-with-pooling');
        await waitData(page, 'mnist-summary', 'pooling', 'sin');
        await photo('#mnist [data-parte="modelo"]', 'resumen-sin-pooling');

        const overflow = await page.evaluate((ids) => {
          const viewWidth = document.documentElement.clientWidth;
          const outside = ids.flatMap((id) => [...document.querySelectorAll(`#${id} *`)])
            .filter((el) => !el.closest('.sr-only, .archivo-oculto') && el.getBoundingClientRect().right > viewWidth + 1);
          return { scrollWidth: document.documentElement.scrollWidth, viewWidth, outside: outside.map((el) => el.outerHTML.slice(0, 80)) };
        }, SECTIONS);
        assert.equal(overflow.scrollWidth, overflow.viewWidth, 'no horizontal scrolling');
        assert.deepEqual(overflow.outside, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
