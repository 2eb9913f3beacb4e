// aula-class-network.test.mjs: the class's network, in Debian's Chromium on loopback only. Three
// scripted students (teach-strokes.mjs's classStrokes: 5 of each digit in three styles, made by
// the page's own engine and sent through the class API: drawing by mouse is aula-drawings-live's)
// fill the class set with 150 drawings; a fourth student, joined at aula.test (mapped to
// 127.0.0.1), loads it in «Enséñale a la red», fine-tunes slot 'clase' and reads the held-out
// class drawings and MNIST before → after; «Usar la red de la clase» in the drawing panel changes
// its answer and «Deshacer» brings the old one back exactly; after a reload the class's network
// is gone and the page says so; a big class's .npz (1,485 drawings, uneven per digit) imports and
// splits, a broken file is refused and keeps the set. Screenshots go to build/artifacts/aula-class-network/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { zipSync } from 'fflate';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { READY } from './harness.mjs';
import { activeModel, dataOf, drawDigit, recordDrawings, useAndUndo, visit } from './acts.mjs';
import { classStrokes, engineBytes } from './teach-strokes.mjs';
import { api, joinClass, joinedStudent, openClass } from './aula.mjs';
import { axeAudit } from './axe.mjs';
import { leccion } from '../../web/js/textos.js';
import { enteroAgrupado, porcentaje } from '../../web/js/formato.js';
import { MNIST_PRUEBA } from '../../web/js/leccion/ensena.js';
import { dividirClase } from '../../web/js/leccion/ensena-datos.js';
import { escribirNpz } from '../../web/js/leccion/ensena-npz.js';

const ARTIFACTS = fileURLToPath(new URL('../../build/artifacts/aula-class-network/', import.meta.url));
const PER_DIGIT = 5;
const T = leccion.ensena.clase;

// Scrolls until `testid` stays put (sections above it render as they come into view).
const scrolledTo = (page, testid, block) => page.getByTestId(testid).evaluate(async (e, b) => {
  let last = NaN;
  for (let i = 0; i < 30; i++) {
    e.scrollIntoView({ block: b, behavior: 'instant' });
    await new Promise((r) => setTimeout(r, 150));
    const top = e.getBoundingClientRect().top;
    if (top === last) return;
    last = top;
  }
}, block);

describe('aula en vivo: the class\'s network', () => {
  let dir, browser, s, fixture;
  before(async () => {
    fixture = await openClass(ARTIFACTS);
    ({ dir, browser, server: s } = fixture);
  });
  after(() => fixture?.close());

  test('a student fine-tunes on the class set and uses the class\'s network in the drawing panel', { timeout: 15 * 60_000 }, async () => {
    const { context, page } = await joinedStudent(browser, `http://aula.test:${s.port}/?aula=${s.code}`,
      { options: { viewport: { width: 1366, height: 768 } } });
    await visit(page, 'ensena');
    assert.equal(await page.getByTestId('draw-class-use-box').isVisible(), false, 'nothing offered before a class network exists');

    // The class set: three students' 50 drawings each, as the engine keeps them.
    const set = classStrokes(PER_DIGIT);
    const bytes = await engineBytes(page, set.map((d) => d.strokes));
    for (const student of [0, 1, 2]) {
      const token = await joinClass(s.port, s.code, `Alumno ${student + 1}`);
      const dibujos = set.flatMap((d, i) => (d.student === student ? [{ x: Buffer.from(bytes[i]).toString('base64'), etiqueta: d.digit }] : []));
      assert.equal((await api(s.port, 'POST', 'dibujos', { token, json: { dibujos } })).status, 201);
    }

    await page.getByTestId('teach-class-set-load').click();
    await page.waitForSelector('[data-testid="teach-class-set-status"][data-state="cargado"]');
    assert.equal(await dataOf(page, 'teach-class-set-status', 'count'), '150');
    // 20 % of each digit's 15 held out: 3 each.
    assert.equal(await dataOf(page, 'teach-class-set-split', 'learn'), '120');
    assert.equal(await dataOf(page, 'teach-class-set-split', 'heldOut'), '30');

    // A drawing the class's style makes the lesson network unsure of (a slanted, slashed 0): a
    // clean 7 is read at p ≈ 1 by both networks, whose answers then differ by less than 1e-6.
    const probe = set.find((d) => d.student === 1 && d.digit === 0).strokes;
    await recordDrawings(page);
    const answerBefore = (await drawDigit(page, probe)).probs;

    await page.getByTestId('teach-class-tune').click();
    const status = page.getByTestId('teach-class-tune-status');
    await page.waitForFunction(() => ['done', 'error', 'busy', 'empty'].includes(
      document.querySelector('[data-testid="teach-class-tune-status"]').dataset.state), null, { timeout: 10 * 60_000 });
    assert.equal(await status.getAttribute('data-state'), 'done', await status.textContent());
    const run = page.locator('[data-testid="teach-run"][data-source="clase"]');
    const r = await run.evaluate((tr) => ({ ...tr.dataset }));
    console.log(`# class set (150, 30 held out): held-out ${r.heldBefore} -> ${r.heldAfter}, learnt ${r.learnt}, MNIST first 2,000 ${r.mnistBefore} -> ${r.mnistAfter}, ${Number(r.seconds).toFixed(1)} s`);
    assert.ok(Number(r.heldAfter) > Number(r.heldBefore), `held-out ${r.heldBefore} -> ${r.heldAfter}`);
    for (const k of ['mnistBefore', 'mnistAfter']) assert.ok(Number(r[k]) > 0 && Number(r[k]) <= 1, `${k} ${r[k]}`);
    const result = page.getByTestId('teach-class-result');
    assert.equal(await result.getByTestId('teach-class-before-after').textContent(),
      T.resultado(porcentaje(Number(r.heldBefore)), porcentaje(Number(r.heldAfter)), porcentaje(Number(r.mnistBefore)), porcentaje(Number(r.mnistAfter)), enteroAgrupado(MNIST_PRUEBA)));
    const accuracy = result.getByTestId('teach-accuracy');
    assert.equal(await accuracy.getAttribute('data-total'), '30');
    assert.equal(Number(await accuracy.getAttribute('data-correct')), Math.round(30 * Number(r.heldAfter)));
    await page.getByTestId('teach-class-set').screenshot({ path: join(ARTIFACTS, 'class-set-1366x768.png') });
    assert.deepEqual(await axeAudit(page), [], 'WCAG 2.1 AA with the class\'s result shown');

    // The drawing panel offers the class's network; «Deshacer» restores the old answer exactly.
    await page.getByTestId('draw-class-use').waitFor();
    await page.locator('.panel-dibujo').screenshot({ path: join(ARTIFACTS, 'drawing-panel-1366x768.png') });
    console.log(`# the probe: p(0) ${answerBefore[0].toFixed(4)} before`);
    await useAndUndo(page, { prefix: 'draw-class', slot: 'clase', before: answerBefore, origin: 'red_clase', strokes: probe });

    // On a phone: what the screen shows, scrolled to the class's result and to the drawing panel's offer.
    await page.setViewportSize({ width: 390, height: 844 });
    await scrolledTo(page, 'teach-class-tune', 'start');
    await page.screenshot({ path: join(ARTIFACTS, 'class-set-390x844.png') });
    await scrolledTo(page, 'draw-class-use-box', 'center');
    await page.screenshot({ path: join(ARTIFACTS, 'drawing-panel-390x844.png') });

    // In use, then a reload: the slot is gone, nothing is offered, the page's network is the one from before.
    await page.getByTestId('draw-class-use').click();
    await page.waitForSelector('[data-testid="active-model"][data-model="red_clase"]', { state: 'attached' });
    await page.reload();
    await visit(page, 'ensena');
    assert.equal(await activeModel(page), 'preentrenada');
    assert.equal(await page.getByTestId('draw-class-use-box').isVisible(), false);
    assert.equal(await page.getByTestId('teach-class-set-status').isVisible(), false);
    assert.equal(await page.getByTestId('teach-class-tune').isDisabled(), true);

    // Anyone may import the teacher's .npz instead: a big class's, 27 to 270 drawings per digit
    // (1,485); then a file that is not a set is refused and the set stays as it was.
    const labels = [], pixels = [];
    for (let d = 0; d < 10; d++) {
      const own = set.flatMap((e, i) => (e.digit === d ? [bytes[i]] : []));
      for (let k = 0; k < 27 * (d + 1); k++) { labels.push(d); pixels.push(...own[k % own.length]); }
    }
    const big = join(dir, 'clase.npz');
    await writeFile(big, escribirNpz(Uint8Array.from(pixels), Uint8Array.from(labels), zipSync));
    await page.getByTestId('teach-class-set-file').setInputFiles(big);
    await page.waitForSelector('[data-testid="teach-class-set-status"][data-state="importado"]');
    const split = dividirClase(labels.map((cifra) => ({ cifra })));
    assert.deepEqual([await dataOf(page, 'teach-class-set-split', 'learn'), await dataOf(page, 'teach-class-set-split', 'heldOut')],
      [String(split.aprender.length), String(split.aparte.length)]);
    assert.equal(split.aprender.length + split.aparte.length, 1485);
    await writeFile(join(dir, 'roto.npz'), 'no es un zip');
    await page.getByTestId('teach-class-set-file').setInputFiles(join(dir, 'roto.npz'));
    await page.waitForSelector('[data-testid="teach-class-set-status"][data-state="error"]');
    assert.equal(await dataOf(page, 'teach-class-set-split', 'learn'), String(split.aprender.length));
    assert.equal(await page.getByTestId('teach-class-tune').isDisabled(), false);
    await context.close();
  });
});
