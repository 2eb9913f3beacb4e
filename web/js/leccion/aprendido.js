// Section 9, «Qué ha aprendido la red» (beyond the lesson): the first layer's learned kernels,
// every layer's activations for the student's drawing or a test image, the confusion matrix on
// the test set and a gallery of the test digits the network gets wrong.

import { leccionB } from '../textos.js';
import { numero, entero, porcentaje } from '../formato.js';
import { el, pintarPlano, escalaGris, escalaTinta, escalaDivergente } from './comun-b-dom.js';
import { crearAccion } from './comun-b-motor.js';

const T = leccionB.aprendido;
const GALERIA = 24;  // misclassified digits shown

function panel(titulo, texto, ...hijos) {
  return el('div', { class: 'panel lb-panel' }, el('h3', { text: titulo }), el('p', { text: texto }), ...hijos);
}

function crearKernels(raiz, motor) {
  const boton = el('button', { type: 'button', 'data-testid': 'kernels-refresh', text: T.actualizar });
  const rejilla = el('div', { class: 'lb-kernels', 'data-testid': 'kernels', role: 'group' });
  const estado = el('p', { class: 'lb-estado', role: 'status' });
  raiz.append(panel(T.kernels_titulo, T.kernels_texto, el('div', { class: 'botones' }, boton), estado, rejilla));
  const accion = crearAccion(motor, estado, [boton]);

  const mostrar = () => accion(async () => {
    const { shape: [f, c, k], data } = await motor.cliente.kernels(0);
    const limite = data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const escala = escalaDivergente(limite);
    const porFiltro = c * k * k;
    rejilla.replaceChildren(...Array.from({ length: f }, (_, i) => {
      // The first layer sees one grey channel, so each filter is one k × k plane.
      const lienzo = el('canvas', { class: 'lb-kernel', role: 'img' });
      pintarPlano(lienzo, data, i * porFiltro, k, k, escala);
      const valores = Array.from(data.subarray(i * porFiltro, i * porFiltro + k * k), (v) => numero(v, 2)).join('; ');
      lienzo.setAttribute('aria-label', T.kernel_alt(i + 1, valores));
      return el('figure', { class: 'lb-figura' }, lienzo, el('figcaption', { text: T.filtro(i + 1) }));
    }));
    rejilla.setAttribute('aria-label', T.kernels_alt(entero(f), k));
    rejilla.dataset.count = String(f);
  });
  boton.addEventListener('click', mostrar);
  return mostrar;
}

function crearActivaciones(raiz, motor) {
  const fuente = el('select', { id: 'act-fuente', 'data-testid': 'act-source' },
    el('option', { value: 'test', text: T.fuente_test }), el('option', { value: 'dibujo', text: T.fuente_dibujo }));
  const indice = el('input', { id: 'act-indice', type: 'number', min: 0, max: 9999, value: 0, inputmode: 'numeric' });
  const campoIndice = el('div', { class: 'campo' }, el('label', { for: 'act-indice', text: T.indice_test }), indice);
  const boton = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'act-show', text: T.ver });
  const capas = el('div', { class: 'lb-capas', 'data-testid': 'activations' });
  const estado = el('p', { class: 'lb-estado', role: 'status' });
  raiz.append(panel(T.activaciones_titulo, T.activaciones_texto,
    el('div', { class: 'lb-controles' },
      el('div', { class: 'campo' }, el('label', { for: 'act-fuente', text: T.fuente }), fuente), campoIndice,
      el('div', { class: 'botones' }, boton)),
    estado, capas));
  fuente.addEventListener('change', () => { campoIndice.hidden = fuente.value !== 'test'; });
  const accion = crearAccion(motor, estado, [boton]);

  async function entrada() {
    if (fuente.value === 'dibujo') {
      const lienzo = document.querySelector('[data-testid="draw-canvas"]');
      const { data, width, height } = lienzo.getContext('2d').getImageData(0, 0, lienzo.width, lienzo.height);
      return { rgba: data, width, height, darkInk: true };
    }
    const i = Math.min(9999, Math.max(0, Math.trunc(Number(indice.value) || 0)));
    indice.value = String(i);
    return { pixels: (await motor.cliente.testImages({ start: i, count: 1 })).pixels };
  }

  function bloqueCapa({ name, kerasClass, shape: [c, h, w], data }, esUltima) {
    const forma = h > 1 ? `${h} × ${w} × ${c}` : entero(c);
    const titulo = el('h4', { text: T.capa(name, kerasClass, forma) });
    if (kerasClass === 'Flatten') return el('div', { class: 'lb-capa' }, titulo, el('p', { class: 'ayuda', text: T.aplanado(entero(c)) }));
    if (h > 1) {
      let min = Infinity, max = -Infinity;
      for (const v of data) { if (v < min) min = v; if (v > max) max = v; }
      const escala = escalaGris(Math.min(0, min), max);
      const mapas = el('div', { class: 'lb-mapas', role: 'img', 'aria-label': T.mapa_alt(name, entero(c), h, w) },
        ...Array.from({ length: c }, (_, i) => {
          const lienzo = el('canvas', { class: 'lb-mapa', 'aria-hidden': 'true' });
          pintarPlano(lienzo, data, i * h * w, h, w, escala);
          return lienzo;
        }));
      return el('div', { class: 'lb-capa', 'data-kind': 'maps' }, titulo, mapas);
    }
    const mayor = Math.max(...data.map(Math.abs), 1e-6);
    const barras = el('ol', { class: `lb-barras-capa${esUltima ? ' lb-barras-digitos' : ''}`, role: 'img', 'aria-label': T.barras_alt(name, entero(c)) },
      ...Array.from(data, (v, i) => el('li', { title: `${i}: ${numero(v, 3)}`, style: `--alto: ${Math.abs(v) / mayor}` },
        esUltima ? el('span', { text: String(i) }) : null)));
    return el('div', { class: 'lb-capa', 'data-kind': 'bars' }, titulo, barras);
  }

  const mostrar = () => accion(async () => {
    const pedido = await entrada();
    const r = await motor.cliente.predict(pedido, { activations: true });
    if (r.steps?.empty) {
      capas.replaceChildren(el('p', { text: T.dibujo_vacio }));
      return;
    }
    const imagen = el('canvas', { class: 'lb-mapa lb-entrada', role: 'img', 'aria-label': T.entrada_alt });
    pintarPlano(imagen, r.steps ? r.steps.placed : pedido.pixels, 0, 28, 28, escalaTinta);
    capas.replaceChildren(
      el('div', { class: 'lb-capa' }, el('h4', { text: T.entrada_alt }), imagen),
      ...r.activations.map((a, i) => bloqueCapa(a, i === r.activations.length - 1)));
    capas.dataset.layers = String(r.activations.length);
  });
  boton.addEventListener('click', mostrar);
  return mostrar;
}

function crearConfusion(raiz, motor) {
  const boton = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'confusion-compute', text: T.confusion_boton });
  const tabla = el('div', { class: 'lb-confusion-caja' });
  const resumen = el('p', { class: 'lb-resumen', 'data-testid': 'confusion-summary' });
  const estado = el('p', { class: 'lb-estado', role: 'status' });
  const galeria = el('ol', { class: 'lb-galeria', 'data-testid': 'errors-gallery' });
  const resumenErrores = el('p', { class: 'lb-resumen' });
  raiz.append(
    panel(T.confusion_titulo, T.confusion_texto, el('div', { class: 'botones' }, boton), estado, resumen, tabla),
    panel(T.errores_titulo, T.errores_texto, resumenErrores, galeria));
  const accion = crearAccion(motor, estado, [boton]);

  function pintarTabla(confusion, k) {
    const filas = Array.from({ length: k }, (_, r) => confusion.subarray(r * k, (r + 1) * k));
    const totalFila = filas.map((f) => f.reduce((a, b) => a + b, 0));
    const th = (texto, extra = {}) => el('th', { scope: 'col', text: texto, ...extra });
    return el('table', { class: 'lb-confusion', 'data-testid': 'confusion' },
      el('caption', { text: T.confusion_caption }),
      el('thead', {},
        el('tr', {}, el('td'), el('th', { scope: 'colgroup', colspan: k, text: T.predicho }), el('td')),
        el('tr', {}, el('th', { scope: 'col', text: T.real }), ...Array.from({ length: k }, (_, c) => th(String(c))), th(T.total))),
      el('tbody', {}, ...filas.map((fila, r) => el('tr', {},
        el('th', { scope: 'row', text: String(r) }),
        ...Array.from(fila, (n, c) => {
          const fraccion = totalFila[r] ? n / totalFila[r] : 0;
          return el('td', {
            class: r === c ? 'lb-diagonal' : (n > 0 ? 'lb-fallo' : null),
            style: `--f: ${r === c ? fraccion : Math.min(1, fraccion * 8)}`,
            'data-count': String(n),
            title: T.celda(r, c, entero(n)),
            text: entero(n),
          });
        }),
        el('td', { class: 'lb-total', text: entero(totalFila[r]) })))));
  }

  async function mostrarErrores() {
    const { predicted, confidence, labels } = await motor.cliente.testPredictions({ start: 0, count: 10000 });
    const fallos = [];
    predicted.forEach((p, i) => { if (p !== labels[i]) fallos.push(i); });
    if (!fallos.length) {
      resumenErrores.textContent = T.errores_ninguno;
      galeria.replaceChildren();
      return;
    }
    const elegidos = fallos.slice(0, GALERIA);
    resumenErrores.textContent = T.errores_resumen(entero(fallos.length), entero(elegidos.length));
    const imagenes = await Promise.all(elegidos.map((i) => motor.cliente.testImages({ start: i, count: 1 })));
    galeria.replaceChildren(...elegidos.map((i, j) => {
      const lienzo = el('canvas', { class: 'lb-mnist-mini', role: 'img', 'aria-label': T.error_alt(i, labels[i], predicted[i]) });
      pintarPlano(lienzo, imagenes[j].pixels, 0, 28, 28, escalaTinta);
      return el('li', {}, el('figure', { class: 'lb-figura' }, lienzo,
        el('figcaption', { text: T.error_pie(labels[i], predicted[i], porcentaje(confidence[i], 0)) })));
    }));
    galeria.dataset.count = String(fallos.length);
  }

  boton.addEventListener('click', () => accion(async () => {
    const { confusion, classes } = await motor.cliente.evaluate();
    const total = confusion.reduce((a, b) => a + b, 0);
    let aciertos = 0;
    for (let d = 0; d < classes; d++) aciertos += confusion[d * classes + d];
    tabla.replaceChildren(pintarTabla(confusion, classes));
    resumen.textContent = T.confusion_resumen(entero(total), entero(aciertos), porcentaje(aciertos / total, 2));
    resumen.dataset.total = String(total);
    await mostrarErrores();
  }));
}

export async function crear(raiz, motor) {
  const kernels = crearKernels(raiz, motor);
  const activaciones = crearActivaciones(raiz, motor);
  crearConfusion(raiz, motor);
  await motor.listo();
  await motor.libre();
  await kernels();
  await activaciones();
  raiz.dataset.ready = 'true';
  // A finished training run changed the weights: show what the network has learned now.
  motor.alCambiarPrincipal((s) => { if (s === 'done') { kernels(); activaciones(); } });
}
