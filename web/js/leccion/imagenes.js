// Section 1, "Imágenes": a real MNIST digit (or the student's drawing) as its 28×28 matrix of
// values, and a colour picture split into its R, G and B matrices.

import { leccion } from '../textos.js';
import { entero } from '../formato.js';
import { crearRejilla } from './kit/rejilla.js';
import { gris, tintaSobre } from './kit/lienzo.js';
import { crearFuente } from './kit/fuente.js';

const T = leccion.imagenes;
const ANCHO = 16, ALTO = 12;  // the colour picture, small enough to read its numbers
// MNIST's test image 4 is a 4, like the lesson's X_train[20].
const DIGITO_INICIAL = 4;

export function crear(seccion, { motor, dibujo }) {
  crearGris(seccion.querySelector('[data-parte="gris"]'), motor, dibujo);
  crearColor(seccion.querySelector('[data-parte="color"]'));
}

function crearGris(bloque, motor, dibujo) {
  const lienzo = bloque.querySelector('canvas');
  const lectura = bloque.querySelector('.lectura');
  let pixels = null;
  let descripcion = '';

  // The engine stores MNIST as byte / 255, so byte = round(value · 255) exactly.
  const byte = (i) => Math.round(pixels[i] * 255);
  const rejilla = crearRejilla(lienzo, {
    filas: 28, columnas: 28, seguirPuntero: true,
    celda: (f, c) => (pixels ? { ...gris(pixels[f * 28 + c]), texto: entero(byte(f * 28 + c)) } : { fondo: '#000' }),
    alMover: leer,
  });

  function leer(f, c) {
    if (pixels) lectura.textContent = T.gris_lectura(f, c, entero(byte(f * 28 + c)));
  }

  crearFuente(bloque.querySelector('.fuente-sitio'), {
    motor, dibujo, id: 'images', inicial: DIGITO_INICIAL,
    alCambiar: (imagen) => {
      pixels = imagen.pixels;
      descripcion = imagen.descripcion;
      lienzo.setAttribute('aria-label', T.gris_alt(descripcion));
      rejilla.pintar();
      const { f, c } = rejilla.posicion();
      leer(f, c);
    },
  }).cargar();
}

function crearColor(bloque) {
  const aviso = bloque.querySelector('.error');
  const lectura = bloque.querySelector('.lectura');
  const archivo = bloque.querySelector('input[type="file"]');
  const pequeno = document.createElement('canvas');
  pequeno.width = ANCHO;
  pequeno.height = ALTO;
  const ctxPequeno = pequeno.getContext('2d', { willReadFrequently: true });
  let rgba = new Uint8ClampedArray(ANCHO * ALTO * 4);

  const canal = (k) => (f, c) => {
    const v = rgba[(f * ANCHO + c) * 4 + k];
    const tinte = [0, 0, 0];
    tinte[k] = v;
    return { fondo: `rgb(${tinte})`, texto: entero(v), tinta: tintaSobre(tinte) };
  };
  const original = (f, c) => {
    const i = (f * ANCHO + c) * 4;
    return { fondo: `rgb(${rgba[i]},${rgba[i + 1]},${rgba[i + 2]})` };
  };
  const rejillas = [];
  const alMover = (f, c) => {
    for (const r of rejillas) r.mover(f, c, false);
    const i = (f * ANCHO + c) * 4;
    lectura.textContent = T.color_lectura(f, c, entero(rgba[i]), entero(rgba[i + 1]), entero(rgba[i + 2]));
  };
  for (const [nombre, celda] of [['original', original], ['r', canal(0)], ['g', canal(1)], ['b', canal(2)]]) {
    const lienzo = bloque.querySelector(`[data-canal="${nombre}"]`);
    if (nombre !== 'original') lienzo.setAttribute('aria-label', T.color_alt_canal(T.color_canal[nombre]));
    rejillas.push(crearRejilla(lienzo, { filas: ALTO, columnas: ANCHO, seguirPuntero: true, celda, alMover }));
  }

  // The picture is scaled to cover 16×12 (cropping what sticks out), then read back as numbers.
  function usar(fuente, anchoFuente, altoFuente, descripcion) {
    const escala = Math.max(ANCHO / anchoFuente, ALTO / altoFuente);
    const w = anchoFuente * escala, h = altoFuente * escala;
    ctxPequeno.imageSmoothingQuality = 'high';
    ctxPequeno.clearRect(0, 0, ANCHO, ALTO);
    ctxPequeno.drawImage(fuente, (ANCHO - w) / 2, (ALTO - h) / 2, w, h);
    rgba = ctxPequeno.getImageData(0, 0, ANCHO, ALTO).data;
    bloque.querySelector('[data-canal="original"]').setAttribute('aria-label', T.color_alt_original(descripcion));
    for (const r of rejillas) r.pintar();
    const { f, c } = rejillas[0].posicion();
    alMover(f, c);
  }

  function usarEscena() {
    aviso.hidden = true;
    usar(pintarEscena(), 160, 120, T.color_origen_escena);
  }

  archivo.addEventListener('change', async () => {
    const foto = archivo.files?.[0];
    if (!foto) return;
    try {
      const mapa = await createImageBitmap(foto);
      usar(mapa, mapa.width, mapa.height, T.color_origen_foto(foto.name));
      mapa.close();
      aviso.hidden = true;
    } catch {
      aviso.textContent = T.color_error;
      aviso.hidden = false;
    }
    archivo.value = '';
  });
  bloque.querySelector('[data-parte="escena"]').addEventListener('click', usarEscena);
  usarEscena();
}

// A small landscape drawn by the page itself: sky, sun, mountains, a meadow and a red house.
function pintarEscena() {
  const lienzo = document.createElement('canvas');
  lienzo.width = 160;
  lienzo.height = 120;
  const ctx = lienzo.getContext('2d');
  const cielo = ctx.createLinearGradient(0, 0, 0, 80);
  cielo.addColorStop(0, '#1e5bd8');
  cielo.addColorStop(1, '#9fd3ff');
  ctx.fillStyle = cielo;
  ctx.fillRect(0, 0, 160, 120);
  ctx.fillStyle = '#ffd23f';
  ctx.beginPath();
  ctx.arc(128, 26, 16, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = '#6b5ca5';
  ctx.beginPath();
  ctx.moveTo(-10, 85); ctx.lineTo(45, 30); ctx.lineTo(100, 85); ctx.fill();
  ctx.fillStyle = '#4a3f80';
  ctx.beginPath();
  ctx.moveTo(50, 85); ctx.lineTo(95, 45); ctx.lineTo(150, 85); ctx.fill();
  ctx.fillStyle = '#3fa34d';
  ctx.fillRect(0, 80, 160, 40);
  ctx.fillStyle = '#d7263d';
  ctx.fillRect(20, 70, 40, 30);
  ctx.fillStyle = '#7a1f1f';
  ctx.beginPath();
  ctx.moveTo(14, 72); ctx.lineTo(40, 52); ctx.lineTo(66, 72); ctx.fill();
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(34, 82, 12, 18);
  return lienzo;
}
