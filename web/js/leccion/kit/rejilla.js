// A matrix drawn on a canvas cell by cell, with a cursor that the mouse, touch and the arrow
// keys move: every grid of the lesson (pixels, kernels, feature maps, neurons) is one of these.

import { leccion } from '../../textos.js';
import { prepararLienzo } from './lienzo.js';

// Below this many CSS pixels per cell the numbers would be unreadable, so only colours show.
const CELDA_MIN_TEXTO = 17;

/**
 * @param {HTMLCanvasElement} canvas sized by CSS in width; its height follows filas/columnas
 * @param {object} o
 *   filas, columnas
 *   celda(f, c) → {fondo, texto?, tinta?, negativa?}   colour of the cell, number to write, text
 *                     colour; negativa: too small for its number, the cell shows a minus bar
 *   marcas() → [{fila, columna, alto, ancho, color}]   rectangles drawn over the cells
 *   alMover(f, c)     the cursor moved (keyboard, pointer, or mover())
 *   alActivar(f, c)   Enter, Space or a click on a cell
 *   interactiva       false: a picture only (no cursor, no focus)
 *   seguirPuntero     true: hovering moves the cursor too (not only clicking)
 *   cursorSoloConFoco true: the cursor shows only while the grid has the focus (a grid whose
 *                     position means nothing until the student acts on it)
 */
export function crearRejilla(canvas, o) {
  const ctx = canvas.getContext('2d');
  let filas = o.filas, columnas = o.columnas;
  let cursor = { f: 0, c: 0 };
  const interactiva = o.interactiva !== false;

  function ajustarProporcion() {
    canvas.style.aspectRatio = `${columnas} / ${filas}`;
  }

  function pintar() {
    if (!canvas.clientWidth) return;
    const lado = canvas.clientWidth / columnas;
    const { ctx, ancho } = prepararLienzo(canvas, { alto: lado * filas });
    const conTexto = lado >= CELDA_MIN_TEXTO;
    ctx.font = `${Math.min(14, Math.max(8, lado * 0.36))}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let f = 0; f < filas; f++) {
      for (let c = 0; c < columnas; c++) {
        const { fondo, texto, tinta, negativa } = o.celda(f, c);
        ctx.fillStyle = fondo;
        // Overlap by a hair so no seams show between cells at fractional sizes.
        ctx.fillRect(c * lado, f * lado, lado + 0.5, lado + 0.5);
        ctx.fillStyle = tinta ?? '#000';
        if (conTexto && texto !== undefined && texto !== '') {
          ctx.fillText(texto, (c + 0.5) * lado, (f + 0.5) * lado);
        } else if (negativa && lado >= 5) {
          // The sign without its number: a minus bar, so colour is not its only carrier.
          ctx.fillRect((c + 0.25) * lado, (f + 0.5) * lado - lado / 12, lado / 2, lado / 6);
        }
      }
    }
    if (lado >= 6) {
      ctx.strokeStyle = 'rgba(120, 130, 150, 0.35)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let f = 1; f < filas; f++) { ctx.moveTo(0, f * lado); ctx.lineTo(ancho, f * lado); }
      for (let c = 1; c < columnas; c++) { ctx.moveTo(c * lado, 0); ctx.lineTo(c * lado, filas * lado); }
      ctx.stroke();
    }
    for (const m of o.marcas?.() ?? []) {
      recuadro(m.columna * lado, m.fila * lado, m.ancho * lado, m.alto * lado, m.color, 3);
    }
    const verCursor = interactiva && (!o.cursorSoloConFoco || document.activeElement === canvas);
    if (verCursor) recuadro(cursor.c * lado, cursor.f * lado, lado, lado, '#ffb703', 2);
  }

  // A light halo under the line keeps it visible on both dark and bright cells.
  function recuadro(x, y, w, h, color, grosor) {
    ctx.lineWidth = grosor + 2;
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.strokeRect(x + grosor / 2, y + grosor / 2, w - grosor, h - grosor);
    ctx.lineWidth = grosor;
    ctx.strokeStyle = color;
    ctx.strokeRect(x + grosor / 2, y + grosor / 2, w - grosor, h - grosor);
  }

  function mover(f, c, avisar = true) {
    f = Math.min(filas - 1, Math.max(0, f));
    c = Math.min(columnas - 1, Math.max(0, c));
    const cambia = f !== cursor.f || c !== cursor.c;
    cursor = { f, c };
    pintar();
    if (avisar && cambia) o.alMover?.(f, c);
  }

  function celdaDe(evento) {
    const caja = canvas.getBoundingClientRect();
    return {
      f: Math.floor(((evento.clientY - caja.top) / caja.height) * filas),
      c: Math.floor(((evento.clientX - caja.left) / caja.width) * columnas),
    };
  }

  // A focusable grid takes the arrow keys itself; a picture-only one is an image.
  canvas.setAttribute('role', interactiva ? 'application' : 'img');
  if (interactiva) {
    canvas.setAttribute('aria-roledescription', leccion.comun.cuadricula);
    canvas.tabIndex = 0;
    canvas.addEventListener('keydown', (e) => {
      const pasos = {
        ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
        Home: [0, -columnas], End: [0, columnas], PageUp: [-filas, 0], PageDown: [filas, 0],
      };
      if (pasos[e.key]) {
        e.preventDefault();
        mover(cursor.f + pasos[e.key][0], cursor.c + pasos[e.key][1]);
      } else if ((e.key === 'Enter' || e.key === ' ') && o.alActivar) {
        e.preventDefault();
        o.alActivar(cursor.f, cursor.c);
      }
    });
    if (o.cursorSoloConFoco) {
      canvas.addEventListener('focus', () => pintar());
      canvas.addEventListener('blur', () => pintar());
    }
    canvas.addEventListener('pointerdown', (e) => {
      const { f, c } = celdaDe(e);
      mover(f, c);
      o.alActivar?.(cursor.f, cursor.c);
    });
    if (o.seguirPuntero) {
      canvas.addEventListener('pointermove', (e) => {
        if (e.pointerType !== 'mouse') return;
        const { f, c } = celdaDe(e);
        mover(f, c);
      });
    }
  }

  ajustarProporcion();
  new ResizeObserver(() => pintar()).observe(canvas);

  return {
    pintar,
    mover,
    posicion: () => ({ ...cursor }),
    /** Moves the cursor `paso` cells in reading order, wrapping around ("Anterior", "Siguiente"). */
    avanzar(paso) {
      const total = filas * columnas;
      const n = (((cursor.f * columnas + cursor.c + paso) % total) + total) % total;
      mover(Math.floor(n / columnas), n % columnas);
    },
    /** Changes the matrix's size (e.g. a new input size in a calculator). */
    redimensionar(nuevasFilas, nuevasColumnas) {
      filas = nuevasFilas;
      columnas = nuevasColumnas;
      ajustarProporcion();
      mover(cursor.f, cursor.c, false);
    },
  };
}
