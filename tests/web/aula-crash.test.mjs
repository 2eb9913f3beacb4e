// aula-crash.test.mjs: the class store survives a crash. Students answer at full speed; the
// server is killed (SIGKILL: no chance to flush anything) in the middle; every answer it
// acknowledged is in the store, which passes SQLite's integrity check, and the restarted
// server takes the students' tokens and the teacher's key as before (their pages rejoin
// by themselves). The same for the drawings students send to the class set and the Práctica
// experiments they post.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { leerNpz } from '../../web/js/leccion/ensena-npz.js';
import { api, joinClass, lessonRoot, startClass } from './aula.mjs';

const Database = createRequire(import.meta.url)('better-sqlite3');
const QUESTIONS = Array.from({ length: 20 }, (_, i) => `question-q${i}`);

let dir;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'convaula-crash-')); });
after(() => rm(dir, { recursive: true, force: true }));

test('kill -9 mid-load loses no acknowledged answer; a restart rejoins everyone', async () => {
  const root = await lessonRoot(join(dir, 'root'), QUESTIONS);
  const data = join(dir, 'data');
  const s = await startClass({ root, data });
  const tokens = [];
  for (let i = 0; i < 10; i++) tokens.push(await joinClass(s.port, s.code, `Alumno ${i}`));

  const acked = [];  // [n, token, question, answer]
  let killed = false;
  const exited = new Promise((r) => s.child.on('exit', r));
  const student = async (token, k) => {
    for (const question of QUESTIONS) {
      if (killed) return;
      const answer = `r${k}-${question}`;
      const r = await api(s.port, 'POST', 'respuestas', { token, json: { pregunta: question, respuesta: answer, correcta: k % 2 === 0 } })
        .catch(() => null);  // cut by the kill: not acknowledged
      if (r?.status === 201) acked.push([r.body.n, token, question, answer]);
      if (acked.length >= 60 && !killed) {
        killed = true;
        s.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(tokens.map(student));
  assert.ok(killed, `killed mid-load (acknowledged ${acked.length})`);
  await exited;

  const db = new Database(join(data, 'aula.sqlite'));
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  const stored = db.prepare('SELECT n, question, answer FROM answers').all();
  db.close();
  const byN = new Map(stored.map((r) => [r.n, r]));
  for (const [n, , question, answer] of acked) assert.deepEqual(byN.get(n), { n, question, answer }, `answer ${n}`);

  const again = await startClass({ root, data });
  try {
    assert.equal(again.key, s.key, 'the teacher\'s URL is the same');
    assert.equal(again.code, s.code, 'the students\' URL is the same');
    for (const token of tokens) assert.equal((await api(again.port, 'GET', 'yo', { token })).status, 200);
    const panel = (await api(again.port, 'GET', 'panel', { key: again.key })).body;
    const total = Object.values(panel.questions).reduce((sum, q) => sum + q.total, 0);
    assert.equal(total, stored.length);
    assert.ok(total >= acked.length);
  } finally {
    again.close();
  }
});

test('kill -9 while students send drawings loses no acknowledged drawing', async () => {
  const root = await lessonRoot(join(dir, 'root-drawings'), QUESTIONS);
  const data = join(dir, 'data-drawings');
  const s = await startClass({ root, data });
  const tokens = [];
  for (let i = 0; i < 10; i++) tokens.push(await joinClass(s.port, s.code, `Alumno ${i}`));
  // Student i's set grows by 10 at each send (each send replaces the last).
  const set = (i, n) => Array.from({ length: n }, (_, k) => ({
    x: Buffer.from(Array.from({ length: 784 }, (_, p) => (i * 37 + k * 11 + p) % 256)).toString('base64'), etiqueta: k % 10 }));
  const acked = new Map();  // student → drawings the last acknowledged send stored
  let sends = 0, killed = false;
  const exited = new Promise((r) => s.child.on('exit', r));
  await Promise.all(tokens.map(async (token, i) => {
    for (let n = 10; n <= 50 && !killed; n += 10) {
      const r = await api(s.port, 'POST', 'dibujos', { token, json: { dibujos: set(i, n) } }).catch(() => null);
      if (r?.status === 201) acked.set(i, r.body.guardados);
      if (++sends >= 20 && !killed) {
        killed = true;
        s.child.kill('SIGKILL');
      }
    }
  }));
  assert.ok(killed);
  await exited;
  const db = new Database(join(data, 'aula.sqlite'));
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  const stored = new Map(db.prepare('SELECT student, count(*) AS n FROM drawings GROUP BY student').all().map((r) => [r.student - 1, r.n]));
  db.close();
  assert.ok(acked.size > 0);
  for (const [i, n] of acked) assert.ok((stored.get(i) ?? 0) >= n, `student ${i}: acknowledged ${n}, stored ${stored.get(i)}`);

  const again = await startClass({ root, data });
  try {
    const npz = await api(again.port, 'GET', 'panel/dibujos.npz', { key: again.key, raw: true });
    const total = [...stored.values()].reduce((a, b) => a + b, 0);
    assert.equal(leerNpz(new Uint8Array(npz.body), unzipSync).y.length, total);
  } finally {
    again.close();
  }
});

test('kill -9 while students post Práctica experiments loses no acknowledged experiment', async () => {
  const root = await lessonRoot(join(dir, 'root-experiments'), QUESTIONS);
  const data = join(dir, 'data-experiments');
  const s = await startClass({ root, data });
  const tokens = [];
  for (let i = 0; i < 10; i++) tokens.push(await joinClass(s.port, s.code, `Alumno ${i}`));
  const experiment = (i, k) => ({ variante: 'sgd', grupo: 'A', base: 'classroom', imagenes: 500,
    epocas: [[1, 0.7, 0.9, 0.75], [0.5, 0.85, 0.45, 0.8 + i / 100 + k / 1000]], exactitud: 0.8, segundos: 10 + k, hilos: 2 });
  const acked = [];  // ids
  let killed = false;
  const exited = new Promise((r) => s.child.on('exit', r));
  await Promise.all(tokens.map(async (token, i) => {
    for (let k = 0; k < 3 && !killed; k++) {  // 3: a student's burst
      const r = await api(s.port, 'POST', 'practica/experimentos', { token, json: experiment(i, k) }).catch(() => null);
      if (r?.status === 201) acked.push(r.body.id);
      if (acked.length >= 15 && !killed) {
        killed = true;
        s.child.kill('SIGKILL');
      }
    }
  }));
  assert.ok(killed, `killed mid-load (acknowledged ${acked.length})`);
  await exited;
  const db = new Database(join(data, 'aula.sqlite'));
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  const stored = new Set(db.prepare('SELECT id FROM experiments').pluck().all());
  db.close();
  for (const id of acked) assert.ok(stored.has(id), `experiment ${id}`);

  const again = await startClass({ root, data });
  try {
    const listed = (await api(again.port, 'GET', 'panel/practica', { key: again.key })).body.experimentos.map((e) => e.id);
    assert.deepEqual(listed.toSorted((a, b) => a - b), [...stored].toSorted((a, b) => a - b));
  } finally {
    again.close();
  }
});
