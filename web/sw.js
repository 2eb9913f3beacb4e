// sw.js: the service worker that keeps ConvAula working without network, light on the school's Wi-Fi.
//
// scripts/precache.mjs stamps three lines at build time: VERSION (a hash of the whole build),
// FILES (every file of the build with the SHA-256 of its bytes) and PRECACHE (the light set:
// page, code, styles, pretrained weights, the MNIST test-set sample). Install stores only
// PRECACHE, taking what the page has just fetched from the HTTP cache and unchanged files from
// the previous build's cache; the rest (the engine variant this browser runs, the whole MNIST
// sets, the .npz zip code) is stored when first fetched. Everything stored or served is checked against FILES,
// so one cache never mixes two builds: a file of another build is neither stored nor served
// whole (its body ends in an error), a path the build lacks is a 404, and the page is told
// there is a new version.
//
// No skipWaiting() on its own: a new build waits until every page of the old one is closed
// (or the page's "Recargar" asks for it), so an open page never switches builds mid-session.
// clients.claim() only on the very first install, when no page runs another build.
//
// One tab's "Recargar" makes the new build active for every tab of the site, but the others
// keep running the build they started with: at activation every page and worker that is open
// is written down (in the cache STATE) as running the build active until then, and its
// requests are served from that build's cache, which stays until its last page is gone. A
// worker such a page starts later inherits its build. A file the old cache lacks comes from
// the network only if its bytes are the old build's (each cache keeps its build's FILES under
// MANIFEST), else the request fails and the page is told, rather than mixing two builds.
//
// Every response it serves gets COOP/COEP/CORP, so on a host that cannot send headers the
// page is cross-origin isolated (threads) from its second load on.
const VERSION = 'dev';
const FILES = {};
const PRECACHE = [];
const CACHE = `convaula-${VERSION}`;
const cacheOf = (version) => `convaula-${version}`;
// Outside the `convaula-` names, so builds that delete every other cache of theirs keep it.
const STATE = 'convaula.state';
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const SCOPE = new URL('./', self.location).href;
// Not a file of any build: where each cache keeps its build's FILES, and where STATE keeps its record.
const MANIFEST = new URL('convaula-manifest', SCOPE).href;
const RECORD = new URL('convaula-state', SCOPE).href;

/** The file of a build (its FILES) a URL names ('' is index.html), or null. */
function fileOf(url, files = FILES) {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  if (!u.href.startsWith(SCOPE)) return null;
  const path = decodeURIComponent(u.href.slice(SCOPE.length)) || 'index.html';
  return Object.hasOwn(files, path) ? path : null;
}
const keyOf = (path) => new URL(path, SCOPE).href;

async function sha256(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

class OtherBuild extends Error {}

// The response as stored: its bytes checked against a build (this one unless `files` says);
// no Content-Encoding any more (the body is already decoded), its real length.
async function verified(path, response, files = FILES) {
  if (!response?.ok) throw new Error(`${path}: ${response?.status}`);
  const body = await response.arrayBuffer();
  if (await sha256(body) !== files[path]) throw new OtherBuild(path);
  const headers = new Headers(response.headers);
  headers.delete('Content-Encoding');
  headers.set('Content-Length', String(body.byteLength));
  return new Response(body, { status: 200, statusText: 'OK', headers });
}

// A file of this build already stored by an earlier build (unchanged bytes), or null.
async function fromOlderCache(path) {
  for (const name of await caches.keys()) {
    if (!name.startsWith('convaula-') || name === CACHE) continue;
    const old = await (await caches.open(name)).match(keyOf(path));
    if (old) return verified(path, old).catch(() => null);
  }
  return null;
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.put(MANIFEST, new Response(JSON.stringify(FILES)));
    await Promise.all(PRECACHE.map(async (path) => {
      if (await cache.match(keyOf(path))) return;  // an install tried before
      // The page has just fetched most of these: the HTTP cache's copy, if it is this build's,
      // costs no request at all; else the server's, revalidated.
      const stored = await fromOlderCache(path)
        ?? await verified(path, await fetch(new Request(keyOf(path), { cache: 'force-cache' }))).catch(() => null)
        ?? await verified(path, await fetch(new Request(keyOf(path), { cache: 'no-cache' })));
      await cache.put(keyOf(path), stored);
    }));
    // What this class already used (data sets, engine) comes along if it did not change.
    await Promise.all(Object.keys(FILES).filter((p) => !PRECACHE.includes(p)).map(async (path) => {
      const stored = await fromOlderCache(path);
      if (stored) await cache.put(keyOf(path), stored);
    }));
  })());
});

// ---- which build each open page runs ------------------------------------------------------
// STATE's record: {active: the version active last, older: {version: [client ids]}}, read
// once per service-worker start and written through.
let record = null;
// A page's message may come before the activate event has written the record (fetches wait for
// it, messages do not): until the record names this build, wait for that. Only this instance's
// own activate event ends that wait: an instance started later (the browser stops an idle
// service worker and starts a new one for the next message) never sees one, so it waits only
// while this worker is still activating, else it would never answer.
let activated;
const activation = new Promise((resolve) => { activated = resolve; });

/**
 * STATE's record if `value` fits its layout ({active: a version or null, older: {version: [client
 * ids]}}), as a fresh object; else null (damaged, written by another layout, edited by hand).
 */
function recordOf(value) {
  const isVersion = (v) => typeof v === 'string' && /^[\w-]{1,64}$/.test(v);
  const isMap = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(value) || !isMap(value.older) || !(value.active === null || isVersion(value.active))) return null;
  const older = Object.entries(value.older);
  const fits = older.every(([v, ids]) => isVersion(v) && Array.isArray(ids) && ids.every((id) => typeof id === 'string'));
  return fits ? { active: value.active, older: Object.fromEntries(older) } : null;
}

// The stored record, checked; without one, a record from before any build's: {active: null,
// older: {}} (activate then finds the active build from the caches). One that does not fit is
// moved aside (kept, not deleted) and counts as none: a worker that cannot read its record
// still serves its build.
async function keptRecord() {
  const state = await caches.open(STATE);
  const kept = await state.match(RECORD);
  const none = { active: null, older: {} };
  if (!kept) return none;
  const text = await kept.text();
  let value = null;
  try { value = recordOf(JSON.parse(text)); } catch { /* not JSON: set aside below */ }
  if (value) return value;
  await state.put(`${RECORD}-set-aside`, new Response(text));
  await state.delete(RECORD);
  return none;
}

async function readRecord() {
  record ??= await keptRecord();
  if (record.active !== VERSION && self.serviceWorker?.state !== 'activated') await activation;
  return record;
}
async function writeRecord(next) {
  record = next;
  await (await caches.open(STATE)).put(RECORD, new Response(JSON.stringify(next)));
}

/** The version a client (page or worker) runs: an older build it started on, or this one. */
async function buildOf(clientId) {
  if (!clientId) return VERSION;
  const { older } = await readRecord();
  for (const [version, ids] of Object.entries(older)) if (ids.includes(clientId)) return version;
  return VERSION;
}

// Forgets the older builds whose pages are all gone, and deletes their caches. Judged by the
// pages only: a worker a page has just started may not be listed as a client yet.
async function prune({ active, older: builds }) {
  const pages = new Set((await self.clients.matchAll({ includeUncontrolled: true, type: 'window' })).map((c) => c.id));
  const older = {};
  for (const [version, ids] of Object.entries(builds)) {
    if (version !== VERSION && ids.some((id) => pages.has(id))) older[version] = ids;
  }
  await writeRecord({ active, older });
  const keep = new Set([CACHE, ...Object.keys(older).map(cacheOf)]);
  await Promise.all((await caches.keys()).filter((k) => k.startsWith('convaula-') && !keep.has(k)).map((k) => caches.delete(k)));
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const others = (await caches.keys()).filter((k) => k.startsWith('convaula-') && k !== CACHE);
    const { active, older } = await keptRecord();
    record = { active, older };
    // The build active until now (a build from before this record: the only other cache).
    const previous = active ?? (others.length === 1 ? others[0].slice('convaula-'.length) : null);
    // Every client open now is already controlled by this worker, and runs `previous` unless
    // it is down as running an even older build.
    const onOlder = new Set(Object.values(older).flat());
    const open = (await self.clients.matchAll({ includeUncontrolled: true, type: 'all' })).map((c) => c.id);
    const assign = previous && previous !== VERSION && others.includes(cacheOf(previous))
      ? { [previous]: open.filter((id) => !onOlder.has(id)) } : {};
    await prune({ active: VERSION, older: { ...older, ...assign } });
    if (others.length === 0) await self.clients.claim();
  })().finally(activated));
});

async function tell(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
}

// Stores a fetched file of this build; one of another build is left out and reported.
async function store(cache, path, response) {
  try {
    await cache.put(keyOf(path), await verified(path, response));
  } catch (err) {
    if (err instanceof OtherBuild) await tell({ type: 'convaula-otra-version', path });
  }
}

// A request under the site for a file that is not in the build: none of its pages asks for
// one, so it would come from another build. Refused; anything outside the scope is fetched.
function outside(request) {
  if (!request.url.startsWith(SCOPE)) return fetch(request).then(isolated);
  return isolated(new Response(null, { status: 404, statusText: 'Not in this build' }));
}

function isolated(response) {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
  const empty = [101, 204, 205, 304].includes(response.status);
  return new Response(empty ? null : response.body, { status: response.status, statusText: response.statusText, headers });
}

// Passes a body through one chunk behind, and its last chunk only once `check` resolves: if
// it rejects, the body ends in an error, so the page never has the whole of an unchecked file.
function heldUntil(check) {
  let last = null;
  return new TransformStream({
    transform(chunk, controller) {
      if (last) controller.enqueue(last);
      last = chunk;
    },
    async flush(controller) {
      await check;
      if (last) controller.enqueue(last);
    },
  });
}

// A file of this build: from the cache, else from the network, checked against FILES before
// the page has all of it (another build's bytes, a server updated since, end in an error and
// the page is told), then stored.
async function current(event, path) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(keyOf(path));
  if (hit) return isolated(hit);
  const response = await fetch(event.request);
  if (!response.ok) return isolated(response);
  // One copy to the page as it arrives (its progress bar moves), one to check and store.
  const [page, copy] = (response.body ?? new Response('').body).tee();
  const init = { status: response.status, statusText: response.statusText, headers: response.headers };
  const checked = verified(path, new Response(copy, init));
  event.waitUntil(checked.then((ok) => cache.put(keyOf(path), ok), async (err) => {
    if (err instanceof OtherBuild) await tell({ type: 'convaula-otra-version', path });
  }));
  return isolated(new Response(page.pipeThrough(heldUntil(checked)), init));
}

// A file for a page (or its worker) still running an older build: from that build's cache;
// unchanged bytes as this build's; else from the network only if they are the old build's.
async function older(event, version) {
  const cache = await caches.open(cacheOf(version));
  const files = await (await cache.match(MANIFEST))?.json().catch(() => null);
  const path = fileOf(event.request.url, files ?? FILES);
  if (path === null) return outside(event.request);
  const hit = await cache.match(keyOf(path));
  if (hit) return isolated(hit);
  if (!files || files[path] === FILES[path]) return current(event, path);
  try {
    const stored = await verified(path, await fetch(event.request), files);
    await cache.put(keyOf(path), stored.clone());
    return isolated(stored);
  } catch {
    await tell({ type: 'convaula-otra-version', path });
    return new Response(null, { status: 503, statusText: 'Another build' });
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || request.cache === 'only-if-cached') return;
  if (new URL(request.url).origin !== self.location.origin) return;
  // The class API (Aula en vivo) is live data, never a file of a build: straight to the server.
  if (request.url.startsWith(new URL('api/', SCOPE).href)) return;
  // A navigation opens the newest build; anything else follows the build of who asks for it.
  if (request.mode === 'navigate') {
    const path = fileOf(request.url);
    event.respondWith(path === null ? fetch(request).then(isolated) : current(event, path));
    return;
  }
  event.respondWith((async () => {
    const version = await buildOf(event.clientId);
    // A worker an older page starts runs that page's build too.
    if (version !== VERSION && event.resultingClientId) {
      const { active, older: builds } = await readRecord();
      await writeRecord({ active, older: { ...builds, [version]: [...builds[version], event.resultingClientId] } });
    }
    if (version !== VERSION) return older(event, version);
    const path = fileOf(request.url);
    return path === null ? outside(request) : current(event, path);
  })());
});

// What the page fetched before this worker controlled it (the first visit: the engine, the
// test set) is in the browser's HTTP cache: store it from there, without downloading again.
// Files the page says it uses (`used`: path prefixes) and that the HTTP cache no longer has
// (disabled, evicted) are downloaded again, so offline still works for them.
async function storeUsed(used = []) {
  const cache = await caches.open(CACHE);
  // The next load is cross-origin isolated by this worker (isolated()): a page that ran the
  // single-threaded engine (served without COOP/COEP) runs the threaded one from then on.
  used = used.flatMap((prefix) => (prefix === 'wasm/convaula-simd.' ? [prefix, 'wasm/convaula-simd-mt.'] : [prefix]));
  for (const path of Object.keys(FILES)) {
    if (await cache.match(keyOf(path))) continue;
    let r = await fetch(new Request(keyOf(path), { cache: 'only-if-cached', mode: 'same-origin' })).catch(() => null);
    if (!r?.ok && used.some((prefix) => path.startsWith(prefix))) r = await fetch(keyOf(path)).catch(() => null);
    if (r?.ok) await store(cache, path, r);
  }
}

self.addEventListener('message', (event) => {
  const { type } = event.data ?? {};
  const reply = async (message) => event.source?.postMessage({ ...message, version: await buildOf(event.source?.id) });
  // A page on an older build stores nothing new: its files are in its build's cache.
  if (type === 'convaula-guardar') {
    event.waitUntil((async () => {
      if (await buildOf(event.source?.id) === VERSION) await storeUsed(event.data.used);
      await prune(await readRecord());
      await reply({ type: 'convaula-guardado' });
    })());
  } else if (type === 'convaula-version') event.waitUntil(reply({ type: 'convaula-version' }));
  // The page's "Recargar": the person chose to switch now; that page reloads right after.
  else if (type === 'convaula-activar') self.skipWaiting();
});
