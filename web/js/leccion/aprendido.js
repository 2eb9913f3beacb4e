// Section 9, «Qué ha aprendido la red» (beyond the lesson): the first layer's learned kernels,
// every layer's activations for the student's drawing or a test image, the confusion matrix on
// the test set and a gallery of the test digits the network gets wrong.

import { leccion } from '../textos.js';
import { numero, entero, porcentaje } from '../formato.js';
import { el } from './kit/dom.js';
import { pintarPlano, pintarMosaico, pintarTinta, escalaGris, escalaDivergente } from './kit/lienzo.js';
import { crearFuente } from './kit/fuente.js';
import { crearBarras } from './kit/barras.js';

const T = leccion.aprendido;
const GALERIA = 24;  // misclassified digits shown

function panel(titulo, texto, ...hijos) {
  return el('div', { class: 'panel panel-leccion' }, el('h3', { text: titulo }), el('p', { text: texto }), ...hijos);
}

function crearKernels(raiz, motor) {
  const boton = el('button', { type: 'button', 'data-testid': 'kernels-refresh', text: T.actualizar });
  const rejilla = el('div', { class: 'kernels', 'data-testid': 'kernels', role: 'group' });
  const estado = el('p', { class: 'estado', role: 'status' });
  raiz.append(panel(T.kernels_titulo, T.kernels_texto, el('div', { class: 'botones' }, boton), estado, rejilla));
  const accion = motor.accion(estado, { botones: [boton] });

  const mostrar = () => accion(async (cliente) => {
    const { shape: [f, c, k], data } = await cliente.kernels(0);
    const limite = data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const escala = escalaDivergente(limite);
    const porFiltro = c * k * k;
    rejilla.replaceChildren(...Array.from({ length: f }, (_, i) => {
      // The first layer sees one grey channel, so each filter is one k × k plane.
      const lienzo = el('canvas', { class: 'kernel-lienzo', role: 'img' });
      pintarPlano(lienzo, data, i * porFiltro, k, k, escala);
      const valores = Array.from(data.subarray(i * porFiltro, i * porFiltro + k * k), (v) => numero(v, 2)).join('; ');
      lienzo.setAttribute('aria-label', T.kernel_alt(i + 1, valores));
      return el('figure', { class: 'figura-centrada' }, lienzo, el('figcaption', { text: T.filtro(i + 1) }));
    }));
    rejilla.setAttribute('aria-label', T.kernels_alt(entero(f), k));
    rejilla.dataset.count = String(f);
  });
  boton.addEventListener('click', mostrar);
  return mostrar;
}

// One layer's output: feature maps as small pictures, a dense layer as bars, the last one
// (the ten probabilities) as the page's probability bars.
function bloqueCapa({ name, kerasClass, shape: [c, h, w], data }, esUltima, columnas) {
  const forma = h > 1 ? `${h} × ${w} × ${c}` : entero(c);
  const titulo = el('h4', { text: T.capa(name, kerasClass, forma) });
  if (kerasClass === 'Flatten') return el('div', { class: 'capa' }, titulo, el('p', { class: 'ayuda', text: T.aplanado(entero(c)) }));
  if (h > 1) {
    let min = Infinity, max = -Infinity;
    for (const v of data) { if (v < min) min = v; if (v > max) max = v; }
    const mapas = el('canvas', {
      class: 'mapas', role: 'img', 'aria-label': T.mapa_alt(name, entero(c), h, w), 'data-maps': String(c),
    });
    pintarMosaico(mapas, data, c, h, w, escalaGris(Math.min(0, min), max), columnas);
    return el('div', { class: 'capa', 'data-kind': 'maps' }, titulo, mapas);
  }
  if (esUltima && c === 10) {
    const barras = el('ol', { 'aria-label': T.barras_alt(name, entero(c)) });
    crearBarras(barras)(data);
    return el('div', { class: 'capa', 'data-kind': 'bars' }, titulo, barras);
  }
  const mayor = Math.max(...data.map(Math.abs), 1e-6);
  const barras = el('ol', { class: 'barras-capa', role: 'img', 'aria-label': T.barras_alt(name, entero(c)) },
    ...Array.from(data, (v, i) => el('li', { role: 'none', title: `${i}: ${numero(v, 3)}`, style: `--alto: ${Math.abs(v) / mayor}` })));
  return el('div', { class: 'capa', 'data-kind': 'bars' }, titulo, barras);
}

// Every layer's activations for a test image or the student's drawing (the kit's chooser).
function crearActivaciones(raiz, motor, dibujo) {
  const sitio = el('div');
  const boton = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'act-show', text: T.ver });
  const capas = el('div', { class: 'capas', 'data-testid': 'activations' });
  raiz.append(panel(T.activaciones_titulo, T.activaciones_texto, sitio, el('div', { class: 'botones' }, boton), capas));
  const fuente = crearFuente(sitio, {
    motor, dibujo, id: 'act', inicial: 0, activaciones: true,
    alCambiar({ pixels, activaciones }) {
      const imagen = el('canvas', { class: 'mapa entrada-capa', role: 'img', 'aria-label': T.entrada_alt });
      pintarTinta(imagen, pixels);
      // As many maps to a row as ~3.4rem cells fit (the old grid's auto-fill), up to 16.
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      const columnas = Math.max(4, Math.min(16, Math.floor((capas.clientWidth || 60 * rem) / (3.6 * rem))));
      capas.replaceChildren(
        el('div', { class: 'capa' }, el('h4', { text: T.entrada_alt }), imagen),
        ...activaciones.map((a, i) => bloqueCapa(a, i === activaciones.length - 1, columnas)));
      capas.dataset.layers = String(activaciones.length);
    },
  });
  boton.addEventListener('click', () => fuente.cargar());
  return () => fuente.cargar();
}

function crearConfusion(raiz, motor) {
  const boton = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'confusion-compute', text: T.confusion_boton });
  const detener = el('button', { type: 'button', 'data-testid': 'confusion-stop', text: leccion.comun.detener, disabled: true });
  const tabla = el('div', { class: 'confusion-caja' });
  const resumen = el('p', { class: 'resumen', 'data-testid': 'confusion-summary' });
  const estado = el('p', { class: 'estado', role: 'status' });
  const galeria = el('ol', { class: 'galeria', 'data-testid': 'errors-gallery' });
  const resumenErrores = el('p', { class: 'resumen' });
  raiz.append(
    panel(T.confusion_titulo, T.confusion_texto, el('div', { class: 'botones' }, boton, detener), estado, resumen, tabla),
    panel(T.errores_titulo, T.errores_texto, resumenErrores, galeria));
  const accion = motor.accion(estado, { botones: [boton], detener });

  function pintarTabla(confusion, k) {
    const filas = Array.from({ length: k }, (_, r) => confusion.subarray(r * k, (r + 1) * k));
    const totalFila = filas.map((f) => f.reduce((a, b) => a + b, 0));
    const th = (texto, extra = {}) => el('th', { scope: 'col', text: texto, ...extra });
    return el('table', { class: 'confusion', 'data-testid': 'confusion' },
      el('caption', { text: T.confusion_caption }),
      el('thead', {},
        el('tr', {}, el('td'), el('th', { scope: 'colgroup', colspan: k, text: T.predicho }), el('td')),
        el('tr', {}, el('th', { scope: 'col', text: T.real }), ...Array.from({ length: k }, (_, c) => th(String(c))), th(T.total))),
      el('tbody', {}, ...filas.map((fila, r) => el('tr', {},
        el('th', { scope: 'row', text: String(r) }),
        ...Array.from(fila, (n, c) => {
          const fraccion = totalFila[r] ? n / totalFila[r] : 0;
          return el('td', {
            class: r === c ? 'diagonal' : (n > 0 ? 'fallo' : null),
            style: `--f: ${r === c ? fraccion : Math.min(1, fraccion * 8)}`,
            'data-count': String(n),
            title: T.celda(r, c, entero(n)),
            text: entero(n),
          });
        }),
        el('td', { class: 'total', text: entero(totalFila[r]) })))));
  }

  async function mostrarErrores(cliente) {
    const { predicted, confidence, labels } = await cliente.testPredictions({ start: 0, count: 10000 });
    const fallos = [];
    predicted.forEach((p, i) => { if (p !== labels[i]) fallos.push(i); });
    if (!fallos.length) {
      resumenErrores.textContent = T.errores_ninguno;
      galeria.replaceChildren();
      return;
    }
    const elegidos = fallos.slice(0, GALERIA);
    resumenErrores.textContent = T.errores_resumen(entero(fallos.length), entero(elegidos.length));
    const imagenes = await Promise.all(elegidos.map((i) => cliente.testImages({ start: i, count: 1 })));
    galeria.replaceChildren(...elegidos.map((i, j) => {
      const lienzo = el('canvas', { class: 'mnist-mini', role: 'img', 'aria-label': T.error_alt(i, labels[i], predicted[i]) });
      pintarTinta(lienzo, imagenes[j].pixels);
      return el('li', {}, el('figure', { class: 'figura-centrada' }, lienzo,
        el('figcaption', { text: T.error_pie(labels[i], predicted[i], porcentaje(confidence[i], 0)) })));
    }));
    galeria.dataset.count = String(fallos.length);
  }

  boton.addEventListener('click', () => accion(async (cliente) => {
    const { confusion, classes } = await cliente.evaluate();
    const total = confusion.reduce((a, b) => a + b, 0);
    let aciertos = 0;
    for (let d = 0; d < classes; d++) aciertos += confusion[d * classes + d];
    tabla.replaceChildren(pintarTabla(confusion, classes));
    resumen.textContent = T.confusion_resumen(entero(total), entero(aciertos), porcentaje(aciertos / total, 2));
    resumen.dataset.total = String(total);
    await mostrarErrores(cliente);
  }));
}

export async function crear(seccion, { motor, dibujo }) {
  const raiz = seccion.querySelector('.widgets');
  const kernels = crearKernels(raiz, motor);
  const activaciones = crearActivaciones(raiz, motor, dibujo);
  crearConfusion(raiz, motor);
  await motor.listo();
  await kernels();
  await activaciones();
  // A finished training run changed the weights: show what the network has learned now.
  motor.alCambiarPrincipal((s) => { if (s === 'done') { kernels(); activaciones(); } });
}
