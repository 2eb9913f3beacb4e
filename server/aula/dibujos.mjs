// dibujos.mjs: the class's set of handwritten digits. A joined student sends the drawings of
// «Enséñale a la red» (28 × 28 bytes and a label each) and can withdraw them; the teacher sees
// them all, removes one (a joke, a wrong label: removed for everyone, and a later send of the
// same drawing does not bring it back) and downloads the set as .npz.
//
//   GET  /api/aula/dibujos                     student: {n} how many of theirs the class keeps
//   POST /api/aula/dibujos                     student: {dibujos: [{x, etiqueta}]} replaces theirs → 201 {guardados, quitados}
//   POST /api/aula/dibujos/retirar             student: {} → {retirados}
//   GET  /api/aula/dibujos.npz                 student: the class's set as the teacher downloads it (no student in it)
//   GET  /api/aula/panel/dibujos               teacher: {alumnos: [{id, seudonimo, n}], dibujos: [{id, alumno, etiqueta, x}]}
//   POST /api/aula/panel/dibujos/quitar        teacher: {id}
//   GET  /api/aula/panel/dibujos.npz           teacher: the set, x (N, 28, 28) uint8 and y (N,) uint8
//
// x is the drawing's 784 bytes in base64. The .npz holds only the drawings and their labels, in
// the order of the teacher's gallery (by label, then as sent), so a student fine-tuning on the
// class's set («Enséñale a la red») learns nobody's pseudonym. Drawings live in the class's SQLite file (store.mjs),
// with their student: deleting the class data deletes them.
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { escribirNpz } from '../../web/js/leccion/ensena-npz.js';
import { ApiError, readJson, validate } from './requests.mjs';

export const DRAWING_LIMITS = { perStudent: 200, perClass: 10_000, body: 256 * 1024, burst: 5, perSecond: 0.5 };
const PIXELS = 784;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS drawings (
    id INTEGER PRIMARY KEY, student INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    label INTEGER NOT NULL, pixels BLOB, hash TEXT NOT NULL, removed INTEGER NOT NULL DEFAULT 0,
    at INTEGER NOT NULL, UNIQUE (student, hash));
`;

/** The drawings' table in the store's database `db`; returns its operations. */
export function openDrawings(db) {
  db.exec(SCHEMA);
  const q = {
    count: db.prepare('SELECT count(*) FROM drawings WHERE removed = 0').pluck(),
    countOf: db.prepare('SELECT count(*) FROM drawings WHERE removed = 0 AND student = ?').pluck(),
    withdraw: db.prepare('DELETE FROM drawings WHERE removed = 0 AND student = ?'),
    add: db.prepare(`INSERT INTO drawings (student, label, pixels, hash, at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (student, hash) DO NOTHING`),
    remove: db.prepare('UPDATE drawings SET removed = 1, pixels = NULL WHERE id = ? AND removed = 0'),
    all: db.prepare('SELECT id, student, label, pixels FROM drawings WHERE removed = 0 ORDER BY label, id'),
    perStudent: db.prepare(`SELECT s.id, s.pseudonym, count(d.id) AS n FROM students s
      JOIN drawings d ON d.student = s.id AND d.removed = 0 GROUP BY s.id ORDER BY s.id`),
  };
  let changes = Date.now();  // differs after each change, and across restarts
  const changed = () => { changes += 1; };
  return {
    count: () => q.count.get(),
    countOf: (student) => q.countOf.get(student),
    summary: () => ({ total: q.count.get(), cambios: changes }),
    /** Replaces the student's drawings by `list` ([{label, pixels: Buffer}]): {stored, skipped}. */
    replace: db.transaction((student, list) => {
      q.withdraw.run(student);
      let stored = 0;
      const at = Date.now();
      for (const d of list) {
        const hash = createHash('sha256').update(d.pixels).update(Buffer.from([d.label])).digest('hex');
        stored += q.add.run(student, d.label, d.pixels, hash, at).changes;
      }
      changed();
      return { stored, skipped: list.length - stored };
    }),
    withdraw(student) {
      const n = q.withdraw.run(student).changes;
      changed();
      return n;
    },
    remove(id) {
      const found = q.remove.run(id).changes === 1;
      if (found) changed();
      return found;
    },
    all: () => q.all.all(),
    students: () => q.perStudent.all(),
  };
}

// {dibujos: [{x, etiqueta}]}: 1 to `max` drawings of 784 bytes (base64) and a label 0–9.
function checkDrawings(body, max) {
  const bad = (why) => new ApiError(422, 'esquema', `dibujos: ${why}`);
  const { dibujos } = validate(body, { dibujos: { type: 'object' } });
  if (!Array.isArray(dibujos) || dibujos.length === 0) throw bad('expected a non-empty array');
  if (dibujos.length > max) throw new ApiError(422, 'dibujos_demasiados', `at most ${max} drawings per student`);
  return dibujos.map((d, i) => {
    if (typeof d !== 'object' || d === null || Object.keys(d).sort().join() !== 'etiqueta,x') throw bad(`${i}: expected {x, etiqueta}`);
    if (!Number.isInteger(d.etiqueta) || d.etiqueta < 0 || d.etiqueta > 9) throw bad(`${i}: etiqueta must be 0 to 9`);
    const pixels = typeof d.x === 'string' ? Buffer.from(d.x, 'base64') : null;
    if (!pixels || pixels.length !== PIXELS || pixels.toString('base64') !== d.x) throw bad(`${i}: x must be ${PIXELS} bytes in base64`);
    return { label: d.etiqueta, pixels };
  });
}

/**
 * The routes above, for api.mjs: {'METHOD path': async (req, res)}. `ctx` gives the API's
 * student(req), teacher(req), send(req, res, status, body, headers), changed() and a rate limit.
 */
export function drawingRoutes({ drawings, student, teacher, send, changed, rate, limits = DRAWING_LIMITS }) {
  function sendNpz(req, res) {
    const all = drawings.all();
    const x = new Uint8Array(all.length * PIXELS), y = new Uint8Array(all.length);
    all.forEach((d, i) => { x.set(d.pixels, i * PIXELS); y[i] = d.label; });
    const bytes = escribirNpz(x, y, zipSync);
    send(req, res, 200, bytes, { 'Content-Type': 'application/zip', 'Content-Disposition': 'attachment; filename="clase.npz"' });
  }
  return {
    'GET dibujos': async (req, res) => send(req, res, 200, { n: drawings.countOf(student(req).id) }),
    'POST dibujos': async (req, res) => {
      const who = student(req);
      rate.take(who.id);
      const list = checkDrawings(await readJson(req, limits.body), limits.perStudent);
      const others = drawings.count() - drawings.countOf(who.id);
      if (others + list.length > limits.perClass) throw new ApiError(507, 'conjunto_lleno', `at most ${limits.perClass} drawings per class`);
      const r = drawings.replace(who.id, list);
      changed();
      send(req, res, 201, { guardados: r.stored, quitados: r.skipped });
    },
    'POST dibujos/retirar': async (req, res) => {
      const who = student(req);
      validate(await readJson(req), {});
      const n = drawings.withdraw(who.id);
      changed();
      send(req, res, 200, { retirados: n });
    },
    'GET panel/dibujos': async (req, res) => {
      teacher(req);
      send(req, res, 200, {
        alumnos: drawings.students().map((s) => ({ id: s.id, seudonimo: s.pseudonym, n: s.n })),
        dibujos: drawings.all().map((d) => ({ id: d.id, alumno: d.student, etiqueta: d.label, x: d.pixels.toString('base64') })),
      });
    },
    'POST panel/dibujos/quitar': async (req, res) => {
      teacher(req);
      const body = await readJson(req);
      if (typeof body !== 'object' || body === null || Object.keys(body).join() !== 'id' || !Number.isInteger(body.id)) {
        throw new ApiError(422, 'esquema', 'expected {id}');
      }
      if (!drawings.remove(body.id)) throw new ApiError(404, 'dibujo_desconocido', `no drawing ${body.id}`);
      changed();
      send(req, res, 200, { ok: true });
    },
    'GET dibujos.npz': async (req, res) => {
      rate.take(student(req).id);
      sendNpz(req, res);
    },
    'GET panel/dibujos.npz': async (req, res) => {
      teacher(req);
      sendNpz(req, res);
    },
  };
}
