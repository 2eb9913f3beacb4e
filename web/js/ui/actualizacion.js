// Updates never mix builds: a new build's service worker waits (sw.js never skips waiting on
// its own), and the open page keeps running the build it started with. This offers
// "Hay una versión nueva — Recargar": the button lets the waiting worker take over and reloads.
// It also asks the worker to store what the page fetched before the worker controlled it
// (guardarUsados), and checks for a new build every few minutes and when the network is back.

import { despliegue as T } from '../textos.js';

const CADA_MS = 5 * 60 * 1000;

export function crearActualizacion(raiz) {
  const sw = navigator.serviceWorker;
  if (!sw) return { guardarUsados: () => new Promise(() => {}) };
  const texto = raiz.querySelector('span');
  const boton = raiz.querySelector('button');
  texto.textContent = T.nueva_version;
  boton.textContent = T.recargar;

  let registro = null;
  let recargar = false;
  const ofrecer = () => { raiz.hidden = false; };
  const vigilar = (reg) => {
    registro = reg;
    // A worker waiting while another controls this page is a new build.
    if (reg.waiting && sw.controller) ofrecer();
    reg.addEventListener('updatefound', () => {
      const nuevo = reg.installing;
      nuevo?.addEventListener('statechange', () => { if (nuevo.state === 'installed' && sw.controller) ofrecer(); });
    });
  };
  sw.getRegistration().then((reg) => reg && vigilar(reg));
  sw.ready.then(vigilar);
  sw.addEventListener('message', ({ data }) => {
    if (data?.type === 'convaula-version') raiz.dataset.version = data.version;
    // The server already has another build than this page: look for its service worker.
    if (data?.type === 'convaula-otra-version') registro?.update().catch(() => {});
  });
  // A new build took over from another tab's "Recargar": this page should reload too. (The
  // first install's claim replaces no controller: nothing to offer then.)
  let controlada = Boolean(sw.controller);
  sw.addEventListener('controllerchange', () => {
    if (recargar) { window.location.reload(); return; }
    if (controlada) ofrecer();
    controlada = true;
    sw.controller?.postMessage({ type: 'convaula-version' });
  });
  boton.addEventListener('click', () => {
    if (!registro?.waiting) { window.location.reload(); return; }
    recargar = true;
    registro.waiting.postMessage({ type: 'convaula-activar' });
  });
  const buscar = () => registro?.update().catch(() => {});
  setInterval(buscar, CADA_MS);
  window.addEventListener('online', buscar);
  sw.controller?.postMessage({ type: 'convaula-version' });

  let guardado = null;
  return {
    // Once the page has what it needs: the worker stores `usados` (path prefixes: the engine
    // variant, the data sets) from the HTTP cache, or downloads them again if the cache lost
    // them. Resolves when it has (then the page works offline); call again with more.
    guardarUsados(usados = []) {
      const pedir = () => sw.controller?.postMessage({ type: 'convaula-guardar', used: usados });
      if (guardado) { guardado.then(pedir); return guardado; }
      guardado = new Promise((resolve) => {
        sw.addEventListener('message', ({ data }) => { if (data?.type === 'convaula-guardado') resolve(); });
        if (sw.controller) pedir();
        else sw.addEventListener('controllerchange', pedir, { once: true });
      });
      return guardado;
    },
  };
}
