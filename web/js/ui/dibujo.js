// "Dibuja un dígito": the canvas input (trazos.js) whose drawing the engine preprocesses and
// classifies live; shows the 28×28 image the network sees, each preprocessing step
// ("¿Qué ve la red?", que-ve.js) and ten probability bars. Other widgets use the drawing through
// the object it returns: its current image and its stroke events.

import { dibujo as T } from '../textos.js';
import { porcentaje } from '../formato.js';
import { crearBarras, tresPrimeros } from '../leccion/kit/barras.js';
import { pintarTinta } from '../leccion/kit/lienzo.js';
import { crearQueVe } from './que-ve.js';
import { crearTrazos } from './trazos.js';
import { TRAZOS_EJEMPLO } from './trazos-ejemplo.js';
import { el } from '../leccion/kit/dom.js';
import { mensajeDeError } from './mensajes.js';
import { esperarRespuesta } from '../leccion/kit/reposo.js';

export function crearDibujo(raiz, cliente) {
  const salida = raiz.querySelector('[data-testid="prediction"]');
  const anuncio = raiz.querySelector('#dibujo-anuncio');
  const error = raiz.querySelector('#dibujo-error');
  const vista = raiz.querySelector('#vista28');
  const lienzo = raiz.querySelector('[data-testid="draw-canvas"]');
  const ejemplo = raiz.querySelector('[data-testid="draw-example"]');
  const mostrarBarras = crearBarras(raiz.querySelector('#barras'), { prefijo: 'prob' });
  const queVe = crearQueVe(raiz.querySelector('#pasos-preproceso'));
  const oyentes = new Set();  // alTrazar's listeners: a stroke has ended
  const trazos = crearTrazos(lienzo, {
    alTrazar(acabado) {
      pedirPrediccion();
      if (!acabado) return;
      anunciar = true;
      for (const fn of oyentes) fn();
    },
  });

  let listo = false;      // a model exists in the worker, or one is on its way (enCamino)
  let enCamino = false;   // the worker is loading a network: it answers once that is in
  let sucio = false;      // drawing changed since the last prediction was requested
  // Predicts in the worker: one while the pen moves; a finished stroke's drawing is sent at
  // once even if one is there (so two at most), instead of a round trip through this thread
  // after the first answer: with a network still loading, both are answered the moment it is in.
  let enVuelo = 0;
  let pedidos = 0;        // predicts sent; an answer is shown only if no later one is in flight
  let cuadroPedido = false;
  let generacion = 0;     // bumped by "Borrar" so late answers for an old drawing are dropped
  let anunciar = false;   // screen readers hear the answer once per stroke, not every frame

  // data-pending on the prediction: "true" while the bars may still change for this drawing
  // (tests wait for "false" to read the answer to the finished drawing).
  const marcarPendiente = () => { salida.dataset.pending = String(sucio || enVuelo > 0); };

  function pedirPrediccion() {
    sucio = true;
    marcarPendiente();
    if (cuadroPedido) return;
    cuadroPedido = true;
    requestAnimationFrame(() => { cuadroPedido = false; predecir(); });
  }

  async function predecir() {
    const trazoAcabado = !trazos.trazando();  // only the finished drawing's answer is announced
    if (!listo || !sucio || trazos.vacio() || enVuelo >= (trazoAcabado ? 2 : 1)) return;
    sucio = false;
    enVuelo++;
    const miPedido = ++pedidos;
    const miGeneracion = generacion;
    const enRed = enCamino;  // sent to a network still loading
    const inicio = performance.now();
    try {
      const r = await esperarRespuesta(cliente.predict(trazos.imagen()));
      // A later drawing's answer is on its way: this one would be painted over at once.
      if (miGeneracion !== generacion || miPedido !== pedidos) return;
      salida.dataset.ms = String(Math.round(performance.now() - inicio));
      mostrar(r, trazoAcabado);
      error.hidden = true;
    } catch (e) {
      if (enRed && (e.code === 'no_model' || e.code === 'unsupported')) {
        // The network on its way did not come (a build without one, a failed download): the
        // drawing is answered once the page has built a model (modeloCambiado).
        listo = enCamino = false;
        sucio = true;
        return;
      }
      error.textContent = mensajeDeError(e);
      error.hidden = false;
    } finally {
      enVuelo--;
      marcarPendiente();
      if (sucio && listo) pedirPrediccion();
    }
  }

  function mostrar({ digit, probabilities, steps }, trazoAcabado) {
    pintarTinta(vista, steps?.placed ?? new Float32Array(784));
    queVe.mostrar(trazos.lienzoMotor, steps);
    if (steps?.empty) { vaciarResultado(); return; }
    mostrarBarras(probabilities);
    salida.textContent = String(digit);
    const lectura = T.anuncio(tresPrimeros(probabilities).map(({ d, p }) => [d, porcentaje(p)]));
    lienzo.setAttribute('aria-label', `${T.lienzo}. ${lectura}`);
    if (anunciar && trazoAcabado) {
      anunciar = false;
      anuncio.textContent = lectura;
    }
  }

  function vaciarResultado() {
    mostrarBarras(null);
    salida.textContent = '';
    lienzo.setAttribute('aria-label', `${T.lienzo}. ${T.vacio}`);
  }

  function borrar() {
    generacion++;
    sucio = false;
    trazos.borrar();
    marcarPendiente();
    queVe.vaciar();
    pintarTinta(vista, new Float32Array(784));
    vaciarResultado();
    anuncio.textContent = T.vacio;
  }

  raiz.querySelector('[data-testid="draw-clear"]').addEventListener('click', borrar);
  // Without a pointer: a digit drawn by the page, as a pen would, then predicted and announced.
  ejemplo.append(...TRAZOS_EJEMPLO.map((_, d) => el('option', { value: String(d), text: String(d) })));
  raiz.querySelector('[data-testid="draw-example-apply"]').addEventListener('click', () => {
    borrar();
    trazos.trazarTodo(TRAZOS_EJEMPLO[Number(ejemplo.value)]);
  });
  borrar();

  return {
    // Called once a model exists, and again whenever its weights change.
    modeloCambiado() {
      listo = true;
      enCamino = false;
      if (!trazos.vacio()) pedirPrediccion();
    },
    // The worker is starting and loading the pretrained network: a drawing is sent at once,
    // and the worker answers it the moment the network is in, without waiting for the page's
    // main thread to hear of it first (README, "Modelo preentrenado").
    modeloEnCamino() {
      listo = enCamino = true;
      if (!trazos.vacio()) pedirPrediccion();
    },
    /** client.predict's input for the current drawing (as the engine reads it), or null if empty. */
    imagen: () => trazos.imagen(),
    /** fn() each time a stroke ends. */
    alTrazar: (fn) => oyentes.add(fn),
  };
}
