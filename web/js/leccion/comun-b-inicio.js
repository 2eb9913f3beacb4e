// Sections 6–10 of the lesson (dropout, ReLU, entrenar, aprendido, práctica): each widget's
// module is imported and built only when its section comes near the screen, so the page opens fast.

import { crearMotorB } from './comun-b-motor.js';

const MODULOS = {
  dropout: () => import('./dropout.js'),
  relu: () => import('./relu.js'),
  entrenar: () => import('./entrenar.js'),
  aprendido: () => import('./aprendido.js'),
  practica: () => import('./practica.js'),
};

/**
 * @param {{cliente: import('../client.js').ConvAulaClient, entrenamiento: object, dibujo: object}} app
 *   the page's engine client and the existing training and drawing widgets (main.js).
 */
export function iniciarLeccionB(app) {
  const motor = crearMotorB(app);
  const observador = new IntersectionObserver((entradas) => {
    for (const entrada of entradas) {
      if (!entrada.isIntersecting) continue;
      observador.unobserve(entrada.target);
      const seccion = entrada.target;
      MODULOS[seccion.id]()
        .then((m) => m.crear(seccion.querySelector('.leccion-b'), motor))
        .catch((error) => {
          seccion.querySelector('.leccion-b')?.setAttribute('data-error', String(error));
          console.error(error);
        });
    }
  }, { rootMargin: '400px 0px' });
  for (const id of Object.keys(MODULOS)) observador.observe(document.getElementById(id));
}
