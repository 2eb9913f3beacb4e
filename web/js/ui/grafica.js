// The page's one chart, of lines and points (the training panel, the Práctica overlays, the
// ReLU and sigmoid curves): crisp on HiDPI screens, axes labelled in Spanish with es-ES numbers,
// colours taken from CSS so projector mode restyles it too. Redraws at most once per animation
// frame however often points arrive.

import { numero } from '../formato.js';
import { prepararLienzo } from '../leccion/kit/lienzo.js';

const MARGEN = { derecha: 12, arriba: 12 };  // left and bottom depend on the font's size

// Round tick steps (1, 2 or 5 × 10^k) giving about `cuantas` ticks over [min, max], or every
// `fijo` when the chart says so.
function marcas(min, max, cuantas = 5, fijo = undefined) {
  const bruto = (max - min) / cuantas;
  const potencia = 10 ** Math.floor(Math.log10(bruto));
  const paso = fijo ?? [1, 2, 5, 10].map((m) => m * potencia).find((p) => p >= bruto);
  const lista = [];
  for (let v = Math.ceil(min / paso) * paso; v <= max + paso * 1e-9; v += paso) lista.push(Number(v.toPrecision(12)));
  return lista;
}

/**
 * series: [{color: CSS variable name, tipo: 'linea' | 'puntos'}]; yMax undefined = fit the data;
 * xMin/xMax: the x range (borrar() changes xMax); pasoX/pasoY: fixed tick steps.
 */
export function crearGrafica(canvas, { etiquetaX, etiquetaY, series, xMin = 0, xMax: xMaxInicial = 1, yMin = 0, yMax,
  pasoX, pasoY, formatoY = numero }) {
  const datos = series.map(() => []);  // per series, [x, y] pairs in arrival order; null breaks a line
  let xMax = xMaxInicial;
  let marca = null;  // {x, ys: [y per series]}: a marked x, a dashed line and a dot on each curve
  let pendiente = false;

  function escala() {
    // An empty chart shows 0–1 rather than a range squeezed around nothing.
    const pares = datos.flat().filter(Boolean);
    const mayor = pares.length ? pares.reduce((m, [, y]) => Math.max(m, y), yMin + 1e-3) * 1.05 : yMin + 1;
    const techo = yMax ?? mayor;
    return { x0: xMin, x1: xMax, y0: yMin, y1: techo };
  }

  function dibujar() {
    pendiente = false;
    if (!canvas.clientWidth || !canvas.clientHeight) return;
    const { ctx, ancho, alto } = prepararLienzo(canvas);

    const estilo = getComputedStyle(canvas);
    const tinta = estilo.color;
    const rejilla = estilo.getPropertyValue('--color-rejilla').trim() || '#ddd';
    const fuente = `${estilo.fontSize} ${estilo.fontFamily}`;
    const { x0, x1, y0, y1 } = escala();
    ctx.font = fuente;
    const marcasY = marcas(y0, y1, alto < 180 ? 3 : 5, pasoY);
    const letra = parseFloat(estilo.fontSize);
    const anchoMarcas = Math.max(...marcasY.map((v) => ctx.measureText(formatoY(v)).width));
    const izq = Math.ceil(letra * 1.6 + anchoMarcas + 8), der = ancho - MARGEN.derecha;
    const arr = MARGEN.arriba, aba = alto - Math.ceil(letra * 2.6 + 8);
    const px = (x) => izq + ((x - x0) / (x1 - x0)) * (der - izq);
    const py = (y) => aba - ((y - y0) / (y1 - y0)) * (aba - arr);

    ctx.lineWidth = 1;
    ctx.fillStyle = tinta;
    ctx.strokeStyle = rejilla;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of marcasY) {
      const y = Math.round(py(v)) + 0.5;
      ctx.beginPath(); ctx.moveTo(izq, y); ctx.lineTo(der, y); ctx.stroke();
      ctx.fillText(formatoY(v), izq - 6, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of marcas(x0, x1, ancho < 320 ? 3 : 5, pasoX)) {
      const x = Math.round(px(v)) + 0.5;
      ctx.beginPath(); ctx.moveTo(x, arr); ctx.lineTo(x, aba); ctx.stroke();
      ctx.fillText(numero(v, 2), x, aba + 4);
    }
    ctx.strokeStyle = tinta;
    ctx.beginPath(); ctx.moveTo(izq + 0.5, arr); ctx.lineTo(izq + 0.5, aba + 0.5); ctx.lineTo(der, aba + 0.5); ctx.stroke();
    // Axes through zero when zero is inside the ranges (curves over negative x and y).
    ctx.beginPath();
    if (x0 < 0 && x1 > 0) { ctx.moveTo(Math.round(px(0)) + 0.5, arr); ctx.lineTo(Math.round(px(0)) + 0.5, aba); }
    if (y0 < 0 && y1 > 0) { ctx.moveTo(izq, Math.round(py(0)) + 0.5); ctx.lineTo(der, Math.round(py(0)) + 0.5); }
    ctx.stroke();
    ctx.textBaseline = 'bottom';
    ctx.fillText(etiquetaX, (izq + der) / 2, alto - 2);
    ctx.save();
    ctx.translate(letra * 0.7 + 2, (arr + aba) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(etiquetaY, 0, 0);
    ctx.restore();

    ctx.save();
    ctx.beginPath(); ctx.rect(izq, arr - 6, der - izq + 6, aba - arr + 6); ctx.clip();
    series.forEach((serie, i) => {
      const color = estilo.getPropertyValue(serie.color).trim() || tinta;
      ctx.strokeStyle = ctx.fillStyle = color;
      ctx.lineWidth = serie.tipo === 'linea' ? 1.5 : 2;
      ctx.beginPath();
      let corte = true;
      for (const par of datos[i]) {
        if (par) ctx[corte ? 'moveTo' : 'lineTo'](px(par[0]), py(par[1]));
        corte = !par;
      }
      ctx.stroke();
      if (serie.tipo === 'puntos') {
        for (const [x, y] of datos[i].filter(Boolean)) { ctx.beginPath(); ctx.arc(px(x), py(y), 4, 0, 2 * Math.PI); ctx.fill(); }
      }
      if (marca && Number.isFinite(marca.ys[i])) { ctx.beginPath(); ctx.arc(px(marca.x), py(marca.ys[i]), 5, 0, 2 * Math.PI); ctx.fill(); }
    });
    ctx.restore();
    if (marca) {
      ctx.strokeStyle = tinta;
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 4]);
      ctx.beginPath(); ctx.moveTo(px(marca.x), arr); ctx.lineTo(px(marca.x), aba); ctx.stroke();
      ctx.setLineDash([]);
    }
  }

  function programar() {
    if (!pendiente) { pendiente = true; requestAnimationFrame(dibujar); }
  }

  new ResizeObserver(programar).observe(canvas);
  programar();

  return {
    anadir(serie, x, y) {
      if (!Number.isFinite(y)) return;
      datos[serie].push([x, y]);
      canvas.dataset.puntos = String(Number(canvas.dataset.puntos ?? 0) + 1);
      programar();
    },
    /** A whole series at once (a curve computed in one go). */
    ponerSerie(serie, xs, ys) {
      datos[serie] = Array.from(xs, (x, i) => [x, ys[i]]).filter(([, y]) => Number.isFinite(y));
      canvas.dataset.puntos = String(datos.reduce((n, d) => n + d.filter(Boolean).length, 0));
      programar();
    },
    /** Marks x with a dashed line and a dot on each series at ys[serie]. */
    marcar(x, ys) {
      marca = { x, ys };
      programar();
    },
    cortar(serie) {
      datos[serie].push(null);
    },
    borrar(nuevoXMax = 1) {
      datos.forEach((d) => (d.length = 0));
      xMax = nuevoXMax;
      canvas.dataset.puntos = '0';
      programar();
    },
    redibujar: programar,
  };
}

// The shared legend, as HTML so it wraps on phones and screen readers read it.
export function crearLeyenda(lista, series) {
  lista.replaceChildren(...series.map((serie) => {
    const item = document.createElement('li');
    const muestra = document.createElement('span');
    muestra.className = `muestra muestra-${serie.tipo}`;
    muestra.style.setProperty('--muestra', `var(${serie.color})`);
    item.append(muestra, serie.nombre);
    return item;
  }));
}
