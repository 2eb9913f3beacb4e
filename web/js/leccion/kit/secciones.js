// Starts each lesson section when it comes near the screen: its module is imported only then
// (the page opens fast, KaTeX and all), and built with what main.js passes in. Sections are
// started one at a time, each step (import, then build) in a separate task when the main
// thread is idle, and none while a pointer is down: a student drawing a digit right after the
// page opens gets the answer first, instead of waiting behind the sections near the drawing.

import { cuandoLibre } from './reposo.js';
import { el } from './dom.js';
import { leccion } from '../../textos.js';
import { mensajeDeError } from '../../ui/mensajes.js';

/**
 * @param {Object<string, () => Promise<{crear: Function}>>} modulos  section id → its import
 * @param {object} app  passed to every module's crear(seccion, app)
 * Every section gets data-ready="true" once its crear() has finished (tests and screenshots
 * wait for it), or data-error if it failed: its module could not be downloaded (offline, and
 * not kept by the service worker), or the engine crashed while the section was asking it for
 * something. The section then says so in Spanish, under its title.
 */
export function cargarSecciones(modulos, app) {
  const fallo = (seccion) => (error) => {
    if (seccion.dataset.error) return;
    seccion.dataset.error = String(error);
    const aviso = el('p', { class: 'error', role: 'alert', 'data-testid': 'section-error',
      text: leccion.comun.seccion_fallo(error?.code ? mensajeDeError(error) : '') });
    const titulo = seccion.querySelector('h2');
    if (titulo) titulo.after(aviso);
    else seccion.prepend(aviso);
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
