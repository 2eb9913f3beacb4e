#!/usr/bin/env node
// aula-carga.mjs: a bounded load test of Aula en vivo (scripts/serve.mjs --class) on loopback:
// N students (30 by default) for S seconds (60) with the teacher's live stream open. Each
// joins, answers every lesson question at an even pace over the run (a wrong first answer
// now and then is followed by a second try, which the server acknowledges but does not
// keep), reloads its page half-way (the page, then rejoining with its token), and sends its
// drawings to the class set 5 times over the run (10, 20, … 50: each send replaces the last).
// Prints the answers acknowledged, stored and counted on the stream (lost = acknowledged but
// missing: must be 0), the latency from sending an answer to the stream showing it (p50/p99),
// the drawings acknowledged, stored and in the teacher's .npz download and the send latency,
// the server's resident memory, the CPU model and the load. Figures, not a pass/fail test.
//
//   node bench/aula-carga.mjs [--students 30] [--seconds 60]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { get } from '../tests/web/http.mjs';
import { leerNpz } from '../web/js/leccion/ensena-npz.js';
import { api, joinClass, openStream, startClass } from '../tests/web/aula.mjs';
import { cpuModel, loadAverage } from './machine.mjs';

const Database = createRequire(import.meta.url)('better-sqlite3');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const STUDENTS = Number(option('--students', 30));
const DRAWINGS = 50;  // per student, sent in 5 growing sets
const SECONDS = Number(option('--seconds', 60));
const WEB = fileURLToPath(new URL('../web', import.meta.url));  // the lesson's code names the questions

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs, q) => xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const rssMiB = async (pid) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)[1]);
  return { now: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
};

const dir = await mkdtemp(join(tmpdir(), 'convaula-aula-carga-'));
const s = await startClass({ root: WEB, data: join(dir, 'data') });
try {
  const { preguntas_conocidas: questions } = (await api(s.port, 'GET', 'panel', { key: s.key })).body;
  const arrivals = [];  // [last answer included, time] per stream event, in order
  let streamed = 0, streamTotal = 0;
  const stream = await openStream(s.port, s.key, (summary) => {
    arrivals.push([summary.last, performance.now()]);
    streamed = Math.max(streamed, summary.last);
    streamTotal = Object.values(summary.questions).reduce((sum, q) => sum + q.total, 0);
  });

  const acked = [], sentAt = new Map(), refused = [];  // sentAt: n → time the answer was sent
  let seconds = 0, reloads = 0;
  const post = async (token, question, answer, correct) => {
    const t0 = performance.now();
    const r = await api(s.port, 'POST', 'respuestas', { token, json: { pregunta: question, respuesta: answer, correcta: correct } });
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
  const drawn = new Map(), drawingLatency = [], drawingRefused = [];
  const sendDrawings = async (i, token, n) => {
    const t0 = performance.now();
    const dibujos = Array.from({ length: n }, (_, k) => ({ x: drawing(i, k), etiqueta: k % 10 }));
    const r = await api(s.port, 'POST', 'dibujos', { token, json: { dibujos } });
    if (r.status === 201) {
      drawingLatency.push(performance.now() - t0);
      drawn.set(i, r.body.guardados);
    } else {
      drawingRefused.push(`${r.status} ${r.body.code}`);
    }
  };
  const sendsAt = [0, 2, 4, 6, 8].map((v) => Math.floor((v * questions.length) / 10));
  const gap = (SECONDS * 1000) / questions.length;
  const student = async (i) => {
    await sleep(Math.random() * gap);
    const token = await joinClass(s.port, s.code, `Alumno ${i}`);
    for (const [k, question] of questions.entries()) {
      if (k === Math.floor(questions.length / 2)) {
        await get(s.port, '/');  // the reload: the page, then the token rejoins
        if ((await api(s.port, 'GET', 'yo', { token })).status === 200) reloads++;
      }
      if (sendsAt.includes(k)) await sendDrawings(i, token, (DRAWINGS / 5) * (sendsAt.indexOf(k) + 1));
      const wrong = Math.random() < 0.3;
      await post(token, question, wrong ? 'otra' : 'la buena', !wrong);
      if (wrong) await post(token, question, 'la buena', true);
      await sleep(gap * (0.8 + 0.4 * Math.random()));
    }
  };
  let rss = await rssMiB(s.child.pid);
  const sampler = setInterval(async () => { rss = await rssMiB(s.child.pid).catch(() => rss); }, 1000);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: STUDENTS }, (_, i) => student(i)));
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
  db.close();
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
  console.log(`  server RSS: ${rss.now.toFixed(1)} MiB now, ${rss.peak.toFixed(1)} MiB peak`);
  console.log(`  CPU: ${cpu} × ${cpus().length}; load average ${loadAverage()}`);
} finally {
  s.close();
  await rm(dir, { recursive: true, force: true });
}
