// sw-state.test.mjs: the service worker's own record (which build each open page runs, kept in
// Cache Storage) is checked when read: a damaged or foreign one is set aside and rebuilt, and the
// worker goes on serving its build. web/sw.js runs here in a Node `vm` context with an in-memory
// Cache Storage; the browser side of updates is offline-updates.test.mjs. Plain Node.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import vm from 'node:vm';

const SCOPE = 'http://127.0.0.1:8000/';
const RECORD = `${SCOPE}convaula-state`;
const INDEX = '<!doctype html><title>ConvAula</title>';
const hash = (text) => createHash('sha256').update(text).digest('hex');

// Cache Storage in memory: caches.open/keys/delete, cache.match/put/delete by URL.
function memoryCaches() {
  const all = new Map();
  const open = (name) => {
    if (!all.has(name)) all.set(name, new Map());
    const entries = all.get(name);
    return {
      match: async (key) => entries.get(String(key))?.clone(),
      put: async (key, response) => { entries.set(String(key), response); },
      delete: async (key) => entries.delete(String(key)),
    };
  };
  return {
    open: async (name) => open(name),
    keys: async () => [...all.keys()],
    delete: async (name) => all.delete(name),
    has: (name) => all.has(name),
  };
}

// web/sw.js stamped as one build holding index.html, started in a context of its own: its
// listeners, its caches, and `call(name)` to reach its top-level functions.
async function startWorker() {
  const source = (await readFile(new URL('../../web/sw.js', import.meta.url), 'utf8'))
    .replace(/^const VERSION = .*;$/m, "const VERSION = 'b2';")
    .replace(/^const FILES = .*;$/m, `const FILES = ${JSON.stringify({ 'index.html': hash(INDEX) })};`)
    .replace(/^const PRECACHE = .*;$/m, "const PRECACHE = ['index.html'];");
  const listeners = {};
  const caches = memoryCaches();
  const self = {
    location: new URL(`${SCOPE}sw.js`),
    serviceWorker: { state: 'activated' },
    addEventListener: (type, fn) => { listeners[type] = fn; },
    clients: { matchAll: async () => [{ id: 'page-1', postMessage() {} }], claim: async () => {} },
    skipWaiting() {},
  };
  const context = vm.createContext({ self, caches, URL, Headers, Request, Response, TransformStream, crypto, console,
    fetch: async () => { throw new Error('offline'); } });
  vm.runInContext(source, context);
  const dispatch = async (type, fields = {}) => {
    const waits = [];
    let responded = null;
    listeners[type]({ ...fields, waitUntil: (p) => waits.push(p), respondWith: (p) => { responded = p; } });
    await Promise.all(waits);
    return responded;
  };
  return { caches, dispatch, context };
}

const keptText = async (caches, key) => (await (await caches.open('convaula.state')).match(key))?.text();

describe('the service worker\'s record', () => {
  it('takes what it writes and refuses any other layout', async () => {
    const { context } = await startWorker();
    // Through JSON: the context's objects are of another realm.
    const recordOf = (value) => JSON.parse(vm.runInContext(`JSON.stringify(recordOf(${JSON.stringify(value)}))`, context));
    const good = { active: 'a1', older: { a0: ['page-1', 'worker-2'] } };
    assert.deepEqual(recordOf(good), good);
    assert.notEqual(recordOf({ active: null, older: {} }), null);
    for (const bad of [null, [], 'text', 7, {}, { active: 'a1' }, { older: {} }, { active: 3, older: {} },
      { active: 'a1', older: [] }, { active: 'a1', older: { a0: 'page-1' } }, { active: 'a1', older: { a0: [1] } },
      { active: '../x', older: {} }, { active: 'a1', older: { '': ['p'] } }]) {
      assert.equal(recordOf(bad), null, JSON.stringify(bad));
    }
  });

  for (const [name, damaged] of [['not JSON', '{"active": "a1", "old'], ['JSON null', 'null'],
    ['an empty object', '{}'], ['another layout', '{"version": 3, "pages": ["page-1"]}'],
    ['client ids that are not a list', '{"active": "a1", "older": {"a1": "page-1"}}']]) {
    it(`a record that is ${name}: activation and serving go on, the record is rebuilt and the old one kept aside`, async () => {
      const { caches, dispatch } = await startWorker();
      const cache = await caches.open('convaula-b2');
      await cache.put(`${SCOPE}index.html`, new Response(INDEX));
      await (await caches.open('convaula.state')).put(RECORD, new Response(damaged));

      await dispatch('activate');
      const response = await dispatch('fetch', {
        request: { method: 'GET', url: `${SCOPE}index.html`, mode: 'no-cors', cache: 'default' }, clientId: 'page-1',
      });
      assert.equal(await response.text(), INDEX);
      assert.equal(response.headers.get('Cross-Origin-Embedder-Policy'), 'require-corp');
      assert.deepEqual(JSON.parse(await keptText(caches, RECORD)), { active: 'b2', older: {} });
      assert.equal(await keptText(caches, `${RECORD}-set-aside`), damaged);
    });
  }

  it('a record that turns bad while the worker is stopped: the next instance reads it, sets it aside and serves', async () => {
    const first = await startWorker();
    await (await first.caches.open('convaula-b2')).put(`${SCOPE}index.html`, new Response(INDEX));
    await first.dispatch('activate');
    // The browser stops the idle worker; a new instance (no activate event) answers the next fetch.
    const { caches, dispatch } = await startWorker();
    for (const name of await first.caches.keys()) {
      const from = await first.caches.open(name), to = await caches.open(name);
      for (const key of [`${SCOPE}index.html`, RECORD]) {
        const kept = await from.match(key);
        if (kept) await to.put(key, kept);
      }
    }
    await (await caches.open('convaula.state')).put(RECORD, new Response('[1, 2, 3]'));
    const response = await dispatch('fetch', {
      request: { method: 'GET', url: `${SCOPE}js/otro.js`, mode: 'cors', cache: 'default' }, clientId: 'page-1',
    });
    assert.equal(response.status, 404, 'a path the build lacks, answered as such');
    const page = await dispatch('fetch', {
      request: { method: 'GET', url: `${SCOPE}index.html`, mode: 'no-cors', cache: 'default' }, clientId: 'page-1',
    });
    assert.equal(await page.text(), INDEX);
    assert.equal(await keptText(caches, `${RECORD}-set-aside`), '[1, 2, 3]');
  });
});
