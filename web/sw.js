// sw.js: the service worker that keeps ConvAula working without network, light on the school's Wi-Fi.
//
// scripts/precache.mjs stamps three lines at build time: VERSION (a hash of the whole build),
// FILES (every file of the build with the SHA-256 of its bytes) and PRECACHE (the light set:
// page, code, styles, pretrained weights). Install stores only PRECACHE, taking what the page
// has just fetched from the HTTP cache and unchanged files from the previous build's cache; the rest (the engine variant this browser runs, the MNIST sets,
// KaTeX's fonts) is stored when first fetched. Everything stored is checked against FILES,
// so one cache never mixes two builds: a file of another build is not stored and the page is
// told there is a new version.
//
// No skipWaiting() on its own: a new build waits until every page of the old one is closed
// (or the page's "Recargar" asks for it), so an open page never switches builds mid-session.
// clients.claim() only on the very first install, when no page runs another build.
//
// Every response it serves gets COOP/COEP/CORP, so on a host that cannot send headers the
// page is cross-origin isolated (threads) from its second load on.
const VERSION = 'dev';
const FILES = {};
const PRECACHE = [];
const CACHE = `convaula-${VERSION}`;
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const SCOPE = new URL('./', self.location).href;

/** The build file a URL names ('' is index.html), or null. */
function fileOf(url) {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  if (!u.href.startsWith(SCOPE)) return null;
  const path = decodeURIComponent(u.href.slice(SCOPE.length)) || 'index.html';
  return Object.hasOwn(FILES, path) ? path : null;
}
const keyOf = (path) => new URL(path, SCOPE).href;

async function sha256(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

class OtherBuild extends Error {}

// The response as stored: its bytes checked against this build; no Content-Encoding any more
// (the body is already decoded), its real length.
async function verified(path, response) {
  if (!response?.ok) throw new Error(`${path}: ${response?.status}`);
  const body = await response.arrayBuffer();
  if (await sha256(body) !== FILES[path]) throw new OtherBuild(path);
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

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const old = (await caches.keys()).filter((k) => k.startsWith('convaula-') && k !== CACHE);
    await Promise.all(old.map((k) => caches.delete(k)));
    if (old.length === 0) await self.clients.claim();
  })());
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

function isolated(response) {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
  const empty = [101, 204, 205, 304].includes(response.status);
  return new Response(empty ? null : response.body, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || request.cache === 'only-if-cached') return;
  const path = fileOf(request.url);
  if (path === null) {
    if (new URL(request.url).origin === self.location.origin) event.respondWith(fetch(request).then(isolated));
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(keyOf(path));
    if (hit) return isolated(hit);
    const response = await fetch(request);
    if (!response.ok || !response.body) return isolated(response);
    // One copy to the page as it arrives (its progress bar moves), one to check and store.
    const [page, copy] = response.body.tee();
    const init = { status: response.status, statusText: response.statusText, headers: response.headers };
    event.waitUntil(store(cache, path, new Response(copy, init)));
    return isolated(new Response(page, init));
  })());
});

// What the page fetched before this worker controlled it (the first visit: the engine, the
// test set) is in the browser's HTTP cache: store it from there, without downloading again.
// Files the page says it uses (`used`: path prefixes) and that the HTTP cache no longer has
// (disabled, evicted) are downloaded again, so offline still works for them.
async function storeUsed(used = []) {
  const cache = await caches.open(CACHE);
  for (const path of Object.keys(FILES)) {
    if (await cache.match(keyOf(path))) continue;
    let r = await fetch(new Request(keyOf(path), { cache: 'only-if-cached', mode: 'same-origin' })).catch(() => null);
    if (!r?.ok && used.some((prefix) => path.startsWith(prefix))) r = await fetch(keyOf(path)).catch(() => null);
    if (r?.ok) await store(cache, path, r);
  }
}

self.addEventListener('message', (event) => {
  const { type } = event.data ?? {};
  if (type === 'convaula-guardar') event.waitUntil(storeUsed(event.data.used).then(() => event.source?.postMessage({ type: 'convaula-guardado', version: VERSION })));
  else if (type === 'convaula-version') event.source?.postMessage({ type: 'convaula-version', version: VERSION });
  // The page's "Recargar": the person chose to switch now; that page reloads right after.
  else if (type === 'convaula-activar') self.skipWaiting();
});
