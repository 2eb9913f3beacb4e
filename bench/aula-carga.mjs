#!/usr/bin/env node
// aula-carga.mjs: a bounded load test of Aula en vivo (scripts/serve.mjs --class) on loopback:
// N students (30 by default) for S seconds (60) with the teacher's live stream open. Each
// joins, answers every lesson question at an even pace over the run (a wrong first answer
// now and then is followed by a second try, which the server acknowledges but does not
// keep), reloads its page half-way (the page, then rejoining with its token), and sends its
// drawings to the class set 5 times over the run (10, 20, … 50: each send replaces the last)
// and 2 finished Práctica experiments (at a third and two thirds of the run). Half-way the server
// is killed (SIGKILL) and started again on the same port and data: a request it could not answer
// is sent again until it is (as the pages do); everything it acknowledged before the kill must
// still be there after the restart.
// Prints the answers acknowledged, stored and counted on the stream (lost = acknowledged but
// missing: must be 0), the latency from sending an answer to the stream showing it (p50/p99),
// the drawings acknowledged, stored and in the teacher's .npz download, the experiments
// acknowledged, stored, in the teacher's list and CSV, the send latencies, what survived the
// kill, the server's resident memory, the CPU model and the load. Figures, not a pass/fail test.
//
//   node bench/aula-carga.mjs [--students 30] [--seconds 60] [--no-kill]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { get } from '../tests/web/http.mjs';
import { leerNpz } from '../web/js/leccion/ensena-npz.js';
import { api, openStream, startClass } from '../tests/web/aula.mjs';
import { cpuModel, loadAverage } from './machine.mjs';

const Database = createRequire(import.meta.url)('better-sqlite3');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const STUDENTS = Number(option('--students', 30));
const DRAWINGS = 50;  // per student, sent in 5 growing sets
const SECONDS = Number(option('--seconds', 60));
const KILL = !args.includes('--no-kill');
const WEB = fileURLToPath(new URL('../web', import.meta.url));  // the lesson's code names the questions

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs, q) => xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const rssMiB = async (pid) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)[1]);
  return { now: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
};

const dir = await mkdtemp(join(tmpdir(), 'convaula-aula-carga-'));
let s = await startClass({ root: WEB, data: join(dir, 'data') });
// A request the server could not answer (killed, restarting) is sent again, as the pages do.
const send = async (method, path, opts) => {
  for (;;) {
    const r = await api(s.port, method, path, opts).catch(() => null);
    if (r) return r;
    await sleep(200);
  }
};
try {
  const { preguntas_conocidas: questions } = (await api(s.port, 'GET', 'panel', { key: s.key })).body;
  const arrivals = [];  // [last answer included, time] per stream event, in order
  let streamed = 0, streamTotal = 0;
  const onSummary = (summary) => {
    arrivals.push([summary.last, performance.now()]);
    streamed = Math.max(streamed, summary.last);
    streamTotal = Object.values(summary.questions).reduce((sum, q) => sum + q.total, 0);
  };
  let stream = await openStream(s.port, s.key, onSummary);

  const acked = [], sentAt = new Map(), refused = [];  // sentAt: n → time the answer was sent
  let seconds = 0, reloads = 0;
  const post = async (token, question, answer, correct) => {
    const t0 = performance.now();
    const r = await send('POST', 'respuestas', { token, json: { pregunta: question, respuesta: answer, correcta: correct } });
    if (r.status === 201) {
      acked.push(r.body.n);
      sentAt.set(r.body.n, t0);
    } else if (r.status === 200) {
      seconds++;
    } else {
      refused.push(`${r.status} ${r.body.code}`);
    }
  };
  // Drawings: student i's k-th drawing, distinct bytes; `drawn` holds each student's last acknowledged count.
  const drawing = (i, k) => Buffer.from(Array.from({ length: 784 }, (_, p) => (i * 37 + k * 11 + p) % 256)).toString('base64');
  const drawn = new Map(), drawnAt = new Map(), drawingLatency = [], drawingRefused = [];
  // Experiments: student i's k-th, a short run of 2 epochs; `ran` holds [id, time acknowledged].
  const experiment = (i, k) => ({ variante: ['base', 'sgd', 'sigmoide', 'dropout'][i % 4], grupo: 'ABCD'[i % 4], base: 'classroom',
    imagenes: 500, epocas: [[1.1, 0.62, 0.8, 0.74 + k / 100], [0.5, 0.85, 0.45, 0.86 + i / 1000]], exactitud: 0.8 + i / 1000 + k / 100,
    segundos: 20 + i, hilos: 2 });
  const ran = [], experimentLatency = [], experimentRefused = [];
  const sendExperiment = async (i, token, k) => {
    const t0 = performance.now();
    const r = await send('POST', 'practica/experimentos', { token, json: experiment(i, k) });
    if (r.status === 201 || r.status === 200) {  // 200: a resend after the kill, kept once
      experimentLatency.push(performance.now() - t0);
      if (!ran.some(([id]) => id === r.body.id)) ran.push([r.body.id, performance.now()]);
    } else {
      experimentRefused.push(`${r.status} ${r.body.code}`);
    }
  };
  const runsAt = [1, 2].map((v) => Math.floor((v * questions.length) / 3));
  const sendDrawings = async (i, token, n) => {
    const t0 = performance.now();
    const dibujos = Array.from({ length: n }, (_, k) => ({ x: drawing(i, k), etiqueta: k % 10 }));
    const r = await send('POST', 'dibujos', { token, json: { dibujos } });
    if (r.status === 201) {
      drawingLatency.push(performance.now() - t0);
      drawn.set(i, r.body.guardados);
      drawnAt.set(i, performance.now());
    } else {
      drawingRefused.push(`${r.status} ${r.body.code}`);
    }
  };
  const sendsAt = [0, 2, 4, 6, 8].map((v) => Math.floor((v * questions.length) / 10));
  const gap = (SECONDS * 1000) / questions.length;
  const student = async (i) => {
    await sleep(Math.random() * gap);
    const token = (await send('POST', 'unirse', { json: { codigo: s.code, seudonimo: `Alumno ${i}` } })).body.token;
    for (const [k, question] of questions.entries()) {
      if (k === Math.floor(questions.length / 2)) {
        await get(s.port, '/').catch(() => null);  // the reload: the page, then the token rejoins
        if ((await send('GET', 'yo', { token })).status === 200) reloads++;
      }
      if (sendsAt.includes(k)) await sendDrawings(i, token, (DRAWINGS / 5) * (sendsAt.indexOf(k) + 1));
      if (runsAt.includes(k)) await sendExperiment(i, token, runsAt.indexOf(k));
      const wrong = Math.random() < 0.3;
      await post(token, question, wrong ? 'otra' : 'la buena', !wrong);
      if (wrong) await post(token, question, 'la buena', true);
      await sleep(gap * (0.8 + 0.4 * Math.random()));
    }
  };
  const t0 = performance.now();
  let rss = await rssMiB(s.child.pid);
  const sampler = setInterval(async () => { rss = await rssMiB(s.child.pid).catch(() => rss); }, 1000);
  // Half-way: kill -9, then the same server again; what it had acknowledged must all be there.
  let survived = null;
  const killer = KILL && (async () => {
    await sleep((SECONDS * 1000) / 2);
    const killedAt = performance.now();
    const before = { answers: [...acked], drawings: new Map([...drawn].filter(([i]) => drawnAt.get(i) < killedAt)),
      experiments: ran.map(([id]) => id) };
    const exited = new Promise((r) => s.child.on('exit', r));
    s.child.kill('SIGKILL');
    await exited;
    stream.close();
    const t = performance.now();
    s = await startClass({ root: WEB, data: join(dir, 'data'), port: s.port });
    const down = performance.now() - t;
    stream = await openStream(s.port, s.key, onSummary);
    const db = new Database(join(dir, 'data', 'aula.sqlite'), { readonly: true });
    const answers = new Set(db.prepare('SELECT n FROM answers').pluck().all());
    const drawings = new Map(db.prepare('SELECT student, count(*) AS n FROM drawings WHERE removed = 0 GROUP BY student').all().map((r) => [r.student, r.n]));
    const experiments = new Set(db.prepare('SELECT id FROM experiments').pluck().all());
    const ids = new Map(db.prepare('SELECT id, pseudonym FROM students').all().map((r) => [r.pseudonym, r.id]));
    db.close();
    survived = {
      down,
      answers: [before.answers.length, before.answers.filter((n) => answers.has(n)).length],
      drawings: [[...before.drawings.values()].reduce((a, b) => a + b, 0),
        [...before.drawings].reduce((a, [i, n]) => a + Math.min(n, drawings.get(ids.get(`Alumno ${i}`)) ?? 0), 0)],
      experiments: [before.experiments.length, before.experiments.filter((id) => experiments.has(id)).length],
    };
  })();
  await Promise.all([...Array.from({ length: STUDENTS }, (_, i) => student(i)), killer]);
  const wall = (performance.now() - t0) / 1000;
  for (let i = 0; i < 100 && streamed < Math.max(0, ...acked); i++) await sleep(50);
  clearInterval(sampler);
  rss = await rssMiB(s.child.pid);
  stream.close();

  const npz = await api(s.port, 'GET', 'panel/dibujos.npz', { key: s.key, raw: true });
  const downloaded = leerNpz(new Uint8Array(npz.body), unzipSync).y.length;
  const db = new Database(join(dir, 'data', 'aula.sqlite'), { readonly: true });
  const storedN = new Set(db.prepare('SELECT n FROM answers').pluck().all());
  const storedDrawings = db.prepare('SELECT count(*) FROM drawings WHERE removed = 0').pluck().get();
  const storedExperiments = new Set(db.prepare('SELECT id FROM experiments').pluck().all());
  db.close();
  const listed = new Set((await api(s.port, 'GET', 'panel/practica', { key: s.key })).body.experimentos.map((e) => e.id));
  const csvRows = (await api(s.port, 'GET', 'panel/practica.csv', { key: s.key, raw: true })).body.toString('utf8').trimEnd().split('\r\n').length - 1;
  // An answer reaches the stream with the first event whose summary includes it (its ack may
  // come back after that event).
  const latencies = acked.map((n) => arrivals.find(([last]) => last >= n)?.[1] - sentAt.get(n)).filter(Number.isFinite);
  const lost = acked.filter((n) => !storedN.has(n)).length;
  const cpu = cpuModel();
  console.log(`aula-carga: ${STUDENTS} students, ${questions.length} questions, ${wall.toFixed(1)} s, teacher stream open`);
  console.log(`  answers: acknowledged ${acked.length}, stored ${storedN.size}, on the stream ${streamTotal}, lost ${lost}; second tries not kept ${seconds}; refused ${refused.length}${refused.length ? ` (${[...new Set(refused)].join(', ')})` : ''}`);
  console.log(`  reloads rejoined: ${reloads} of ${STUDENTS}`);
  console.log(`  answer → stream latency: p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms (${latencies.length} answers)`);
  const drawingsAcked = [...drawn.values()].reduce((a, b) => a + b, 0);
  console.log(`  drawings: acknowledged ${drawingsAcked}, stored ${storedDrawings}, in the .npz ${downloaded}, lost ${drawingsAcked - Math.min(storedDrawings, downloaded)}; refused ${drawingRefused.length}${drawingRefused.length ? ` (${[...new Set(drawingRefused)].join(', ')})` : ''}`);
  console.log(`  drawings send latency (10 to 50 drawings a send): p50 ${quantile(drawingLatency, 0.5).toFixed(1)} ms, p99 ${quantile(drawingLatency, 0.99).toFixed(1)} ms (${drawingLatency.length} sends)`);
  const experimentsLost = ran.filter(([id]) => !storedExperiments.has(id) || !listed.has(id)).length;
  console.log(`  experiments: acknowledged ${ran.length}, stored ${storedExperiments.size}, in the list ${listed.size}, in the CSV ${csvRows}, lost ${experimentsLost}; refused ${experimentRefused.length}${experimentRefused.length ? ` (${[...new Set(experimentRefused)].join(', ')})` : ''}`);
  const lastAck = (Math.max(...drawnAt.values(), ...ran.map(([, t]) => t)) - t0) / 1000;
  console.log(`  the last drawing or experiment acknowledged ${lastAck.toFixed(1)} s after the start`);
  console.log(`  experiment send latency: p50 ${quantile(experimentLatency, 0.5).toFixed(1)} ms, p99 ${quantile(experimentLatency, 0.99).toFixed(1)} ms (${experimentLatency.length} sends)`);
  if (survived) {
    const kept = (name, [before, there]) => `${name} ${there} of ${before}`;
    console.log(`  kill -9 half-way, restarted in ${survived.down.toFixed(0)} ms; acknowledged before the kill and still there: ${kept('answers', survived.answers)}, ${kept('drawings', survived.drawings)}, ${kept('experiments', survived.experiments)}`);
  }
  console.log(`  server RSS (the restarted server's if killed): ${rss.now.toFixed(1)} MiB now, ${rss.peak.toFixed(1)} MiB peak`);
  console.log(`  CPU: ${cpu} × ${cpus().length}; load average ${loadAverage()}`);
} finally {
  s.close();
  await rm(dir, { recursive: true, force: true });
}
