// «¿Lee la red nuestra letra tan bien como la de MNIST?», the class's live question before the
// teacher's panel tries the lesson's network on the class's drawings (aula/evaluacion.js): only
// on a page opened for a class (aula/alumno.js), in «Enséñale a la red», beside sending the
// drawings. The answer goes to the panel as every lesson question's does (kit/pregunta.js).

import { leccion } from '../textos.js';
import { el } from './kit/dom.js';
import { crearPregunta } from './kit/pregunta.js';
import { enAula } from '../aula/alumno.js';

const Q = leccion.ensena.pregunta_aula;

/** The question in a box of its own; null outside a class. */
export function crearPreguntaAula(motor) {
  if (!enAula()) return null;
  const caja = el('div', { class: 'ensena-pregunta-aula' });
  // The id is written `id: '…'`: the class server's catalog (server/aula/catalog.mjs) reads it so.
  crearPregunta(caja, {
    id: 'question-class-handwriting', motor, enunciado: Q.enunciado, ayuda: Q.ayuda,
    opciones: Object.entries(Q.opciones).map(([valor, texto]) => ({ valor, texto })),
    comprobar: async (elegida) => ({ correcta: elegida === 'peor', respuesta: Q.respuesta }),
  });
  return caja;
}
