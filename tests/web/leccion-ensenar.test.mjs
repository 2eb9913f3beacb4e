// leccion-ensenar.test.mjs: issue 16's teaching widgets in Debian's Chromium: the four edge
// kernels on a real digit, the 5 × 5 receptive field stepped on one row, the summary's pooling
// switch, and the notebook's questions and exercises answered before the engine's answer shows.
// Layout at desktop, phone (touch) and projector sizes; screenshots of every widget go to
// build/artifacts/leccion-ensenar/ (and to $CONVAULA_SHOTS when set).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { useApp, READY, IDLE } from './harness.mjs';

const app = useApp('leccion-ensenar');
const { openApp } = app;
const SECCIONES = ['convolucion', 'capas-convolutivas', 'mnist'];

const visitar = (page, id) => page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
const texto = (page, testid) => page.getByTestId(testid).textContent();
const dato = (page, testid, clave) => page.getByTestId(testid).evaluate((el, k) => el.dataset[k], clave);
async function esperarTexto(page, testid, patron) {
  await page.waitForFunction(([id, fuente, flags]) =>
    new RegExp(fuente, flags).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
  [testid, patron.source, patron.flags], { timeout: 15_000 });
  return texto(page, testid);
}
const esperarDato = (page, testid, clave, valor) => page.waitForFunction(([id, k, v]) =>
  document.querySelector(`[data-testid="${id}"]`)?.dataset[k] === v, [testid, clave, valor], { timeout: 15_000 });

// Answers a question: an option (index) or typed text, then "Comprobar"; returns the verdict.
async function responder(page, id, { opcion, escribir }) {
  if (opcion !== undefined) await page.getByTestId(`${id}-opcion-${opcion}`).check();
  if (escribir !== undefined) await page.getByTestId(`${id}-respuesta`).fill(escribir);
  const antes = await page.getByTestId(`${id}-motor`).textContent();
  await page.getByTestId(`${id}-veredicto`).evaluate((el) => { el.dataset.correcta = ''; });
  await page.getByTestId(`${id}-comprobar`).click();
  await page.waitForFunction((t) => ['true', 'false'].includes(document.querySelector(`[data-testid="${t}-veredicto"]`).dataset.correcta), id);
  return { correcta: await dato(page, `${id}-veredicto`, 'correcta') === 'true', motor: await texto(page, `${id}-motor`), antes };
}

// One stroke on the drawing panel's canvas (a rough 7), and its prediction.
async function dibujar(page) {
  const lienzo = page.getByTestId('draw-canvas');
  await lienzo.scrollIntoViewIfNeeded();
  const caja = await lienzo.boundingBox();
  await page.mouse.move(caja.x + 0.3 * caja.width, caja.y + 0.2 * caja.height);
  await page.mouse.down();
  for (const [x, y] of [[0.7, 0.2], [0.45, 0.85]]) await page.mouse.move(caja.x + x * caja.width, caja.y + y * caja.height, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => /^\d$/.test(document.querySelector('[data-testid="prediction"]').textContent));
}

// Where neuron i of the second layer (11 wide, centred under the image's 15) is drawn.
async function neuronaSegunda(page, i) {
  await page.getByTestId('campo-lienzo').scrollIntoViewIfNeeded();
  const caja = await page.getByTestId('campo-lienzo').boundingBox();
  const lado = Number(await dato(page, 'campo-lienzo', 'lado')), rotulo = Number(await dato(page, 'campo-lienzo', 'rotulo'));
  return [caja.x + (caja.width - lado * 15) / 2 + (i + 2.5) * lado, caja.y + rotulo + lado / 2];
}

describe('Lección: enseñar antes de contar (issue 16)', () => {
  test('four edge maps of a real digit from the engine, a corner channel, the lesson\'s 8 × 13 × 4 crop', async () => {
    const { page, context, errors } = await openApp();
    try {
      // Section 2's map of the same image with the vertical kernel, for comparison.
      await visitar(page, 'convolucion');
      await page.waitForFunction(() => document.querySelector('[data-testid="conv-mapa"]').dataset.max !== undefined);
      const maxSeccion2 = Number(await dato(page, 'conv-mapa', 'max'));
      // The corner preset is in section 2's list too: its weights, and a new map from the engine.
      await page.getByTestId('conv-preajuste').selectOption('esquina');
      assert.deepEqual(await Promise.all([0, 4, 5, 8].map((i) => page.getByTestId(`kernel-${i}`).inputValue())), ['-1', '2', '2', '-1']);
      await page.waitForFunction((m) => document.querySelector('[data-testid="conv-mapa"]').dataset.max !== m, String(maxSeccion2));
      await visitar(page, 'capas-convolutivas');
      assert.match(await esperarTexto(page, 'bordes-tensor', /×/), /4 × 26 × 26/);
      const mapas = await page.locator('[data-testid="bordes-mapas"] canvas').evaluateAll((cs) => cs.map((c) => ({ id: c.dataset.testid, ...c.dataset })));
      assert.deepEqual(mapas.map((m) => m.id), ['bordes-mapa-horizontales', 'bordes-mapa-verticales', 'bordes-mapa-diagonales', 'bordes-mapa-antidiagonales']);
      // The vertical channel is the engine's map section 2 shows for the same image and kernel.
      assert.equal(Number(mapas[1].max), maxSeccion2);
      // Four different kernels, four different maps; a digit's strokes light every one of them.
      assert.equal(new Set(mapas.map((m) => `${m.min},${m.max}`)).size, 4);
      for (const m of mapas) assert.ok(Number(m.max) > 0.5 && Number(m.min) < -0.5, `${m.id} ${m.min}..${m.max}`);
      // The corner kernel adds a fifth channel; the crop gives the notebook's 8 × 13 maps.
      await page.getByTestId('bordes-esquina').check();
      await esperarTexto(page, 'bordes-tensor', /5 × 26 × 26/);
      await page.getByTestId('bordes-tipo').selectOption('recorte');
      await esperarTexto(page, 'bordes-tensor', /5 × 8 × 13/);
      await page.getByTestId('bordes-esquina').uncheck();
      assert.match(await esperarTexto(page, 'bordes-tensor', /8 × 13 × 4/), /8 × 13 × 4/);
      assert.equal(await page.locator('[data-testid="bordes-mapas"] canvas').count(), 4);
      assert.equal(await dato(page, 'bordes-mapa-verticales', 'ancho'), '13');
      // Another test image: new maps.
      await page.getByTestId('bordes-indice').fill('1');
      await page.getByTestId('bordes-indice').press('Enter');
      await page.waitForFunction((m) => document.querySelector('[data-testid="bordes-mapa-verticales"]')?.dataset.max !== m, mapas[1].max);
      // "Usar mi dibujo": the student's own digit, as the engine preprocessed it.
      await dibujar(page);
      await visitar(page, 'capas-convolutivas');
      const antes = await dato(page, 'bordes-mapa-verticales', 'max');
      await page.getByTestId('bordes-dibujo').click();
      await page.waitForFunction(() => /Tu dibujo/.test(document.querySelector('#capas-convolutivas [data-parte="bordes"] .fuente-desc').textContent));
      await page.waitForFunction((m) => document.querySelector('[data-testid="bordes-mapa-verticales"]')?.dataset.max !== m, antes);
      assert.equal(await dato(page, 'bordes-tensor', 'ancho'), '13', 'still the 10 × 15 crop');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('receptive field: one second-layer neuron, its 3 first-layer neurons, 5 pixels, 3 + 2 = 5', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'capas-convolutivas');
      await esperarDato(page, 'campo-lienzo', 'pixeles', '5-9');
      assert.equal(await dato(page, 'campo-lienzo', 'primera'), '5-7');
      assert.equal(await dato(page, 'campo-lienzo', 'paso'), '1');
      assert.equal(await page.getByTestId('campo-cuenta').isVisible(), false, 'the sum waits for step 3');
      assert.equal(await page.getByTestId('campo-anterior').isDisabled(), true);
      await page.getByTestId('campo-siguiente').click();
      assert.match(await esperarTexto(page, 'campo-pasos', /de la 5 a la 7/), /neurona 5 de la segunda capa/);
      await page.getByTestId('campo-siguiente').click();
      await esperarDato(page, 'campo-lienzo', 'paso', '3');
      assert.match(await texto(page, 'campo-pasos'), /píxeles 5 a 9/);
      assert.match(await texto(page, 'campo-cuenta'), /3 \+ \(3 − 1\) × 1 = 3 \+ 2 = 5/);
      assert.match(await texto(page, 'campo-cuenta'), /5 × 5 píxeles/);
      assert.equal(await page.getByTestId('campo-siguiente').isDisabled(), true);
      // Keyboard: the slider picks another neuron; the windows move with it.
      await page.getByTestId('campo-neurona').focus();
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await esperarDato(page, 'campo-lienzo', 'pixeles', '3-7');
      assert.equal(await dato(page, 'campo-lienzo', 'primera'), '3-5');
      await page.keyboard.press('Home');
      await esperarDato(page, 'campo-lienzo', 'pixeles', '0-4');
      // A click on the top row picks that neuron (the last one: pixels 10 to 14).
      await page.mouse.click(...await neuronaSegunda(page, 10));
      await esperarDato(page, 'campo-lienzo', 'pixeles', '10-14');
      await page.getByTestId('campo-anterior').click();
      await esperarDato(page, 'campo-lienzo', 'paso', '2');
      assert.equal(await page.getByTestId('campo-cuenta').isVisible(), false);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('questions: an answer first, then the engine\'s; wrong and right answers, keyboard only', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'convolucion');
      await page.getByTestId('pregunta-homogenea-comprobar').click();
      await page.waitForFunction(() => /Primero responde/.test(document.querySelector('[data-testid="pregunta-homogenea"] .error').textContent));
      assert.equal(await page.getByTestId('pregunta-homogenea-motor').isVisible(), false, 'no answer before the student\'s');
      let r = await responder(page, 'pregunta-homogenea', { opcion: 2 });  // 1.800
      assert.equal(r.correcta, false);
      // A first wrong answer: a hint and a second try, the engine's answer still hidden.
      assert.equal(await page.getByTestId('pregunta-homogenea-pista').isVisible(), true);
      assert.equal(await page.getByTestId('pregunta-homogenea-motor').isVisible(), false);
      r = await responder(page, 'pregunta-homogenea', { opcion: 0 });
      assert.equal(r.correcta, true);
      assert.match(r.motor, /1 × 200 \+ 0 × 200 \+ \(-1\) × 200 .* = 0\. Con todos a 37 da 0/);

      await visitar(page, 'capas-convolutivas');
      assert.equal(await page.getByTestId('capas-revelar').evaluate((d) => d.open), false, 'the counts wait for an answer');
      // Keyboard only: type, Enter submits.
      await page.getByTestId('pregunta-neuronas-respuesta').focus();
      await page.keyboard.type('936');
      await page.keyboard.press('Enter');
      await esperarDato(page, 'pregunta-neuronas-veredicto', 'correcta', 'false');
      assert.equal(await page.getByTestId('capas-revelar').evaluate((d) => d.open), false, 'a wrong first answer keeps the counts hidden');
      await page.getByTestId('pregunta-neuronas-respuesta').fill('');
      await page.getByTestId('pregunta-neuronas-respuesta').focus();
      await page.keyboard.type('104');
      await page.keyboard.press('Enter');
      await esperarDato(page, 'pregunta-neuronas-veredicto', 'correcta', 'true');
      assert.equal(await page.getByTestId('capas-revelar').evaluate((d) => d.open), true, 'answering opens the counts');
      assert.match(await texto(page, 'pregunta-neuronas-motor'), /8 × 13 = 104 neuronas/);
      const opciones = await page.locator('[data-testid="pregunta-pesos"] label').allTextContents();
      const nueve = opciones.findIndex((t) => t.trim() === '9');
      assert.ok(nueve >= 0, opciones.join(' | '));
      r = await responder(page, 'pregunta-pesos', { opcion: (nueve + 1) % opciones.length });
      assert.equal(r.correcta, false);
      // Radios by keyboard: focus one, Space picks it, Tab to "Comprobar", Enter.
      await page.getByTestId(`pregunta-pesos-opcion-${nueve}`).focus();
      await page.keyboard.press('Space');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await esperarDato(page, 'pregunta-pesos-veredicto', 'correcta', 'true');
      assert.match(await texto(page, 'pregunta-pesos-motor'), /9 pesos \(10 parámetros con el sesgo\)\. Las 104 neuronas/);
      r = await responder(page, 'pregunta-entradas', { escribir: '36' });
      assert.equal(r.correcta, true);
      assert.match(r.motor, /4 × 3 × 3 = 36/);
      // Not a number: a Spanish error, no verdict change.
      await page.getByTestId('pregunta-campo-respuesta').fill('cinco');
      await page.getByTestId('pregunta-campo-comprobar').click();
      await page.waitForFunction(() => /Escribe un número/.test(document.querySelector('[data-testid="pregunta-campo"] .error').textContent));
      assert.equal(await page.getByTestId('pregunta-campo-veredicto').isVisible(), false);
      r = await responder(page, 'pregunta-campo', { escribir: '3' });
      assert.equal(r.correcta, false);
      r = await responder(page, 'pregunta-campo', { escribir: '5' });
      assert.equal(r.correcta, true);
      assert.match(r.motor, /5 × 5/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('MNIST exercises checked on the engine\'s data: a normalised pixel, the reshape, a one-hot row', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'mnist');
      const enunciado = await esperarTexto(page, 'tarea-normalizar', /vale \d+\./);
      const byte = Number(enunciado.match(/vale (\d+)\./)[1]);
      assert.ok(byte > 60 && byte < 195, `a grey pixel: ${byte}`);
      let r = await responder(page, 'tarea-normalizar', { escribir: '1' });
      assert.equal(r.correcta, false);
      r = await responder(page, 'tarea-normalizar', { escribir: (byte / 255).toFixed(4).replace('.', ',') });
      assert.equal(r.correcta, true);
      assert.match(r.motor, new RegExp(`${byte} / 255 = 0,\\d{4}`));
      // Dot decimals are read too.
      r = await responder(page, 'tarea-normalizar', { escribir: (byte / 255).toFixed(4) });
      assert.equal(r.correcta, true);

      await esperarTexto(page, 'tarea-forma', /\(10000, 28, 28\)/);
      r = await responder(page, 'tarea-forma', { escribir: '(10000, 28, 28)' });
      assert.equal(r.correcta, false);
      r = await responder(page, 'tarea-forma', { escribir: '(10000, 28, 28, 1)' });
      assert.equal(r.correcta, true);
      assert.match(r.motor, /\(10000, 28, 28, 1\)/);

      // The exercise starts past the eight rows the table shows: test image 8 is a 5.
      await esperarTexto(page, 'tarea-onehot', /n\.º 8 es un 5/);
      await page.getByTestId('tarea-onehot-3').click();
      await page.getByTestId('tarea-onehot-5').click();
      r = await responder(page, 'tarea-onehot', {});
      assert.equal(r.correcta, false, 'two ones');
      await page.getByTestId('tarea-onehot-3').press('Enter');  // a toggle button, by keyboard
      assert.equal(await page.getByTestId('tarea-onehot-3').getAttribute('aria-pressed'), 'false');
      r = await responder(page, 'tarea-onehot', {});
      assert.equal(r.correcta, true);
      assert.match(r.motor, /etiqueta 5 → \[0, 0, 0, 0, 0, 1, 0, 0, 0, 0\]/);
      // The next image (a 9): a fresh row to fill.
      await page.getByTestId('tarea-onehot-otra').click();
      await esperarTexto(page, 'tarea-onehot', /n\.º 9 es un 9/);
      assert.equal(await page.getByTestId('tarea-onehot-5').getAttribute('aria-pressed'), 'false');
      assert.equal(await page.getByTestId('tarea-onehot-veredicto').isVisible(), false);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('summary: the pooling switch redraws it from the engine, Param # grouped, layers linked to their sections', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'mnist');
      assert.match(await esperarTexto(page, 'mnist-total', /\d/), /^Total params · parámetros en total: 1\.199\.882$/);
      assert.match(await texto(page, 'mnist-entrenables'), /^Trainable params · parámetros entrenables: 1\.199\.882$/);
      assert.match(await texto(page, 'mnist-no-entrenables'), /^Non-trainable params · parámetros fijos: 0$/);
      const columna = () => page.locator('[data-testid="mnist-resumen"] tbody td.numero').allTextContents();
      const con = await columna();
      assert.ok(con.includes('1.290') && con.includes('18.496') && con.includes('320'), con.join(' '));
      for (const n of con) assert.match(n, /^\d{1,3}(\.\d{3})*$/, `${n} grouped like the rest`);
      assert.match(await texto(page, 'mnist-densa'), /La capa densa «dense» tiene 1\.179\.776 de los 1\.199\.882 parámetros: el 98,3\s%/);
      const enlaces = await page.locator('[data-testid="mnist-resumen"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual([...new Set(enlaces)].sort(), ['#capas-convolutivas', '#dropout', '#maxpooling']);

      // Predict first: the engine's ratio decides which option is right.
      let r = await responder(page, 'pregunta-pooling', { opcion: 1 });
      assert.equal(r.correcta, false);
      r = await responder(page, 'pregunta-pooling', { opcion: 2 });
      assert.equal(r.correcta, true);
      assert.match(r.motor, /4\.738\.826 parámetros sin maxpooling frente a 1\.199\.882 con él, 3,95 veces más/);

      // The switch, by keyboard: the whole table without MaxPooling2D.
      await page.getByTestId('mnist-con-pooling').focus();
      await page.keyboard.press('Space');
      await esperarDato(page, 'mnist-resumen', 'pooling', 'sin');
      assert.match(await texto(page, 'mnist-total'), /4\.738\.826$/);
      const sin = await page.locator('[data-testid="mnist-resumen"] tbody tr').allTextContents();
      assert.equal(sin.length, con.length - 1);
      assert.ok(!sin.some((t) => /MaxPooling2D/.test(t)));
      assert.ok(sin.some((t) => /\(None, 36864\)/.test(t)) && sin.some((t) => /4\.718\.720/.test(t)), sin.join('\n'));
      assert.match(await texto(page, 'mnist-densa'), /4\.718\.720 de los 4\.738\.826 parámetros: el 99,6\s%/);
      assert.match(await texto(page, 'mnist-pooling-estado'), /Sin maxpooling/);
      await page.getByTestId('mnist-con-pooling').click();
      await esperarDato(page, 'mnist-resumen', 'pooling', 'con');
      assert.match(await texto(page, 'mnist-total'), /1\.199\.882$/);
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

        await visitar(page, 'convolucion');
        await page.getByTestId('pregunta-homogenea-opcion-0').check();
        await pulsar('pregunta-homogenea-comprobar');
        await esperarDato(page, 'pregunta-homogenea-veredicto', 'correcta', 'true');
        await foto('[data-testid="pregunta-homogenea"]', 'pregunta-homogenea');

        await visitar(page, 'capas-convolutivas');
        await esperarTexto(page, 'bordes-tensor', /26 × 26 × 4/);
        await foto('#capas-convolutivas [data-parte="bordes"]', 'bordes');
        // The lesson's 10 × 15 crop with the corner channel: five 8 × 13 maps.
        await page.getByTestId('bordes-tipo').selectOption('recorte');
        await pulsar('bordes-esquina');
        await esperarTexto(page, 'bordes-tensor', /8 × 13 × 5/);
        await foto('#capas-convolutivas [data-parte="bordes"]', 'bordes-recorte-esquina');
        await page.getByTestId('pregunta-neuronas-respuesta').fill('104');
        await pulsar('pregunta-neuronas-comprobar');
        await esperarDato(page, 'pregunta-neuronas-veredicto', 'correcta', 'true');
        await foto('#capas-convolutivas [data-parte="preguntas-calculadora"]', 'preguntas-capas');
        await esperarDato(page, 'campo-lienzo', 'pixeles', '5-9');
        // A tap (or click) on the second layer's first neuron.
        const [x, y] = await neuronaSegunda(page, 0);
        if (opciones.hasTouch) await page.touchscreen.tap(x, y);
        else await page.mouse.click(x, y);
        await esperarDato(page, 'campo-lienzo', 'pixeles', '0-4');
        await pulsar('campo-siguiente');
        await pulsar('campo-siguiente');
        await esperarDato(page, 'campo-lienzo', 'paso', '3');
        await foto('#capas-convolutivas [data-parte="campo-receptivo"]', 'campo-receptivo');

        await visitar(page, 'mnist');
        await esperarTexto(page, 'tarea-onehot', /es un 5/);
        await pulsar('tarea-onehot-5');
        await pulsar('tarea-onehot-comprobar');
        await esperarDato(page, 'tarea-onehot-veredicto', 'correcta', 'true');
        await foto('[data-testid="tarea-onehot"]', 'tarea-onehot');
        await esperarTexto(page, 'tarea-normalizar', /vale \d+\./);
        await foto('[data-testid="tarea-normalizar"]', 'tarea-normalizar');
        await foto('[data-testid="tarea-forma"]', 'tarea-forma');
        await esperarTexto(page, 'mnist-total', /\d/);
        await foto('#mnist [data-parte="modelo"]', 'resumen-con-pooling');
        // The switch waits for the pooling question's answer.
        await page.getByTestId('pregunta-pooling-opcion-2').check();
        await pulsar('pregunta-pooling-comprobar');
        await esperarDato(page, 'pregunta-pooling-veredicto', 'correcta', 'true');
        await pulsar('mnist-con-pooling');
        await esperarDato(page, 'mnist-resumen', 'pooling', 'sin');
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
