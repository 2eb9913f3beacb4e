// aula-live.test.mjs: Aula en vivo in Debian's Chromium, on loopback only. The teacher's panel
// on the projector and three students (one a phone, by touch) who join through the page at a
// non-loopback name (aula.test, mapped to 127.0.0.1) and answer a question: the panel counts
// three answers before "Mostrar respuestas" shows which one was right; a student's reload
// keeps the pseudonym; a new round and deleting the class data. And the page without a class
// makes no /api/ request at all.
// Screenshots go to build/artifacts/aula-live/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IDLE, READY, startServer } from './harness.mjs';
import { answerQuestion, visit } from './acts.mjs';
import { DIST, api, openClass, startClass } from './aula.mjs';
import { axeAudit } from './axe.mjs';

const ARTIFACTS = fileURLToPath(new URL('../../build/artifacts/aula-live/', import.meta.url));
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

// A context whose pages may reach only the class server (127.0.0.1, or aula.test mapped to
// it); `apiCalls` collects every request to /api/.
async function watchedContext(browser, options = {}) {
  const context = await browser.newContext(options);
  const outside = [], apiCalls = [], errors = [];
  await context.route((u) => !['127.0.0.1', 'aula.test'].includes(u.hostname), (route) => {
    outside.push(route.request().url());
    return route.abort();
  });
  context.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) apiCalls.push(r.url()); });
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(String(err)));
  return { context, page, outside, apiCalls, errors };
}

describe('aula en vivo in the browser', () => {
  let dir, browser, s, live;
  before(async () => ({ dir, browser, server: s } = live = await openClass(ARTIFACTS)));
  after(() => live?.close());

  test('three students join and answer; the panel counts, then reveals; a reload keeps the pseudonym', async () => {
    const teacher = await watchedContext(browser, { viewport: { width: 1920, height: 1080 } });
    await teacher.page.goto(`http://127.0.0.1:${s.port}/aula.html#clave=${s.key}`);
    assert.equal(new URL(teacher.page.url()).hash, '', 'the key leaves the address bar');
    await teacher.page.waitForSelector('[data-testid="aula-panel-connection"][data-state="live"]');
    assert.match(await teacher.page.getByTestId('aula-panel-code').textContent(), new RegExp(s.code));
    assert.equal(await teacher.page.getByTestId('aula-panel-qr').getAttribute('data-url'), `http://127.0.0.1:${s.port}/?aula=${s.code}`);

    const students = [await watchedContext(browser), await watchedContext(browser), await watchedContext(browser, PHONE)];
    const url = `http://aula.test:${s.port}/?aula=${s.code}`;
    const names = [];
    for (const [i, st] of students.entries()) {
      await st.page.goto(url);
      await st.page.getByTestId('aula-join').waitFor();
      const suggested = await st.page.getByTestId('aula-pseudonym').inputValue();
      assert.match(suggested, /^\p{L}+ \d{1,2}$/u, 'an animal and a number');
      if (i === 2) {
        await st.page.screenshot({ path: join(ARTIFACTS, 'phone-join.png') });
        assert.deepEqual(await axeAudit(st.page), [], 'WCAG 2.1 AA with the join form');
        await st.page.getByTestId('aula-join-button').tap();
      } else {
        await st.page.getByTestId('aula-join-button').click();
      }
      await st.page.waitForSelector('[data-testid="aula-status"][data-state="joined"]');
      names.push(await st.page.getByTestId('aula-join').getAttribute('data-pseudonym'));
      assert.equal(await st.page.getByTestId('aula-join-button').isVisible(), false, 'joined: the form goes away');
      assert.equal(names[i], suggested);
    }
    await students[2].page.screenshot({ path: join(ARTIFACTS, 'phone-joined.png') });
    await teacher.page.waitForSelector('[data-testid="aula-panel-joined"][data-count="3"]');

    // Two right answers (option 0) and one wrong (option 2, 1.800).
    for (const [i, st] of students.entries()) {
      await visit(st.page, 'convolucion', { ready: false });
      const r = await answerQuestion(st.page, 'question-uniform', { option: i === 1 ? 2 : 0 });
      assert.equal(r.right, i !== 1);
    }
    const card = teacher.page.getByTestId('aula-question-question-uniform');
    await teacher.page.waitForSelector('[data-testid="aula-question-question-uniform"][data-total="3"]', { timeout: 30_000 });
    assert.equal(await card.getAttribute('data-revealed'), 'false');
    assert.equal(await card.getByTestId('aula-bar').count(), 0, 'no answer on the projector before "Mostrar respuestas"');
    assert.equal(await card.getByTestId('aula-histogram').isVisible(), false);

    await card.getByTestId('aula-reveal').click();
    await teacher.page.waitForSelector('[data-testid="aula-question-question-uniform"][data-revealed="true"] [data-testid="aula-bar"]');
    const bars = await card.getByTestId('aula-bar').evaluateAll((els) => els.map((e) => ({ ...e.dataset })));
    const right = await students[0].page.getByTestId('question-uniform').locator('label').first().textContent();
    assert.deepEqual(bars.map((b) => [b.count, b.correct]), [['2', 'true'], ['1', 'false']]);
    assert.equal(bars[0].answer, right.trim());
    const panelText = await teacher.page.locator('body').textContent();
    for (const name of names) assert.ok(!panelText.includes(name), 'the projector never names a student');
    await teacher.page.screenshot({ path: join(ARTIFACTS, 'panel-1920x1080.png') });
    assert.deepEqual(await axeAudit(teacher.page), [], 'WCAG 2.1 AA on the panel');

    // A reload rejoins as the same student, without a new join.
    await students[0].page.reload();
    await students[0].page.waitForSelector('[data-testid="aula-status"][data-state="joined"]');
    assert.equal(await students[0].page.getByTestId('aula-join-button').isVisible(), false);
    assert.equal(await students[0].page.getByTestId('aula-join').getAttribute('data-pseudonym'), names[0]);
    assert.equal(await teacher.page.getByTestId('aula-panel-joined').getAttribute('data-count'), '3');

    // "Nueva ronda" clears the question; "Borrar los datos del aula" (after a confirmation)
    // empties the class, and a student's next answer brings the join form back, in Spanish.
    await card.getByTestId('aula-new-round').click();
    await teacher.page.waitForSelector('[data-testid="aula-question-question-uniform"][data-total="0"][data-revealed="false"]');
    await teacher.page.getByTestId('aula-delete').click();
    await teacher.page.getByTestId('aula-delete-confirm').click();
    await teacher.page.waitForSelector('[data-testid="aula-panel-joined"][data-count="0"]');
    assert.equal(await card.count(), 0);
    await answerQuestion(students[1].page, 'question-uniform', { option: 0 });
    await students[1].page.waitForSelector('[data-testid="aula-status"][data-state="error"]');
    assert.match(await students[1].page.getByTestId('aula-status').textContent(), /borrado los datos del aula/);
    assert.equal(await students[1].page.getByTestId('aula-join-button').isVisible(), true);

    for (const c of [teacher, ...students]) {
      assert.deepEqual(c.outside, [], 'nothing leaves the class server');
      assert.deepEqual(c.errors, []);
      await c.context.close();
    }
  });

  test('after a crash (kill -9) and a restart, a student\'s page sends its answer and rejoins by itself', async () => {
    const data = join(dir, 'crash');
    const first = await startClass({ root: DIST, data });
    const st = await watchedContext(browser);
    let again;
    try {
      await st.page.goto(`http://aula.test:${first.port}/?aula=${first.code}`);
      await st.page.getByTestId('aula-join-button').click();
      await st.page.waitForSelector('[data-testid="aula-status"][data-state="joined"]');
      const name = await st.page.getByTestId('aula-join').getAttribute('data-pseudonym');
      // The section's code is loaded before the server goes (sections load when scrolled to).
      await visit(st.page, 'convolucion');
      const exited = new Promise((r) => first.child.on('exit', r));
      first.child.kill('SIGKILL');
      await exited;
      // Answered while the server is down: the page keeps the answer and tries again.
      await answerQuestion(st.page, 'question-uniform', { option: 0 });
      again = await startClass({ root: DIST, data, port: first.port });
      let total = 0;
      for (let i = 0; i < 300 && total !== 1; i++) {
        await new Promise((r) => setTimeout(r, 100));
        total = (await api(again.port, 'GET', 'panel', { key: again.key })).body.questions['question-uniform']?.total ?? 0;
      }
      assert.equal(total, 1, 'the answer sent while the server was down arrived');
      await st.page.reload();
      await st.page.waitForSelector('[data-testid="aula-status"][data-state="joined"]');
      assert.equal(await st.page.getByTestId('aula-join').getAttribute('data-pseudonym'), name);
      assert.equal((await api(again.port, 'GET', 'panel', { key: again.key })).body.students, 1);
    } finally {
      await st.context.close();
      again?.close();
    }
  });

  test('a page opened without ?aula= has no live control and asks nothing of /api/', async () => {
    const plain = await startServer();
    try {
      for (const base of [plain.url, `http://127.0.0.1:${s.port}/`]) {
        const st = await watchedContext(browser);
        await st.page.goto(base);
        await st.page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
        await visit(st.page, 'convolucion', { ready: false });
        await answerQuestion(st.page, 'question-uniform', { option: 0 });
        assert.equal(await st.page.getByTestId('aula-join').count(), 0);
        assert.deepEqual(st.apiCalls, [], base);
        await st.context.close();
      }
    } finally {
      plain.close();
    }
  });
});
