// "Dibuja un dígito": a pointer-driven canvas (mouse, touch, pen) whose drawing the engine
// preprocesses and classifies live; shows the 28×28 image the network sees and ten bars.

import { dibujo as T } from '../textos.js';
import { porcentaje } from '../formato.js';
import { crearBarras } from './barras.js';
import { mensajeDeError } from './mensajes.js';

// MNIST strokes are about 2–3 px in a 28 px field; the engine averages areas when it
// shrinks the drawing, so the pen must be that thick relative to the canvas too.
const GROSOR_RELATIVO = 1 / 14;

export function crearDibujo(raiz, cliente) {
  const lienzo = raiz.querySelector('[data-testid="draw-canvas"]');
  const vista = raiz.querySelector('#vista28');
  const salida = raiz.querySelector('[data-testid="prediction"]');
  const anuncio = raiz.querySelector('#dibujo-anuncio');
  const error = raiz.querySelector('#dibujo-error');
  const ctx = lienzo.getContext('2d', { willReadFrequently: true });
  const ctxVista = vista.getContext('2d');
  const mostrarBarras = crearBarras(raiz.querySelector('#barras'));

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

  lienzo.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    lienzo.setPointerCapture(e.pointerId);
    ultimo = punto(e);
    trazar(ultimo, ultimo);  // a tap leaves a dot
  });
  lienzo.addEventListener('pointermove', (e) => {
    if (!ultimo) return;
    // Coalesced events keep fast strokes smooth: the browser batches them per frame.
    for (const sub of e.getCoalescedEvents?.() ?? [e]) {
      const p = punto(sub);
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

  function pedirPrediccion() {
    sucio = true;
    if (cuadroPedido) return;
    cuadroPedido = true;
    requestAnimationFrame(() => { cuadroPedido = false; predecir(); });
  }

  async function predecir() {
    if (!listo || enVuelo || !sucio || vacio) return;
    sucio = false;
    enVuelo = true;
    const miGeneracion = generacion;
    const { data, width, height } = ctx.getImageData(0, 0, lienzo.width, lienzo.height);
    const inicio = performance.now();
    try {
      const r = await cliente.predict({ rgba: data, width, height, darkInk: true });
      if (miGeneracion !== generacion) return;
      salida.dataset.ms = String(Math.round(performance.now() - inicio));
      mostrar(r);
      error.hidden = true;
    } catch (e) {
      error.textContent = mensajeDeError(e);
      error.hidden = false;
    } finally {
      enVuelo = false;
      if (sucio) pedirPrediccion();
    }
  }

  function mostrar({ digit, probabilities, steps }) {
    pintarVista(steps?.placed);
    if (steps?.empty) { vaciarResultado(); return; }
    mostrarBarras(probabilities);
    salida.textContent = String(digit);
    if (anunciar) {
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
