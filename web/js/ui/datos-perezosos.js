// A light first visit: at open only the MNIST test set (10.000 images, 1,6 MB: the lesson's
// sections show them); the training set (9,7 MB) is fetched when a training run starts, with
// the same progress bar. The worker keeps what it loaded, so asking again costs nothing.

import { despliegue as T } from '../textos.js';
import { entero } from '../formato.js';

/** Images in MNIST's training set: what the page offers before it has downloaded them. */
export const MNIST_ENTRENAMIENTO = 60000;

/**
 * The worker downloads the training set itself when a run starts (protocolo.js, train's
 * `loads`); alListos({train, test}) is called with the loaded counts when it arrives.
 * Returns abrir(): loads the test set, resolves with the counts the lesson shows ({train:
 * MNIST_ENTRENAMIENTO until it is loaded, test}).
 */
export function cargarDatosAlEntrenar(cliente, texto, alListos) {
  cliente.on('dataLoaded', (datos) => { if (datos.train) alListos(datos); });
  return async function abrir() {
    const datos = await cliente.loadData({ sets: ['test'] });
    if (!datos.train) {
      texto.textContent = T.datos_test_listos(entero(datos.test), entero(MNIST_ENTRENAMIENTO));
      // The bar comes back with the training set's download.
      texto.parentElement.querySelector('progress').hidden = true;
    }
    return { ...datos, train: datos.train || MNIST_ENTRENAMIENTO };
  };
}
