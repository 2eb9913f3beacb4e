// Starts each lesson section when it comes near the screen: its module is imported only then
// (the page opens fast, KaTeX and all), and built with what main.js passes in.

/**
 * @param {Object<string, () => Promise<{crear: Function}>>} modulos  section id → its import
 * @param {object} app  passed to every module's crear(seccion, app)
 * Every section gets data-ready="true" once its crear() has finished (tests and screenshots
 * wait for it), or data-error if it failed.
 */
export function cargarSecciones(modulos, app) {
  const observador = new IntersectionObserver((entradas) => {
    for (const { isIntersecting, target: seccion } of entradas) {
      if (!isIntersecting) continue;
      observador.unobserve(seccion);
      modulos[seccion.id]()
        .then((m) => m.crear(seccion, app))
        .then(() => { seccion.dataset.ready = 'true'; })
        .catch((error) => {
          seccion.dataset.error = String(error);
          console.error(error);
        });
    }
  }, { rootMargin: '100% 0px' });
  for (const id of Object.keys(modulos)) observador.observe(document.getElementById(id));
}
