// Waiting for a quiet main thread: work that can come later (a lesson section's build, the
// service worker's install) waits until no pointer is down (a student drawing a digit gets the
// answer first) and the browser reports an idle moment.

// The longest the wait lasts on a page that is never idle (a training run's chart).
const ESPERA_MAX_MS = 1000;

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

/** Resolves in an idle moment of the main thread, or after ESPERA_MAX_MS at the latest. */
export const enReposo = () => new Promise((resolve) => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: ESPERA_MAX_MS });
  else setTimeout(resolve, 0);
});

/** Both: no pointer down, then an idle moment, and still no pointer down. */
export async function cuandoLibre() {
  await sinPuntero();
  await enReposo();
  await sinPuntero();
}
