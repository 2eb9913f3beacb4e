// The page's one chart, on uPlot (npm, copied to dist/vendor by the build): the training panel,
// the Práctica overlays and the ReLU and sigmoid curves. Axes in Spanish with es-ES numbers,
// colours and type taken from CSS (projector mode restyles them: the chart is rebuilt when the
// body's class changes), crisp on HiDPI screens (uPlot draws at devicePixelRatio). uPlot styles
// its elements through the CSSOM, which the page's Content-Security-Policy allows.
// Points may arrive at any rate: the chart redraws at most once per animation frame.
// uPlot itself is imported when a chart first comes near the screen, in an idle moment.

// npm ships uPlot minified only as a classic script (51 kB against the module's 145 kB): it is
// added as a <script> from our origin (script-src 'self') and defines window.uPlot.
let uPlot = null;
let cargando = null;
const cargarUPlot = () => (cargando ??= new Promise((resolver, fallar) => {
  const script = el('script', { src: new URL('../../vendor/uplot/uPlot.iife.min.js', import.meta.url).href });
  script.addEventListener('load', () => { uPlot = window.uPlot; resolver(); });
  script.addEventListener('error', () => fallar(new Error('uPlot did not load')));
  document.head.append(script);
}));

import { numero } from '../formato.js';
import { el } from '../leccion/kit/dom.js';
import { cuandoLibre } from '../leccion/kit/reposo.js';

// Building a uPlot chart (its first drawing included) costs tens of milliseconds: charts that
// appear together (the training panel's, as a run starts) are built one per animation frame,
// so that no single frame carries them all.
let construidaEsteCuadro = false;
function turnoDeConstruir() {
  if (construidaEsteCuadro) return false;
  construidaEsteCuadro = true;
  requestAnimationFrame(() => { construidaEsteCuadro = false; });
  return true;
}

// Ticks every `paso` over [min, max] (a chart that asks for them), else uPlot's own round steps.
const cadaPaso = (paso) => (paso ? (u, eje, min, max) => {
  const lista = [];
  for (let v = Math.ceil(min / paso - 1e-9) * paso; v <= max + paso * 1e-9; v += paso) lista.push(Number(v.toPrecision(12)));
  return lista;
} : undefined);

// Series drawn as lines: solid, or dashed with a dot at each point (a per-epoch curve beside a
// per-batch one of the same colour), or solid with a dot at each point (trazo: per-epoch curves
// that may have a single epoch).
const CON_LINEA = new Set(['linea', 'discontinua', 'trazo']);

/**
 * contenedor: the element the chart fills (its CSS gives the height; role="img" and its
 * aria-label stay on it). series: [{color: CSS variable name, tipo: 'linea' | 'discontinua' |
 * 'puntos' | 'huecos' | 'trazo', ancho?: line width in CSS pixels}] (huecos: hollow points, so two
 * point series differ by shape, not by colour alone); cambiarSeries() replaces them;
 * yMax undefined = fit the data; xMin/xMax: the x range (borrar() changes xMax);
 * pasoX/pasoY: fixed tick steps.
 */
export function crearGrafica(contenedor, { etiquetaX, etiquetaY, series, xMin = 0, xMax: xMaxInicial = 1, yMin = 0, yMax,
  pasoX, pasoY, formatoY = numero }) {
  let datos = series.map(() => []);  // per series, [x, y] pairs in arrival order; y null breaks a line
  let xMax = xMaxInicial;
  let marca = null;  // {x, ys: [y per series]}: a marked x, a dashed line and a dot on each curve
  let grafica = null;
  let pendiente = false;

  function estilo() {
    const css = getComputedStyle(contenedor);
    const color = (v) => css.getPropertyValue(v).trim() || css.color;
    return { tinta: css.color, rejilla: color('--color-rejilla'), fuente: `${css.fontSize} ${css.fontFamily}`, letra: parseFloat(css.fontSize), color };
  }

  // Room for the axes, from the type's size: the y axis as wide as its longest number.
  const medidor = document.createElement('canvas').getContext('2d');
  function anchoTextos(textos, fuente) {
    medidor.font = fuente;
    return Math.max(0, ...(textos ?? []).map((t) => medidor.measureText(t).width));
  }

  // uPlot wants one sorted x column shared by all series: join them (a point another series has
  // is "undefined" here and bridged; a null is a real break).
  function tabla() {
    const tablas = datos.map((d) => [d.map(([x]) => x), d.map(([, y]) => y)]);
    return tablas.every((t) => t[0].length === 0) ? [[], ...series.map(() => [])] : uPlot.join(tablas);
  }

  function opciones() {
    const { tinta, rejilla, fuente, letra, color } = estilo();
    const eje = (etiqueta, valores, splits, size, space) => ({
      label: etiqueta, space, stroke: tinta, font: fuente, labelFont: fuente, values: valores, splits, size,
      labelSize: Math.ceil(letra * 1.5), gap: 4, grid: { stroke: rejilla, width: 1 }, ticks: { stroke: rejilla, width: 1, size: 6 },
    });
    return {
      width: Math.max(1, contenedor.clientWidth), height: Math.max(1, contenedor.clientHeight),
      legend: { show: false }, cursor: { show: false }, select: { show: false },
      scales: {
        x: { time: false, range: () => [xMin, xMax] },
        y: { range: (u, min, max) => [yMin, yMax ?? (Number.isFinite(max) ? Math.max(max * 1.05, yMin + 1e-3) : yMin + 1)] },
      },
      axes: [
        eje(etiquetaX, (u, vals) => vals.map((v) => numero(v, 2)), cadaPaso(pasoX), Math.ceil(letra * 1.4 + 12), letra * 4),
        eje(etiquetaY, (u, vals) => vals.map((v) => formatoY(v)), cadaPaso(pasoY), (u, textos) => Math.ceil(anchoTextos(textos, fuente) + 16), letra * 2.5),
      ],
      series: [{}, ...series.map((s) => ({
        stroke: color(s.color), width: CON_LINEA.has(s.tipo) ? s.ancho ?? 1.5 : 0,
        dash: s.tipo === 'discontinua' ? [6 * uPlot.pxRatio, 4 * uPlot.pxRatio] : undefined,
        points: s.tipo === 'linea' ? { show: false }
          : { show: true, size: { trazo: 1 + 2 * (s.ancho ?? 1.5), discontinua: 6 }[s.tipo] ?? 8, width: 2,
            fill: s.tipo === 'huecos' ? '#fff' : color(s.color), stroke: color(s.color) },
        paths: CON_LINEA.has(s.tipo) ? undefined : () => null,
        // A cut (cortar) is a null between two close points: widen its clip so the steep
        // segment uPlot draws across it does not show at the gap's edges.
        gaps: (u, i, desde, hasta, huecos) => huecos.map(([a, b]) => [a - 2 * uPlot.pxRatio, b + 2 * uPlot.pxRatio]),
      }))],
      hooks: { draw: [(u) => dibujarEjesYMarca(u, tinta)] },
    };
  }

  // The axes' lines, lines through zero when zero is inside the ranges, and the marked x with its dots.
  function dibujarEjesYMarca(u, tinta) {
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    const px = (x) => u.valToPos(x, 'x', true), py = (y) => u.valToPos(y, 'y', true);
    ctx.save();
    ctx.strokeStyle = tinta;
    ctx.lineWidth = uPlot.pxRatio;
    ctx.beginPath();
    ctx.moveTo(left, top); ctx.lineTo(left, top + height); ctx.lineTo(left + width, top + height);
    if (u.scales.x.min < 0 && u.scales.x.max > 0) { ctx.moveTo(px(0), top); ctx.lineTo(px(0), top + height); }
    if (u.scales.y.min < 0 && u.scales.y.max > 0) { ctx.moveTo(left, py(0)); ctx.lineTo(left + width, py(0)); }
    ctx.stroke();
    if (marca) {
      ctx.setLineDash([4 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
      ctx.beginPath(); ctx.moveTo(px(marca.x), top); ctx.lineTo(px(marca.x), top + height); ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath(); ctx.rect(left, top, width, height); ctx.clip();
      marca.ys.forEach((y, i) => {
        if (!Number.isFinite(y)) return;
        ctx.fillStyle = u.series[i + 1].stroke();
        ctx.beginPath(); ctx.arc(px(marca.x), py(y), 5 * uPlot.pxRatio, 0, 2 * Math.PI); ctx.fill();
      });
    }
    ctx.restore();
  }

  function construir() {
    grafica?.destroy();
    grafica = null;
    if (!contenedor.clientWidth || !contenedor.clientHeight) return;
    grafica = new uPlot(opciones(), tabla(), contenedor);
  }

  function dibujar() {
    pendiente = false;
    if (!uPlot) return;
    const ancho = contenedor.clientWidth, alto = contenedor.clientHeight;
    if (!grafica) {
      if (turnoDeConstruir()) construir();
      else programar();
      return;
    }
    if (grafica.width !== ancho || grafica.height !== alto) grafica.setSize({ width: ancho, height: alto });
    grafica.setData(tabla());
  }

  function programar() {
    contenedor.dataset.puntos = String(datos.reduce((n, d) => n + d.filter(([, y]) => y !== null).length, 0));
    contenedor.dataset.series = String(datos.filter((d) => d.some(([, y]) => y !== null)).length);
    if (!pendiente) { pendiente = true; requestAnimationFrame(dibujar); }
  }

  new ResizeObserver(programar).observe(contenedor);
  // The training panel's charts are near the drawing at open: uPlot's script and their first
  // build (~200 ms of main thread together on a school PC) wait until nobody is drawing and the
  // page is idle, so that a student's first digit is not held up.
  const cerca = new IntersectionObserver((entradas) => {
    if (!entradas.some((e) => e.isIntersecting)) return;
    cerca.disconnect();
    cuandoLibre().then(cargarUPlot).then(cuandoLibre).then(programar);
  }, { rootMargin: '100% 0px' });
  cerca.observe(contenedor);
  // Projector mode changes the colours and the type: build the chart again with them.
  new MutationObserver(() => requestAnimationFrame(() => uPlot && construir())).observe(document.body, { attributeFilter: ['class'] });
  programar();

  return {
    anadir(serie, x, y) {
      if (!Number.isFinite(y)) return;
      datos[serie].push([x, y]);
      programar();
    },
    /** A whole series at once (a curve computed in one go). */
    ponerSerie(serie, xs, ys) {
      datos[serie] = Array.from(xs, (x, i) => [x, ys[i]]).filter(([, y]) => Number.isFinite(y));
      programar();
    },
    /** Marks x with a dashed line and a dot on each series at ys[serie]. */
    marcar(x, ys) {
      marca = { x, ys };
      grafica?.redraw(false);
    },
    /** Ends the series' current line: the next point starts a new one. */
    cortar(serie) {
      const ultimo = datos[serie].at(-1);
      if (ultimo && ultimo[1] !== null) datos[serie].push([ultimo[0] + 1e-9, null]);
    },
    /** New series (the same shape as crearGrafica's), all empty, and new ranges: the chart is built again with them. */
    cambiarSeries(nuevas, rangos = {}) {
      series = nuevas;
      datos = series.map(() => []);
      xMax = rangos.xMax ?? xMax;
      yMin = rangos.yMin ?? yMin;
      grafica?.destroy();
      grafica = null;
      programar();
    },
    borrar(nuevoXMax = 1) {
      datos.forEach((d) => (d.length = 0));
      xMax = nuevoXMax;
      programar();
    },
    redibujar: programar,
  };
}

// The shared legend, as HTML so it wraps on phones and screen readers read it.
export function crearLeyenda(lista, series) {
  lista.replaceChildren(...series.map((serie) => el('li', {},
    el('span', { class: `muestra muestra-${serie.tipo}`, style: `--muestra: var(${serie.color})` }), serie.nombre)));
}
