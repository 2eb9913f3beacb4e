// The class's set of drawings on the teacher's panel: how many of each digit and of each student
// (pseudonyms hidden on the projector until the teacher shows them), a grid of thumbnails per
// digit where the teacher removes a drawing for everyone, and the set as .npz for the notebook.
// The panel's live summary says when the set changed (resumen.dibujos.cambios); the gallery then
// reads it again, one request at a time.

import { aula } from '../textos.js';
import { entero } from '../formato.js';
import { el } from '../leccion/kit/dom.js';
import { pintarTinta } from '../leccion/kit/lienzo.js';
import { crearLector, descargar as bajar, pedir } from './peticion.js';

const T = aula.conjunto;

/** Bytes of a drawing sent as base64. */
export const deBase64 = (texto) => Uint8Array.from(atob(texto), (c) => c.charCodeAt(0));

/**
 * The gallery in `raiz`; `cabeceras` carry the teacher's key; `accion(ruta, datos)` is the
 * panel's POST with its error line; `alCambiar(conjunto)` gets {alumnos, dibujos} after each read.
 */
export function crearGaleria(raiz, { cabeceras, accion, alCambiar = () => {} }) {
  const total = el('p', { class: 'conjunto-total', 'data-testid': 'aula-gallery-total' });
  const vacio = el('p', { class: 'nota', text: T.vacio, 'data-testid': 'aula-gallery-empty' });
  const porCifra = el('ol', { class: 'conjunto-cifras', 'data-testid': 'aula-gallery-digits', 'aria-label': T.por_cifra_titulo });
  const nombres = el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': 'aula-gallery-names', 'aria-pressed': 'false' });
  const porPersona = el('ol', { class: 'conjunto-personas', 'data-testid': 'aula-gallery-students' });
  const descargar = el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': 'aula-gallery-download', text: T.descargar });
  const rejillas = el('div', { class: 'conjunto-rejillas', 'data-testid': 'aula-gallery-grids' });
  raiz.append(el('h2', { text: T.titulo }), total, vacio,
    el('div', { class: 'conjunto-resumen' },
      el('div', {}, el('h3', { text: T.por_cifra_titulo }), porCifra),
      el('div', {}, el('h3', { text: T.por_persona_titulo }), nombres, porPersona),
      el('div', {}, descargar, el('p', { class: 'nota', text: T.descargar_ayuda }))),
    rejillas);

  let conjunto = { alumnos: [], dibujos: [] };
  let verNombres = false;
  const miniaturas = new Map();  // id → its figure, painted once

  function miniatura(d) {
    if (miniaturas.has(d.id)) return miniaturas.get(d.id);
    const lienzo = el('canvas', { class: 'conjunto-mini', role: 'img', 'aria-label': T.dibujo_alt(d.etiqueta) });
    pintarTinta(lienzo, deBase64(d.x));
    const quitar = el('button', { type: 'button', class: 'conjunto-quitar', text: '×', title: T.quitar_alt(d.etiqueta),
      'aria-label': T.quitar_alt(d.etiqueta), 'data-testid': 'aula-gallery-remove',
      onclick: () => accion('panel/dibujos/quitar', { id: d.id }, T.quitado) });
    const figura = el('figure', { class: 'conjunto-dibujo', 'data-testid': 'aula-gallery-drawing', 'data-id': String(d.id), 'data-label': String(d.etiqueta) }, lienzo, quitar);
    miniaturas.set(d.id, figura);
    return figura;
  }

  function pintarNombres() {
    nombres.textContent = verNombres ? T.ocultar_nombres : T.mostrar_nombres;
    nombres.setAttribute('aria-pressed', String(verNombres));
    porPersona.replaceChildren(...conjunto.alumnos.map((a, i) => el('li', { 'data-testid': 'aula-gallery-student', 'data-count': String(a.n) },
      T.persona_cuenta(verNombres ? a.seudonimo : T.persona(entero(i + 1)), entero(a.n)))));
  }
  nombres.addEventListener('click', () => { verNombres = !verNombres; pintarNombres(); });

  function pintar() {
    const { dibujos } = conjunto;
    total.textContent = T.total(entero(dibujos.length));
    total.dataset.count = String(dibujos.length);
    vacio.hidden = dibujos.length > 0;
    const grupos = Array.from({ length: 10 }, () => []);
    for (const d of dibujos) grupos[d.etiqueta].push(d);
    porCifra.replaceChildren(...grupos.map((g, c) => el('li', { 'data-testid': 'aula-gallery-digit-count', 'data-digit': String(c), 'data-count': String(g.length) },
      el('span', { class: 'conjunto-cifra', text: String(c) }), el('span', { class: 'numero', text: entero(g.length) }))));
    pintarNombres();
    const vivos = new Set(dibujos.map((d) => d.id));
    for (const id of miniaturas.keys()) if (!vivos.has(id)) miniaturas.delete(id);
    rejillas.replaceChildren(...grupos.map((g, c) => (g.length
      ? el('section', { class: 'conjunto-grupo', 'data-testid': `aula-gallery-grid-${c}` },
        el('h3', { text: T.cifra(c, entero(g.length)) }), el('div', { class: 'conjunto-minis' }, g.map(miniatura)))
      : null)));
  }

  const leer = crearLector(() => pedir('panel/dibujos', { cabeceras }), (datos) => {
    conjunto = datos;
    pintar();
    alCambiar(conjunto);
  });
  descargar.addEventListener('click', () => bajar('panel/dibujos.npz', 'clase.npz', cabeceras).catch(() => {}));

  pintar();
  return {
    /** The panel's summary of the set ({total, cambios}): reads the set again when it changed. */
    actualizar: (resumen) => leer(resumen?.cambios),
    conjunto: () => conjunto,
  };
}
