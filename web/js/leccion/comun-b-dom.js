// Small DOM and canvas helpers shared by the lesson's sections 6–10.

import { numero } from '../formato.js';

/** el('p', {class: 'x', text: 'hola'}, child...): an element with attributes and children. */
export function el(etiqueta, atributos = {}, ...hijos) {
  const nodo = document.createElement(etiqueta);
  for (const [clave, valor] of Object.entries(atributos)) {
    if (valor === undefined || valor === null || valor === false) continue;
    if (clave === 'text') nodo.textContent = valor;
    else if (clave === 'class') nodo.className = valor;
    // Through the CSSOM: the page's Content-Security-Policy refuses inline style attributes.
    else if (clave === 'style') for (const [prop, v] of valor.split(';').filter(Boolean).map((d) => d.split(':'))) nodo.style.setProperty(prop.trim(), v.trim());
    else if (clave.startsWith('on')) nodo.addEventListener(clave.slice(2), valor);
    else nodo.setAttribute(clave, valor === true ? '' : String(valor));
  }
  nodo.append(...hijos.flat().filter((h) => h !== null && h !== undefined));
  return nodo;
}

const SUPERINDICES = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** 0.000000953 → "9,54 · 10⁻⁷"; numbers from 0.001 up keep the plain es-ES form. */
export function cientifico(x, decimales = 2) {
  if (x === 0 || (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6)) return numero(x, Math.max(decimales, 3));
  const exponente = Math.floor(Math.log10(Math.abs(x)));
  const mantisa = x / 10 ** exponente;
  const sup = String(exponente).split('').map((c) => SUPERINDICES[c]).join('');
  return `${numero(mantisa, decimales)} · 10${sup}`;
}

/**
 * Paints a (h, w) plane of `datos` starting at `desde` into a canvas of h × w pixels
 * (CSS scales it up, pixelated). escala(v) → [r, g, b].
 */
export function pintarPlano(canvas, datos, desde, h, w, escala) {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  const imagen = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const [r, g, b] = escala(datos[desde + i]);
    imagen.data.set([r, g, b, 255], i * 4);
  }
  ctx.putImageData(imagen, 0, 0);
}

/** Grey scale for [min, max]: dark = low, white = high. */
export function escalaGris(min, max) {
  const rango = max - min || 1;
  return (v) => {
    const g = Math.round(255 * Math.min(1, Math.max(0, (v - min) / rango)));
    return [g, g, g];
  };
}

/** MNIST pixels (ink 1 on 0) as dark ink on white paper, as the drawing widget shows them. */
export const escalaTinta = (v) => {
  const g = 255 - Math.round(255 * Math.min(1, Math.max(0, v)));
  return [g, g, g];
};

/** Diverging scale for weights: blue negative, white 0, red positive; `limite` = |max|. */
export function escalaDivergente(limite) {
  const l = limite || 1;
  return (v) => {
    const t = Math.min(1, Math.abs(v) / l);
    const bajo = Math.round(255 * (1 - t));
    return v >= 0 ? [255, bajo, bajo] : [bajo, bajo, 255];
  };
}

/** Canvas backing store sized to its CSS box × devicePixelRatio; returns {ctx, ancho, alto}. */
export function prepararLienzo(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const ancho = canvas.clientWidth, alto = canvas.clientHeight;
  if (canvas.width !== Math.round(ancho * dpr) || canvas.height !== Math.round(alto * dpr)) {
    canvas.width = Math.round(ancho * dpr);
    canvas.height = Math.round(alto * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, ancho, alto);
  return { ctx, ancho, alto };
}

/** A status line that also tells tests its state through data-state. */
export function ponerEstado(nodo, estado, texto) {
  nodo.dataset.state = estado;
  nodo.textContent = texto;
}
