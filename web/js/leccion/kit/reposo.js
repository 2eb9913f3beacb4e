// Waiting for a quiet main thread: work that can come later (a lesson section's build, the
// service worker's install) waits until no pointer is down and no drawn digit is waiting for
// its answer (a student drawing a digit gets the answer first), and the browser reports an
// idle moment.

// The longest the wait lasts on a page that is never idle (a training run's chart).
const ESPERA_MAX_MS = 1000;
// The longest an awaited answer holds the wait (a worker that never answers must not stop it).
const RESPUESTA_MAX_MS = 3000;

let abajo = 0;
const esperando = [];
addEventListener('pointerdown', () => { abajo++; }, true);
const soltar = () => {
  abajo = Math.max(0, abajo - 1);
  if (abajo === 0) esperando.splice(0).forEach((fn) => fn());
};
addEventListener('pointerup', soltar, true);
addEventListener('pointercancel', soltar, true);

/** Resolves once no pointer is down on the page (at once if none is). */
export const sinPuntero = () => new Promise((resolve) => { if (abajo === 0) resolve(); else esperando.push(resolve); });

const respuestas = new Set();  // answers a student is waiting for (esperarRespuesta)

/**
 * Marks `promesa` (a drawn digit's prediction) as an answer a student is waiting for:
 * cuandoLibre() waits until it has settled, so that the answer's message and its bars are not
 * queued behind a lesson section's build. Returns `promesa`.
 */
export function esperarRespuesta(promesa) {
  // One per prediction, up to one a frame while the pen moves: the timer goes with the answer.
  let reloj;
  const fin = new Promise((resolve) => {
    reloj = setTimeout(resolve, RESPUESTA_MAX_MS);
    promesa.then(resolve, resolve);
  }).then(() => {
    clearTimeout(reloj);
    respuestas.delete(fin);
  });
  respuestas.add(fin);
  return promesa;
}

/** Resolves once no answer marked by esperarRespuesta is outstanding (at once if none is). */
async function sinRespuestas() {
  while (respuestas.size) await Promise.all(respuestas);
}

/** Resolves in an idle moment of the main thread, or after ESPERA_MAX_MS at the latest. */
export const enReposo = () => new Promise((resolve) => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: ESPERA_MAX_MS });
  else setTimeout(resolve, 0);
});

/**
 * No pointer down and no answer awaited, then an idle moment, and still no pointer down and no
 * answer awaited.
 */
export async function cuandoLibre() {
  do {
    await sinPuntero();
    await sinRespuestas();
    await enReposo();
  } while (abajo > 0 || respuestas.size > 0);
}
