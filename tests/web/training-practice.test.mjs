// training-practice.test.mjs: the Práctica (section 10) in Debian's Chromium. The variant specs against
// the engine (every combination builds, within the memory budget, with the expected layers);
// each experiment (sigmoid, SGD, SGD with momentum, extra convolutions, 5 × 5 kernels, average
// pooling, Dropout) trained with the test-only hook (globalThis.convaulaPruebas: a few hundred
// images), validated on held-out training images and scored on the test set once; the student's
// hypothesis beside the result; the overfitting experiment's diverging curves; the runs kept
// across a reload, older stored layouts brought up; the CSV download; storage failures (no
// IndexedDB, a full quota) said in Spanish, losing nothing; and the page while an experiment
// trains its own slot: the drawing and the sections keep the page's network, a second run says
// whose run is on, «Usar esta red» and «Deshacer».
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { IDLE, READY, openPage, useApp } from './harness.mjs';
import { SEVEN, closeTo, drawDigit, recordDrawings, useAndUndo, visit } from './acts.mjs';

const app = useApp('training-practice');
const SHORT = { trainLimit: 256, valLimit: 256 };

// The app with the hook (and `antes`, more init code: a storage failure) set before it loads.
async function openPractice({ beforeLoad } = {}) {
  const opened = await openPage(app.browser, app.server.url, '');
  listen(opened.page);
  await opened.context.addInitScript((c) => { globalThis.convaulaPruebas = { practica: c }; }, SHORT);
  if (beforeLoad) await opened.context.addInitScript(beforeLoad);
  await opened.page.reload();
  await opened.page.setViewportSize({ width: 1280, height: 800 });
  await opened.page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
  await goToPractice(opened.page);
  return opened;
}

// The page's last console lines, kept for a failure's message.
const consoleLogs = new WeakMap();
function listen(page) {
  if (consoleLogs.has(page)) return;
  const lines = [];
  consoleLogs.set(page, lines);
  const t0 = Date.now();
  const note = (entryText) => { lines.push(`${Date.now() - t0} ms ${entryText}`); if (lines.length > 60) lines.shift(); };
  page.on('console', (m) => note(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => note(`pageerror: ${e}`));
  page.on('requestfailed', (r) => note(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('load', () => note('load'));
}

async function goToPractice(page) {
  listen(page);
  await page.locator('#practica').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
  try {
    // A section that failed says so at once (data-error), rather than after the timeout.
    await page.waitForSelector('#practica:is([data-ready="true"], [data-error])', { timeout: 60_000, state: 'attached' });
    const buildError = await page.locator('#practica').getAttribute('data-error');
    if (buildError !== null) throw new Error(`the Práctica failed to build: ${buildError}`);
    await page.waitForSelector('[data-testid="practice-status"][data-state="idle"]', { timeout: 60_000, state: 'attached' });
  } catch (error) {
    // What every section, the Práctica's status and the console said: enough to tell a hang
    // from a failure when this happens only now and then.
    const snapshot = await page.evaluate(() => ({
      sections: [...document.querySelectorAll('main section[id]')].map((s) => `${s.id}: ${s.dataset.ready ? 'ready' : '-'} ${s.dataset.error ?? ''}`),
      practice: document.querySelector('[data-testid="practice-status"]')?.outerHTML ?? null,
      training: document.querySelector('[data-testid="train-status"]')?.outerHTML ?? null,
      serviceWorker: navigator.serviceWorker?.controller?.state ?? null,
    })).catch((e) => String(e));
    error.message += `\n${JSON.stringify(snapshot, null, 1)}\n${consoleLogs.get(page).join('\n')}`;
    throw error;
  }
}

const rows = (page) => page.locator('[data-testid="practice-runs"] tbody tr');

// One experiment (on the classroom base unless `base` is null: the form as it is): `cambios`
// ticks the form, then it runs to the end.
async function runExperiment(page, { base = 'classroom', sigmoide = false, optimizador = 'adadelta', conv = 0, kernel5 = false,
  promedio = false, dropout = false, hipotesis = '' }) {
  if (base) await page.getByTestId('practice-base').selectOption(base);
  await page.getByTestId('practice-sigmoid').setChecked(sigmoide);
  await page.getByTestId('practice-optimizer').selectOption(optimizador);
  await page.getByTestId('practice-conv').selectOption(String(conv));
  await page.getByTestId('practice-kernel5').setChecked(kernel5);
  await page.getByTestId('practice-average').setChecked(promedio);
  await page.getByTestId('practice-dropout').setChecked(dropout);
  await page.getByTestId('practice-hypothesis').fill(hipotesis);
  const beforeLoad = await rows(page).count();
  await page.getByTestId('practice-run').click();
  await page.waitForFunction((n) => {
    const s = document.querySelector('[data-testid="practice-status"]');
    return ['done', 'error'].includes(s.dataset.state) && Number(s.dataset.runs) === n;
  }, beforeLoad + 1, { timeout: 120_000 });
  const s = await page.getByTestId('practice-status').evaluate((el) => ({ ...el.dataset, text: el.textContent }));
  assert.equal(s.state, 'done', s.text);
  const lastRow = rows(page).last();
  return {
    entryText: await lastRow.textContent(), row: lastRow,
    validacion: Number(await lastRow.locator('td[data-validacion]').getAttribute('data-validacion')),
    precision: Number(await lastRow.locator('td[data-prueba]').getAttribute('data-prueba')),
  };
}

// Writes `value` under `key` in the Práctica's store, as another visit (or version) would have.
const writeStored = (page, key, value) => page.evaluate(([k, v]) => new Promise((resolve, reject) => {
  const opening = indexedDB.open('convaula');
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const tx = opening.result.transaction('practica', 'readwrite');
    tx.objectStore('practica').put(v, k);
    tx.oncomplete = () => { opening.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
}), [key, value]);
const readStored = (page, key) => page.evaluate((k) => new Promise((resolve, reject) => {
  const opening = indexedDB.open('convaula');
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const req = opening.result.transaction('practica').objectStore('practica').get(k);
    req.onsuccess = () => { opening.result.close(); resolve(req.result); };
    req.onerror = () => reject(req.error);
  };
}), key);

// Records every train request the page sends its worker, in window.entrenamientosPedidos.
function espiarEntrenamientos() {
  window.entrenamientosPedidos = [];
  const enviar = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function postMessage(msg, ...resto) {
    if (msg?.type === 'train') window.entrenamientosPedidos.push(msg.payload);
    return enviar.call(this, msg, ...resto);
  };
}

// A finished run as the Práctica stored it before it had hypotheses and a validation split
// (validated on the test set: `test` is its last epoch's validation).
const RUN_V1 = {
  n: 1, hueco: 0, etiqueta: 'sigmoide', config: 'Red rápida · 256 imágenes · 1 época', diff: ['Una capa cambia'],
  base: 'classroom', imagenes: 256, epocas: 1, fecha: '2026-12-01T10:00:00.000Z', parametros: 1000,
  puntos: [[0.5, 2.1, 0.3], [1, 1.5, 0.6]], test: { loss: 1.2, accuracy: 0.61 }, segundos: 4.5, estado: 'done',
};

// The runs the Práctica stored, as the page reads them at its next visit.
const storedRuns = (page) => readStored(page, 'runs-v2');

describe('Práctica', () => {
  test('every variant spec is accepted by the engine and has the expected layers', async () => {
    const { page, context } = await openPage(app.browser, app.server.url);
    try {
      const r = await page.evaluate(async () => {
        const { ConvAulaClient } = await import('/js/client.js');
        const { variante } = await import('/js/leccion/variantes.js');
        const c = new ConvAulaClient('/worker.js');
        await c.init();
        const presets = Object.fromEntries((await c.presets()).map((p) => [p.name, p.spec]));
        const out = [];
        for (const base of ['classroom', 'keras-mnist']) {
          for (let conv = 0; conv <= 3; conv++) {
            for (const kernel5 of [false, true]) {
              for (const [sigmoide, optimizador, promedio, dropout] of [[false, 'adadelta', false, false], [true, 'sgd', true, true], [false, 'momento', false, true]]) {
                const changes = { sigmoide, optimizador, lr: 0.05, conv, kernel5, promedio, dropout };
                const spec = variante(presets[base], changes);
                const m = await c.build(spec);
                const params = (await c.explain('params', { spec })).reduce((n, f) => n + f.total, 0);
                out.push({ base, changes, baseLayers: presets[base].layers.length, summary: m.summary, totalParams: m.totalParams, params, spec: m.spec });
              }
            }
          }
        }
        const fuera = [];
        for (const changes of [{ conv: 4 }, { optimizador: 'adam' }]) {
          try { variante(presets.classroom, changes); } catch (e) { fuera.push(e.name); }
        }
        c.terminate();
        return { out, fuera };
      });
      assert.equal(r.out.length, 48);
      for (const { base, changes, baseLayers, summary, totalParams, params, spec } of r.out) {
        const label = `${base} ${JSON.stringify(changes)}`;
        // keras-mnist has two Dropout layers, which the change takes out; classroom has none, and gets two.
        const dropouts = spec.layers.filter((l) => l.type === 'dropout');
        assert.equal(dropouts.length, (base === 'keras-mnist') === !changes.dropout ? 2 : 0, label);
        assert.equal(summary.length, baseLayers + changes.conv + (changes.dropout ? (base === 'keras-mnist' ? -2 : 2) : 0), label);
        if (dropouts.length) {
          // As in the lesson's network: 0.25 right after the last pooling, 0.5 right before the output layer.
          const types = spec.layers.map((l) => l.type);
          assert.match(types[types.indexOf('dropout') - 1], /pooling2d$/, label);
          assert.deepEqual(spec.layers.slice(-3).map((l) => [l.type, l.rate]), [['dense', undefined], ['dropout', 0.5], ['dense', undefined]], label);
          assert.deepEqual(dropouts.map((l) => l.rate), [0.25, 0.5], label);
        }
        assert.equal(totalParams, params, label);
        const convLayers = spec.layers.filter((l) => l.type === 'conv2d');
        assert.equal(convLayers.length, 2 + changes.conv, label);  // both presets have two
        assert.ok(convLayers.every((l) => l.kernel === (changes.kernel5 ? 5 : 3)), label);
        assert.equal(convLayers.filter((l) => l.padding === 'same').length, changes.conv, label);
        const acts = spec.layers.map((l) => l.activation).filter(Boolean);
        assert.equal(acts.at(-1), 'softmax', label);  // the output stays softmax
        assert.equal(acts.includes('relu'), !changes.sigmoide, label);
        assert.equal(spec.optimizer.type, changes.optimizador === 'adadelta' ? 'adadelta' : 'sgd', label);
        assert.equal(spec.optimizer.momentum ?? 0, changes.optimizador === 'momento' ? Math.fround(0.9) : 0, label);
        // Max pooling or average pooling, as the engine's summary names them.
        const pools = summary.filter((l) => /Pooling2D$/.test(l.kerasClass)).map((l) => l.kerasClass);
        assert.ok(pools.length > 0 && pools.every((c) => c === (changes.promedio ? 'AveragePooling2D' : 'MaxPooling2D')), `${label}: ${pools}`);
        assert.equal(spec.optimizer.lr, Math.fround(changes.optimizador === 'adadelta' ? 1 : 0.05), label);  // the engine keeps float32
        // The extra layers keep the size: the layer after the last one is as without them.
        const lastConv = summary.findLastIndex((l) => l.kerasClass === 'Conv2D');
        assert.deepEqual(summary[lastConv].output.slice(0, 2), summary[lastConv - changes.conv].output.slice(0, 2), label);
      }
      // Hand-computed: keras-mnist + 1 extra 3 × 3 layer of 32 filters, 'same': conv2d_2 has
      // 3·3·64·32 + 32 = 18,464 parameters; pooling gives 12·12·32 = 4608 inputs to the dense
      // layer, 4608·128 + 128 = 589,952; total 320 + 18,496 + 18,464 + 589,952 + 1290 = 628,522.
      const oneMore = r.out.find((o) => o.base === 'keras-mnist' && o.changes.conv === 1 && !o.changes.kernel5 && o.changes.optimizador === 'adadelta');
      assert.equal(oneMore.totalParams, 628522);
      assert.deepEqual(r.fuera, ['RangeError', 'RangeError']);
    } finally {
      await context.close();
    }
  });

  test('each experiment trains; the runs survive a reload and download as CSV', async () => {
    const { page, context, errors } = await openPractice();
    try {
      const runs = [
        await runExperiment(page, { sigmoide: true }),
        await runExperiment(page, { conv: 2 }),
        await runExperiment(page, { kernel5: true }),
        await runExperiment(page, { promedio: true }),
        await runExperiment(page, { dropout: true }),
      ];
      assert.match(runs[0].entryText, /sigmoide/);
      assert.match(runs[1].entryText, /\+2 conv/);
      assert.match(runs[2].entryText, /kernel 5×5/);
      assert.match(runs[3].entryText, /avg pooling/);
      assert.match(runs[4].entryText, /con Dropout/);
      for (const r of runs) assert.ok(r.precision > 0 && r.precision <= 1 && r.validacion > 0 && r.validacion <= 1, r.entryText);
      await page.getByTestId('practice-runs').screenshot({ path: `${app.artifacts}practice-runs.png` });
      await page.waitForSelector('[data-testid="practice-storage"][data-state="saved"]', { state: 'attached' });

      // A reload finds the five runs, with their results and curves.
      await page.reload();
      await page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
      await goToPractice(page);
      assert.equal(await rows(page).count(), 5);
      assert.equal(await page.getByTestId('practice-storage').getAttribute('data-state'), 'loaded');
      const accuracies = await page.locator('[data-testid="practice-runs"] tbody td[data-prueba]').evaluateAll((tds) => tds.map((td) => Number(td.dataset.prueba)));
      assert.deepEqual(accuracies, runs.map((r) => r.precision));
      const validaciones = await page.locator('[data-testid="practice-runs"] tbody td[data-validacion]').evaluateAll((tds) => tds.map((td) => Number(td.dataset.validacion)));
      assert.deepEqual(validaciones, runs.map((r) => r.validacion));
      assert.ok(Number(await page.getByTestId('practice-chart-loss').getAttribute('data-puntos')) > 4);

      // The CSV: a header and one row per run, ';' between fields, decimal commas.
      const [descarga] = await Promise.all([page.waitForEvent('download'), page.getByTestId('practice-csv').click()]);
      assert.equal(descarga.suggestedFilename(), 'practica-convaula.csv');
      const entryText = await readFile(await descarga.path(), 'utf8');
      assert.equal(entryText.charCodeAt(0), 0xFEFF);
      const lines = entryText.slice(1).trimEnd().split('\r\n').map((l) => l.split(';'));
      assert.deepEqual(lines[0].slice(0, 13), ['N.º', 'Cambios', 'Red de partida', 'Imágenes', 'Épocas', 'Parámetros', 'Tiempo (s)',
        'Hipótesis', 'Pérdida (validación)', 'Exactitud (validación)', 'Pérdida (prueba)', 'Exactitud (prueba)', 'Estado']);
      assert.equal(lines.length, 6);
      assert.deepEqual(lines.slice(1).map((l) => l[0]), ['1', '2', '3', '4', '5']);
      assert.deepEqual(lines.slice(1).map((l) => l[1]), ['sigmoide', '+2 conv', 'kernel 5×5', 'avg pooling', 'con Dropout']);
      const cifra = (t) => Number(t.replace(',', '.'));
      for (const [i, l] of lines.slice(1).entries()) {
        assert.equal(l[2], 'Red rápida');
        assert.equal(l[12], 'terminado');
        assert.match(l[11], /^0,\d{1,4}$|^1$/);
        assert.ok(Math.abs(cifra(l[9]) - runs[i].validacion) < 1e-4, `${l[9]} vs ${runs[i].validacion}`);
        assert.ok(Math.abs(cifra(l[11]) - runs[i].precision) < 1e-4, `${l[11]} vs ${runs[i].precision}`);
      }
      // Removing a run is stored too.
      await page.locator('[data-testid="practice-runs"] tbody tr').first().locator('button').click();
      await page.waitForSelector('[data-testid="practice-storage"][data-state="saved"]', { state: 'attached' });
      await page.reload();
      await page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
      await goToPractice(page);
      assert.equal(await rows(page).count(), 4);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('runs stored in the older layout load without hypothesis or validation; records that fit no layout are set aside, kept, and said in Spanish', async () => {
    const { page, context, errors } = await openPractice();
    try {
      const badRecords = [{}, { ...RUN_V1, n: 2, puntos: 'x' }];
      await writeStored(page, 'runs-v1', [badRecords[0], RUN_V1, badRecords[1]]);
      await page.reload();
      await page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
      await goToPractice(page);
      const storageNote = page.getByTestId('practice-storage');
      assert.equal(await storageNote.getAttribute('data-state'), 'set-aside');
      assert.match(await storageNote.textContent(), /^Apartados 2 experimentos .* sin borrar, pero no se muestran\. Recuperados: 1\.$/);
      assert.equal(await rows(page).count(), 1);
      const row = rows(page).first();
      assert.equal(await row.getByTestId('practice-run-hypothesis').textContent(), '(sin hipótesis)');
      assert.equal(await row.locator('td[data-validacion]').textContent(), '—');
      assert.match(await row.locator('td[data-prueba]').textContent(), /^61,00\s%$/);
      // The older key stays as it was; its runs now live in the current layout.
      assert.deepEqual(await readStored(page, 'runs-v1-apartados'), badRecords);
      assert.deepEqual(await readStored(page, 'runs-v1'), [badRecords[0], RUN_V1, badRecords[1]]);
      assert.deepEqual(await storedRuns(page), [{ ...RUN_V1, hipotesis: '', validacion: [] }]);
      // A record of the current layout that does not fit it is set aside under its own key.
      await writeStored(page, 'runs-v2', [{ ...RUN_V1, hipotesis: 'x'.repeat(281), validacion: [] }, { ...RUN_V1, n: 3, hipotesis: 'sube', validacion: [[1, 0.5, 0.8]] }]);
      await page.reload();
      await page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
      await goToPractice(page);
      assert.equal(await rows(page).count(), 1);
      assert.equal(await rows(page).first().getByTestId('practice-run-hypothesis').textContent(), 'sube');
      assert.equal((await readStored(page, 'runs-v2-apartados')).length, 1);
      const r = await runExperiment(page, { optimizador: 'sgd' });
      assert.ok(r.precision > 0);
      assert.equal(await rows(page).count(), 2);
      assert.equal(await page.getByTestId('train-start').isDisabled(), false);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a run validates on held-out training images and scores the test set once, at the end', async () => {
    const { page, context, errors } = await openPractice({ beforeLoad: espiarEntrenamientos });
    try {
      const r = await runExperiment(page, {});
      // The run asks the engine for Keras's validation_split=0.1 (what it means is the engine's
      // and the worker's tests): the last 6,000 training images, which no run trains on.
      const [pedido] = await page.evaluate(() => window.entrenamientosPedidos);
      assert.equal(pedido.model, 'experimento');
      assert.equal(pedido.validationSplit, 0.1);
      // The table and the curves show the validation; the test score is one number, labelled so.
      const headers = await page.locator('[data-testid="practice-runs"] thead th').allTextContents();
      assert.ok(headers.includes('Exactitud (validación)') && headers.includes('Exactitud en prueba (una vez, al final)'), headers.join(' | '));
      assert.ok(r.validacion > 0.3 && r.precision > 0.3, r.entryText);
      assert.match(await r.row.locator('td[data-validacion]').textContent(), /^\d{1,3},\d\d\s%pérdida \d,\d{4}$/);
      const [run] = await storedRuns(page);
      assert.deepEqual(run.validacion.map(([x]) => x), [1]);
      assert.equal(run.validacion[0][2], r.validacion);
      assert.equal(run.test.accuracy, r.precision);
      assert.match(await page.getByTestId('practice-validation-note').textContent(), /validation_split=0\.1.*una sola vez/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the hypothesis written before «Lanzar experimento» is shown beside the result, and stored', async () => {
    const { page, context, errors } = await openPractice();
    try {
      const campo = page.getByTestId('practice-hypothesis');
      // Asked before the launch: the field comes first in the page's order.
      assert.ok(await campo.evaluate((c) => Boolean(c.compareDocumentPosition(document.querySelector('[data-testid="practice-run"]')) & Node.DOCUMENT_POSITION_FOLLOWING)));
      assert.ok(await page.locator('#practica-hipotesis-ideas option').count() >= 3, 'ideas to choose from');
      const hipotesis = 'La sigmoide aprenderá más despacio';
      const r = await runExperiment(page, { sigmoide: true, hipotesis });
      const celda = r.row.getByTestId('practice-run-hypothesis');
      assert.equal(await celda.textContent(), hipotesis);
      // Beside the result: the next cell is the run's validation accuracy.
      assert.equal(await celda.evaluate((td) => td.nextElementSibling.hasAttribute('data-validacion')), true);
      assert.equal((await storedRuns(page))[0].hipotesis, hipotesis);
      // A run without one says so.
      const sin = await runExperiment(page, {});
      assert.equal(await sin.row.getByTestId('practice-run-hypothesis').textContent(), '(sin hipótesis)');
      // In the CSV beside the results too; one a spreadsheet would run as a formula stays text.
      const formula = await runExperiment(page, { hipotesis: '=2+2' });
      assert.equal(await formula.row.getByTestId('practice-run-hypothesis').textContent(), '=2+2');
      const [descarga] = await Promise.all([page.waitForEvent('download'), page.getByTestId('practice-csv').click()]);
      const lines = (await readFile(await descarga.path(), 'utf8')).slice(1).trimEnd().split('\r\n').map((l) => l.split(';'));
      assert.deepEqual(lines.slice(1).map((l) => l[7]), [hipotesis, '', "'=2+2"]);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the optimizer comparison: SGD at its chosen rate and SGD with momentum run, and the changes say what is compared', async () => {
    const { page, context, errors } = await openPractice();
    try {
      const diff = page.getByTestId('practice-diff');
      await page.getByTestId('practice-optimizer').selectOption('sgd');
      assert.equal(await page.getByTestId('practice-lr').inputValue(), '0,1');
      await page.waitForFunction(() => /SGD con lr = 0,1:/.test(document.querySelector('[data-testid="practice-diff"]').textContent));
      const sgd = await runExperiment(page, { optimizador: 'sgd' });
      await page.getByTestId('practice-optimizer').selectOption('momento');
      assert.equal(await page.getByTestId('practice-lr').inputValue(), '0,01');
      await page.waitForFunction(() => /momento 0,9 y lr = 0,01/.test(document.querySelector('[data-testid="practice-diff"]').textContent));
      assert.match(await diff.textContent(), /lr = 0,01\/\(1 − 0,9\) = 0,1\./);
      const momento = await runExperiment(page, { optimizador: 'momento' });
      assert.match(sgd.entryText, /SGD lr 0,1/);
      assert.match(momento.entryText, /SGD momento lr 0,01/);
      for (const r of [sgd, momento]) assert.ok(r.validacion > 0 && r.precision > 0, r.entryText);
      const optimizerDiffs = (await storedRuns(page)).map((r) => r.diff.join(' '));
      assert.match(optimizerDiffs[0], /a SGD con lr = 0,1/);
      assert.match(optimizerDiffs[1], /a SGD con momento 0,9 y lr = 0,01/);
      await page.getByTestId('practice-optimizer').selectOption('adadelta');
      assert.equal(await page.getByTestId('practice-lr').isVisible(), false);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('overfitting: few images and many epochs, without and with Dropout, training and validation curves on the charts', async () => {
    const { page, context, errors } = await openPractice();
    try {
      await page.getByTestId('practice-overfit').click();
      assert.equal(await page.getByTestId('practice-base').inputValue(), 'classroom');
      assert.equal(await page.getByTestId('practice-images').inputValue(), '500');
      assert.equal(await page.getByTestId('practice-epochs').inputValue(), '30');
      assert.equal(await page.getByTestId('practice-hypothesis').evaluate((c) => c === document.activeElement), true);
      assert.match(await page.locator('label:has([data-testid="practice-dropout"])').textContent(), /^Con Dropout/);
      const sin = await runExperiment(page, { base: null, hipotesis: 'La validación se quedará atrás' });
      const con = await runExperiment(page, { base: null, dropout: true });
      assert.match(sin.entryText, /referencia.*500 imágenes · 30 épocas/);
      assert.match(con.entryText, /con Dropout.*500 imágenes · 30 épocas/);
      const [a, b] = await storedRuns(page);
      for (const r of [a, b]) {
        assert.equal(r.validacion.length, 30);
        assert.deepEqual(r.validacion.map(([x]) => x), Array.from({ length: 30 }, (_, i) => i + 1));
      }
      // Without Dropout the network learns its few images by heart: at the end it is right on
      // more of them than on the held-out ones.
      const lastEpoch = (r) => ({ training: r.puntos.at(-1)[2], validation: r.validacion.at(-1)[2] });
      const lastOfA = lastEpoch(a);
      assert.ok(lastOfA.training > lastOfA.validation, JSON.stringify(lastOfA));
      console.log(`overfitting, last epoch (training / validation accuracy): without Dropout ${JSON.stringify(lastOfA)}, with ${JSON.stringify(lastEpoch(b))}`);
      // Both curves of both runs are drawn: each run's training points and its 30 validation points.
      const dibujados = Number(await page.getByTestId('practice-chart-accuracy').getAttribute('data-puntos'));
      assert.ok(dibujados >= a.puntos.length + b.puntos.length + 60, `${dibujados}`);
      assert.match(await page.getByTestId('practice-legend-curves').textContent(), /entrenamiento.*validación/);
      for (const [sizeName, viewSize, projector] of [['escritorio', { width: 1280, height: 800 }, false], ['movil', { width: 390, height: 844 }, false],
        ['proyector', { width: 1920, height: 1080 }, true]]) {
        await page.setViewportSize(viewSize);
        if (projector) await page.locator('#boton-proyector').click();
        await page.locator('#practica .practica-graficas').evaluate((g) => g.scrollIntoView({ block: 'center', behavior: 'instant' }));
        await page.waitForTimeout(500);  // the charts redraw at their new size on the next frames
        await page.screenshot({ path: `${app.artifacts}practica-graficas-${sizeName}.png` });
        await page.locator('#practica .practica-campos').screenshot({ path: `${app.artifacts}practica-formulario-${sizeName}.png` });
        await page.locator('#practica .tabla-caja').screenshot({ path: `${app.artifacts}practica-tabla-${sizeName}.png` });
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a run that fails before it starts gives the engine back: the training panel and the next run work', async () => {
    const { page, context } = await openPractice();
    try {
      // An unexpected failure inside the run, after the engine was taken (the run's date).
      await page.evaluate(() => {
        const original = Date.prototype.toISOString;
        Date.prototype.toISOString = function toISOString() {
          Date.prototype.toISOString = original;
          throw new Error('injected failure');
        };
      });
      await page.getByTestId('practice-run').click();
      await page.waitForSelector('[data-testid="practice-status"][data-state="error"]', { timeout: 60_000, state: 'attached' });
      assert.match(await page.getByTestId('practice-status').textContent(), /injected failure|ha fallado/);
      assert.equal(await page.getByTestId('practice-run').isDisabled(), false);
      assert.equal(await page.getByTestId('train-start').isDisabled(), false);
      const r = await runExperiment(page, { sigmoide: true });
      assert.ok(r.precision > 0);
    } finally {
      await context.close();
    }
  });

  for (const [caso, beforeLoad, frase] of [
    ['no IndexedDB (private mode)', () => { Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }); }, /no deja guardar datos/],
    ['a full quota', () => {
      IDBObjectStore.prototype.put = function put() { throw new DOMException('full', 'QuotaExceededError'); };
    }, /No queda espacio/],
  ]) {
    test(`storage failure, ${caso}: a Spanish message, the run stays in the table`, async () => {
      const { page, context, errors } = await openPractice({ beforeLoad });
      try {
        const r = await runExperiment(page, { sigmoide: true });
        assert.ok(r.precision > 0);
        await page.waitForSelector('[data-testid="practice-storage"][data-state="error"]', { state: 'attached' });
        assert.match(await page.getByTestId('practice-storage').textContent(), frase);
        assert.equal(await rows(page).count(), 1);
        assert.equal(await page.getByTestId('practice-csv').isDisabled(), false);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});

// The status line of the panel that holds `testid` (the runner's busy / error messages).
const panelStatus = (page, testid) => page.getByTestId(testid).evaluate((b) => {
  const estado = b.closest('.panel').querySelector('.estado');
  return { state: estado.dataset.state, text: estado.textContent };
});

describe('the page during a Práctica experiment', () => {
  // The experiment (a 5 × 5-kernel variant of the lesson's network: 24 × 24 maps after the first
  // layer, where the page's pretrained network has 26 × 26; the slower base, so the run lasts)
  // trains a slot of its own.
  test('the drawing and the sections keep the page\'s network, a second run says whose run is on; then «Usar esta red» and «Deshacer»', async () => {
    const { page, context, errors } = await app.openApp({ width: 1280, height: 800 });
    try {
      await recordDrawings(page);
      for (const id of ['maxpooling', 'entrenar', 'aprendido', 'dropout', 'convolucion', 'practica']) await visit(page, id);
      const titleSelector = '#maxpooling [data-parte="titulo-activacion"]';
      // Max-pooling shows the layer its pooling receives: the page's conv2, 64 channels of 24 × 24
      // (the experiment's would be 20 × 20).
      await page.waitForFunction((s) => /24 × 24/.test(document.querySelector(s).textContent), titleSelector);
      await page.waitForSelector('[data-testid="kernels"][data-count="32"]', { state: 'attached' });
      await page.waitForSelector('[data-testid="activations"][data-layers]', { state: 'attached' });
      const layerCount = await page.getByTestId('activations').getAttribute('data-layers');
      const beforeLoad = (await drawDigit(page, SEVEN)).probs;

      await page.getByTestId('practice-base').selectOption('keras-mnist');
      await page.getByTestId('practice-kernel5').check();
      await page.getByTestId('practice-images').selectOption('5000');
      await page.getByTestId('practice-run').click();
      await page.waitForSelector('[data-testid="practice-status"][data-state="training"]', { state: 'attached', timeout: 60_000 });

      // The drawing is answered by the page's network, exactly as before the run.
      closeTo((await drawDigit(page, SEVEN)).probs, beforeLoad, 'the drawing during the experiment');
      // Scoring the test set or "Entrenar" would be a second run: they say whose run is on.
      for (const id of ['confusion-compute', 'lesson-evaluate']) {
        await page.getByTestId(id).click();
        await page.waitForFunction((t) => document.querySelector(`[data-testid="${t}"]`).closest('.panel').querySelector('.estado').dataset.state === 'busy', id);
        assert.match((await panelStatus(page, id)).text, /experimento de la Práctica/, id);
      }
      await page.getByTestId('train-start').click();
      await page.waitForSelector('[data-testid="train-status"][data-state="busy"]', { state: 'attached' });
      assert.match(await page.getByTestId('train-status').textContent(), /experimento de la Práctica/);
      // Everything else answers now, from the page's network: 32 kernels, 26 × 26 maps.
      await page.getByTestId('kernels-refresh').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="kernels"]').closest('.panel').querySelector('.estado').dataset.state === 'done');
      assert.equal(await page.getByTestId('kernels').getAttribute('data-count'), '32');
      for (const id of ['maxpooling-drawing', 'convolution-drawing', 'act-drawing', 'dropout-predict-twice']) await page.getByTestId(id).click();
      await page.waitForFunction(() => /dibujo/.test(document.querySelector('#maxpooling .fuente-desc').textContent), null, { timeout: 30_000 });
      await page.waitForFunction(() => /dibujo/.test(document.querySelector('#aprendido .fuente-desc').textContent), null, { timeout: 30_000 });
      await page.waitForSelector('[data-testid="dropout-predict-result"][data-iguales="true"]', { state: 'attached' });
      assert.match(await page.locator(titleSelector).textContent(), /24 × 24/);
      assert.equal(await page.getByTestId('pool-channel').locator('option').count(), 64);
      assert.equal(await page.getByTestId('activations').getAttribute('data-layers'), layerCount);
      assert.match(await page.locator('[data-testid="activations"] h4').nth(1).textContent(), /26 × 26 × 32/);
      assert.equal(await page.getByTestId('weights-save').isDisabled(), false, 'the page\'s network can be saved meanwhile');
      assert.equal(await page.getByTestId('practice-status').getAttribute('data-state'), 'training', 'all of it while the experiment trained');

      await page.waitForSelector('[data-testid="practice-status"][data-state="done"]', { timeout: 400_000, state: 'attached' });
      await useAndUndo(page, { prefix: 'practice', slot: 'experimento', before: beforeLoad });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
