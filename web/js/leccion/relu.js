// Section 7, «ReLU»: ReLU and sigmoid with their derivatives, computed by the engine's Activation
// layer (forward and backward); a slider over x shows f(x) and f′(x) of both, and the product of
// sigmoid derivatives through n layers shows why the gradient vanishes.

import { leccion } from '../textos.js';
import { numero, entero, cientifico } from '../formato.js';
import { bloqueFormulas } from '../formulas.js';
import { crearGrafica, crearLeyenda } from '../ui/grafica.js';
import { el, cajaDeTabla } from './kit/dom.js';
import { preguntaGradiente } from './preguntas.js';

const T = leccion.relu;
const X_MIN = -6, X_MAX = 6, PUNTOS = 241;
const SERIES = [
  { clave: 'relu', nombre: T.serie_relu, color: '--color-relu', tipo: 'linea' },
  { clave: 'sigmoid', nombre: T.serie_sigmoide, color: '--color-sigmoide', tipo: 'linea' },
];
const EJES = { etiquetaX: T.eje_x, series: SERIES, xMin: X_MIN, xMax: X_MAX, pasoX: 2 };


export async function crear(seccion, { motor }) {
  const raiz = seccion.querySelector('.widgets');
  const formulas = el('div', {},
    bloqueFormulas(T.formula_relu_alt, [String.raw`\mathrm{ReLU}(x)=\max(0,x)`, String.raw`\mathrm{ReLU}'(x)=\begin{cases}1 & x>0\\ 0 & x<0\end{cases}`]),
    bloqueFormulas(T.formula_sigmoide_alt, [String.raw`\sigma(x)=\frac{1}{1+e^{-x}}`, String.raw`\sigma'(x)=\sigma(x)\,\bigl(1-\sigma(x)\bigr)\le 0{,}25`]));
  const lienzoF = el('div', { class: 'grafica-lienzo', role: 'img', 'data-testid': 'relu-plot-f' });
  const lienzoD = el('div', { class: 'grafica-lienzo', role: 'img', 'data-testid': 'relu-plot-d' });
  const leyenda = el('ul', { class: 'leyenda' });
  crearLeyenda(leyenda, SERIES);
  const deslizador = el('input', { id: 'relu-x', type: 'range', min: X_MIN, max: X_MAX, step: 0.1, value: 1, 'data-testid': 'relu-slider' });
  const salidaX = el('output', { for: 'relu-x', class: 'valor-x' });
  const celdas = {};
  const fila = (s) => el('tr', {},
    el('th', { scope: 'row' }, el('span', { class: 'muestra muestra-linea', style: `--muestra: var(${s.color})` }), ` ${s.nombre}`),
    celdas[`${s.clave}-f`] = el('td', { 'data-testid': `relu-f-${s.clave}` }),
    celdas[`${s.clave}-d`] = el('td', { 'data-testid': `relu-d-${s.clave}` }));
  const tabla = cajaDeTabla(T.tabla_alt, el('table', { class: 'tabla tabla-relu' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: T.tabla_funcion }), el('th', { scope: 'col', text: T.tabla_valor }), el('th', { scope: 'col', text: T.tabla_derivada }))),
    el('tbody', {}, ...SERIES.map(fila))));

  const capas = el('input', { id: 'relu-capas', type: 'range', min: 1, max: 20, step: 1, value: 5, 'data-testid': 'relu-layers' });
  const salidaCapas = el('output', { for: 'relu-capas', class: 'valor-x' });
  const productoS = el('p', { 'data-testid': 'relu-product-sigmoid', class: 'resumen' });
  const productoR = el('p', { 'data-testid': 'relu-product-relu' });
  const productoX = el('p', { class: 'ayuda' });
  const barras = el('ol', { class: 'gradiente', role: 'img' });
  // Predict first: the products and the bars wait for the student's answer.
  const revelado = el('div', { hidden: true }, productoS, productoR, productoX, el('p', { class: 'ayuda', text: T.barras_titulo }), barras);
  const prediccion = el('div', { class: 'preguntas' });
  preguntaGradiente(prediccion, motor, () => { revelado.hidden = false; });

  raiz.append(formulas,
    el('div', { class: 'panel panel-leccion' },
      el('div', { class: 'graficas-relu' },
        el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica_funciones }), lienzoF),
        el('figure', { class: 'grafica' }, el('figcaption', { text: T.grafica_derivadas }), lienzoD)),
      leyenda,
      el('div', { class: 'deslizador' }, el('label', { for: 'relu-x', text: T.deslizador }), deslizador, salidaX),
      tabla),
    el('div', { class: 'panel panel-leccion' },
      el('h3', { text: T.desvanece_titulo }), prediccion, el('p', { text: T.desvanece_texto }),
      el('div', { class: 'deslizador' }, el('label', { for: 'relu-capas', text: T.capas }), capas, salidaCapas),
      revelado),
    el('div', { class: 'panel panel-leccion' }, el('h3', { text: T.semieje_titulo }), el('p', { text: T.semieje_texto })));

  const xs = Float32Array.from({ length: PUNTOS }, (_, i) => X_MIN + ((X_MAX - X_MIN) * i) / (PUNTOS - 1));
  // The engine's Activation layer, forward and backward; it never reads the model.
  const curva = (clave, puntos) => motor.consultar((c) => c.activationCurve(clave, puntos));
  const [relu, sigmoide] = await Promise.all(SERIES.map((s) => curva(s.clave, xs)));
  const { dy: [derivadaEnCero] } = await curva('sigmoid', new Float32Array([0]));
  const graficaF = crearGrafica(lienzoF, { ...EJES, etiquetaY: T.eje_f, yMin: -1, yMax: 3, pasoY: 1 });
  const graficaD = crearGrafica(lienzoD, { ...EJES, etiquetaY: T.eje_d, yMin: 0, yMax: 1.25, pasoY: 0.25 });
  graficaF.ponerSerie(0, xs, relu.y);
  graficaF.ponerSerie(1, xs, sigmoide.y);
  graficaD.ponerSerie(0, xs, relu.dy);
  graficaD.ponerSerie(1, xs, sigmoide.dy);
  let enX = null;  // {x, relu: {y, dy}, sigmoid: {y, dy}} from the engine at the slider's x

  async function moverX() {
    const x = Number(deslizador.value);
    const [r, s] = await Promise.all(SERIES.map((serie) => curva(serie.clave, new Float32Array([x]))));
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
    graficaF.marcar(x, [r.y[0], s.y[0]]);
    graficaD.marcar(x, [r.dy[0], s.dy[0]]);
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
    // Layer k of n (1 = first) receives σ'(0)^(n − k + 1): each layer it crosses, its own included,
    // multiplies by σ'(0), so the last gets 0.25 and the first 0.25^n, the product shown above.
    barras.replaceChildren(...Array.from({ length: n }, (_, i) => {
      const valor = derivadaEnCero ** (n - i);
      return el('li', { role: 'none', title: `${entero(i + 1)}: ${cientifico(valor)}`, style: `--alto: ${valor / derivadaEnCero}`, 'data-value': String(valor) });
    }));
    barras.setAttribute('aria-label', T.barras_alt(entero(n)));
  }

  deslizador.addEventListener('input', moverX);
  capas.addEventListener('input', mostrarCapas);
  await moverX();
}
