// "Dibuja un dígito": a pointer-driven canvas (mouse, touch, pen) whose drawing the engine
// preprocesses and classifies live; shows the 28×28 image the network sees, each
// preprocessing step ("¿Qué ve la red?") and ten bars.

import { dibujo as T } from '../textos.js';
import { porcentaje } from '../formato.js';
import { crearBarras } from './barras.js';
import { crearQueVe } from './que-ve.js';
import { mensajeDeError } from './mensajes.js';

// The pen on screen, relative to the canvas side.
const GROSOR_RELATIVO = 1 / 14;
// What the engine reads is the strokes drawn again, smoothed, on a canvas of its own with a
// pen proportional to the drawing's size: MNIST digits were scaled into 20×20 with strokes
// of about 2–3 px, so a small digit drawn with a fixed pen would arrive far too bold and
// a large one too thin. The pen is GROSOR_DIGITO × the longer side of the strokes' box
// (≈ 2.6 px once fitted to 20 px), never under GROSOR_MINIMO of the canvas (dots, tiny digits).
const LADO_MOTOR = 280;
const GROSOR_DIGITO = 0.15;
const GROSOR_MINIMO = 0.02;

export function crearDibujo(raiz, cliente) {
  const lienzo = raiz.querySelector('[data-testid="draw-canvas"]');
  const vista = raiz.querySelector('#vista28');
  const salida = raiz.querySelector('[data-testid="prediction"]');
  const anuncio = raiz.querySelector('#dibujo-anuncio');
  const error = raiz.querySelector('#dibujo-error');
  const ctx = lienzo.getContext('2d');
  const ctxVista = vista.getContext('2d');
  const mostrarBarras = crearBarras(raiz.querySelector('#barras'));
  const queVe = crearQueVe(raiz.querySelector('#pasos-preproceso'));
  const motor = document.createElement('canvas');
  motor.width = motor.height = LADO_MOTOR;
  const ctxMotor = motor.getContext('2d', { willReadFrequently: true });
  const trazos = [];      // strokes as lists of {x, y} in fractions of the canvas side

  let listo = false;      // a model exists in the worker
  let vacio = true;
  let sucio = false;      // drawing changed since the last prediction was requested
  let enVuelo = false;    // at most one predict in the worker at a time
  let cuadroPedido = false;
  let generacion = 0;     // bumped by "Borrar" so late answers for an old drawing are dropped
  let ultimo = null;      // last pointer position, in canvas pixels
  let anunciar = false;   // screen readers hear the answer once per stroke, not every frame

  function ajustarTamano() {
    const dpr = window.devicePixelRatio || 1;
    const lado = Math.round(lienzo.clientWidth * dpr);
    if (!lado || lado === lienzo.width) return;
    // Keep what was drawn across rotations and zoom: copy, resize, paint back scaled.
    const copia = document.createElement('canvas');
    copia.width = lienzo.width; copia.height = lienzo.height;
    copia.getContext('2d').drawImage(lienzo, 0, 0);
    lienzo.width = lienzo.height = lado;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, lado, lado);
    if (!vacio) ctx.drawImage(copia, 0, 0, lado, lado);
  }

  function punto(evento) {
    const caja = lienzo.getBoundingClientRect();
    return {
      x: ((evento.clientX - caja.left) / caja.width) * lienzo.width,
      y: ((evento.clientY - caja.top) / caja.height) * lienzo.height,
    };
  }

  function trazar(desde, hasta) {
    ctx.strokeStyle = '#000';
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.lineWidth = lienzo.width * GROSOR_RELATIVO;
    ctx.beginPath();
    ctx.moveTo(desde.x, desde.y);
    ctx.lineTo(hasta.x, hasta.y);
    ctx.stroke();
    vacio = false;
    pedirPrediccion();
  }

  const guardarPunto = (p) => trazos.at(-1).push({ x: p.x / lienzo.width, y: p.y / lienzo.height });

  lienzo.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    lienzo.setPointerCapture(e.pointerId);
    ultimo = punto(e);
    trazos.push([]);
    guardarPunto(ultimo);
    trazar(ultimo, ultimo);  // a tap leaves a dot
  });
  lienzo.addEventListener('pointermove', (e) => {
    if (!ultimo) return;
    // Coalesced events keep fast strokes smooth: the browser batches them per frame.
    for (const sub of e.getCoalescedEvents?.() ?? [e]) {
      const p = punto(sub);
      guardarPunto(p);
      trazar(ultimo, p);
      ultimo = p;
    }
  });
  const terminar = () => {
    if (!ultimo) return;
    ultimo = null;
    pedirPrediccion();
    anunciar = true;
  };
  lienzo.addEventListener('pointerup', terminar);
  lienzo.addEventListener('pointercancel', terminar);

  // The strokes again on the engine's canvas, pen proportional to their box (see GROSOR_DIGITO),
  // each one a quadratic curve through the midpoints of its segments (mouse paths are jagged).
  function dibujarParaMotor() {
    const puntos = trazos.flat();
    const xs = puntos.map((p) => p.x), ys = puntos.map((p) => p.y);
    const lado = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
    ctxMotor.fillStyle = '#fff';
    ctxMotor.fillRect(0, 0, LADO_MOTOR, LADO_MOTOR);
    ctxMotor.strokeStyle = '#000';
    ctxMotor.lineCap = ctxMotor.lineJoin = 'round';
    ctxMotor.lineWidth = LADO_MOTOR * Math.max(GROSOR_MINIMO, GROSOR_DIGITO * lado);
    for (const trazo of trazos) {
      const p = trazo.map(({ x, y }) => ({ x: x * LADO_MOTOR, y: y * LADO_MOTOR }));
      ctxMotor.beginPath();
      ctxMotor.moveTo(p[0].x, p[0].y);
      if (p.length === 1) ctxMotor.lineTo(p[0].x, p[0].y);
      for (let i = 1; i < p.length - 1; i++) {
        ctxMotor.quadraticCurveTo(p[i].x, p[i].y, (p[i].x + p[i + 1].x) / 2, (p[i].y + p[i + 1].y) / 2);
      }
      if (p.length > 1) ctxMotor.lineTo(p.at(-1).x, p.at(-1).y);
      ctxMotor.stroke();
    }
    return ctxMotor.getImageData(0, 0, LADO_MOTOR, LADO_MOTOR);
  }

  // data-pending on the prediction: "true" while the bars may still change for this drawing
  // (tests wait for "false" to read the answer to the finished drawing).
  const marcarPendiente = () => { salida.dataset.pending = String(sucio || enVuelo); };

  function pedirPrediccion() {
    sucio = true;
    marcarPendiente();
    if (cuadroPedido) return;
    cuadroPedido = true;
    requestAnimationFrame(() => { cuadroPedido = false; predecir(); });
  }

  async function predecir() {
    if (!listo || enVuelo || !sucio || vacio) return;
    sucio = false;
    enVuelo = true;
    const miGeneracion = generacion;
    const trazoAcabado = !ultimo;  // only the finished drawing's answer is announced
    const { data, width, height } = dibujarParaMotor();
    const inicio = performance.now();
    try {
      const r = await cliente.predict({ rgba: data, width, height, darkInk: true });
      if (miGeneracion !== generacion) return;
      salida.dataset.ms = String(Math.round(performance.now() - inicio));
      mostrar(r, trazoAcabado);
      error.hidden = true;
    } catch (e) {
      error.textContent = mensajeDeError(e);
      error.hidden = false;
    } finally {
      enVuelo = false;
      marcarPendiente();
      if (sucio) pedirPrediccion();
    }
  }

  function mostrar({ digit, probabilities, steps }, trazoAcabado) {
    pintarVista(steps?.placed);
    queVe.mostrar(motor, steps);
    if (steps?.empty) { vaciarResultado(); return; }
    mostrarBarras(probabilities);
    salida.textContent = String(digit);
    if (anunciar && trazoAcabado) {
      anunciar = false;
      anuncio.textContent = T.anuncio(digit, porcentaje(probabilities[digit]));
    }
  }

  // placed: Float32Array(784), ink 1 on background 0; shown as dark ink on paper, like the drawing.
  function pintarVista(placed) {
    const imagen = ctxVista.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const gris = 255 - Math.round(255 * Math.min(1, Math.max(0, placed ? placed[i] : 0)));
      imagen.data.set([gris, gris, gris, 255], i * 4);
    }
    ctxVista.putImageData(imagen, 0, 0);
  }

  function vaciarResultado() {
    mostrarBarras(null);
    salida.textContent = '';
  }

  function borrar() {
    generacion++;
    vacio = true;
    sucio = false;
    trazos.length = 0;
    marcarPendiente();
    queVe.vaciar();
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, lienzo.width, lienzo.height);
    pintarVista(null);
    vaciarResultado();
    anuncio.textContent = T.vacio;
  }

  raiz.querySelector('[data-testid="draw-clear"]').addEventListener('click', borrar);
  new ResizeObserver(ajustarTamano).observe(lienzo);
  ajustarTamano();
  borrar();

  return {
    // Called once a model exists, and again whenever its weights change.
    modeloCambiado() {
      listo = true;
      if (!vacio) pedirPrediccion();
    },
    // The worker's model is briefly another one (a Práctica experiment): wait for modeloCambiado.
    pausar() { listo = false; },
  };
}
