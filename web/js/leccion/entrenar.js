// Section 8, «Entrenar y predecir» (lesson part): model.compile and model.fit written as the
// lesson writes them, following the training panel's choices; model.evaluate on the test set;
// the lesson's model.predict of test image 0 with its ten probabilities and np.round's one-hot.
// The training panel itself (ui/entrenamiento.js) runs fit with its live charts.

import { leccion } from '../textos.js';
import { decimal, porcentaje, leerNumero } from '../formato.js';
import { formula } from '../formulas.js';
import { el } from './kit/dom.js';
import { pintarTinta } from './kit/lienzo.js';
import { crearBarras } from './kit/barras.js';
import { comoPython, redondearComoNumpy, vectorComoNumpy } from './numpy.js';
import { crearCuaderno } from './cuaderno.js';

export { redondearComoNumpy };

const T = leccion.entrenar;
const CLASE_KERAS = { adadelta: 'Adadelta', adam: 'Adam', rmsprop: 'RMSprop', sgd: 'SGD' };

// Python's spelling of a number typed in the panel ("0,001" → "0.001").
const python = (texto) => {
  const x = leerNumero(texto);
  return Number.isFinite(x) ? String(x) + (Number.isInteger(x) ? '.0' : '') : '?';
};

// entrenamiento: the training panel's object (configuracion(), alCambiarConfiguracion(fn)).
function crearCompilar(raiz, entrenamiento) {
  const codigo = el('pre', { class: 'codigo', 'data-testid': 'compile-code' }, el('code'));
  const notaAdadelta = el('p', { class: 'ayuda', 'data-testid': 'compile-adadelta-note', text: T.nota_adadelta });
  const loss = el('li', {}, el('span', { text: T.loss }),
    el('div', { class: 'formula', role: 'math', 'aria-label': T.loss_alt }));
  formula(loss.lastChild, String.raw`L = -\sum_{k=0}^{9} y_k \log p_k = -\log p_{\text{correcta}}`, { display: true });
  raiz.append(el('div', { class: 'panel panel-leccion' },
    el('h3', { text: T.compilar_titulo }), el('p', { text: T.compilar_texto }), codigo,
    notaAdadelta,
    el('ul', { class: 'lista' }, loss, el('li', { text: T.optimizer }), el('li', { text: T.metrics })),
    el('p', { text: T.fit_texto })));

  function escribir({ optimizador, tasa, lote, epocas }) {
    const opt = optimizador || 'adadelta';
    notaAdadelta.hidden = opt !== 'adadelta';
    codigo.firstChild.textContent = [
      "model.compile(loss='categorical_crossentropy',",
      `              optimizer=tf.keras.optimizers.${CLASE_KERAS[opt] ?? opt}(learning_rate=${python(tasa)}),`,
      "              metrics=['accuracy'])",
      '',
      'model.fit(X_train, y_train,',
      `          batch_size=${lote || '32'},`,
      `          epochs=${epocas || '1'},`,
      '          verbose=1,',
      '          validation_data=(X_test, y_test))',
      'score = model.evaluate(X_test, y_test, verbose=1)',
    ].join('\n');
  }
  entrenamiento.alCambiarConfiguracion(escribir);
  escribir(entrenamiento.configuracion());
}

function crearPredecir(raiz, motor) {
  const evaluar = el('button', { type: 'button', 'data-testid': 'lesson-evaluate', text: T.evaluar_boton });
  const detener = el('button', { type: 'button', 'data-testid': 'lesson-evaluate-stop', text: leccion.comun.detener, disabled: true });
  const predecir = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'test0-predict', text: T.predecir_boton });
  const score = el('p', { class: 'resumen', 'data-testid': 'lesson-score', 'aria-live': 'polite' });
  const estado = el('p', { class: 'estado', role: 'status' });
  const imagen = el('canvas', { class: 'mnist', width: 28, height: 28, role: 'img', 'aria-label': leccion.comun.imagen_pendiente });
  const pie = el('figcaption');
  const vector = el('pre', { class: 'codigo', 'data-testid': 'test0-array' });
  const barras = el('ol', { class: 'barras', 'aria-label': T.probs_titulo });
  const mostrarBarras = crearBarras(barras, { prefijo: 'test0-prob', formato: (p) => `${decimal(p, 7)} · ${porcentaje(p, 2)}` });
  const suma = el('p', { 'data-testid': 'test0-sum' });
  const onehot = el('pre', { class: 'codigo codigo-onehot', 'data-testid': 'test0-onehot' });
  const conclusion = el('p', { class: 'resumen' });
  const resultado = el('div', { class: 'prediccion-test0', hidden: true },
    el('figure', { class: 'figura-centrada' }, imagen, pie),
    el('div', { class: 'prediccion-test0-datos' },
      el('p', { class: 'codigo-titulo' }, el('code', { text: 'model.predict(X_test[0].reshape(1,28,28,1))' })), vector,
      el('p', { class: 'titulo-barras', text: T.probs_titulo }), barras,
      suma,
      el('p', { text: T.redondeo }), onehot, conclusion, el('p', { class: 'ayuda', text: T.sin_entrenar })));

  raiz.append(el('div', { class: 'panel panel-leccion' },
    el('h3', { text: T.evaluar_titulo }), el('p', { text: T.evaluar_texto }),
    el('div', { class: 'botones' }, evaluar, detener, predecir), score, estado, resultado));

  // Each button is disabled while its own action runs.
  const accionEvaluar = motor.accion(estado, { botones: [evaluar], detener });
  const accionPredecir = motor.accion(estado, { botones: [predecir] });

  evaluar.addEventListener('click', () => accionEvaluar(async (cliente) => {
    const { loss, accuracy } = await cliente.evaluate();
    score.textContent = T.evaluar_resultado(`[${comoPython(loss)}, ${comoPython(accuracy)}]`, decimal(loss, 4), decimal(accuracy, 4), porcentaje(accuracy, 2));
    score.dataset.accuracy = String(accuracy);
  }));

  predecir.addEventListener('click', () => accionPredecir(async (cliente) => {
    const { pixels, labels } = await cliente.testImages({ start: 0, count: 1 });
    const { digit, probabilities: p } = await cliente.predict({ pixels });
    pintarTinta(imagen, pixels);
    imagen.setAttribute('aria-label', T.imagen_alt(labels[0]));
    pie.textContent = T.imagen_pie(labels[0]);
    vector.textContent = vectorComoNumpy(p);
    mostrarBarras(p);
    const total = p.reduce((a, b) => a + b, 0);
    suma.textContent = T.suma(decimal(total, 4));
    suma.dataset.value = String(total);
    const redondeado = Array.from(p, redondearComoNumpy);
    onehot.textContent = `[${redondeado.join(', ')}]`;
    onehot.dataset.value = redondeado.join(',');
    conclusion.textContent = T.conclusion(digit, porcentaje(p[digit], 2));
    resultado.hidden = false;
  }));

  // After a run the panel shows model.evaluate's numbers; a new prediction is one click away.
  motor.alCambiarPrincipal((s) => { if (s === 'training') resultado.hidden = true; });
}

export async function crear(seccion, { motor, entrenamiento }) {
  crearCompilar(seccion.querySelector('.widgets'), entrenamiento);
  crearCuaderno(seccion.querySelector('.widgets-despues'), motor);
  crearPredecir(seccion.querySelector('.widgets-despues'), motor);
}
