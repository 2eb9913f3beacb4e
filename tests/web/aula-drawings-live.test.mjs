// aula-drawings-live.test.mjs: the class's set of drawings in Debian's Chromium, on loopback
// only. Three students (at aula.test, mapped to 127.0.0.1) join, draw 5 of each digit in
// «Enséñale a la red» with the mouse and send them; the teacher's gallery on the projector
// counts 150 without naming anyone, removes one (gone from the downloaded .npz, read with
// NumPy) and measures the lesson's network on the set; a student withdraws theirs.
// Screenshots go to build/artifacts/aula-drawings/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { READY } from './harness.mjs';
import { DIGITS, answerQuestion, drawOnPad, visit } from './acts.mjs';
import { hand } from './teach-strokes.mjs';
import { DIST, api, joinClass, joinedStudent, openClass, startClass } from './aula.mjs';
import { axeAudit } from './axe.mjs';

const ARTIFACTS = fileURLToPath(new URL('../../build/artifacts/aula-drawings/', import.meta.url));
const PER_DIGIT = 5;

// A student: joins the class at aula.test, draws PER_DIGIT of each digit in «Enséñale a la red»
// (in their own hand) and sends them; resolves {page, name}.
async function student(browser, url, seed) {
  const { page, name } = await joinedStudent(browser, url);
  await visit(page, 'ensena');
  await page.getByTestId('teach-per-digit-count').fill(String(PER_DIGIT));
  await page.getByTestId('teach-start').click();
  const drawn = new Array(10).fill(0);
  const writer = hand(seed);
  for (let n = 1; n <= 10 * PER_DIGIT; n++) {
    const digit = Number(await page.getByTestId('teach-prompt').getAttribute('data-digit'));
    await drawOnPad(page, 'teach-canvas', writer(DIGITS[digit], drawn[digit]++));
    await page.getByTestId('teach-save').click();
    await page.waitForFunction((c) => document.querySelector('[data-testid="teach-grid"]').dataset.count === String(c), n);
  }
  await page.getByTestId('teach-class-send').click();
  await page.waitForSelector('[data-testid="teach-class-status"][data-state="sent"]');
  assert.equal(await page.getByTestId('teach-class-status').getAttribute('data-count'), String(10 * PER_DIGIT));
  return { page, name };
}

const counts = (page, testid) => page.getByTestId(testid).evaluateAll((els) => els.map((e) => Number(e.dataset.count)));

describe('aula en vivo: the class set in the browser', () => {
  let dir, browser, s, fixture;
  before(async () => {
    fixture = await openClass(ARTIFACTS);
    ({ dir, browser, server: s } = fixture);
  });
  after(() => fixture?.close());

  test('three students send 150 drawings; the teacher counts, removes one, downloads and measures', { timeout: 20 * 60_000 }, async () => {
    const teacher = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await teacher.goto(`http://127.0.0.1:${s.port}/aula.html#clave=${s.key}`);
    await teacher.waitForSelector('[data-testid="aula-panel-connection"][data-state="live"]');
    assert.equal(await teacher.getByTestId('aula-gallery-empty').isVisible(), true);

    const url = `http://aula.test:${s.port}/?aula=${s.code}`;
    const students = await Promise.all([1, 2, 3].map((seed) => student(browser, url, seed)));

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

  test('the class is asked first: students answer the live question on their page, the panel shows the answers, then measures (and «Detener» stops it)', { timeout: 10 * 60_000 }, async () => {
    const own = await startClass({ root: DIST, data: join(dir, 'asked') });
    const contexts = [];
    try {
      const teacherContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      contexts.push(teacherContext);
      const teacher = await teacherContext.newPage();
      await teacher.goto(`http://127.0.0.1:${own.port}/aula.html#clave=${own.key}`);
      await teacher.waitForSelector('[data-testid="aula-panel-connection"][data-state="live"]');
      const id = 'question-class-handwriting';
      const card = teacher.getByTestId('aula-class-question').getByTestId(`aula-question-${id}`);
      assert.equal(await teacher.getByTestId('aula-class-question').isVisible(), false);
      await teacher.getByTestId('aula-ask-class').click();
      await card.waitFor();
      assert.equal(await card.getAttribute('data-total'), '0');

      // Two students answer it in «Enséñale a la red»: one right (worse than MNIST), one not.
      for (const option of [2, 1]) {
        const { context, page } = await joinedStudent(browser, `http://aula.test:${own.port}/?aula=${own.code}`);
        contexts.push(context);
        await visit(page, 'ensena');
        assert.equal((await answerQuestion(page, id, { option })).right, option === 2);
        if (option === 2) await page.getByTestId(id).screenshot({ path: join(ARTIFACTS, 'class-question-student.png') });
      }
      await teacher.waitForSelector(`[data-testid="aula-class-question"] [data-testid="aula-question-${id}"][data-total="2"]`);
      assert.equal(await teacher.locator(`[data-testid="aula-question-${id}"]`).count(), 1, 'one card, in the evaluation');
      await card.getByTestId('aula-reveal').click();
      await teacher.waitForSelector(`[data-testid="aula-question-${id}"][data-revealed="true"]`);
      const bars = await card.getByTestId('aula-bar').evaluateAll((els) => els.map((e) => [e.dataset.count, e.dataset.correct]).sort());
      assert.deepEqual(bars, [['1', 'false'], ['1', 'true']]);

      // Then the evaluation, on drawings a student sent: stopped once, then to the end.
      const token = await joinClass(own.port, own.code, 'Tortuga 7');
      const drawings = Array.from({ length: 30 }, (_, i) => ({ x: Buffer.alloc(784, (i * 37) % 256).toString('base64'), etiqueta: i % 10 }));
      assert.equal((await api(own.port, 'POST', 'dibujos', { token, json: { dibujos: drawings } })).status, 201);
      await teacher.waitForSelector('[data-testid="aula-gallery-total"][data-count="30"]', { timeout: READY });
      const status = teacher.getByTestId('aula-evaluation-status');
      await teacher.getByTestId('aula-evaluate').click();
      await teacher.getByTestId('aula-evaluate-stop').click();
      await teacher.waitForSelector('[data-testid="aula-evaluation-status"][data-state="stopped"]', { timeout: READY, state: 'attached' });
      assert.match(await status.textContent(), /^Prueba detenida antes de terminar/);
      assert.equal(await teacher.getByTestId('aula-evaluate-stop').isDisabled(), true, '«Detener» back at rest');
      await teacher.getByTestId('aula-evaluation').screenshot({ path: join(ARTIFACTS, 'asked-stopped-1920x1080.png') });
      await teacher.getByTestId('aula-evaluate').click();
      await teacher.waitForSelector('[data-testid="aula-evaluation-status"][data-state="done"]', { timeout: READY, state: 'attached' });
      assert.equal(await teacher.getByTestId('aula-evaluation').getByTestId('teach-accuracy').getAttribute('data-total'), '30');
      await teacher.getByTestId('aula-evaluation').screenshot({ path: join(ARTIFACTS, 'asked-evaluation-1920x1080.png') });
      assert.deepEqual(await axeAudit(teacher), [], 'WCAG 2.1 AA on the panel with the question and the evaluation');
    } finally {
      for (const c of contexts) await c.close();
      own.close();
    }
  });
});
