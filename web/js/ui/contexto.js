// Opened over plain http from another address (a LAN name or IP), the page is not a secure
// context: no service worker (no offline use) and no SharedArrayBuffer (one thread). It still
// works; this says so, with the fix, instead of leaving the teacher to guess.

import { despliegue as T } from '../textos.js';

export function crearContexto(nota) {
  if (window.isSecureContext) return;
  nota.textContent = T.no_segura;
  nota.hidden = false;
}
