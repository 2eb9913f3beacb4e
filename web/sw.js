// sw.js: the service worker that keeps ConvAula working without network after the first visit.
//
// On install it stores every file of the page (code, the wasm engines, MNIST .gz, the
// pretrained weights) in a cache named after VERSION, the hash of those files that
// scripts/precache.mjs stamps here at build time along with FILES. Requests are answered from
// that cache first, with the whole stored Response, so the COOP/COEP and CSP headers the
// server sent come back with it (the page stays cross-origin isolated and under its CSP
// offline). A new build is a new VERSION: it installs beside the old cache, takes over
// for the next page load, and deletes the old cache.
const VERSION = 'dev';
const FILES = [];
const CACHE = `convaula-${VERSION}`;

self.addEventListener('install', (event) => {
  // cache: 'reload' skips the HTTP cache, so the stored files are those of this build.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('convaula-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(request, { ignoreSearch: true }))
    .then((stored) => stored ?? fetch(request)));
});
