// «Reproducir el cuaderno» (section 8): one button that runs the notebook's training cell as
// written — the lesson's network, Adadelta lr 1.0, batch 32, 15 epochs over the 60,000 training
// images, validation on the test set after each epoch — with Keras's epoch log, then
// model.evaluate and model.predict of test image 0. The worker trains, so the run goes on in a
// hidden tab; this module only listens to its events (no timers), with pause, resume, progress
// and time left. It holds the engine lock meanwhile: the other sections wait or say busy. The
// network it trains then answers the drawings; stopped or failed, the one from before is back.

import { leccion, entrenamiento as TE } from '../textos.js';
import { entero, decimal, porcentaje, duracion } from '../formato.js';
import { el, ponerEstado } from './kit/dom.js';
import { mensajeDeError } from '../ui/mensajes.js';
import { comoPython, redondearComoNumpy, vectorComoNumpy } from './numpy.js';

const T = leccion.entrenar;
// The notebook's cell: model.compile(..., optimizer='Adadelta') at the original Keras example's
// lr 1.0 (see nota_adadelta), model.fit(X_train, y_train, batch_size=32, epochs=15, verbose=1,
// validation_data=(X_test, y_test)).
export const CUADERNO = { preset: 'keras-mnist', epochs: 15, batchSize: 32, optimizer: { type: 'adadelta', lr: 1 } };
// Scoring an image costs about a third of training on it (forward pass only): the weight of
// the validation images in the time left.
const COSTE_VALIDAR = 1 / 3;

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
  raiz.append(v.nodo);
  const { cliente } = motor;
  const reloj = crearReloj();
  let run = null;   // {id, epochs, batches, valImages, ...} while the notebook trains
  ponerEstado(v.estado, 'idle', T.cuaderno_listo);

  // Appends one finished line to the log, before the live one.
  const escribir = (texto) => v.vivo.before(`${texto}\n`);

  function botones(fase) {
    v.boton.disabled = fase !== 'libre';
    v.pausar.disabled = fase !== 'entrenando';
    v.reanudar.disabled = fase !== 'pausado';
    v.detener.disabled = fase !== 'entrenando' && fase !== 'pausado';
  }

  // The share of the whole run already done, validation passes included.
  function hecho(p) {
    const imagenes = run.imagenes, validar = p.valImages * COSTE_VALIDAR;
    const enEpoca = p.validating ? imagenes + p.validated * COSTE_VALIDAR : Math.min(p.batch * run.lote, imagenes);
    return ((p.epoch - 1) * (imagenes + validar) + enEpoca) / (p.epochs * (imagenes + validar));
  }

  function progreso(p) {
    if (!run || p.run !== run.id) return;
    reloj.marchar();
    run.batches = p.batches;
    run.imagenes ??= Math.min(p.batches * run.lote, run.limite || Infinity);
    if (p.epoch !== run.epocaEscrita) {
      run.epocaEscrita = p.epoch;
      escribir(`Epoch ${p.epoch}/${p.epochs}`);
    }
    const f = hecho(p);
    v.barra.value = f;
    const restante = f > 0.002 ? reloj.segundos() * (1 - f) / f : null;
    v.vivo.textContent = T.keras_progreso({
      hechos: entero(p.batch), total: entero(p.batches), barra: barraKeras(p.batch, p.batches),
      loss: comoPython(p.loss), accuracy: comoPython(p.accuracy),
    });
    const donde = p.validating
      ? T.cuaderno_validando(entero(p.epoch), entero(p.epochs), entero(p.validated), entero(p.valImages))
      : TE.progreso({ epoch: entero(p.epoch), epochs: entero(p.epochs), batch: entero(p.batch), batches: entero(p.batches) });
    v.detalle.textContent = [donde, TE.velocidad(entero(p.imagesPerSecond)),
      restante === null ? '' : TE.restante(duracion(restante))].filter(Boolean).join(' · ');
    Object.assign(v.barra.dataset, { epoch: String(p.epoch), batch: String(p.batch), eta: String(restante ?? '') });
  }

  function epoca(e) {
    if (!run || e.run !== run.id) return;
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
  cliente.on('progress', progreso);
  cliente.on('epoch', epoca);

  // score = model.evaluate(X_test, y_test, verbose=1), then the notebook's model.predict and
  // np.round of test image 0.
  async function evaluarYPredecir(limite) {
    ponerEstado(v.estado, 'evaluating', T.cuaderno_evaluando);
    const inicio = performance.now();
    const { loss, accuracy, confusion } = await cliente.evaluate({ limit: limite });
    const imagenes = confusion.reduce((a, b) => a + b, 0), pasos = Math.ceil(imagenes / 32);
    const segundos = (performance.now() - inicio) / 1000;
    escribir('');
    escribir('score = model.evaluate(X_test, y_test, verbose=1)');
    escribir(T.keras_evaluar({ total: entero(pasos), barra: barraKeras(1, 1), tiempo: duracion(segundos),
      loss: comoPython(loss), accuracy: comoPython(accuracy) }));
    ponerEstado(v.estado, 'predicting', T.cuaderno_prediciendo);
    const { pixels, labels } = await cliente.testImages({ start: 0, count: 1 });
    const { digit, probabilities: p } = await cliente.predict({ pixels });
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

  // The run with the engine held; the network from before is put back unless it finished.
  async function reproducir() {
    const prueba = ajustesDePrueba();
    const respaldo = await cliente.saveWeights().catch(() => null);
    ponerEstado(v.estado, 'building', T.cuaderno_construyendo);
    const red = await cliente.build(CUADERNO.preset);
    const epochs = prueba.epochs ?? CUADERNO.epochs;
    const limite = prueba.trainLimit ?? 0;
    v.log.replaceChildren(v.vivo);
    v.log.hidden = false;
    v.vivo.textContent = '';
    v.salida.hidden = true;
    escribir(T.cuaderno_cabecera(entero(epochs)));
    const entrenando = cliente.train({
      epochs, batchSize: CUADERNO.batchSize, optimizer: CUADERNO.optimizer, trainLimit: limite, valLimit: prueba.valLimit ?? 0,
    });
    run = { id: entrenando.id, lote: CUADERNO.batchSize, limite, historia: [], batches: 0 };
    ponerEstado(v.estado, 'training', T.cuaderno_entrenando);
    botones('entrenando');
    try {
      const { stopped } = await entrenando;
      reloj.parar();
      run.terminado = true;
      if (stopped) throw Object.assign(new Error('stopped'), { detenido: true });
      botones('ocupado');
      const test = await evaluarYPredecir(prueba.testLimit ?? 0);
      motor.modeloRestaurado(red, 'clase');
      return test;
    } catch (error) {
      if (respaldo) motor.modeloRestaurado(await cliente.loadWeights(respaldo));
      throw error;
    }
  }

  v.boton.addEventListener('click', async () => {
    if (motor.principalEntrenando() || !(await motor.ocupar('cuaderno'))) {
      return ponerEstado(v.estado, 'busy', motor.mensajeOcupado());
    }
    botones('ocupado');
    const total = crearReloj();
    total.marchar();
    try {
      const { accuracy } = await reproducir();
      const segundos = total.segundos();
      v.estado.dataset.seconds = String(segundos);
      v.estado.dataset.trainSeconds = String(run.historia.at(-1)?.reloj ?? 0);
      ponerEstado(v.estado, 'done', T.cuaderno_hecho(duracion(segundos), porcentaje(accuracy, 2)));
    } catch (error) {
      ponerEstado(v.estado, error.detenido ? 'stopped' : 'error',
        error.detenido ? T.cuaderno_detenido : T.cuaderno_error(mensajeDeError(error)));
    } finally {
      v.vivo.textContent = '';
      v.detalle.textContent = '';
      run = null;
      motor.liberar();
      botones('libre');
      v.boton.focus({ preventScroll: true });
    }
  });
  // Pause and resume stop and restart the time-left clock; the worker's run waits in between.
  v.pausar.addEventListener('click', async () => {
    await cliente.pause();
    if (!run || run.terminado) return;
    reloj.parar();
    botones('pausado');
    ponerEstado(v.estado, 'paused', T.cuaderno_pausado);
    v.reanudar.focus({ preventScroll: true });
  });
  v.reanudar.addEventListener('click', async () => {
    await cliente.resume();
    if (!run || run.terminado) return;
    botones('entrenando');
    ponerEstado(v.estado, 'training', T.cuaderno_entrenando);
    v.pausar.focus({ preventScroll: true });
  });
  v.detener.addEventListener('click', () => { cliente.stop().catch(() => {}); });
}
