// Sections 1–5 of the lesson (Imágenes … Maxpooling): each widget starts when its section comes
// near the screen, and asks the engine once main.js says the model and MNIST are ready.

import { crearSenal, alAcercarse } from './comun-a-motor.js';
import { crearImagenes } from './imagenes.js';
import { crearConvolucion } from './convolucion.js';
import { crearCapas } from './capas.js';
import { crearMnist } from './mnist.js';
import { crearMaxpooling } from './maxpooling.js';

const SECCIONES = {
  imagenes: crearImagenes,
  convolucion: crearConvolucion,
  'capas-convolutivas': crearCapas,
  mnist: crearMnist,
  maxpooling: crearMaxpooling,
};

/** main.js calls datosListos({train, test}) with loadData()'s counts, once the model is built too. */
export function crearLeccionA(cliente) {
  const datos = crearSenal();
  const contexto = { cliente, datos: datos.promesa };
  for (const [id, crear] of Object.entries(SECCIONES)) {
    const seccion = document.getElementById(id);
    alAcercarse(seccion, () => crear(seccion, contexto));
  }
  return { datosListos: (d) => datos.resolver(d) };
}
