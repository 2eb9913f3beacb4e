// api.mjs: the class API under /api/aula/ (class mode only), JSON in and out.
//
//   POST /api/aula/unirse             {codigo, seudonimo} → 201 {token, seudonimo}
//   GET  /api/aula/yo                 the student behind the token (a reload rejoins)
//   POST /api/aula/respuestas         {pregunta, respuesta, correcta} → 201 {guardada, n}
//   GET  /api/aula/panel              teacher: the summary (code, addresses, counts)
//   GET  /api/aula/panel/flujo        teacher: the summary as server-sent events, at each change
//   POST /api/aula/preguntas/mostrar  teacher: {pregunta, mostrada}
//   POST /api/aula/preguntas/ronda    teacher: {pregunta}: clears the question's answers
//   POST /api/aula/borrar             teacher: {}: deletes every student, answer, drawing and experiment
//   …/dibujos…                        the class's drawings: dibujos.mjs
//   …/practica…                       «Práctica por grupos», the class's experiments: experimentos.mjs
//
// Students send "Authorization: Bearer <token>", the teacher "X-Aula-Clave: <key>" (never a
// URL: URLs reach logs and browser history). A refusal is {code, message} with its status.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError, checkOrigin, createRateLimit, readJson, validate } from './requests.mjs';
import { hashToken } from './store.mjs';
import { DRAWING_LIMITS, drawingRoutes, openDrawings } from './dibujos.mjs';
import { EXPERIMENT_LIMITS, experimentRoutes, openExperiments } from './experimentos.mjs';
import { createHub } from './stream.mjs';

export const PREFIX = '/api/aula/';
export const LIMITS = { students: 200, streams: 8, answers: 20_000, answerBurst: 10, answersPerSecond: 1 };

const SCHEMAS = {
  join: { codigo: { type: 'string', max: 16 }, seudonimo: { type: 'string', max: 24, pattern: /^[\p{L}\p{N} ]+$/u } },
  answer: { pregunta: { type: 'string', max: 64 }, respuesta: { type: 'string', max: 80 }, correcta: { type: 'boolean' } },
  reveal: { pregunta: { type: 'string', max: 64 }, mostrada: { type: 'boolean' } },
  round: { pregunta: { type: 'string', max: 64 } },
  none: {},
};

const digest = (s) => createHash('sha256').update(s).digest();

/**
 * The API's handler: async (req, res) for any URL under PREFIX. `store`: store.mjs;
 * `questions`: the known question ids; `addresses()`: the students' URLs.
 */
export function createAulaApi({ store, questions, addresses, security, log, limits = LIMITS, drawingLimits = DRAWING_LIMITS,
  experimentLimits = EXPERIMENT_LIMITS }) {
  const keyDigest = digest(store.key);
  const rate = createRateLimit({ burst: limits.answerBurst, perSecond: limits.answersPerSecond });
  const drawingRate = createRateLimit({ burst: drawingLimits.burst, perSecond: drawingLimits.perSecond });
  const experimentRate = createRateLimit({ burst: experimentLimits.burst, perSecond: experimentLimits.perSecond });
  const drawings = openDrawings(store.db);
  const experiments = openExperiments(store.db);
  // The class data deleted: the drawings' `cambios` changes too, so that the panel reads them again.
  let deletions = 0;
  const drawingSummary = () => {
    const d = drawings.summary();
    return { ...d, cambios: `${d.cambios}.${deletions}` };
  };
  const panel = () => ({ codigo: store.code, direcciones: addresses(), preguntas_conocidas: [...questions],
    ...store.summary(), dibujos: drawingSummary(), practica: experiments.summary() });
  const hub = createHub({ max: limits.streams, snapshot: panel, headers: security });

  // `body` as JSON, or bytes as they are (with their Content-Type in `extra`).
  const send = (req, res, status, body, extra = {}) => {
    const text = body instanceof Uint8Array ? body : JSON.stringify(body);
    res.writeHead(status, { ...security, 'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...extra });
    res.end(text);
    log.record(req, status);
  };

  function teacher(req) {
    const given = req.headers['x-aula-clave'];
    if (!given) throw new ApiError(401, 'clave_requerida', 'teacher actions need the key');
    if (!timingSafeEqual(digest(given), keyDigest)) throw new ApiError(403, 'clave_incorrecta', 'wrong key');
  }

  function student(req) {
    const m = /^Bearer ([A-Za-z0-9_-]{16,64})$/.exec(req.headers.authorization ?? '');
    const found = m && store.studentByToken(m[1]);
    if (!found) throw new ApiError(401, 'token_invalido', 'unknown student token: join again');
    return found;
  }

  function knownQuestion(id) {
    if (!questions.has(id)) throw new ApiError(404, 'pregunta_desconocida', `no question ${id}`);
    return id;
  }

  const routes = {
    'POST unirse': async (req, res) => {
      const body = validate(await readJson(req), SCHEMAS.join);
      if (body.codigo.toUpperCase() !== store.code) throw new ApiError(409, 'codigo_distinto', 'this class has another code');
      if (store.studentCount() >= limits.students) throw new ApiError(403, 'aula_llena', `at most ${limits.students} students`);
      const token = randomBytes(24).toString('base64url');
      store.addStudent(hashToken(token), body.seudonimo);
      hub.changed();
      send(req, res, 201, { token, seudonimo: body.seudonimo });
    },
    'GET yo': async (req, res) => send(req, res, 200, { seudonimo: student(req).pseudonym, codigo: store.code }),
    'POST respuestas': async (req, res) => {
      const who = student(req);
      rate.take(who.id);
      const body = validate(await readJson(req), SCHEMAS.answer);
      knownQuestion(body.pregunta);
      if (store.answerCount() >= limits.answers) throw new ApiError(507, 'almacen_lleno', `at most ${limits.answers} answers`);
      const r = store.addAnswer(who.id, body.pregunta, body.respuesta, body.correcta);
      if (r.stored) hub.changed();
      send(req, res, r.stored ? 201 : 200, { guardada: r.stored, n: r.n });
    },
    'GET panel': async (req, res) => { teacher(req); send(req, res, 200, panel()); },
    'GET panel/flujo': async (req, res) => {
      teacher(req);
      hub.open(req, res);
      res.on('close', () => log.record(req, 200));
    },
    'POST preguntas/mostrar': async (req, res) => {
      teacher(req);
      const body = validate(await readJson(req), SCHEMAS.reveal);
      store.reveal(knownQuestion(body.pregunta), body.mostrada);
      hub.changed();
      send(req, res, 200, { ok: true });
    },
    'POST preguntas/ronda': async (req, res) => {
      teacher(req);
      const body = validate(await readJson(req), SCHEMAS.round);
      store.newRound(knownQuestion(body.pregunta));
      hub.changed();
      send(req, res, 200, { ok: true });
    },
    'POST borrar': async (req, res) => {
      teacher(req);
      validate(await readJson(req), SCHEMAS.none);
      store.deleteAll();
      rate.clear();
      drawingRate.clear();
      experimentRate.clear();
      deletions += 1;
      experiments.deleted();
      hub.changed();
      send(req, res, 200, { ok: true });
    },
    ...drawingRoutes({ drawings, student, teacher, send, changed: () => hub.changed(), rate: drawingRate, limits: drawingLimits }),
    ...experimentRoutes({ experiments, student, teacher, send, changed: () => hub.changed(), rate: experimentRate, limits: experimentLimits }),
  };
  const paths = new Set(Object.keys(routes).map((r) => r.split(' ')[1]));

  async function handle(req, res) {
    try {
      checkOrigin(req);
      const path = new URL(req.url, 'http://x').pathname.slice(PREFIX.length);
      const route = routes[`${req.method} ${path}`];
      if (!route) {
        if (paths.has(path)) throw new ApiError(405, 'metodo', `${req.method} is not allowed here`);
        throw new ApiError(404, 'no_existe', 'no such API');
      }
      await route(req, res);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        console.error(`aula: ${req.method} ${new URL(req.url, 'http://x').pathname}: ${err.message}`);
        err = new ApiError(500, 'error_interno', 'the server failed');
      }
      if (res.headersSent) return res.destroy();
      // A refused body may still be arriving: answer, then close rather than read it all.
      const close = req.complete ? {} : { Connection: 'close' };
      send(req, res, err.status, { code: err.code, message: err.message }, { ...err.headers, ...close });
    }
  }
  return { handle, close: () => hub.close() };
}
