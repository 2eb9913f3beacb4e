// The teacher's guide page: its plan tables and lists from textos.js, and the printable
// worksheet (two A4 sheets, css/guia.css's print rules): the 6 × 6 convolution by hand, the
// counting questions and the model.summary() table to fill in.

import { guia as T } from './textos.js';
import { aplicarTextos } from './ui/rotulos.js';
import { el } from './leccion/kit/dom.js';
import { KERNELS } from './leccion/kernels.js';

const LADO = 6;  // the lesson's example image: left half 255, right half 0

function tabla(nodo, cabecera, filas) {
  if (cabecera) nodo.append(el('thead', {}, el('tr', {}, cabecera.map((c) => el('th', { scope: 'col', text: c })))));
  nodo.append(el('tbody', {}, filas.map((f) => el('tr', {}, f.map((c) => el('td', { text: c }))))));
}

const lista = (nodo, frases) => nodo.append(...frases.map((f) => el('li', { text: f })));

function matriz(titulo, filas, columnas, valor, clase) {
  return el('figure', { class: 'ficha-matriz' }, el('figcaption', { text: titulo }),
    el('table', { class: `matriz-ficha ${clase}` }, el('tbody', {}, Array.from({ length: filas }, (_, f) =>
      el('tr', {}, Array.from({ length: columnas }, (_, c) => el('td', { text: valor(f, c) })))))));
}

function hojaUna() {
  const H = T.hoja;
  const kernel = KERNELS.verticales;
  return el('section', { class: 'hoja', 'data-testid': 'worksheet-sheet' },
    el('p', { class: 'ficha-cabecera', text: H.cabecera }), el('p', { class: 'ficha-nombre', text: H.nombre }),
    el('h2', { text: H.conv_titulo }), el('p', { text: H.conv_texto }),
    el('div', { class: 'ficha-conv' },
      matriz(H.imagen, LADO, LADO, (f, c) => (c < LADO / 2 ? '255' : '0'), 'imagen'),
      matriz(H.kernel, 3, 3, (f, c) => String(kernel[f * 3 + c]).replace('-', '−'), 'kernel'),
      matriz(H.salida, LADO - 2, LADO - 2, () => '', 'salida')),
    el('p', { text: H.conv_pregunta }), el('p', { class: 'ficha-linea', text: H.linea }), el('p', { class: 'ficha-linea', text: H.linea }),
    el('h2', { text: H.cuentas_titulo }),
    el('ol', { class: 'ficha-cuentas' }, H.cuentas.map((q) => el('li', {}, el('p', { text: q }), el('p', { class: 'ficha-linea', text: H.linea })))));
}

function hojaDos() {
  const H = T.hoja;
  const filas = H.capas.map((c) => [c, '', '']);
  const t = el('table', { class: 'ficha-resumen' });
  tabla(t, H.tabla_cabecera, filas);
  return el('section', { class: 'hoja', 'data-testid': 'worksheet-sheet' },
    el('p', { class: 'ficha-cabecera', text: H.cabecera }),
    el('h2', { text: H.tabla_titulo }), el('p', { text: H.tabla_texto }), t,
    el('p', { class: 'ficha-total', text: H.total }),
    el('p', { text: H.tabla_pregunta }), el('p', { class: 'ficha-linea', text: H.linea }), el('p', { class: 'ficha-linea', text: H.linea }));
}

aplicarTextos(document);
const parte = (nombre) => document.querySelector(`[data-parte="${nombre}"]`);
tabla(parte('medidas'), null, T.medidas);
tabla(parte('una'), [T.col_minutos, T.col_seccion, T.col_que], T.una);
tabla(parte('dos'), [T.col_minutos, T.col_seccion, T.col_que], T.dos);
lista(parte('proyectar'), T.proyectar);
lista(parte('preguntas'), T.preguntas);
lista(parte('soluciones'), T.soluciones);
parte('problemas').append(...T.problemas.flatMap(([p, s]) => [el('dt', { text: p }), el('dd', { text: s })]));
document.querySelector('.ficha').append(hojaUna(), hojaDos());
parte('imprimir').addEventListener('click', () => print());
document.body.dataset.ready = 'true';
