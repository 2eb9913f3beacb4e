// «Reproducir el cuaderno» (section 8): one button that runs the notebook's training cell as
// written — the lesson's network, Adadelta lr 1.0, batch 32, 15 epochs over the 60,000 training
// images, validation on the test set after each epoch — with Keras's epoch log, then
// model.evaluate and model.predict of test image 0. The worker trains, so the run goes on in a
// hidden tab; this module only listens to its events (no timers), with pause, resume, progress
// and time left (ui/ejecucion.js, as every training UI). It trains the engine's slot 'cuaderno':
// the drawing and the other sections keep the page's network meanwhile, and «Usar esta red»
// puts the notebook's one in its place afterwards.

import { leccion, entrenamiento as TE } from '../textos.js';
import { entero, decimal, porcentaje, duracion } from '../formato.js';
import { el, ponerEstado } from './kit/dom.js';
import { crearUsarRed } from './kit/usar-red.js';
import { comoPython, redondearComoNumpy, vectorComoNumpy } from './numpy.js';

const T = leccion.entrenar;
// The notebook's cell: model.compile(..., optimizer='Adadelta') at the original Keras example's
// lr 1.0 (see nota_adadelta), model.fit(X_train, y_train, batch_size=32, epochs=15, verbose=1,
// validation_data=(X_test, y_test)).
export const CUADERNO = { preset: 'keras-mnist', epochs: 15, batchSize: 32, optimizer: { type: 'adadelta', lr: 1 } };
const SLOT = 'cuaderno';  // the engine's slot the notebook trains

// Tests shorten the run through this global, set before the page loads (never by the page):
// {epochs, trainLimit, valLimit, testLimit}. trainLimit 0 means every training image.
const ajustesDePrueba = () => globalThis.convaulaPruebas?.cuaderno ?? {};

// Keras's progress bar: 30 characters, '=' done, '>' the current position.
export function barraKeras(hechos, total) {
  if (hechos >= total) return `[${'='.repeat(30)}]`;
  const llenos = Math.floor((30 * hechos) / total);
  return `[${'='.repeat(llenos)}>${'.'.repeat(29 - llenos)}]`;
}

// A clock that does not count paused time.
function crearReloj() {
  let acumulado = 0, desde = null;
  return {
    marchar() { desde ??= performance.now(); },
    parar() { if (desde !== null) acumulado += performance.now() - desde; desde = null; },
    segundos: () => (acumulado + (desde === null ? 0 : performance.now() - desde)) / 1000,
  };
}

function crearVista() {
  const boton = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'notebook-run', text: T.cuaderno_boton });
  const pausar = el('button', { type: 'button', 'data-testid': 'notebook-pause', text: TE.pausar, disabled: true });
  const reanudar = el('button', { type: 'button', 'data-testid': 'notebook-resume', text: TE.reanudar, disabled: true });
  const detener = el('button', { type: 'button', 'data-testid': 'notebook-stop', text: TE.detener, disabled: true });
  const estado = el('p', { class: 'estado', role: 'status', 'data-testid': 'notebook-status' });
  const barra = el('progress', { max: 1, value: 0, 'aria-label': T.cuaderno_progreso_alt, 'data-testid': 'notebook-progress' });
  const detalle = el('p', { class: 'ayuda cuaderno-detalle', 'aria-live': 'off', 'data-testid': 'notebook-detail' });
  const log = el('pre', { class: 'codigo cuaderno-log', 'data-testid': 'notebook-log', tabindex: 0, 'aria-label': T.cuaderno_log_alt, hidden: true });
  const vivo = el('span', { class: 'cuaderno-vivo' });
  log.append(vivo);
  const salida = el('div', { class: 'cuaderno-salida', hidden: true, 'data-testid': 'notebook-result' });
  const nodo = el('div', { class: 'panel panel-leccion panel-cuaderno', 'data-testid': 'notebook' },
    el('h3', { text: T.cuaderno_titulo }),
    el('p', { text: T.cuaderno_texto }),
    el('pre', { class: 'codigo' }, el('code', { text: T.cuaderno_codigo })),
    el('p', { class: 'ayuda', text: T.cuaderno_duracion }),
    el('p', { class: 'ayuda', text: T.cuaderno_red }),
    el('div', { class: 'botones' }, boton, pausar, reanudar, detener),
    estado, barra, detalle,
    el('p', { class: 'codigo-titulo', text: T.cuaderno_log_titulo }), log, salida);
  return { nodo, boton, pausar, reanudar, detener, estado, barra, detalle, log, vivo, salida };
}

export function crearCuaderno(raiz, motor) {
  const v = crearVista();
  const usarRed = crearUsarRed(motor, { slot: SLOT, prefijo: 'notebook' });
  v.nodo.insertBefore(usarRed.nodo, v.log.previousElementSibling);
  raiz.append(v.nodo);
  const { cliente } = motor;
  const reloj = crearReloj();  // the run's training time, pauses left out
  let run = null;   // {lote, historia, batches, epocaEscrita} while the notebook trains
  ponerEstado(v.estado, 'idle', T.cuaderno_listo);

  // Appends one finished line to the log, before the live one.
  const escribir = (texto) => v.vivo.before(`${texto}\n`);

  function botones(estado) {
    v.boton.disabled = estado !== 'idle';
    v.pausar.disabled = estado !== 'training';
    v.reanudar.disabled = estado !== 'paused';
    v.detener.disabled = !['training', 'paused', 'finishing'].includes(estado);
  }

  function progreso(p) {
    run.batches = p.batches;
    if (p.epoch !== run.epocaEscrita) {
      run.epocaEscrita = p.epoch;
      escribir(`Epoch ${p.epoch}/${p.epochs}`);
    }
    v.barra.value = p.fraction;
    v.vivo.textContent = T.keras_progreso({
      hechos: entero(p.batch), total: entero(p.batches), barra: barraKeras(p.batch, p.batches),
      loss: comoPython(p.loss), accuracy: comoPython(p.accuracy),
    });
    const donde = p.validating
      ? T.cuaderno_validando(entero(p.epoch), entero(p.epochs), entero(p.validated), entero(p.valImages))
      : TE.progreso({ epoch: entero(p.epoch), epochs: entero(p.epochs), batch: entero(p.batch), batches: entero(p.batches) });
    v.detalle.textContent = [donde, TE.velocidad(entero(p.imagesPerSecond)),
      p.etaSeconds === null ? '' : TE.restante(duracion(p.etaSeconds))].filter(Boolean).join(' · ');
    Object.assign(v.barra.dataset, { epoch: String(p.epoch), batch: String(p.batch), eta: String(p.etaSeconds ?? '') });
  }

  function epoca(e) {
    const pasos = run.batches;
    v.vivo.textContent = '';
    escribir(T.keras_epoca({
      total: entero(pasos), barra: barraKeras(1, 1), tiempo: duracion(e.seconds),
      porPaso: entero((1000 * e.seconds) / pasos), loss: comoPython(e.loss), accuracy: comoPython(e.accuracy),
      val_loss: comoPython(e.val_loss), val_accuracy: comoPython(e.val_accuracy),
    }));
    run.historia.push({ ...e, reloj: reloj.segundos() });
    v.log.dataset.epochs = String(run.historia.length);
  }

  // The tracker's states drive the buttons, the status line and the training clock.
  const FRASES = { training: T.cuaderno_entrenando, paused: T.cuaderno_pausado };
  function alEstado(estado) {
    botones(estado);
    if (estado === 'training') reloj.marchar();
    else reloj.parar();
    if (FRASES[estado]) ponerEstado(v.estado, estado, FRASES[estado]);
    if (estado === 'paused') v.reanudar.focus({ preventScroll: true });
    if (estado === 'training' && document.activeElement === v.reanudar) v.pausar.focus({ preventScroll: true });
  }
  const seguidor = motor.ejecuciones.para('cuaderno', { alEstado, alProgreso: progreso, alEpoca: epoca });

  // score = model.evaluate(X_test, y_test, verbose=1), then the notebook's model.predict and
  // np.round of test image 0.
  async function evaluarYPredecir(limite) {
    ponerEstado(v.estado, 'evaluating', T.cuaderno_evaluando);
    const inicio = performance.now();
    const { loss, accuracy, confusion } = await cliente.evaluate({ model: SLOT, limit: limite });
    const imagenes = confusion.reduce((a, b) => a + b, 0), pasos = Math.ceil(imagenes / 32);
    const segundos = (performance.now() - inicio) / 1000;
    escribir('');
    escribir('score = model.evaluate(X_test, y_test, verbose=1)');
    escribir(T.keras_evaluar({ total: entero(pasos), barra: barraKeras(1, 1), tiempo: duracion(segundos),
      loss: comoPython(loss), accuracy: comoPython(accuracy) }));
    ponerEstado(v.estado, 'predicting', T.cuaderno_prediciendo);
    const { pixels, labels } = await cliente.testImages({ start: 0, count: 1 });
    const { digit, probabilities: p } = await cliente.predict({ pixels }, { model: SLOT });
    const redondeado = Array.from(p, redondearComoNumpy);
    v.salida.replaceChildren(
      el('p', { 'data-testid': 'notebook-score', 'data-loss': String(loss), 'data-accuracy': String(accuracy),
        text: T.cuaderno_score(`[${comoPython(loss)}, ${comoPython(accuracy)}]`, decimal(loss, 4), decimal(accuracy, 4), porcentaje(accuracy, 2)) }),
      el('p', { class: 'codigo-titulo' }, el('code', { text: 'model.predict(X_test[0].reshape(1,28,28,1))' })),
      el('pre', { class: 'codigo', 'data-testid': 'notebook-predict', text: vectorComoNumpy(p) }),
      el('p', { class: 'codigo-titulo' }, el('code', { text: 'np.round(model.predict(X_test[0].reshape(1,28,28,1)))' })),
      el('pre', { class: 'codigo', 'data-testid': 'notebook-round', 'data-value': redondeado.join(','), text: `[[${redondeado.join(', ')}]]` }),
      el('p', { class: 'resumen', 'data-testid': 'notebook-answer', 'data-digit': String(digit), 'data-label': String(labels[0]),
        text: T.cuaderno_respuesta(labels[0], digit, porcentaje(p[digit], 2)) }));
    v.salida.hidden = false;
    return { loss, accuracy };
  }

  // The notebook's cell in slot 'cuaderno': build, fit, evaluate and predict.
  async function reproducir(entrenar) {
    const prueba = ajustesDePrueba();
    usarRed.retirar();
    ponerEstado(v.estado, 'building', T.cuaderno_construyendo);
    await cliente.build(CUADERNO.preset, { model: SLOT });
    const epochs = prueba.epochs ?? CUADERNO.epochs;
    v.log.replaceChildren(v.vivo);
    v.log.hidden = false;
    v.vivo.textContent = '';
    v.salida.hidden = true;
    escribir(T.cuaderno_cabecera(entero(epochs)));
    run = { lote: CUADERNO.batchSize, historia: [], batches: 0 };
    const { stopped } = await entrenar({
      model: SLOT, epochs, batchSize: CUADERNO.batchSize, optimizer: CUADERNO.optimizer,
      trainLimit: prueba.trainLimit ?? 0, valLimit: prueba.valLimit ?? 0,
    });
    if (stopped) throw Object.assign(new Error('stopped'), { detenido: true });
    const test = await evaluarYPredecir(prueba.testLimit ?? 0);
    usarRed.ofrecer(T.cuaderno_cual);
    return test;
  }

  v.boton.addEventListener('click', async () => {
    const total = crearReloj();
    total.marchar();
    try {
      const { accuracy } = await seguidor.ejecutar(reproducir);
      const segundos = total.segundos();
      v.estado.dataset.seconds = String(segundos);
      v.estado.dataset.trainSeconds = String(run.historia.at(-1)?.reloj ?? 0);
      ponerEstado(v.estado, 'done', T.cuaderno_hecho(duracion(segundos), porcentaje(accuracy, 2)));
    } catch (error) {
      if (error.code === 'busy' && !run) return ponerEstado(v.estado, 'busy', motor.ejecuciones.mensaje(error));
      const detenido = error.detenido || error.code === 'stopped';
      ponerEstado(v.estado, detenido ? 'stopped' : 'error',
        detenido ? T.cuaderno_detenido : T.cuaderno_error(motor.ejecuciones.mensaje(error)));
    } finally {
      v.vivo.textContent = '';
      v.detalle.textContent = '';
      run = null;
    }
    v.boton.focus({ preventScroll: true });
  });
  v.pausar.addEventListener('click', () => seguidor.pausar());
  v.reanudar.addEventListener('click', () => seguidor.reanudar());
  v.detener.addEventListener('click', () => { seguidor.detener().catch(() => {}); });
}
