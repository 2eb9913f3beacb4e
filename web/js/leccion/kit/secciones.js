// Starts each lesson section when it comes near the screen: its module is imported only then
// (the page opens fast, KaTeX and all), and built with what main.js passes in. Sections are
// started one at a time, each step (import, then build) in a separate task when the main
// thread is idle, and none while a pointer is down: a student drawing a digit right after the
// page opens gets the answer first, instead of waiting behind the sections near the drawing.

import { cuandoLibre } from './reposo.js';
import { el } from './dom.js';
import { leccion } from '../../textos.js';
import { mensajeDeError } from '../../ui/mensajes.js';
import { guardarLocal, leerLocal } from '../../ui/almacen.js';

/**
 * @param {Object<string, () => Promise<{crear: Function}>>} modulos  section id → its import
 * @param {object} app  passed to every module's crear(seccion, app)
 * Every section gets data-ready="true" once its crear() has finished (tests and screenshots
 * wait for it), or data-error if it failed: its module could not be downloaded (offline, and
 * not kept by the service worker), or the engine crashed while the section was asking it for
 * something. The section then says so in Spanish, under its title.
 */
export function cargarSecciones(modulos, app) {
  const secciones = Object.keys(modulos).map((id) => document.getElementById(id));
  const obras = anclarLectura(secciones);
  const fallo = (seccion) => (error) => {
    if (seccion.dataset.error) return;
    seccion.dataset.error = String(error);
    const aviso = el('p', { class: 'error', role: 'alert', 'data-testid': 'section-error',
      text: leccion.comun.seccion_fallo(error?.code ? mensajeDeError(error) : '') });
    const titulo = seccion.querySelector('h2');
    if (titulo) titulo.after(aviso);
    else seccion.prepend(aviso);
    console.error(error);
  };
  // The queue waits for a section's crear() only up to its first await (the part that holds
  // the main thread): one that then waits for the engine or its data does not hold up the next.
  let cola = Promise.resolve();
  const empezar = (seccion) => {
    cola = cola.then(async () => {
      await cuandoLibre();
      const m = await modulos[seccion.id]();
      await cuandoLibre();
      const obra = obras.empezar(seccion);
      Promise.resolve(m.crear(seccion, app))
        .then(() => { seccion.dataset.ready = 'true'; }, fallo(seccion))
        .finally(obra);
    }).catch(fallo(seccion));
  };
  const observador = new IntersectionObserver((entradas) => {
    for (const { isIntersecting, target: seccion } of entradas) {
      if (!isIntersecting) continue;
      observador.unobserve(seccion);
      empezar(seccion);
    }
  }, { rootMargin: '100% 0px' });
  for (const seccion of secciones) observador.observe(seccion);
}

// Where the reader is: {seccion, top}, the section they asked for (objetivo, below), else the
// first section whose top is on screen (the last one at the end of the page: a jump to a section
// near the end leaves shorter ones above it on screen too), else the section that covers the top
// of the screen (top < 0); null above them.
function medirLugar(secciones) {
  if (objetivo) return objetivo;
  const alFinal = scrollY + innerHeight >= document.documentElement.scrollHeight - 2;
  let lugar = null;
  for (const seccion of secciones) {
    const { top, bottom } = seccion.getBoundingClientRect();
    if (top >= 0 && top < innerHeight) {
      if (!lugar || lugar.top < 0 || alFinal) lugar = { seccion, top };
      if (!alFinal) break;
    } else if (top < 0 && bottom > 0) lugar = { seccion, top };
  }
  return lugar;
}

// Layout 1: {id: a section's id, top: its distance from the top of the screen, px} or null.
const CLAVE_LUGAR = 'convaula-lugar';
const lugarValido = (v) => v === null
  || (typeof v === 'object' && typeof v.id === 'string' && typeof v.top === 'number' && Number.isFinite(v.top));

// The section the reader asked for (a link to it, a reload that came back to it) and where on
// screen it belongs, {seccion, top, enCamino}: that one is the place, whatever else shows on
// screen, and the page goes back to it when sections built meanwhile moved it. It is let go when
// the reader scrolls by hand, or when any other scroll takes it off the screen (a script's, a
// test's); enCamino while the link's own scroll is under way. Followed from volverAlLugar on.
let objetivo = null;
function seguirObjetivo(secciones) {
  const deLaMano = () => { objetivo = null; };
  for (const tipo of ['wheel', 'touchstart', 'keydown', 'pointerdown']) addEventListener(tipo, deLaMano, { passive: true, capture: true });
  addEventListener('scroll', () => {
    if (!objetivo || objetivo.enCamino) return;
    const { top, bottom } = objetivo.seccion.getBoundingClientRect();
    if (bottom <= 0 || top >= innerHeight) objetivo = null;
  }, { passive: true });
  addEventListener('scrollend', () => { if (objetivo) objetivo.enCamino = false; });
  // A link to a section (the navigation's, clicked or taken with the keyboard; the address's
  // own #fragment at open) asks for it: its top goes at its scroll margin. A section already
  // there gets no scroll, so none is under way (nor a scrollend to end it).
  const pedir = (hash) => {
    const id = decodeURIComponent(hash.slice(1));
    const seccion = secciones.find((s) => s.id === id);
    if (!seccion) return;
    const top = parseFloat(getComputedStyle(seccion).scrollMarginTop) || 0;
    objetivo = { seccion, top, enCamino: Math.abs(seccion.getBoundingClientRect().top - top) >= 1 };
  };
  addEventListener('click', (e) => {
    const enlace = e.target.closest?.('a[href^="#"]');
    if (enlace) pedir(enlace.hash);
  });
  if (location.hash) pedir(location.hash);
}

/**
 * A reload (or a step back to the page) returns to the section the reader was at, not to the
 * same pixel: on a new load the sections above it are not built yet, so that pixel is somewhere
 * else, and the browser's own restoration kept moving the page while they were being built
 * (a reader at the Práctica ended up in the middle of the lesson). Call once, as the page starts.
 */
export function volverAlLugar(secciones, { alApartar } = {}) {
  seguirObjetivo(secciones);
  if (!('scrollRestoration' in history)) return;
  history.scrollRestoration = 'manual';
  addEventListener('pagehide', () => {
    const lugar = medirLugar(secciones);
    // Storage refused (private mode): the page opens at the top.
    guardarLocal('sessionStorage', CLAVE_LUGAR, lugar && { id: lugar.seccion.id, top: lugar.top });
  });
  const tipo = performance.getEntriesByType('navigation')[0]?.type;
  if (location.hash || !['reload', 'back_forward'].includes(tipo)) return;
  const { valor: guardado, apartado } = leerLocal('sessionStorage', CLAVE_LUGAR, lugarValido);
  if (apartado) alApartar?.();
  const seccion = guardado && secciones.find((s) => s.id === guardado.id);
  if (!seccion) return;
  window.scrollTo({ top: scrollY + seccion.getBoundingClientRect().top - guardado.top, behavior: 'instant' });
  objetivo = { seccion, top: guardado.top, enCamino: false };
}

/**
 * Keeps the section the reader went to where it is on screen while the sections above it are
 * built. A built section grows by its widgets, up to thousands of pixels. The browser's own
 * scroll anchoring holds the element at the top of the screen, and when that is the tail of the
 * section being built (a jump to the last section, which cannot reach the top of the screen),
 * the new widgets push everything below it away: the section the reader chose ended up screens
 * further down, and if that happened before its own observer fired, it was never built at all.
 *
 * The reader's place (medirLugar) is taken whenever a scroll ends; when a section above it grows
 * during its build, the page scrolls by as much as the place moved, in the same frame (before it
 * is painted, and before the observers look). Nothing is done while a scroll is under way (a
 * smooth scroll to a link, a finger on a phone), nor, unless the reader asked for a section, for
 * sections that change later (a window resized): the browser's anchoring stays in charge then.
 * A section asked for is put back at its place whenever anything moved it, until the reader
 * scrolls by hand. Returns {empezar(seccion)}: call it as a section's build starts; it returns
 * the function to call when the build has ended.
 */
function anclarLectura(secciones) {
  const enObra = new Set();
  let lugar = null;
  // section → its height when the observer last reported it. A scroll can end (this page's own
  // correction) in the frame where a section's growth is laid out, before the observer reports
  // it: the place is not taken then (it would already include the growth), and the observer,
  // which comes in the same frame, corrects from the place before and takes the new one.
  const vistos = new Map();
  const sinVer = () => secciones.some((s) => vistos.has(s) && Math.abs(s.getBoundingClientRect().height - vistos.get(s)) > 0.5);
  const medir = () => { if (!sinVer()) lugar = medirLugar(secciones); };
  let desplazando = false;
  let reloj = 0;
  let propio = null;  // where this function's own last scroll left the page
  // Puts the place back where it belongs, when it moved.
  const corregir = () => {
    const deriva = lugar ? lugar.seccion.getBoundingClientRect().top - lugar.top : 0;
    if (Math.abs(deriva) < 1) return;
    window.scrollBy({ top: deriva, behavior: 'instant' });
    propio = scrollY;
  };
  // A link's smooth scroll aims where the section was when it started: sections built on the
  // way move it, so the page goes to the section the reader asked for once the scroll is over.
  const terminado = () => {
    clearTimeout(reloj);
    desplazando = false;
    medir();
    if (objetivo) corregir();
  };
  addEventListener('scroll', () => {
    if (propio !== null && Math.abs(scrollY - propio) < 1) return;
    propio = null;
    desplazando = true;
    // Browsers without scrollend: a scroll has ended once its events stop.
    clearTimeout(reloj);
    reloj = setTimeout(terminado, 'onscrollend' in window ? 1000 : 150);
  }, { passive: true });
  addEventListener('scrollend', terminado);
  addEventListener('resize', medir);

  const observador = new ResizeObserver((entradas) => {
    const visto = () => { for (const { target, borderBoxSize: [caja] } of entradas) vistos.set(target, caja.blockSize); };
    if (!lugar || desplazando) { visto(); return; }
    const arriba = entradas.some(({ target }) => enObra.has(target)
      && target.compareDocumentPosition(lugar.seccion) & Node.DOCUMENT_POSITION_FOLLOWING);
    if (arriba || objetivo) corregir();
    visto();
    medir();
  });
  for (const seccion of secciones) observador.observe(seccion);
  medir();

  return {
    empezar(seccion) {
      if (!desplazando) medir();
      enObra.add(seccion);
      // Its last growth is laid out in the next frame; the observer sees it then.
      return () => requestAnimationFrame(() => requestAnimationFrame(() => enObra.delete(seccion)));
    },
  };
}
