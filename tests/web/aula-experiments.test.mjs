// aula-experiments.test.mjs: «Práctica por grupos» over loopback, without a browser: the teacher
// gives groups their variants, students post finished experiments, the teacher lists them (best
// first) and downloads the CSV; hostile bodies and the caps are refused with {code, message} and
// lose nothing; deleting the class data deletes the experiments. The class API runs in this
// process (server/aula/api.mjs on a node:http server) so that the caps can be small.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aula as textos } from '../../web/js/textos.js';
import { openStore } from '../../server/aula/store.mjs';
import { createAulaApi } from '../../server/aula/api.mjs';
import { EXPERIMENT_LIMITS } from '../../server/aula/experimentos.mjs';
import { medianas } from '../../web/js/aula/medianas.js';
import { OPTIMIZADORES, VARIANTES_GRUPO, varianteDeGrupo } from '../../web/js/leccion/variantes.js';
import { api, joinClass, openStream } from './aula.mjs';

const experiment = (over = {}) => ({
  variante: 'sgd', grupo: 'A', base: 'classroom', imagenes: 500,
  epocas: [[1.2, 0.61, 0.9, 0.7], [0.6, 0.82, 0.5, 0.86]], exactitud: 0.8512, segundos: 12.5, hilos: 2, ...over,
});

describe('aula en vivo: Práctica por grupos', () => {
  let dir;
  const servers = [];
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'convaula-experimentos-')); });
  after(async () => {
    for (const s of servers) s.close();
    await rm(dir, { recursive: true, force: true });
  });
  // A class API of its own (its own data folder) with `limits` for the experiments.
  async function fresh(name, limits = {}) {
    const store = openStore(join(dir, name));
    const handler = createAulaApi({ store, questions: new Set(), addresses: () => ['http://127.0.0.1/'], security: {},
      log: { record() {} }, experimentLimits: { ...EXPERIMENT_LIMITS, ...limits } });
    const server = createServer((req, res) => handler.handle(req, res));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const s = { port: server.address().port, key: store.key, code: store.code,
      close: () => { handler.close(); server.close(); store.close(); } };
    servers.push(s);
    return s;
  }
  const refused = (r, status, code) => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code);
    assert.equal(typeof r.body.message, 'string');
    assert.ok(textos.errores[code], `a Spanish text for ${code}`);
  };

  test('groups get variants; posted experiments reach the teacher best first, live, and as CSV; «Borrar» deletes them', async () => {
    const s = await fresh('flow');
    const post = (token, e) => api(s.port, 'POST', 'practica/experimentos', { token, json: e });
    const events = [];
    const stream = await openStream(s.port, s.key, (e) => events.push(e));
    const ana = await joinClass(s.port, s.code, 'Zorro 17');
    const bea = await joinClass(s.port, s.code, 'Búho 3');
    assert.deepEqual((await api(s.port, 'GET', 'practica', { token: ana })).body, { grupos: {}, n: 0 }, 'free choice at first');
    assert.equal((await api(s.port, 'POST', 'panel/practica/grupos', { key: s.key, json: { grupos: { A: 'sgd', B: 'sigmoide' } } })).status, 200);
    assert.deepEqual((await api(s.port, 'GET', 'practica', { token: bea })).body.grupos, { A: 'sgd', B: 'sigmoide' });

    let r = await post(ana, experiment());
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.n, 1);
    r = await post(bea, experiment({ variante: 'sigmoide', grupo: 'B', exactitud: 0.93, hilos: 4 }));
    assert.equal(r.status, 201);
    const other = experiment({ variante: 'otra', grupo: null, exactitud: 0.5 });
    const first = await post(bea, other);
    assert.equal(first.status, 201);
    // The same experiment sent again (its answer lost on the way) is kept once.
    assert.deepEqual(await post(bea, other).then((x) => [x.status, x.body]), [200, { id: first.body.id, n: 2 }]);

    const { body } = await api(s.port, 'GET', 'panel/practica', { key: s.key });
    assert.deepEqual(body.grupos, { A: 'sgd', B: 'sigmoide' });
    assert.deepEqual(body.experimentos.map((e) => [e.seudonimo, e.variante, e.grupo, e.exactitud, e.hilos]),
      [['Búho 3', 'sigmoide', 'B', 0.93, 4], ['Zorro 17', 'sgd', 'A', 0.8512, 2], ['Búho 3', 'otra', null, 0.5, 2]]);
    assert.deepEqual(body.experimentos[1].epocas, experiment().epocas);
    for (let i = 0; i < 50 && events.at(-1)?.practica.total !== 3; i++) await new Promise((w) => setTimeout(w, 20));
    assert.equal(events.at(-1).practica.total, 3, 'the live summary counts them');

    const csv = await api(s.port, 'GET', 'panel/practica.csv', { key: s.key, raw: true });
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.deepEqual([...csv.body.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM');
    const lines = csv.body.toString('utf8').slice(1).trimEnd().split('\r\n');
    assert.equal(lines.length, 4);
    assert.deepEqual(lines[1].split(';'), ['1', 'Sigmoide', 'B', 'Búho 3', 'Red rápida', '500', '2', '0,5', '0,86', '0,93', '12,5', '4']);
    assert.equal(lines[2].split(';')[9], '0,8512');

    await api(s.port, 'POST', 'borrar', { key: s.key, json: {} });
    assert.deepEqual((await api(s.port, 'GET', 'panel/practica', { key: s.key })).body.experimentos, []);
    stream.close();
  });

  test('hostile experiments are refused with a code and lose nothing', async () => {
    const s = await fresh('hostile', { burst: 100, perSecond: 100 });
    const ana = await joinClass(s.port, s.code, 'Zorro 17');
    const post = (e) => api(s.port, 'POST', 'practica/experimentos', { token: ana, json: e });
    assert.equal((await post(experiment())).status, 201);
    const epoch = [0.5, 0.8, 0.4, 0.85];
    const bad = [
      experiment({ variante: 'magia' }),
      experiment({ variante: 7 }),
      experiment({ grupo: 'Z' }),
      experiment({ base: 'resnet' }),
      experiment({ imagenes: 1.5 }),
      experiment({ epocas: [] }),
      experiment({ epocas: Array(31).fill(epoch) }),
      experiment({ epocas: [[0.5, 0.8, 0.4]] }),
      experiment({ epocas: [[0.5, 1.2, 0.4, 0.85]] }),
      experiment({ epocas: [[-1, 0.8, 0.4, 0.85]] }),
      experiment({ epocas: [['0.5', 0.8, 0.4, 0.85]] }),
      experiment({ epocas: [[null, 0.8, 0.4, 0.85]] }),
      experiment({ exactitud: 2 }),
      experiment({ exactitud: '0.9' }),
      experiment({ segundos: 0 }),
      experiment({ hilos: 0 }),
      experiment({ hilos: 2.5 }),
      { ...experiment(), seudonimo: 'otro' },
      (({ hilos: _, ...rest }) => rest)(experiment()),
      [experiment()],
      null,
    ];
    for (const e of bad) {
      const r = await post(e);
      refused(r, 422, e?.variante === 'magia' ? 'variante_desconocida' : 'esquema');
    }
    // NaN and Infinity are not JSON: as text they are refused as bad JSON.
    refused(await api(s.port, 'POST', 'practica/experimentos', { token: ana, json: JSON.stringify(experiment()).replace('0.8512', 'NaN') }), 400, 'json_invalido');
    refused(await api(s.port, 'POST', 'practica/experimentos', { token: ana, json: JSON.stringify(experiment()).replace('12.5', '1e999') }), 422, 'esquema');
    refused(await api(s.port, 'POST', 'practica/experimentos', { token: ana, json: { ...experiment(), epocas: Array(5000).fill(epoch) } }), 413, 'demasiado_grande');
    refused(await api(s.port, 'POST', 'practica/experimentos', { token: 'x'.repeat(32), json: experiment() }), 401, 'token_invalido');
    refused(await api(s.port, 'POST', 'panel/practica/grupos', { key: s.key, json: { grupos: { A: 'magia' } } }), 422, 'variante_desconocida');
    refused(await api(s.port, 'POST', 'panel/practica/grupos', { key: s.key, json: { grupos: { Q: 'sgd' } } }), 422, 'esquema');
    refused(await api(s.port, 'POST', 'panel/practica/grupos', { key: s.key, json: { grupos: ['sgd'] } }), 422, 'esquema');
    refused(await api(s.port, 'POST', 'panel/practica/grupos', { json: { grupos: {} } }), 401, 'clave_requerida');
    refused(await api(s.port, 'GET', 'panel/practica.csv', { key: 'nope' }), 403, 'clave_incorrecta');
    assert.equal((await api(s.port, 'GET', 'panel/practica', { key: s.key })).body.experimentos.length, 1, 'nothing else stored');
    assert.deepEqual((await api(s.port, 'GET', 'practica', { token: ana })).body, { grupos: {}, n: 1 });
  });

  test('caps per student and per class, and a rate per student', async () => {
    const s = await fresh('caps', { perStudent: 3, perClass: 5, burst: 100, perSecond: 100 });
    let k = 0;
    const post = (token) => api(s.port, 'POST', 'practica/experimentos', { token, json: experiment({ segundos: 10 + ++k }) });
    const ana = await joinClass(s.port, s.code, 'Zorro 17');
    for (let i = 0; i < 3; i++) assert.equal((await post(ana)).status, 201);
    refused(await post(ana), 507, 'experimentos_demasiados');
    const bea = await joinClass(s.port, s.code, 'Búho 3');
    for (let i = 0; i < 2; i++) assert.equal((await post(bea)).status, 201);
    refused(await post(bea), 507, 'experimentos_lleno');
    assert.equal((await api(s.port, 'GET', 'panel/practica', { key: s.key })).body.experimentos.length, 5);

    const slow = await fresh('rate');
    const cai = await joinClass(slow.port, slow.code, 'Lince 4');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await api(slow.port, 'POST', 'practica/experimentos', { token: cai, json: experiment({ segundos: 20 + i }) })).status);
    assert.deepEqual(statuses.slice(0, EXPERIMENT_LIMITS.burst), Array(EXPERIMENT_LIMITS.burst).fill(201));
    assert.ok(statuses.includes(429), statuses.join());
  });
});

test('a variant\'s median curve: per epoch, over the experiments that reached it', () => {
  const e = (variante, accs) => ({ variante, epocas: accs.map((a) => [0.5, 0.8, 0.4, a]) });
  const m = medianas([e('sgd', [0.5, 0.7, 0.9]), e('sgd', [0.6, 0.8]), e('sgd', [0.1, 0.75]), e('base', [0.9, 0.95]), e('base', [0.8, 0.85])]);
  assert.deepEqual([...m.keys()], ['sgd', 'base']);
  assert.deepEqual(m.get('sgd'), [[1, 0.5], [2, 0.75], [3, 0.9]]);
  assert.deepEqual(m.get('base').map(([x, y]) => [x, Number(y.toFixed(6))]), [[1, 0.85], [2, 0.9]]);
});

test('the form\'s changes name their variant; any other combination is «otra»', () => {
  const adadelta = { optimizador: 'adadelta', lr: 1 };
  assert.equal(varianteDeGrupo({ ...adadelta, sigmoide: false, conv: 0 }), 'base');
  assert.equal(varianteDeGrupo({ ...adadelta, sigmoide: true }), 'sigmoide');
  assert.equal(varianteDeGrupo({ optimizador: 'sgd', lr: 0.1 }), 'sgd');
  assert.equal(varianteDeGrupo({ optimizador: 'sgd', lr: 0.3 }), 'otra');
  assert.equal(varianteDeGrupo({ ...adadelta, conv: 1 }), 'conv');
  assert.equal(varianteDeGrupo({ ...adadelta, conv: 2 }), 'otra');
  assert.equal(varianteDeGrupo({ ...adadelta, sigmoide: true, dropout: true }), 'otra');
  // Each group variant as the form gives it (an optimizer with its own starting rate).
  for (const [id, cambios] of Object.entries(VARIANTES_GRUPO)) {
    if (cambios) assert.equal(varianteDeGrupo({ ...adadelta, ...cambios, lr: OPTIMIZADORES[cambios.optimizador ?? 'adadelta'].lr }), id);
  }
});
