// temprano.js: the engine's worker, started as early as the page can start it. A classic
// script with no imports, `async` in index.html's <head>, so it runs as soon as it arrives: the
// worker's own files are then asked for while main.js's thirty modules are still being asked
// for (HTTP/1.1 allows six connections). Started by arranque.js (an async module, which waits
// for its imports) instead, the worker began evaluating 200-300 ms later on a loaded 2-core
// machine (bench/primera-respuesta.mjs). Made parser-blocking, it started earlier still but held
// the load event back as much, and the answer came no sooner (bench/primera-respuesta.mjs).
//
// The worker gets its first request, loading the pretrained network, with its URL (client.js,
// option `init`). Its messages are kept until arranque.js's client takes the worker over
// (window.__convaulaTemprano); if arranque.js came first, it has started its own worker and
// this does nothing.
(() => {
  if ('__convaulaTemprano' in window) return;
  const aqui = document.currentScript.src;
  const init = { manifest: new URL('../models/keras-mnist.json', aqui).href };
  const url = new URL('../worker.js', aqui);
  url.hash = `init=${encodeURIComponent(JSON.stringify(init))}`;  // as client.js's conInit()
  let worker;
  try {
    worker = new Worker(url, { type: 'module' });
  } catch {
    return;  // arranque.js starts it, and reports what fails
  }
  const eventos = [];
  const guardar = (e) => { e.preventDefault?.(); eventos.push(e); };
  worker.onmessage = guardar;
  worker.onerror = guardar;
  worker.onmessageerror = guardar;
  window.__convaulaTemprano = { worker, init, eventos };
})();
