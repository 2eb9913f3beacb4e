// «Práctica por grupos» on the teacher's panel: which variant each group trains (or free choice),
// every experiment the students posted as a validation-accuracy curve (one colour per variant,
// the variant's median per epoch in bold), a table sorted by test accuracy (pseudonyms hidden
// on the projector until the teacher shows them) and the CSV (server/aula/experimentos.mjs
// writes it with Práctica's writer). Read again whenever the live summary says they changed.

import { aula } from '../textos.js';
import { entero, porcentaje, duracion } from '../formato.js';
import { el, cajaDeTabla } from '../leccion/kit/dom.js';
import { GRUPOS, VARIANTES_GRUPO } from '../leccion/variantes.js';
import { crearGrafica, crearLeyenda } from '../ui/grafica.js';
import { crearLector, descargar, pedir } from './peticion.js';
import { medianas } from './medianas.js';

const T = aula.grupos;
const VARIANTES = Object.keys(VARIANTES_GRUPO);
// One colour per variant: the lesson's eight run colours, and the text's for «otra».
const color = (v) => (VARIANTES.indexOf(v) < 8 ? `--color-run-${VARIANTES.indexOf(v)}` : '--color-suave');
const FINA = 1, GRUESA = 4;

/** The part in `raiz`; `cabeceras` carry the teacher's key; `accion(ruta, datos, hecho)` is the panel's POST. */
export function crearGrupos(raiz, { cabeceras, accion }) {
  const selects = GRUPOS.map((g) => el('select', { id: `aula-grupo-${g}`, 'data-testid': 'aula-groups-variant', 'data-group': g },
    el('option', { value: '', text: T.sin_variante }),
    ...VARIANTES.filter((v) => VARIANTES_GRUPO[v]).map((v) => el('option', { value: v, text: T.variantes[v] }))));
  const guardar = el('button', { type: 'button', class: 'boton-pequeno', text: T.guardar_reparto, 'data-testid': 'aula-groups-save',
    onclick: () => accion('panel/practica/grupos', { grupos: Object.fromEntries(selects.filter((s) => s.value).map((s) => [s.dataset.group, s.value])) }, T.reparto_guardado) });
  const total = el('p', { class: 'conjunto-total', 'data-testid': 'aula-groups-total' });
  const vacio = el('p', { class: 'nota', text: T.vacio });
  const lienzo = el('div', { class: 'grafica-lienzo grupos-lienzo', role: 'img', 'data-testid': 'aula-groups-chart' });
  const leyenda = el('ul', { class: 'leyenda', 'data-testid': 'aula-groups-legend' });
  const nombres = el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': 'aula-groups-names', 'aria-pressed': 'false' });
  const cuerpo = el('tbody');
  const csv = el('button', { type: 'button', class: 'boton-pequeno', text: T.descargar, 'data-testid': 'aula-groups-csv',
    onclick: () => descargar('panel/practica.csv', 'practica-grupos.csv', cabeceras).catch(() => {}) });
  raiz.append(el('h2', { text: T.titulo }), total, vacio,
    el('fieldset', { class: 'grupos-reparto' }, el('legend', { text: T.reparto }),
      el('p', { class: 'nota', text: T.reparto_ayuda }),
      el('div', { class: 'grupos-selects' }, ...selects.map((s) => el('div', { class: 'campo' },
        el('label', { for: s.id, text: T.grupo(s.dataset.group) }), s))), guardar),
    el('div', { class: 'grupos-resultados', 'data-testid': 'aula-groups-results' },
      el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica }), lienzo, leyenda),
      el('div', {},
        cajaDeTabla(T.tabla, el('table', { class: 'tabla grupos-tabla', 'data-testid': 'aula-groups-table' },
          el('caption', { text: T.tabla }),
          el('thead', {}, el('tr', {}, ...[T.col_puesto, T.col_variante, T.col_grupo, T.col_persona, T.col_exactitud, T.col_tiempo, T.col_hilos]
            .map((t) => el('th', { scope: 'col', text: t })))),
          cuerpo)),
        el('div', { class: 'botones' }, nombres, csv))));

  const grafica = crearGrafica(lienzo, { etiquetaX: T.eje_epoca, etiquetaY: T.eje_exactitud, series: [], xMin: 1, pasoX: 1,
    yMax: 1, formatoY: (v) => porcentaje(v, 0) });
  let datos = { grupos: {}, experimentos: [] };
  let verNombres = false;
  let planMostrado = null;

  function pintarGrafica({ experimentos }) {
    const meds = medianas(experimentos);
    const series = [...experimentos.map((e) => ({ color: color(e.variante), tipo: 'trazo', ancho: FINA })),
      ...[...meds.keys()].map((v) => ({ color: color(v), tipo: 'trazo', ancho: GRUESA }))];
    const epocas = Math.max(2, ...experimentos.map((e) => e.epocas.length));
    // The y axis starts at the tenth below the lowest accuracy, so that close variants stand apart.
    const menor = Math.min(1, ...experimentos.flatMap((e) => e.epocas.map((p) => p[3])));
    grafica.cambiarSeries(series, { xMax: epocas, yMin: Math.max(0, Math.floor(menor * 10) / 10 - 0.1) });
    experimentos.forEach((e, i) => e.epocas.forEach((p, k) => grafica.anadir(i, k + 1, p[3])));
    [...meds.values()].forEach((puntos, j) => puntos.forEach(([x, y]) => grafica.anadir(experimentos.length + j, x, y)));
    lienzo.dataset.variants = String(meds.size);
    lienzo.setAttribute('aria-label', experimentos.length ? T.grafica_alt(entero(experimentos.length), entero(meds.size)) : T.grafica_vacia);
    crearLeyenda(leyenda, [...meds.keys()].map((v) => ({ nombre: T.variantes[v], color: color(v), tipo: 'linea' })));
    if (meds.size) leyenda.append(el('li', { class: 'nota', text: T.mediana }));
  }

  function pintarTabla() {
    nombres.textContent = verNombres ? aula.conjunto.ocultar_nombres : aula.conjunto.mostrar_nombres;
    nombres.setAttribute('aria-pressed', String(verNombres));
    // A student's number follows the order they first posted in, the same on every reading.
    const orden = [...new Set(datos.experimentos.toSorted((a, b) => a.id - b.id).map((e) => e.alumno))];
    cuerpo.replaceChildren(...datos.experimentos.map((e, i) => el('tr', { 'data-testid': 'aula-groups-row', 'data-accuracy': String(e.exactitud), 'data-variant': e.variante },
      el('th', { scope: 'row', text: entero(i + 1) }),
      el('td', {}, el('span', { class: 'muestra muestra-linea', style: `--muestra: var(${color(e.variante)})` }), ` ${T.variantes[e.variante]}`),
      el('td', { text: e.grupo ?? '—' }),
      el('td', { text: verNombres ? e.seudonimo : T.persona(entero(orden.indexOf(e.alumno) + 1)) }),
      el('td', { class: 'numero', text: porcentaje(e.exactitud, 2) }),
      el('td', { class: 'numero', text: duracion(e.segundos) }),
      el('td', { class: 'numero', text: entero(e.hilos) }))));
  }
  nombres.addEventListener('click', () => { verNombres = !verNombres; pintarTabla(); });

  function pintar(nuevos) {
    datos = nuevos;
    // The choices shown follow the server's only when its plan changed (not over the teacher's unsaved ones).
    const plan = JSON.stringify(datos.grupos);
    if (plan !== planMostrado) for (const s of selects) s.value = datos.grupos[s.dataset.group] ?? '';
    planMostrado = plan;
    const n = datos.experimentos.length;
    total.textContent = T.total(entero(n));
    total.dataset.count = String(n);
    vacio.hidden = n > 0;
    raiz.querySelector('.grupos-resultados').hidden = n === 0;
    csv.disabled = n === 0;
    pintarGrafica(datos);
    pintarTabla();
  }
  pintar(datos);
  const leer = crearLector(() => pedir('panel/practica', { cabeceras }), pintar);
  return {
    /** The panel's summary of the experiments ({total, cambios}). */
    actualizar: (resumen) => leer(resumen?.cambios),
  };
}
