// aula-api.test.mjs: the class API of serve.mjs --class (Aula en vivo) over loopback, without a
// browser: what a student and the teacher do (join, answer, reveal, new round, delete), and
// each request a class must not be able to break it with, refused with its status and a
// JSON {code, message} while the server goes on answering.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { get, startServer } from './http.mjs';
import { aula as textos } from '../../web/js/textos.js';
import { api, joinClass, lessonRoot, openStream, startClass } from './aula.mjs';

const QUESTIONS = ['question-weights', 'question-shift', 'task-shape'];

describe('aula en vivo: the class API', () => {
  let dir, root, s;
  before(async () => {
    dir = await mkdtemp(joinPath(tmpdir(), 'convaula-aula-'));
    root = await lessonRoot(joinPath(dir, 'root'), QUESTIONS);
  });
  after(async () => {
    s?.close();
    await rm(dir, { recursive: true, force: true });
  });
  // A fresh class (its own data folder) for each test.
  const fresh = async (name, args) => {
    s?.close();
    s = await startClass({ root, data: joinPath(dir, name), args });
    return s;
  };
  const answer = (token, pregunta, respuesta, correcta) =>
    api(s.port, 'POST', 'respuestas', { token, json: { pregunta, respuesta, correcta } });
  const panel = async () => (await api(s.port, 'GET', 'panel', { key: s.key })).body;
  // The server still answers after a refusal.
  const alive = async (token) => assert.equal((await api(s.port, 'GET', 'yo', { token })).status, 200);

  test('a student joins, answers once per question; the teacher sees only counts, live', async () => {
    await fresh('answers');
    const events = [];
    const stream = await openStream(s.port, s.key, (e) => events.push(e));
    const ana = await joinClass(s.port, s.code, 'Zorro 17');
    const bea = await joinClass(s.port, s.code.toLowerCase(), 'Búho 3');
    assert.deepEqual((await api(s.port, 'GET', 'yo', { token: ana })).body, { seudonimo: 'Zorro 17', codigo: s.code });

    const first = await answer(ana, 'question-weights', '9', true);
    assert.equal(first.status, 201);
    assert.equal(first.body.guardada, true);
    // Only the first answer counts: a second try is acknowledged, not stored.
    const again = await answer(ana, 'question-weights', '10', false);
    assert.deepEqual([again.status, again.body.guardada], [200, false]);
    assert.equal((await answer(bea, 'question-weights', '10', false)).status, 201);

    const p = await panel();
    assert.equal(p.students, 2);
    assert.equal(p.codigo, s.code);
    assert.deepEqual(p.questions['question-weights'], {
      round: 1, revealed: false, total: 2, correct: 1,
      answers: [{ answer: '10', correct: false, count: 1 }, { answer: '9', correct: true, count: 1 }],
    });
    assert.ok(!JSON.stringify(p).includes('Zorro'), 'the panel never names who answered');
    // The stream caught up with the last stored answer.
    for (let i = 0; i < 100 && events.at(-1)?.questions['question-weights']?.total !== 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(events.at(-1).questions['question-weights'].total, 2);
    assert.equal(events.at(-1).last, first.body.n + 1);
    stream.close();
  });

  test('the teacher reveals, starts a new round, and deletes the class data', async () => {
    await fresh('teacher');
    const ana = await joinClass(s.port, s.code, 'Lince 8');
    await answer(ana, 'task-shape', '(28, 28, 1)', true);
    const reveal = await api(s.port, 'POST', 'preguntas/mostrar', { key: s.key, json: { pregunta: 'task-shape', mostrada: true } });
    assert.equal(reveal.status, 200);
    assert.equal((await panel()).questions['task-shape'].revealed, true);

    assert.equal((await api(s.port, 'POST', 'preguntas/ronda', { key: s.key, json: { pregunta: 'task-shape' } })).status, 200);
    assert.deepEqual((await panel()).questions['task-shape'], { round: 2, revealed: false, total: 0, correct: 0, answers: [] });
    assert.equal((await answer(ana, 'task-shape', '(28, 28)', false)).status, 201, 'a new round takes a new answer');

    assert.equal((await api(s.port, 'POST', 'borrar', { key: s.key, json: {} })).status, 200);
    const p = await panel();
    assert.equal(p.students, 0);
    assert.deepEqual(p.questions, {});
    assert.equal((await api(s.port, 'GET', 'yo', { token: ana })).status, 401, 'a deleted student must join again');
    // No copy left on disk: not in the database file, not in its write-ahead log.
    for (const f of await readdir(joinPath(dir, 'teacher'))) {
      const bytes = await readFile(joinPath(dir, 'teacher', f));
      assert.equal(bytes.includes('Lince 8'), false, f);
      assert.equal(bytes.includes('(28, 28'), false, f);
    }
  });

  test('each refusal has its status and code, and the server goes on answering', async () => {
    await fresh('refusals');
    const ana = await joinClass(s.port, s.code, 'Zorro 1');
    const bea = await joinClass(s.port, s.code, 'Oso 2');
    const refused = async (r, status, code) => {
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.code, code);
      assert.equal(typeof r.body.message, 'string');
      assert.match(r.headers['content-security-policy'], /default-src 'self'/);
      assert.equal(r.headers['access-control-allow-origin'], undefined);
      await alive(ana);
    };
    const reveal = { pregunta: 'task-shape', mostrada: true };
    await refused(await api(s.port, 'POST', 'preguntas/mostrar', { json: reveal }), 401, 'clave_requerida');
    await refused(await api(s.port, 'POST', 'preguntas/mostrar', { key: `${s.key.slice(0, -1)}x`, json: reveal }), 403, 'clave_incorrecta');
    await refused(await api(s.port, 'POST', 'borrar', { key: ana, json: {} }), 403, 'clave_incorrecta');
    await refused(await api(s.port, 'POST', 'borrar', { token: ana, json: {} }), 401, 'clave_requerida');
    await refused(await api(s.port, 'GET', 'panel/flujo', {}), 401, 'clave_requerida');
    // A made-up token writes nothing; a student's token writes only that student's answer.
    await refused(await answer('A'.repeat(32), 'task-shape', '1', true), 401, 'token_invalido');
    await answer(bea, 'task-shape', 'de Bea', false);
    assert.equal((await answer(ana, 'task-shape', 'de Ana', true)).status, 201, "Bea's answer is not Ana's");

    await refused(await api(s.port, 'POST', 'respuestas', { token: ana, json: '{"pregunta": ' }), 400, 'json_invalido');
    await refused(await api(s.port, 'POST', 'respuestas', { token: ana, json: { pregunta: 'task-shape', respuesta: 'x'.repeat(2000), correcta: true } }), 413, 'demasiado_grande');
    await refused(await api(s.port, 'POST', 'respuestas', { token: ana, json: { pregunta: 'task-shape', respuesta: 'x'.repeat(81), correcta: true } }), 422, 'esquema');
    await refused(await api(s.port, 'POST', 'respuestas', { token: ana, json: { pregunta: 'question-shift', respuesta: '1', correcta: 'sí' } }), 422, 'esquema');
    await refused(await api(s.port, 'POST', 'respuestas', { token: ana, json: { pregunta: 'question-shift', respuesta: '1', correcta: true, alumno: 2 } }), 422, 'esquema');
    await refused(await answer(ana, 'question-nope', '1', true), 404, 'pregunta_desconocida');
    await refused(await api(s.port, 'POST', 'respuestas', { token: ana, json: 'x', headers: { 'Content-Type': 'text/plain' } }), 415, 'tipo_no_json');
    await refused(await api(s.port, 'POST', 'unirse', { json: { codigo: s.code, seudonimo: '<img src=x>' } }), 422, 'esquema');
    await refused(await api(s.port, 'POST', 'unirse', { json: { codigo: 'OTRA', seudonimo: 'Gato 1' } }), 409, 'codigo_distinto');
    await refused(await api(s.port, 'POST', 'unirse', { json: { codigo: s.code, seudonimo: 'Gato 1' }, headers: { Origin: 'http://evil.test' } }), 403, 'otro_origen');
    await refused(await api(s.port, 'GET', 'respuestas', { token: ana }), 405, 'metodo');
    await refused(await api(s.port, 'GET', 'nada', {}), 404, 'no_existe');
  });

  test('a student who answers too fast is slowed down; the others are not', async () => {
    await fresh('rate');
    const ana = await joinClass(s.port, s.code, 'Zorro 1');
    const bea = await joinClass(s.port, s.code, 'Oso 2');
    const statuses = [];
    for (let i = 0; i < 15; i++) statuses.push((await answer(ana, 'question-shift', String(i), false)).status);
    const limited = await answer(ana, 'question-shift', 'x', false);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'demasiadas_peticiones');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.ok(statuses.slice(0, 10).every((st) => st === 201 || st === 200), String(statuses));
    assert.equal((await answer(bea, 'question-shift', '1', true)).status, 201);
  });

  test('a full class refuses the next student; the teacher\'s live views are capped', async () => {
    await fresh('full');
    for (let i = 0; i < 200; i++) await joinClass(s.port, s.code, `Alumno ${i}`);
    const full = await api(s.port, 'POST', 'unirse', { json: { codigo: s.code, seudonimo: 'Uno Más' } });
    assert.equal(full.status, 403);
    assert.equal(full.body.code, 'aula_llena');
    assert.equal((await panel()).students, 200);
    const streams = [];
    for (let i = 0; i < 8; i++) streams.push(await openStream(s.port, s.key, () => {}));
    const more = await api(s.port, 'GET', 'panel/flujo', { key: s.key });
    assert.equal(more.status, 503);
    assert.equal(more.body.code, 'demasiados_flujos');
    streams.forEach((st) => st.close());
    assert.equal((await panel()).students, 200);
  });

  test('the teacher\'s key reaches no --log line and no student', async () => {
    await fresh('log', ['--log']);
    const ana = await joinClass(s.port, s.code, 'Zorro 1');
    await answer(ana, 'question-shift', '1', true);
    await api(s.port, 'POST', 'preguntas/mostrar', { key: s.key, json: { pregunta: 'question-shift', mostrada: true } });
    const me = await api(s.port, 'GET', 'yo', { token: ana });
    await panel();
    assert.ok(!JSON.stringify(me.body).includes(s.key));
    const lines = s.out().split('\n').filter((l) => l.startsWith('log: '));
    assert.ok(lines.some((l) => l.includes('/api/aula/preguntas/mostrar 200')), lines.join('\n'));
    assert.ok(lines.every((l) => !l.includes(s.key)));
  });

  test('without class mode there is no API: /api/ is a missing file', async () => {
    const plain = await startServer({ args: ['--root', root] });
    try {
      const r = await get(plain.port, '/api/aula/panel');
      assert.equal(r.status, 404);
      assert.equal(r.body.toString(), '404\n');
    } finally {
      plain.close();
    }
  });
});

test('every refusal code of the class API has its Spanish message', async () => {
  const codes = [];
  for (const f of ['api.mjs', 'requests.mjs', 'stream.mjs']) {
    const source = await readFile(new URL(`../../server/aula/${f}`, import.meta.url), 'utf8');
    codes.push(...[...source.matchAll(/new ApiError\(\d+, '(\w+)'/g)].map((m) => m[1]));
  }
  assert.ok(codes.length >= 15, `found ${codes.length} codes`);
  assert.deepEqual(codes.filter((code) => typeof textos.errores[code] !== 'string'), []);
});
