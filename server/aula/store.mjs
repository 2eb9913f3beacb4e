// store.mjs: the class's data in SQLite (better-sqlite3, synchronous), in aula.sqlite under the
// data folder. WAL with synchronous=FULL: a write has reached the disk when its call returns,
// so the API acknowledges only what a crash (kill -9, a power cut) cannot lose.
//
//   meta        the class code and the teacher's key (kept across restarts: the same URLs)
//   students    pseudonym and a SHA-256 of the student's token (the token itself is not kept)
//   questions   per question id: its round and whether the teacher revealed the answers
//   answers     a student's first answer to a question in its current round
//   drawings    the digits the students sent, with their student (dibujos.mjs)
//   experiments the Práctica experiments they posted, with their student, and the groups' variants (experimentos.mjs)
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const Database = createRequire(import.meta.url)('better-sqlite3');

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS students (
    id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, pseudonym TEXT NOT NULL, joined INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS questions (
    id TEXT PRIMARY KEY, round INTEGER NOT NULL DEFAULT 1, revealed INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE IF NOT EXISTS answers (
    n INTEGER PRIMARY KEY, student INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    question TEXT NOT NULL, answer TEXT NOT NULL, correct INTEGER NOT NULL, at INTEGER NOT NULL,
    UNIQUE (student, question));
`;

export const hashToken = (token) => createHash('sha256').update(token).digest('hex');
export const newSecret = () => randomBytes(24).toString('base64url');  // 192 bits

/** Opens (or creates) the store in `dir`; returns its operations. */
export function openStore(dir) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'aula.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');  // deleted rows are overwritten, not left in free pages
  db.exec(SCHEMA);

  const getMeta = db.prepare('SELECT value FROM meta WHERE name = ?').pluck();
  const setMeta = db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)');
  const metaOr = (name, make) => {
    const found = getMeta.get(name);
    if (found !== undefined) return found;
    setMeta.run(name, make());
    return getMeta.get(name);
  };
  const code = metaOr('code', () => randomBytes(3).toString('hex').toUpperCase());
  const key = metaOr('key', newSecret);

  const q = {
    addStudent: db.prepare('INSERT INTO students (token_hash, pseudonym, joined) VALUES (?, ?, ?)'),
    studentByHash: db.prepare('SELECT id, pseudonym FROM students WHERE token_hash = ?'),
    countStudents: db.prepare('SELECT count(*) FROM students').pluck(),
    countAnswers: db.prepare('SELECT count(*) FROM answers').pluck(),
    lastAnswer: db.prepare('SELECT coalesce(max(n), 0) FROM answers').pluck(),
    addAnswer: db.prepare(`INSERT INTO answers (student, question, answer, correct, at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (student, question) DO NOTHING`),
    ensureQuestion: db.prepare('INSERT INTO questions (id) VALUES (?) ON CONFLICT (id) DO NOTHING'),
    reveal: db.prepare('UPDATE questions SET revealed = ? WHERE id = ?'),
    nextRound: db.prepare('UPDATE questions SET round = round + 1, revealed = 0 WHERE id = ?'),
    clearAnswers: db.prepare('DELETE FROM answers WHERE question = ?'),
    questions: db.prepare('SELECT id, round, revealed FROM questions'),
    histogram: db.prepare(`SELECT question, answer, max(correct) AS correct, count(*) AS count
      FROM answers GROUP BY question, answer ORDER BY question, count DESC, answer`),
  };

  return {
    db,  // for the tables of other modules (dibujos.mjs, experimentos.mjs)
    file,
    code,
    key,
    close: () => db.close(),
    studentCount: () => q.countStudents.get(),
    answerCount: () => q.countAnswers.get(),
    /** A new student; returns its id. */
    addStudent(tokenHash, pseudonym) {
      return Number(q.addStudent.run(tokenHash, pseudonym, Date.now()).lastInsertRowid);
    },
    studentByToken: (token) => q.studentByHash.get(hashToken(token)),
    /** The student's first answer in the question's round: {stored, n} (n: its row, or 0). */
    addAnswer: db.transaction((student, question, answer, correct) => {
      q.ensureQuestion.run(question);
      const r = q.addAnswer.run(student, question, answer, correct ? 1 : 0, Date.now());
      return { stored: r.changes === 1, n: r.changes === 1 ? Number(r.lastInsertRowid) : 0 };
    }),
    reveal: db.transaction((question, revealed) => {
      q.ensureQuestion.run(question);
      q.reveal.run(revealed ? 1 : 0, question);
    }),
    newRound: db.transaction((question) => {
      q.ensureQuestion.run(question);
      q.nextRound.run(question);
      q.clearAnswers.run(question);
    }),
    /**
     * Everything the students left: pseudonyms, answers, drawings, experiments, rounds (the code and key stay),
     * overwritten in the database file and the WAL emptied, so no copy is left on disk.
     */
    deleteAll() {
      db.exec('BEGIN; DELETE FROM answers; DELETE FROM students; DELETE FROM questions; COMMIT;');
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    /** Per question: {round, revealed, total, correct, answers: [{answer, correct, count}]}. */
    summary() {
      const out = {};
      const of = (id) => (out[id] ??= { round: 1, revealed: false, total: 0, correct: 0, answers: [] });
      for (const r of q.questions.all()) Object.assign(of(r.id), { round: r.round, revealed: r.revealed === 1 });
      for (const r of q.histogram.all()) {
        const s = of(r.question);
        s.total += r.count;
        if (r.correct) s.correct += r.count;
        s.answers.push({ answer: r.answer, correct: r.correct === 1, count: r.count });
      }
      return { students: q.countStudents.get(), last: q.lastAnswer.get(), questions: out };
    },
  };
}
