// aula-drawings.test.mjs: the class's set of drawings over loopback, without a browser: a
// student sends and withdraws their drawings, the teacher sees and removes one, the caps and
// bad bodies are refused with {code, message}, and the downloaded .npz (the teacher's, and a
// joined student's: the same file) is what NumPy reads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { unzipSync } from 'fflate';
import { aula as textos } from '../../web/js/textos.js';
import { api, joinClass, lessonRoot, startClass } from './aula.mjs';

// A distinct 28×28 drawing for (seed, i): bytes that differ between any two.
function drawing(seed, i) {
  const x = new Uint8Array(784);
  for (let p = 0; p < 784; p++) x[p] = (seed * 131 + i * 17 + p * 7) % 256;
  x[0] = seed; x[1] = i;
  return x;
}
const sent = (seed, n) => Array.from({ length: n }, (_, i) => ({ x: Buffer.from(drawing(seed, i)).toString('base64'), etiqueta: i % 10 }));

describe('aula en vivo: the class set of drawings', () => {
  let dir, root, s;
  before(async () => {
    dir = await mkdtemp(joinPath(tmpdir(), 'convaula-dibujos-'));
    root = await lessonRoot(joinPath(dir, 'root'), ['question-weights']);
  });
  after(async () => {
    s?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const fresh = async (name) => {
    s?.close();
    s = await startClass({ root, data: joinPath(dir, name) });
    return s;
  };
  const send = (token, dibujos) => api(s.port, 'POST', 'dibujos', { token, json: { dibujos } });
  const gallery = async () => (await api(s.port, 'GET', 'panel/dibujos', { key: s.key })).body;
  const refused = (r, status, code) => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code);
    assert.equal(typeof r.body.message, 'string');
    assert.ok(textos.errores[code], `a Spanish text for ${code}`);
  };

  test('students send, resend and withdraw; the teacher removes one for good; the .npz is what numpy loads', async () => {
    await fresh('send');
    const ana = await joinClass(s.port, s.code, 'Zorro 17');
    const bea = await joinClass(s.port, s.code, 'Búho 3');
    let r = await send(ana, sent(1, 20));
    assert.equal(r.status, 201);
    assert.deepEqual(r.body, { guardados: 20, quitados: 0 });
    assert.equal((await send(bea, sent(2, 10))).status, 201);
    // Sending again replaces: no duplicates.
    assert.deepEqual((await send(ana, sent(1, 20))).body, { guardados: 20, quitados: 0 });
    assert.deepEqual((await api(s.port, 'GET', 'dibujos', { token: ana })).body, { n: 20 });
    let g = await gallery();
    assert.equal(g.dibujos.length, 30);
    assert.deepEqual(g.alumnos.map((a) => [a.seudonimo, a.n]), [['Zorro 17', 20], ['Búho 3', 10]]);
    assert.equal((await api(s.port, 'GET', 'panel', { key: s.key })).body.dibujos.total, 30);

    // The teacher removes one of Ana's 7s; Ana sending the same set again does not bring it back.
    const seven = g.dibujos.find((d) => d.etiqueta === 7 && d.alumno === g.alumnos[0].id);
    assert.deepEqual(Buffer.from(seven.x, 'base64'), Buffer.from(drawing(1, 7)));
    assert.equal((await api(s.port, 'POST', 'panel/dibujos/quitar', { key: s.key, json: { id: seven.id } })).status, 200);
    refused(await api(s.port, 'POST', 'panel/dibujos/quitar', { key: s.key, json: { id: seven.id } }), 404, 'dibujo_desconocido');
    assert.deepEqual((await send(ana, sent(1, 20))).body, { guardados: 19, quitados: 1 });
    g = await gallery();
    assert.equal(g.dibujos.length, 29);
    assert.ok(!g.dibujos.some((d) => d.x === seven.x));

    // Bea withdraws hers.
    assert.deepEqual((await api(s.port, 'POST', 'dibujos/retirar', { token: bea, json: {} })).body, { retirados: 10 });
    assert.deepEqual((await api(s.port, 'GET', 'dibujos', { token: bea })).body, { n: 0 });

    const npz = await api(s.port, 'GET', 'panel/dibujos.npz', { key: s.key, raw: true });
    assert.equal(npz.status, 200);
    assert.equal(npz.headers['content-type'], 'application/zip');
    const file = joinPath(dir, 'clase.npz');
    await writeFile(file, npz.body);
    const out = execFileSync('/usr/bin/python3', ['-c', `
import sys, numpy as np, hashlib
d = np.load(sys.argv[1])
print(d['x'].shape, d['x'].dtype, d['y'].shape, d['y'].dtype)
print(','.join(str(int(v)) for v in d['y']))
print(','.join(str(int(v)) for v in d['x'][:, 0, 1]))
`, file], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(out[0], '(19, 28, 28) uint8 (19,) uint8');
    // Sorted by label: Ana's i = 0..19 without 7, label i % 10; x[.., 0, 1] is i.
    const kept = [...Array(20).keys()].filter((i) => i !== 7).sort((a, b) => a % 10 - b % 10 || a - b);
    assert.equal(out[1], kept.map((i) => i % 10).join(','));
    assert.equal(out[2], kept.join(','));

    // A joined student downloads the same set: the same bytes, drawings and labels only.
    const theirs = await api(s.port, 'GET', 'dibujos.npz', { token: bea, raw: true });
    assert.equal(theirs.status, 200);
    assert.equal(theirs.headers['content-type'], 'application/zip');
    assert.deepEqual(theirs.body, npz.body);
    assert.deepEqual(Object.keys(unzipSync(theirs.body)).sort(), ['x.npy', 'y.npy']);

    // Deleting the class data deletes the drawings.
    await api(s.port, 'POST', 'borrar', { key: s.key, json: {} });
    assert.equal((await gallery()).dibujos.length, 0);
  });

  test('bad sends are refused with a code and lose nothing', async () => {
    await fresh('refusals');
    const ana = await joinClass(s.port, s.code, 'Zorro 17');
    assert.equal((await send(ana, sent(1, 3))).status, 201);
    refused(await send('x'.repeat(32), sent(1, 3)), 401, 'token_invalido');
    refused(await api(s.port, 'GET', 'panel/dibujos', {}), 401, 'clave_requerida');
    refused(await api(s.port, 'GET', 'panel/dibujos.npz', { key: 'nope' }), 403, 'clave_incorrecta');
    refused(await api(s.port, 'GET', 'dibujos.npz', {}), 401, 'token_invalido');
    refused(await api(s.port, 'GET', 'dibujos.npz', { token: 'x'.repeat(32) }), 401, 'token_invalido');
    refused(await api(s.port, 'GET', 'dibujos.npz', { key: s.key }), 401, 'token_invalido');
    // Each refusal from a student of their own (a student's sends are rate-limited).
    let k = 0;
    const other = () => joinClass(s.port, s.code, `Otro ${++k}`);
    refused(await send(await other(), sent(1, 201)), 422, 'dibujos_demasiados');
    refused(await send(await other(), []), 422, 'esquema');
    refused(await send(await other(), [{ x: 'AAAA', etiqueta: 1 }]), 422, 'esquema');
    refused(await send(await other(), [{ x: sent(1, 1)[0].x, etiqueta: 10 }]), 422, 'esquema');
    refused(await send(await other(), [{ ...sent(1, 1)[0], quien: 'otro' }]), 422, 'esquema');
    refused(await api(s.port, 'POST', 'dibujos', { token: await other(), json: { dibujos: sent(1, 3), extra: 1 } }), 422, 'esquema');
    refused(await api(s.port, 'POST', 'dibujos', { token: await other(), json: JSON.stringify({ dibujos: sent(1, 200) }) + ' '.repeat(300_000) }), 413, 'demasiado_grande');
    refused(await api(s.port, 'POST', 'panel/dibujos/quitar', { key: s.key, json: { id: 'uno' } }), 422, 'esquema');
    assert.deepEqual((await api(s.port, 'GET', 'dibujos', { token: ana })).body, { n: 3 });
    assert.equal((await api(s.port, 'GET', 'panel', { key: s.key })).body.dibujos.total, 3);
  });

  test('a class keeps at most 10 000 drawings', async () => {
    await fresh('cap');
    for (let k = 0; k < 50; k++) {
      const token = await joinClass(s.port, s.code, `Alumno ${k}`);
      assert.equal((await send(token, sent(k + 10, 200))).status, 201);
    }
    const late = await joinClass(s.port, s.code, 'Tarde 1');
    refused(await send(late, sent(99, 1)), 507, 'conjunto_lleno');
    assert.equal((await api(s.port, 'GET', 'panel', { key: s.key })).body.dibujos.total, 10_000);
  });

  test('a student sending too often waits', async () => {
    await fresh('rate');
    const ana = await joinClass(s.port, s.code, 'Zorro 17');
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await send(ana, sent(1, 2))).status);
    assert.deepEqual(statuses.slice(0, 5), [201, 201, 201, 201, 201]);
    assert.ok(statuses.slice(5).includes(429), statuses.join());
  });

  test('a student downloading the class set too often waits; the others do not', async () => {
    await fresh('rate-download');
    const [ana, bea] = [await joinClass(s.port, s.code, 'Zorro 17'), await joinClass(s.port, s.code, 'Búho 3')];
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await api(s.port, 'GET', 'dibujos.npz', { token: ana, raw: true })).status);
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.ok(statuses.slice(5).includes(429), statuses.join());
    assert.equal((await api(s.port, 'GET', 'dibujos.npz', { token: bea, raw: true })).status, 200);
  });
});
