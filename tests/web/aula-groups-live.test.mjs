// aula-groups-live.test.mjs: «Práctica por grupos» in Debian's Chromium, on loopback only. The
// teacher gives group A SGD and group B the sigmoid; three students (at aula.test, mapped to
// 127.0.0.1) join, pick their group (the third none: free choice, and its first post is lost on
// the way: the page sends it again), find the form set to their
// variant and each run a short Práctica experiment, which reaches the teacher's panel: one
// curve per experiment and a median per variant in the chart's data, a table of three rows sorted
// by test accuracy without names on the projector (WCAG 2.1 AA), and a CSV with the three;
// «Borrar los datos del aula» empties the results (and the gallery) on the panel.
// Screenshots go to build/artifacts/aula-groups/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { READY } from './harness.mjs';
import { visit } from './acts.mjs';
import { api, joinClass, joinedStudent, openClass } from './aula.mjs';
import { axeAudit, axeSummary } from './axe.mjs';

const ARTIFACTS = fileURLToPath(new URL('../../build/artifacts/aula-groups/', import.meta.url));
const SHORT = { trainLimit: 256, valLimit: 256 };  // the Práctica's test-only hook: a few hundred images
const EPOCHS = 2;

// A student in group `group` ('' = none): joins, runs one short experiment in the Práctica;
// resolves {name, variant (the form's, as the panel names it)}.
async function student(browser, url, group, expect) {
  // The student without a group loses their first post on the way: the page sends it again.
  let lost = 0;
  const { page, name } = await joinedStudent(browser, url, { async prepare(context) {
    await context.addInitScript((c) => { globalThis.convaulaPruebas = { practica: c }; }, SHORT);
    if (!group) await context.route('**/api/aula/practica/experimentos', (route) => (lost++ === 0 ? route.abort() : route.continue()));
  } });
  await visit(page, 'practica');
  await page.waitForSelector('[data-testid="practice-status"][data-state="idle"]', { timeout: READY, state: 'attached' });
  await page.waitForSelector('[data-testid="practice-class-status"][data-state="free"]');
  await page.getByTestId('practice-class-group').selectOption(group);
  assert.equal(await page.getByTestId('practice-class-status').getAttribute('data-state'), group ? 'assigned' : 'free');
  assert.deepEqual({ optimizer: await page.getByTestId('practice-optimizer').inputValue(), sigmoid: await page.getByTestId('practice-sigmoid').isChecked() }, expect,
    'the form has the group\'s variant');
  await page.getByTestId('practice-base').selectOption('classroom');
  await page.getByTestId('practice-images').selectOption('500');
  await page.getByTestId('practice-epochs').selectOption(String(EPOCHS));
  await page.getByTestId('practice-run').click();
  if (!group) await page.waitForSelector('[data-testid="practice-class-status"][data-state="retrying"]', { timeout: 5 * 60_000 });
  await page.waitForSelector('[data-testid="practice-class-status"][data-state="sent"]', { timeout: 5 * 60_000 });
  assert.equal(lost, group ? 0 : 2, 'sent once more after a lost post');
  const accuracy = Number(await page.locator('[data-testid="practice-runs"] tbody td[data-prueba]').first().getAttribute('data-prueba'));
  if (group === 'A') await page.locator('#practica .practica-form').screenshot({ path: join(ARTIFACTS, 'student-practice.png') });
  return { page, name, accuracy };
}

describe('aula en vivo: Práctica por grupos in the browser', () => {
  let dir, browser, s, fixture;
  before(async () => {
    fixture = await openClass(ARTIFACTS);
    ({ dir, browser, server: s } = fixture);
  });
  after(() => fixture?.close());

  test('three students\' experiments reach the teacher\'s chart, table and CSV', { timeout: 15 * 60_000 }, async () => {
    const teacher = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, acceptDownloads: true })).newPage();
    await teacher.goto(`http://127.0.0.1:${s.port}/aula.html#clave=${s.key}`);
    await teacher.waitForSelector('[data-testid="aula-panel-connection"][data-state="live"]');
    const select = (g) => teacher.locator(`[data-testid="aula-groups-variant"][data-group="${g}"]`);
    await select('A').selectOption('sgd');
    await select('B').selectOption('sigmoide');
    await teacher.getByTestId('aula-groups-save').click();
    await teacher.waitForSelector('[data-testid="aula-panel-error"][data-state="ok"]');

    const url = `http://aula.test:${s.port}/?aula=${s.code}`;
    const students = await Promise.all([
      student(browser, url, 'A', { optimizer: 'sgd', sigmoid: false }),
      student(browser, url, 'B', { optimizer: 'adadelta', sigmoid: true }),
      student(browser, url, '', { optimizer: 'adadelta', sigmoid: false }),
    ]);

    await teacher.waitForSelector('[data-testid="aula-groups-total"][data-count="3"]', { timeout: READY });
    // The chart's data: 3 curves of EPOCHS points, and one median per variant (3 variants).
    const chart = teacher.getByTestId('aula-groups-chart');
    await teacher.waitForFunction(() => document.querySelector('[data-testid="aula-groups-chart"] canvas'));
    assert.deepEqual(await chart.evaluate(({ dataset: d }) => ({ series: d.series, puntos: d.puntos, variants: d.variants })),
      { series: '6', puntos: String(6 * EPOCHS), variants: '3' });
    const rows = teacher.getByTestId('aula-groups-row');
    const table = await rows.evaluateAll((trs) => trs.map((tr) => ({ variant: tr.dataset.variant, accuracy: Number(tr.dataset.accuracy) })));
    assert.deepEqual(table.map((r) => r.variant).toSorted(), ['base', 'sgd', 'sigmoide']);
    assert.deepEqual(table.map((r) => r.accuracy), table.map((r) => r.accuracy).toSorted((a, b) => b - a), 'sorted by test accuracy');
    const byVariant = Object.fromEntries(table.map((r) => [r.variant, r.accuracy]));
    assert.deepEqual([byVariant.sgd, byVariant.sigmoide, byVariant.base], students.map((x) => x.accuracy), 'each student\'s own test accuracy');
    const shown = await teacher.getByTestId('aula-groups').textContent();
    for (const { name } of students) assert.ok(!shown.includes(name), 'the projector names no student');
    await teacher.getByTestId('aula-groups').screenshot({ path: join(ARTIFACTS, 'groups-1920x1080.png') });
    const violations = await axeAudit(teacher);
    assert.deepEqual(violations, [], `WCAG 2.1 AA on the panel with the groups' results: ${axeSummary(violations)}`);
    await teacher.getByTestId('aula-groups-names').click();
    const named = await teacher.getByTestId('aula-groups-table').textContent();
    for (const { name } of students) assert.ok(named.includes(name), 'named when the teacher asks');

    const [download] = await Promise.all([teacher.waitForEvent('download'), teacher.getByTestId('aula-groups-csv').click()]);
    assert.equal(download.suggestedFilename(), 'practica-grupos.csv');
    const file = join(dir, 'practica-grupos.csv');
    await download.saveAs(file);
    const text = await readFile(file, 'utf8');
    assert.equal(text[0], '\uFEFF');
    const lines = text.slice(1).trimEnd().split('\r\n').map((l) => l.split(';'));
    assert.equal(lines.length, 4);
    lines.slice(1).forEach((l, i) => assert.ok(Math.abs(Number(l[9].replace(',', '.')) - table[i].accuracy) < 1e-4, `row ${i + 1}: ${l[9]}, decimal comma`));
    assert.deepEqual(lines.slice(1).map((l) => l[3]).toSorted(), students.map((x) => x.name).toSorted());
    assert.deepEqual(lines.slice(1).map((l) => l[6]), ['2', '2', '2'], 'epochs');

    // «Borrar los datos del aula» empties the groups' results and the gallery on the panel at once.
    const extra = await joinClass(s.port, s.code, 'Extra 1');
    const x = Buffer.alloc(784, 7).toString('base64');
    assert.equal((await api(s.port, 'POST', 'dibujos', { token: extra, json: { dibujos: [{ x, etiqueta: 3 }] } })).status, 201);
    await teacher.waitForSelector('[data-testid="aula-gallery-total"][data-count="1"]');
    await teacher.getByTestId('aula-delete').click();
    await teacher.getByTestId('aula-delete-confirm').click();
    await teacher.waitForSelector('[data-testid="aula-groups-total"][data-count="0"]');
    await teacher.waitForSelector('[data-testid="aula-gallery-total"][data-count="0"]');
    assert.equal(await teacher.getByTestId('aula-groups-row').count(), 0);
  });
});
