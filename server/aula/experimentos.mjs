// experimentos.mjs: «Práctica por grupos». The teacher gives each group a variant of the
// Práctica (or lets everyone choose); a joined student's finished experiment comes here with its
// variant, group, per-epoch curves, test accuracy, duration and the device's thread count; the
// teacher's panel overlays the curves, sorts them by accuracy and downloads them as CSV.
//
//   GET  /api/aula/practica                     student: {grupos: {A: variante, …}} ({} = free choice), n (theirs)
//   POST /api/aula/practica/experimentos        student: an experiment (below) → 201 {id, n} (200 if it was already kept)
//   GET  /api/aula/panel/practica               teacher: {grupos, experimentos: [{id, alumno, seudonimo, …}]}
//   POST /api/aula/panel/practica/grupos        teacher: {grupos: {A: variante, …}} ({} = free choice)
//   GET  /api/aula/panel/practica.csv           teacher: the experiments as Práctica's CSV (';', decimal commas, BOM)
//
// An experiment: {variante, grupo (A–H or null), base, imagenes, epocas: [[loss, accuracy,
// val_loss, val_accuracy] per epoch], exactitud (test accuracy), segundos, hilos}. Stored in the
// class's SQLite file (store.mjs) with their student: deleting the class data deletes them.
import { createHash } from 'node:crypto';
import { GRUPOS, VARIANTES_GRUPO } from '../../web/js/leccion/variantes.js';
import { csvDeExperimentos } from '../../web/js/leccion/practica-csv.js';
import { ApiError, readJson, validate } from './requests.mjs';

export const EXPERIMENT_LIMITS = { perStudent: 20, perClass: 2_000, epochs: 30, body: 8 * 1024, burst: 3, perSecond: 0.2 };
const BASES = ['classroom', 'keras-mnist'];

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS experiments (
    id INTEGER PRIMARY KEY, student INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    variant TEXT NOT NULL, grp TEXT, base TEXT NOT NULL, images INTEGER NOT NULL, epochs TEXT NOT NULL,
    accuracy REAL NOT NULL, seconds REAL NOT NULL, threads INTEGER NOT NULL, hash TEXT NOT NULL, at INTEGER NOT NULL,
    UNIQUE (student, hash));
  CREATE TABLE IF NOT EXISTS practice_groups (grp TEXT PRIMARY KEY, variant TEXT NOT NULL);
`;

/** The experiments' tables in the store's database `db`; returns their operations. */
export function openExperiments(db) {
  db.exec(SCHEMA);
  const q = {
    count: db.prepare('SELECT count(*) FROM experiments').pluck(),
    countOf: db.prepare('SELECT count(*) FROM experiments WHERE student = ?').pluck(),
    add: db.prepare(`INSERT INTO experiments (student, variant, grp, base, images, epochs, accuracy, seconds, threads, hash, at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (student, hash) DO NOTHING`),
    byHash: db.prepare('SELECT id FROM experiments WHERE student = ? AND hash = ?').pluck(),
    all: db.prepare(`SELECT e.*, s.pseudonym FROM experiments e JOIN students s ON s.id = e.student
      ORDER BY e.accuracy DESC, e.id`),
    groups: db.prepare('SELECT grp, variant FROM practice_groups ORDER BY grp'),
    clearGroups: db.prepare('DELETE FROM practice_groups'),
    addGroup: db.prepare('INSERT INTO practice_groups (grp, variant) VALUES (?, ?)'),
  };
  let changes = Date.now();  // differs after each change, and across restarts
  return {
    count: () => q.count.get(),
    /** The class data was deleted (the students' experiments with them): the panel reads again. */
    deleted: () => { changes += 1; },
    countOf: (student) => q.countOf.get(student),
    summary: () => ({ total: q.count.get(), cambios: changes }),
    /**
     * Stores the student's experiment `e` (checked): {id, stored}. The same experiment sent again
     * (its answer lost to a dropped connection) is kept once: stored false, the first one's id.
     */
    add(student, e) {
      const hash = createHash('sha256').update(JSON.stringify(e)).digest('hex');
      const r = q.add.run(student, e.variante, e.grupo, e.base, e.imagenes, JSON.stringify(e.epocas), e.exactitud, e.segundos, e.hilos, hash, Date.now());
      if (r.changes === 0) return { id: q.byHash.get(student, hash), stored: false };
      changes += 1;
      return { id: Number(r.lastInsertRowid), stored: true };
    },
    /** Sorted by test accuracy, best first. */
    all: () => q.all.all().map((r) => ({ id: r.id, alumno: r.student, seudonimo: r.pseudonym, variante: r.variant, grupo: r.grp,
      base: r.base, imagenes: r.images, epocas: JSON.parse(r.epochs), exactitud: r.accuracy, segundos: r.seconds, hilos: r.threads })),
    groups: () => Object.fromEntries(q.groups.all().map((r) => [r.grp, r.variant])),
    setGroups: db.transaction((groups) => {
      q.clearGroups.run();
      for (const [g, v] of Object.entries(groups)) q.addGroup.run(g, v);
      changes += 1;
    }),
  };
}

const bad = (why) => new ApiError(422, 'esquema', why);
const finite = (x) => typeof x === 'number' && Number.isFinite(x);
const fraction = (x) => finite(x) && x >= 0 && x <= 1;
const knownVariant = (v) => {
  if (!Object.hasOwn(VARIANTES_GRUPO, v)) throw new ApiError(422, 'variante_desconocida', `no variant ${String(v).slice(0, 40)}`);
  return v;
};

// {grupos: {A: variante, …}}: groups A–H, each a known variant.
function checkGroups(body) {
  const { grupos } = validate(body, { grupos: { type: 'object' } });
  if (grupos === null || Array.isArray(grupos)) throw bad('grupos: expected an object');
  for (const [g, v] of Object.entries(grupos)) {
    if (!GRUPOS.includes(g)) throw bad(`grupos: no group ${g.slice(0, 8)}`);
    knownVariant(v);
  }
  return grupos;
}

/** An experiment as the API takes it (see the top), checked field by field. */
export function checkExperiment(body, maxEpochs) {
  const fields = ['base', 'epocas', 'exactitud', 'grupo', 'hilos', 'imagenes', 'segundos', 'variante'];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body: not an object');
  if (Object.keys(body).sort().join() !== fields.join()) throw bad(`expected exactly {${fields.join(', ')}}`);
  const e = body;
  if (typeof e.variante !== 'string') throw bad('variante: expected a string');
  knownVariant(e.variante);
  if (e.grupo !== null && !GRUPOS.includes(e.grupo)) throw bad(`grupo: ${GRUPOS.join(', ')} or null`);
  if (!BASES.includes(e.base)) throw bad(`base: ${BASES.join(' or ')}`);
  if (!Number.isInteger(e.imagenes) || e.imagenes < 1 || e.imagenes > 60_000) throw bad('imagenes: an integer, 1 to 60000');
  if (!Array.isArray(e.epocas) || e.epocas.length < 1 || e.epocas.length > maxEpochs) throw bad(`epocas: 1 to ${maxEpochs} epochs`);
  e.epocas.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 4 || !finite(p[0]) || p[0] < 0 || !fraction(p[1]) || !finite(p[2]) || p[2] < 0 || !fraction(p[3])) {
      throw bad(`epocas[${i}]: expected [loss ≥ 0, accuracy 0–1, val_loss ≥ 0, val_accuracy 0–1]`);
    }
  });
  if (!fraction(e.exactitud)) throw bad('exactitud: a number from 0 to 1');
  if (!finite(e.segundos) || e.segundos <= 0 || e.segundos > 86_400) throw bad('segundos: a number of seconds, up to a day');
  if (!Number.isInteger(e.hilos) || e.hilos < 1 || e.hilos > 256) throw bad('hilos: an integer, 1 to 256');
  return e;
}

/**
 * The routes above, for api.mjs: {'METHOD path': async (req, res)}; `ctx` as dibujos.mjs's
 * drawingRoutes.
 */
export function experimentRoutes({ experiments, student, teacher, send, changed, rate, limits = EXPERIMENT_LIMITS }) {
  return {
    'GET practica': async (req, res) => {
      const who = student(req);
      send(req, res, 200, { grupos: experiments.groups(), n: experiments.countOf(who.id) });
    },
    'POST practica/experimentos': async (req, res) => {
      const who = student(req);
      rate.take(who.id);
      const e = checkExperiment(await readJson(req, limits.body), limits.epochs);
      if (experiments.countOf(who.id) >= limits.perStudent) throw new ApiError(507, 'experimentos_demasiados', `at most ${limits.perStudent} experiments per student`);
      if (experiments.count() >= limits.perClass) throw new ApiError(507, 'experimentos_lleno', `at most ${limits.perClass} experiments per class`);
      const r = experiments.add(who.id, e);
      if (r.stored) changed();
      send(req, res, r.stored ? 201 : 200, { id: r.id, n: experiments.countOf(who.id) });
    },
    'GET panel/practica': async (req, res) => {
      teacher(req);
      send(req, res, 200, { grupos: experiments.groups(), experimentos: experiments.all() });
    },
    'POST panel/practica/grupos': async (req, res) => {
      teacher(req);
      experiments.setGroups(checkGroups(await readJson(req)));
      changed();
      send(req, res, 200, { ok: true });
    },
    'GET panel/practica.csv': async (req, res) => {
      teacher(req);
      const text = Buffer.from(`\uFEFF${csvDeExperimentos(experiments.all())}`, 'utf8');
      send(req, res, 200, new Uint8Array(text), { 'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': 'attachment; filename="practica-grupos.csv"' });
    },
  };
}
