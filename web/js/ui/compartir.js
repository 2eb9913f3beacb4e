// "Compartir con la clase" (projector mode): the page's own address as a QR code the students
// scan. The code is drawn on a canvas from npm's uqr (web/dist/vendor/uqr, copied by
// build-web.sh), loaded only when asked for; nothing leaves the page.

import { despliegue as T } from '../textos.js';

const LOCALES = new Set(['localhost', '127.0.0.1', '[::1]']);
const PUNTOS = 8;  // canvas pixels per QR module

export function dibujarQr(lienzo, { data, size }) {
  const margen = 2;
  lienzo.width = lienzo.height = (size + 2 * margen) * PUNTOS;
  const ctx = lienzo.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, lienzo.width, lienzo.height);
  ctx.fillStyle = '#000';
  data.forEach((fila, y) => fila.forEach((negro, x) => {
    if (negro) ctx.fillRect((x + margen) * PUNTOS, (y + margen) * PUNTOS, PUNTOS, PUNTOS);
  }));
}

function crearDialogo() {
  const dialogo = document.createElement('dialog');
  dialogo.className = 'compartir';
  dialogo.dataset.testid = 'share-dialog';
  const titulo = document.createElement('h2');
  titulo.textContent = T.compartir_titulo;
  const lienzo = document.createElement('canvas');
  lienzo.dataset.testid = 'share-qr';
  lienzo.setAttribute('role', 'img');
  const direccion = document.createElement('p');
  direccion.className = 'compartir-url';
  direccion.dataset.testid = 'share-url';
  const nota = document.createElement('p');
  nota.className = 'nota';
  nota.hidden = true;
  const cerrar = document.createElement('button');
  cerrar.type = 'button';
  cerrar.textContent = T.cerrar;
  cerrar.addEventListener('click', () => dialogo.close());
  dialogo.append(titulo, lienzo, direccion, nota, cerrar);
  document.body.append(dialogo);
  return { dialogo, lienzo, direccion, nota };
}

export function crearCompartir(boton) {
  boton.textContent = T.compartir;
  let partes = null;
  boton.addEventListener('click', async () => {
    partes ??= crearDialogo();
    const url = new URL('./', window.location.href).href;
    partes.direccion.textContent = url;
    partes.lienzo.setAttribute('aria-label', T.compartir_qr(url));
    partes.nota.hidden = !LOCALES.has(window.location.hostname);
    partes.nota.textContent = T.compartir_local;
    try {
      const { encode } = await import('../../vendor/uqr/index.mjs');
      dibujarQr(partes.lienzo, encode(url, { border: 0, ecc: 'M' }));
      partes.lienzo.dataset.url = url;
    } catch {
      partes.nota.hidden = false;
      partes.nota.textContent = T.compartir_error;
    }
    partes.dialogo.showModal();
  });
}
