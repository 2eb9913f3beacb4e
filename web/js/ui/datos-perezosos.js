// A light first visit: at open only a sample of MNIST's test set (its first 1.000 images, 0,16 MB:
// what the lesson's first sections show). The whole test set (1,6 MB) comes when something needs
// it (scoring, the test predictions, an image past the sample, a training run's validation) and
// the training set (9,7 MB) when a run starts, both with the same progress bar. The sample is a
// prefix of the test set, so "test image i" is the same image before and after. The worker keeps
// what it loaded, so asking again costs nothing.

import { despliegue as T } from '../textos.js';
import { entero } from '../formato.js';

/** Images in MNIST's training and test sets: what the page shows before it has downloaded them. */
export const MNIST_ENTRENAMIENTO = 60000;
export const MNIST_TEST = 10000;

/**
 * The worker downloads the other sets itself when a request needs them (protocolo.js, `loads`);
 * alListos({train, test}, usados) is called each time the training set or the whole test set
 * arrives, with the path prefixes of the data files the page now uses (for the service worker
 * to keep). Returns abrir(): loads the sample, resolves with the counts the lesson shows
 * ({train: MNIST_ENTRENAMIENTO until it is loaded, test: MNIST_TEST}).
 */
export function cargarDatosAlEntrenar(cliente, texto, alListos) {
  const barra = texto.parentElement.querySelector('progress');
  const decir = (test) => {
    texto.textContent = test < MNIST_TEST
      ? T.datos_muestra_lista(entero(test), entero(MNIST_TEST), entero(MNIST_ENTRENAMIENTO))
      : T.datos_test_listos(entero(test), entero(MNIST_ENTRENAMIENTO));
    // The bar comes back with the next download.
    barra.hidden = true;
  };
  cliente.on('dataLoaded', (datos) => {
    if (!datos.train) decir(datos.test);
    if (datos.train || datos.test >= MNIST_TEST) alListos(datos, ['data/t10k-', ...(datos.train ? ['data/train-'] : [])]);
  });
  return async function abrir() {
    const datos = await cliente.loadData({ sets: ['sample'] });
    if (!datos.train) decir(datos.test);
    return { train: datos.train || MNIST_ENTRENAMIENTO, test: MNIST_TEST };
  };
}
