// "Clasificación del MNIST", model.summary(): the engine's parameter counts of the lesson's
// network as Keras prints them, with a switch that redraws the whole table for the same network
// without MaxPooling2D (both specs counted by the engine), the dense layer's share, a question
// asked before the switch (the switch and the count without pooling wait for its answer), and
// links to the sections that explain the layers.

import { leccion, secciones } from '../textos.js';
import { entero, enteroAgrupado, numero, porcentaje } from '../formato.js';
import { crearPregunta } from './kit/pregunta.js';
import { el } from './kit/dom.js';

const T = leccion.mnist;
// The lesson's sections that explain a layer type, linked from its row.
const SECCION_DE = { Conv2D: 'capas-convolutivas', MaxPooling2D: 'maxpooling', Dropout: 'dropout' };
// "¿Cuántas veces más?": the option whose range holds the engine's ratio is the right one.
const RANGOS = { mitad: [0.4, 0.6], igual: [0.8, 1.25], cuatro: [3, 5], cien: [50, 200] };

export async function crearResumen(raiz, motor) {
  const pedir = motor.accion(raiz.querySelector('.error'), { calculando: false });
  const interruptor = raiz.querySelector('[data-parte="con-pooling"]');
  const cuentas = (cliente) => contarAmbas(cliente);
  crearPregunta(raiz.querySelector('[data-parte="pregunta-pooling"]'), {
    id: 'question-pooling', motor, enunciado: T.pooling_enunciado,
    opciones: Object.keys(RANGOS).map((valor) => ({ valor, texto: T.pooling_opciones[valor] })),
    async comprobar(elegida, cliente) {
      const { con, sin } = await cuentas(cliente);
      const veces = suma(sin) / suma(con);
      const [a, b] = RANGOS[elegida];
      return { correcta: veces >= a && veces <= b,
        respuesta: T.pooling_respuesta(entero(suma(sin)), entero(suma(con)), numero(veces, 2)) };
    },
    ayuda: T.pooling_ayuda,
    alResolver() {
      interruptor.disabled = false;
      raiz.querySelector('[data-parte="sin-pooling"]').hidden = false;
    },
  });

  const r = await pedir(cuentas);
  if (!r) return;
  const mostrar = () => pintarTabla(raiz, interruptor.checked ? r.con : r.sin, interruptor.checked);
  interruptor.addEventListener('change', mostrar);
  mostrar();
  explicarSinPooling(raiz, r);
}

async function contarAmbas(cliente) {
  const presets = await cliente.presets();
  const spec = presets.find((p) => p.name === 'keras-mnist').spec;
  const sinPooling = { ...spec, layers: spec.layers.filter((l) => l.type !== 'max_pooling2d') };
  return {
    con: await cliente.explain('params', { spec }),
    sin: await cliente.explain('params', { spec: sinPooling }),
  };
}

// Keras's "Total params" is the sum of the column.
const suma = (filas) => filas.reduce((s, capa) => s + capa.total, 0);

function pintarTabla(raiz, filas, conPooling) {
  const tabla = raiz.querySelector('[data-testid="mnist-summary"]');
  const cuerpo = tabla.querySelector('tbody');
  cuerpo.replaceChildren();
  for (const capa of filas) {
    const fila = cuerpo.insertRow();
    const nombre = fila.insertCell();
    nombre.append(nombreDeCapa(capa));
    if (capa.formula) nombre.append(el('span', { class: 'formula-capa', text: legible(capa.formula) }));
    fila.insertCell().append(el('code', { text: `(None, ${capa.output.join(', ')})` }));
    const parametros = fila.insertCell();
    parametros.textContent = enteroAgrupado(capa.total);
    parametros.className = 'numero';
  }
  const total = suma(filas);
  tabla.dataset.pooling = conPooling ? 'con' : 'sin';
  tabla.dataset.total = String(total);
  const texto = (id, t) => { raiz.querySelector(`[data-testid="${id}"]`).textContent = t; };
  texto('mnist-total', T.resumen_total(enteroAgrupado(total)));
  // Every parameter of the engine's layers gets a gradient (no frozen layers): all are trainable.
  const entrenables = filas.reduce((s, capa) => s + capa.weights + capa.biases, 0);
  texto('mnist-trainable', T.resumen_entrenables(enteroAgrupado(entrenables)));
  texto('mnist-non-trainable', T.resumen_no_entrenables(enteroAgrupado(total - entrenables)));
  texto('mnist-pooling-state', conPooling ? T.pooling_con : T.pooling_sin);
  const densa = filas.find((capa) => capa.kerasClass === 'Dense');
  texto('mnist-dense', T.pooling_densa(densa.layer, entero(densa.total), entero(total), porcentaje(densa.total / total, 1)));
}

// "max_pooling2d (MaxPooling2D)", a link to its section when the lesson has one.
function nombreDeCapa(capa) {
  const codigo = el('code', { text: `${capa.layer} (${capa.kerasClass})` });
  const id = SECCION_DE[capa.kerasClass];
  if (!id) return codigo;
  return el('a', { href: `#${id}`, class: 'enlace-capa' }, codigo,
    el('span', { class: 'sr-only', text: ` (${T.resumen_seccion(secciones[id].titulo)})` }));
}

function explicarSinPooling(raiz, { con, sin }) {
  const densa = sin.find((capa) => capa.kerasClass === 'Dense');
  raiz.querySelector('[data-testid="mnist-without-pooling"]').textContent =
    T.sin_pooling_texto(entero(densa.inputsPerNeuron), entero(densa.total));
  // With pooling the dense layer has about a quarter: its weights shrink fourfold, its biases do not.
  const densaCon = con.find((capa) => capa.kerasClass === 'Dense');
  const cierre = raiz.querySelector('[data-parte="sin-pooling-cierre"]');
  cierre.replaceChildren(T.sin_pooling_cierre(entero(densaCon.total), entero(densa.total), entero(densa.total / 4)), ' ',
    el('a', { href: '#maxpooling', text: T.sin_pooling_enlace }), '.');
  raiz.querySelector('[data-parte="sin-pooling-formula"]').textContent = T.sin_pooling_formula(legible(densa.formula));
}

// The engine's formula "(3*3*32 + 1) * 64 = 18496" written for Spanish readers: × and 18.496,
// grouped like the Param # column it explains.
function legible(formulaMotor) {
  return formulaMotor.replaceAll('*', '×').replace(/\d+/g, (n) => enteroAgrupado(Number(n)));
}
