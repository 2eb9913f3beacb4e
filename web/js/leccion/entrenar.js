// Section 8, «Entrenar y predecir» (lesson part): model.compile and model.fit written as the
// lesson writes them, following the training panel's choices; model.evaluate on the test set;
// the lesson's model.predict of test image 0 with its ten probabilities and np.round's one-hot.
// The training panel itself (ui/entrenamiento.js) runs fit with its live charts.

import { leccionB } from '../textos.js';
import { decimal, porcentaje, leerNumero } from '../formato.js';
import { formula } from '../formulas.js';
import { el, pintarPlano, escalaTinta } from './comun-b-dom.js';
import { crearAccion } from './comun-b-motor.js';

const T = leccionB.entrenar;
const CLASE_KERAS = { adadelta: 'Adadelta', adam: 'Adam', rmsprop: 'RMSprop', sgd: 'SGD' };

// Python's spelling of a number typed in the panel ("0,001" → "0.001").
const python = (texto) => {
  const x = leerNumero(texto);
  return Number.isFinite(x) ? String(x) + (Number.isInteger(x) ? '.0' : '') : '?';
};

function crearCompilar(raiz) {
  const panel = document.querySelector('.panel-entrenamiento');
  const campo = (id) => panel.querySelector(`#${id}`);
  const codigo = el('pre', { class: 'lb-codigo', 'data-testid': 'compile-code' }, el('code'));
  const loss = el('li', {}, el('span', { text: T.loss }),
    el('div', { class: 'lb-formula', role: 'math', 'aria-label': T.loss_alt }));
  formula(loss.lastChild, String.raw`L = -\sum_{k=0}^{9} y_k \log p_k = -\log p_{\text{correcta}}`, { display: true });
  raiz.append(el('div', { class: 'panel lb-panel' },
    el('h3', { text: T.compilar_titulo }), el('p', { text: T.compilar_texto }), codigo,
    el('ul', { class: 'lb-lista' }, loss, el('li', { text: T.optimizer }), el('li', { text: T.metrics })),
    el('p', { text: T.fit_texto })));

  function escribir() {
    const opt = campo('optimizador').value || 'adadelta';
    codigo.firstChild.textContent = [
      "model.compile(loss='categorical_crossentropy',",
      `              optimizer=tf.keras.optimizers.${CLASE_KERAS[opt] ?? opt}(learning_rate=${python(campo('tasa').value)}),`,
      "              metrics=['accuracy'])",
      '',
      'model.fit(X_train, y_train,',
      `          batch_size=${campo('lote').value || '32'},`,
      `          epochs=${campo('epocas').value || '1'},`,
      '          verbose=1,',
      '          validation_data=(X_test, y_test))',
      'score = model.evaluate(X_test, y_test, verbose=1)',
    ].join('\n');
  }
  for (const id of ['optimizador', 'tasa', 'lote', 'epocas']) {
    campo(id).addEventListener('change', escribir);
    campo(id).addEventListener('input', escribir);
  }
  // The panel fills its fields from the preset (and the Adadelta lr buttons) without events.
  new MutationObserver(escribir).observe(panel.querySelector('#preset-parametros'), { childList: true });
  panel.querySelector('#nota-adadelta').addEventListener('click', () => setTimeout(escribir));
  escribir();
}

function crearPredecir(raiz, motor) {
  const { cliente } = motor;
  const evaluar = el('button', { type: 'button', 'data-testid': 'lesson-evaluate', text: T.evaluar_boton });
  const predecir = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'test0-predict', text: T.predecir_boton });
  const score = el('p', { class: 'lb-resumen', 'data-testid': 'lesson-score', 'aria-live': 'polite' });
  const estado = el('p', { class: 'lb-estado', role: 'status' });
  const imagen = el('canvas', { class: 'lb-mnist', width: 28, height: 28, role: 'img' });
  const pie = el('figcaption');
  const vector = el('pre', { class: 'lb-codigo', 'data-testid': 'test0-array' });
  const cuerpo = el('tbody');
  const suma = el('p', { 'data-testid': 'test0-sum' });
  const onehot = el('pre', { class: 'lb-codigo lb-onehot', 'data-testid': 'test0-onehot' });
  const conclusion = el('p', { class: 'lb-resumen' });
  const resultado = el('div', { class: 'lb-prediccion', hidden: true },
    el('figure', { class: 'lb-figura' }, imagen, pie),
    el('div', { class: 'lb-prediccion-datos' },
      el('p', { class: 'lb-codigo-titulo' }, el('code', { text: 'model.predict(X_test[0].reshape(1,28,28,1))' })), vector,
      el('table', { class: 'lb-tabla lb-tabla-probs' },
        el('caption', { text: T.probs_titulo }),
        el('thead', {}, el('tr', {}, ...[T.tabla_digito, T.tabla_probabilidad, T.tabla_porcentaje].map((t) => el('th', { scope: 'col', text: t })))),
        cuerpo),
      suma,
      el('p', { text: T.redondeo }), onehot, conclusion, el('p', { class: 'ayuda', text: T.sin_entrenar })));

  raiz.append(el('div', { class: 'panel lb-panel' },
    el('h3', { text: T.evaluar_titulo }), el('p', { text: T.evaluar_texto }),
    el('div', { class: 'botones' }, evaluar, predecir), score, estado, resultado));

  // Each button is disabled while its own action runs.
  const accionEvaluar = crearAccion(motor, estado, [evaluar]);
  const accionPredecir = crearAccion(motor, estado, [predecir]);

  evaluar.addEventListener('click', () => accionEvaluar(async () => {
    const { loss, accuracy } = await cliente.evaluate();
    score.textContent = T.evaluar_resultado(decimal(loss, 4), decimal(accuracy, 4), porcentaje(accuracy, 2));
    score.dataset.accuracy = String(accuracy);
  }));

  predecir.addEventListener('click', () => accionPredecir(async () => {
    const { pixels, labels } = await cliente.testImages({ start: 0, count: 1 });
    const { digit, probabilities: p } = await cliente.predict({ pixels });
    pintarPlano(imagen, pixels, 0, 28, 28, escalaTinta);
    imagen.setAttribute('aria-label', T.imagen_alt(labels[0]));
    pie.textContent = T.imagen_pie(labels[0]);
    const filas = [];
    for (let i = 0; i < 10; i += 4) filas.push(Array.from(p.slice(i, i + 4), (v) => decimal(v, 7)).join('  '));
    vector.textContent = `[[${filas.join('\n  ')}]]`;
    cuerpo.replaceChildren(...Array.from(p, (v, d) => el('tr', { class: d === digit ? 'lb-mejor' : null, 'data-testid': `test0-prob-${d}`, 'data-value': String(v) },
      el('th', { scope: 'row', text: String(d) }), el('td', { text: decimal(v, 7) }),
      el('td', {}, el('span', { class: 'lb-barrita', style: `--p: ${v}` }), ` ${porcentaje(v, 2)}`))));
    const total = p.reduce((a, b) => a + b, 0);
    suma.textContent = T.suma(decimal(total, 4));
    suma.dataset.value = String(total);
    const redondeado = Array.from(p, (v) => Math.round(v));
    onehot.textContent = `[${redondeado.join(', ')}]`;
    onehot.dataset.value = redondeado.join(',');
    conclusion.textContent = T.conclusion(digit, porcentaje(p[digit], 2));
    resultado.hidden = false;
  }));

  // After a run the panel shows model.evaluate's numbers; a new prediction is one click away.
  motor.alCambiarPrincipal((s) => { if (s === 'training') resultado.hidden = true; });
}

export async function crear(raiz, motor) {
  crearCompilar(raiz);
  crearPredecir(raiz.closest('section').querySelector('.leccion-b-despues'), motor);
  raiz.dataset.ready = 'true';
}
