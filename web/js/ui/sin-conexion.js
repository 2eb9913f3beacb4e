// Offline use: registers the service worker (sw.js) and says whether the page already works
// without network: `guardada` resolves once sw.js has stored every file the page uses; it is
// registered when `registrar` resolves (after the first downloads, see main.js).

import { sin_conexion as T } from '../textos.js';

export function crearSinConexion(elemento, guardada = navigator.serviceWorker?.ready, registrar = Promise.resolve()) {
  const decir = (estado) => {
    elemento.dataset.state = estado;
    elemento.textContent = T[estado];
  };
  if (!('serviceWorker' in navigator)) { decir('no_disponible'); return; }

  let lista = false;
  const actualizar = () => decir(!lista ? 'preparando' : navigator.onLine ? 'lista' : 'desconectado');
  actualizar();
  registrar.then(() => navigator.serviceWorker.register(new URL('../../sw.js', import.meta.url)))
    .catch(() => decir('no_disponible'));
  guardada.then(() => { lista = true; actualizar(); });
  window.addEventListener('online', actualizar);
  window.addEventListener('offline', actualizar);
}
