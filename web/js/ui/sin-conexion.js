// Offline use: registers the service worker (sw.js) and says whether the page already works
// without network. navigator.serviceWorker.ready resolves once sw.js has stored every file.

import { sin_conexion as T } from '../textos.js';

export function crearSinConexion(elemento) {
  const decir = (estado) => {
    elemento.dataset.state = estado;
    elemento.textContent = T[estado];
  };
  if (!('serviceWorker' in navigator)) { decir('no_disponible'); return; }

  let guardada = false;
  const actualizar = () => decir(!guardada ? 'preparando' : navigator.onLine ? 'lista' : 'desconectado');
  actualizar();
  navigator.serviceWorker.register(new URL('../../sw.js', import.meta.url)).catch(() => decir('no_disponible'));
  navigator.serviceWorker.ready.then(() => { guardada = true; actualizar(); });
  window.addEventListener('online', actualizar);
  window.addEventListener('offline', actualizar);
}
