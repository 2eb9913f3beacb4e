// The drawing's canvas input: pointer strokes (mouse, touch, pen) drawn on screen and kept as
// points, and the same strokes drawn again for the engine with a pen proportional to the digit.

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

function lienzoDelMotor() {
  const motor = document.createElement('canvas');
  motor.width = motor.height = LADO_MOTOR;
  return motor;
}

// The strokes again on the engine's canvas, pen proportional to their box (see GROSOR_DIGITO),
// each one a quadratic curve through the midpoints of its segments (mouse paths are jagged).
// trazos: [{x, y}…] per stroke, fractions of the side. → client.predict's input.
function dibujarParaMotor(motor, trazos) {
  const ctxMotor = motor.getContext('2d', { willReadFrequently: true });
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
  const { data, width, height } = ctxMotor.getImageData(0, 0, LADO_MOTOR, LADO_MOTOR);
  return { rgba: data, width, height, darkInk: true };
}

/**
 * Strokes kept from a drawing (crearTrazos' puntos()) drawn again for the engine, as the drawing
 * was: → {lienzo: the canvas the engine reads, imagen: client.predict's input}.
 */
export function imagenDeTrazos(puntos) {
  const lienzo = lienzoDelMotor();
  const imagen = dibujarParaMotor(lienzo, puntos.map((t) => t.map(([x, y]) => ({ x, y }))));
  return { lienzo, imagen };
}

/**
 * @param {HTMLCanvasElement} lienzo
 * @param {{alTrazar: (acabado: boolean) => void}} o  called for every new piece of ink
 *   (acabado false) and when a stroke ends (acabado true)
 */
export function crearTrazos(lienzo, { alTrazar }) {
  const ctx = lienzo.getContext('2d');
  const motor = lienzoDelMotor();
  const trazos = [];  // strokes as lists of {x, y} in fractions of the canvas side
  let ultimo = null;  // last pointer position, in canvas pixels

  function ajustarTamano() {
    const dpr = window.devicePixelRatio || 1;
    const lado = Math.round(lienzo.clientWidth * dpr);
    if (!lado || lado === lienzo.width) return;
    // Keep what was drawn across rotations and zoom: copy, resize, paint back scaled (the first
    // sizing, at open, has nothing to keep).
    let copia = null;
    if (trazos.length) {
      copia = document.createElement('canvas');
      copia.width = lienzo.width; copia.height = lienzo.height;
      copia.getContext('2d').drawImage(lienzo, 0, 0);
    }
    lienzo.width = lienzo.height = lado;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, lado, lado);
    if (copia) ctx.drawImage(copia, 0, 0, lado, lado);
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
    trazos.at(-1).push({ x: hasta.x / lienzo.width, y: hasta.y / lienzo.height });
    alTrazar(false);
  }

  lienzo.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    lienzo.setPointerCapture(e.pointerId);
    ultimo = punto(e);
    trazos.push([]);
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
    alTrazar(true);
  };
  lienzo.addEventListener('pointerup', terminar);
  lienzo.addEventListener('pointercancel', terminar);
  // Sized by the observer's first call, which comes with the page's first layout: calling
  // ajustarTamano() here read clientWidth and forced a layout of the whole page in the middle of
  // main.js (70-110 ms on a loaded 2-core machine), which the first frame then did again.
  new ResizeObserver(ajustarTamano).observe(lienzo);

  return {
    vacio: () => trazos.length === 0,
    trazando: () => ultimo !== null,
    /** The canvas the engine reads (for "¿Qué ve la red?"). */
    lienzoMotor: motor,
    /** client.predict's input for the drawing, or null when nothing is drawn. */
    imagen() {
      if (!trazos.length) return null;
      return dibujarParaMotor(motor, trazos);
    },
    /** The strokes drawn so far, as trazarTodo and imagenDeTrazos take them ([[x, y]…] per stroke). */
    puntos: () => trazos.map((t) => t.map(({ x, y }) => [x, y])),
    borrar() {
      trazos.length = 0;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, lienzo.width, lienzo.height);
    },
    /** Draws `nuevos` ([[x, y]…] per stroke, fractions of the side) as a pen would: no pointer needed. */
    trazarTodo(nuevos) {
      for (const trazo of nuevos) {
        const puntos = trazo.map(([x, y]) => ({ x: x * lienzo.width, y: y * lienzo.height }));
        trazos.push([]);
        puntos.forEach((p, i) => trazar(puntos[Math.max(0, i - 1)], p));
      }
      alTrazar(true);
    },
  };
}
