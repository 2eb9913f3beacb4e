// Section 7, «ReLU»: ReLU and sigmoid with their derivatives, computed by the engine's Activation
// layer (forward and backward); a slider over x shows f(x) and f′(x) of both, and the product of
// sigmoid derivatives through n layers shows why the gradient vanishes.

import { leccionB } from '../textos.js';
import { numero, entero } from '../formato.js';
import { formula } from '../formulas.js';
import { el, cientifico, prepararLienzo } from './comun-b-dom.js';

const T = leccionB.relu;
const X_MIN = -6, X_MAX = 6, PUNTOS = 241;
const SERIES = [
  { clave: 'relu', nombre: T.serie_relu, color: '--lb-relu' },
  { clave: 'sigmoid', nombre: T.serie_sigmoide, color: '--lb-sigmoide' },
];

// Lines for every series over [X_MIN, X_MAX] × [yMin, yMax], with Spanish axes and a marked x.
function dibujarCurvas(canvas, xs, curvas, { yMin, yMax, pasoY, etiquetaY, x }) {
  const { ctx, ancho, alto } = prepararLienzo(canvas);
  if (!ancho) return;
  const estilo = getComputedStyle(canvas);
  const letra = parseFloat(estilo.fontSize);
  ctx.font = `${estilo.fontSize} ${estilo.fontFamily}`;
  const izq = letra * 3.2, der = ancho - 10, arr = 10, aba = alto - letra * 2.8;
  const px = (v) => izq + ((v - X_MIN) / (X_MAX - X_MIN)) * (der - izq);
  const py = (v) => aba - ((v - yMin) / (yMax - yMin)) * (aba - arr);
  ctx.strokeStyle = estilo.getPropertyValue('--color-rejilla').trim() || '#ddd';
  ctx.fillStyle = estilo.color;
  ctx.lineWidth = 1;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let v = X_MIN; v <= X_MAX; v += 2) {
    ctx.beginPath(); ctx.moveTo(px(v), arr); ctx.lineTo(px(v), aba); ctx.stroke();
    ctx.fillText(numero(v), px(v), aba + 3);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let v = yMin; v <= yMax + 1e-9; v += pasoY) {
    ctx.beginPath(); ctx.moveTo(izq, py(v)); ctx.lineTo(der, py(v)); ctx.stroke();
    ctx.fillText(numero(v, 2), izq - 4, py(v));
  }
  ctx.strokeStyle = estilo.color;
  ctx.beginPath(); ctx.moveTo(px(0), arr); ctx.lineTo(px(0), aba); ctx.moveTo(izq, py(0)); ctx.lineTo(der, py(0)); ctx.stroke();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(T.eje_x, (izq + der) / 2, alto - 1);
  ctx.save();
  ctx.translate(letra * 0.8, (arr + aba) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(etiquetaY, 0, 0);
  ctx.restore();

  ctx.save();
  ctx.beginPath(); ctx.rect(izq, arr - 4, der - izq, aba - arr + 8); ctx.clip();
  for (const { ys, color, enX } of curvas) {
    ctx.strokeStyle = ctx.fillStyle = estilo.getPropertyValue(color).trim();
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    xs.forEach((v, i) => ctx[i ? 'lineTo' : 'moveTo'](px(v), py(ys[i])));
    ctx.stroke();
    ctx.beginPath(); ctx.arc(px(x), py(enX), 5, 0, 2 * Math.PI); ctx.fill();
  }
  ctx.restore();
  ctx.strokeStyle = estilo.color;
  ctx.setLineDash([4, 4]);
  ctx.beginPath(); ctx.moveTo(px(x), arr); ctx.lineTo(px(x), aba); ctx.stroke();
  ctx.setLineDash([]);
}

export async function crear(raiz, motor) {
  const { cliente } = motor;
  // One formula per piece, so they stack on a phone instead of running off the screen.
  const bloque = (alt, piezas) => el('div', { class: 'lb-formulas', role: 'math', 'aria-label': alt },
    ...piezas.map((t) => { const f = el('div', { class: 'lb-formula', 'aria-hidden': 'true' }); formula(f, t, { display: true }); return f; }));
  const formulas = el('div', {},
    bloque(T.formula_relu_alt, [String.raw`\mathrm{ReLU}(x)=\max(0,x)`, String.raw`\mathrm{ReLU}'(x)=\begin{cases}1 & x>0\\ 0 & x<0\end{cases}`]),
    bloque(T.formula_sigmoide_alt, [String.raw`\sigma(x)=\frac{1}{1+e^{-x}}`, String.raw`\sigma'(x)=\sigma(x)\,\bigl(1-\sigma(x)\bigr)\le 0{,}25`]));
  const lienzoF = el('canvas', { class: 'lb-curva', role: 'img', 'data-testid': 'relu-plot-f' });
  const lienzoD = el('canvas', { class: 'lb-curva', role: 'img', 'data-testid': 'relu-plot-d' });
  const leyenda = el('ul', { class: 'leyenda' }, ...SERIES.map((s) => el('li', {},
    el('span', { class: 'muestra muestra-linea', style: `--muestra: var(${s.color})` }), s.nombre)));
  const deslizador = el('input', { id: 'relu-x', type: 'range', min: X_MIN, max: X_MAX, step: 0.1, value: 1, 'data-testid': 'relu-slider' });
  const salidaX = el('output', { for: 'relu-x', class: 'lb-valor-x' });
  const celdas = {};
  const fila = (s) => el('tr', {},
    el('th', { scope: 'row' }, el('span', { class: 'muestra muestra-linea', style: `--muestra: var(${s.color})` }), ` ${s.nombre}`),
    celdas[`${s.clave}-f`] = el('td', { 'data-testid': `relu-f-${s.clave}` }),
    celdas[`${s.clave}-d`] = el('td', { 'data-testid': `relu-d-${s.clave}` }));
  const tabla = el('table', { class: 'lb-tabla lb-tabla-relu' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: T.tabla_funcion }), el('th', { scope: 'col', text: T.tabla_valor }), el('th', { scope: 'col', text: T.tabla_derivada }))),
    el('tbody', {}, ...SERIES.map(fila)));

  const capas = el('input', { id: 'relu-capas', type: 'range', min: 1, max: 20, step: 1, value: 5, 'data-testid': 'relu-layers' });
  const salidaCapas = el('output', { for: 'relu-capas', class: 'lb-valor-x' });
  const productoS = el('p', { 'data-testid': 'relu-product-sigmoid', class: 'lb-resumen' });
  const productoR = el('p', { 'data-testid': 'relu-product-relu' });
  const productoX = el('p', { class: 'ayuda' });
  const barras = el('ol', { class: 'lb-gradiente', role: 'img' });

  raiz.append(formulas,
    el('div', { class: 'panel lb-panel' },
      el('div', { class: 'lb-graficas' },
        el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica_funciones }), lienzoF),
        el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica_derivadas }), lienzoD)),
      leyenda,
      el('div', { class: 'lb-deslizador' }, el('label', { for: 'relu-x', text: T.deslizador }), deslizador, salidaX),
      tabla),
    el('div', { class: 'panel lb-panel' },
      el('h3', { text: T.desvanece_titulo }), el('p', { text: T.desvanece_texto }),
      el('div', { class: 'lb-deslizador' }, el('label', { for: 'relu-capas', text: T.capas }), capas, salidaCapas),
      productoS, productoR, productoX,
      el('p', { class: 'ayuda', text: T.barras_titulo }), barras));

  const xs = Float32Array.from({ length: PUNTOS }, (_, i) => X_MIN + ((X_MAX - X_MIN) * i) / (PUNTOS - 1));
  const [relu, sigmoide] = await Promise.all(SERIES.map((s) => cliente.activationCurve(s.clave, xs)));
  const { dy: [derivadaEnCero] } = await cliente.activationCurve('sigmoid', new Float32Array([0]));
  let enX = null;  // {x, relu: {y, dy}, sigmoid: {y, dy}} from the engine at the slider's x

  function dibujar() {
    if (!enX) return;
    const { x } = enX;
    dibujarCurvas(lienzoF, xs, [
      { ys: relu.y, color: SERIES[0].color, enX: enX.relu.y[0] },
      { ys: sigmoide.y, color: SERIES[1].color, enX: enX.sigmoid.y[0] }], { yMin: -1, yMax: 3, pasoY: 1, etiquetaY: T.eje_f, x });
    dibujarCurvas(lienzoD, xs, [
      { ys: relu.dy, color: SERIES[0].color, enX: enX.relu.dy[0] },
      { ys: sigmoide.dy, color: SERIES[1].color, enX: enX.sigmoid.dy[0] }], { yMin: 0, yMax: 1.25, pasoY: 0.25, etiquetaY: T.eje_d, x });
  }

  async function moverX() {
    const x = Number(deslizador.value);
    const [r, s] = await Promise.all(SERIES.map((serie) => cliente.activationCurve(serie.clave, new Float32Array([x]))));
    if (x !== Number(deslizador.value)) return;  // the slider has moved on meanwhile
    enX = { x, relu: r, sigmoid: s };
    const tx = numero(x, 1);
    salidaX.textContent = `x = ${tx}`;
    deslizador.setAttribute('aria-valuetext', `x = ${tx}`);
    celdas['relu-f'].textContent = numero(r.y[0], 4);
    celdas['relu-d'].textContent = numero(r.dy[0], 4);
    celdas['sigmoid-f'].textContent = numero(s.y[0], 4);
    celdas['sigmoid-d'].textContent = numero(s.dy[0], 4);
    celdas['sigmoid-d'].dataset.value = String(s.dy[0]);
    celdas['relu-d'].dataset.value = String(r.dy[0]);
    lienzoF.setAttribute('aria-label', T.grafica_funciones_alt(tx, numero(r.y[0], 4), numero(s.y[0], 4)));
    lienzoD.setAttribute('aria-label', T.grafica_derivadas_alt(tx, numero(r.dy[0], 4), numero(s.dy[0], 4)));
    dibujar();
    mostrarCapas();
  }

  function mostrarCapas() {
    const n = Number(capas.value);
    salidaCapas.textContent = `n = ${entero(n)}`;
    capas.setAttribute('aria-valuetext', `n = ${entero(n)}`);
    const producto = derivadaEnCero ** n;
    productoS.textContent = T.producto_sigmoide(entero(n), cientifico(producto));
    productoS.dataset.value = String(producto);
    productoR.textContent = T.producto_relu(entero(n));
    if (enX) productoX.textContent = T.producto_x(numero(enX.x, 1), entero(n), cientifico(enX.sigmoid.dy[0] ** n));
    // Layer k of n (1 = first) receives σ'(0)^(n − k): the last gets 1, the first the least.
    barras.replaceChildren(...Array.from({ length: n }, (_, i) => {
      const valor = derivadaEnCero ** (n - 1 - i);
      return el('li', { title: `${entero(i + 1)}: ${cientifico(valor)}`, style: `--alto: ${valor}` });
    }));
    barras.setAttribute('aria-label', T.barras_alt(entero(n)));
  }

  deslizador.addEventListener('input', moverX);
  capas.addEventListener('input', mostrarCapas);
  new ResizeObserver(dibujar).observe(lienzoF);
  await moverX();
  raiz.dataset.ready = 'true';
}
