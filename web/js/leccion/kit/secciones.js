// Starts each lesson section when it comes near the screen: its module is imported only then
// (the page opens fast, KaTeX and all), and built with what main.js passes in. Sections are
// started one at a time, each step (import, then build) in a separate task when the main
// thread is idle, and none while a pointer is down: a student drawing a digit right after the
// page opens gets the answer first, instead of waiting behind the sections near the drawing.

import { cuandoLibre } from './reposo.js';

/**
 * @param {Object<string, () => Promise<{crear: Function}>>} modulos  section id → its import
 * @param {object} app  passed to every module's crear(seccion, app)
 * Every section gets data-ready="true" once its crear() has finished (tests and screenshots
 * wait for it), or data-error if it failed.
 */
export function cargarSecciones(modulos, app) {
  const fallo = (seccion) => (error) => {
    seccion.dataset.error = String(error);
    console.error(error);
  };
  // The queue waits for a section's crear() only up to its first await (the part that holds
  // the main thread): one that then waits for the engine or its data does not hold up the next.
  let cola = Promise.resolve();
  const empezar = (seccion) => {
    cola = cola.then(async () => {
      await cuandoLibre();
      const m = await modulos[seccion.id]();
      await cuandoLibre();
      Promise.resolve(m.crear(seccion, app))
        .then(() => { seccion.dataset.ready = 'true'; }, fallo(seccion));
    }).catch(fallo(seccion));
  };
  const observador = new IntersectionObserver((entradas) => {
    for (const { isIntersecting, target: seccion } of entradas) {
      if (!isIntersecting) continue;
      observador.unobserve(seccion);
      empezar(seccion);
    }
  }, { rootMargin: '100% 0px' });
  for (const id of Object.keys(modulos)) observador.observe(document.getElementById(id));
}
