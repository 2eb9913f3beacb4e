// Section 6, «Dropout»: the dense layer's real outputs for test image 0 go through the engine's
// Dropout layer step by step (which neurons are off, survivors × 1/(1 − p)); the real mask of
// the last training batch when the model has Dropout layers; predict twice gives the same answer.

import { leccion } from '../textos.js';
import { numero, entero } from '../formato.js';
import { bloqueFormulas } from '../formulas.js';
import { el, ponerEstado } from './kit/dom.js';
import { preguntaApagadas } from './preguntas.js';

const T = leccion.dropout;
const C = leccion.comun;
const SEMILLA = 7;  // any fixed seed: the same steps show the same masks in every classroom

// The neurons of a layer as a grid of cells: off ones crossed out, live ones with their value
// (antes: the values before dropout, to shade the cells) or their factor (antes null: a mask).
function pintarRejilla(lista, despues, mascara, antes, nombreCapa) {
  lista.style.setProperty('--columnas', despues.length > 64 ? 16 : 8);
  const mayor = Math.max(...despues, 1e-6);
  lista.replaceChildren(...Array.from(despues, (v, i) => {
    const apagada = mascara[i] === 0;
    const celda = el('li', {
      class: apagada ? 'apagada' : 'viva',
      title: T.neurona(i, numero(antes ? antes[i] : 0, 2), numero(v, 2), apagada),
      'data-off': apagada ? '1' : '0',
      text: apagada ? '0' : (antes ? numero(v, 1) : T.factor(numero(mascara[i], 2))),
    });
    if (!apagada && antes) {
      celda.style.setProperty('--intensidad', String(v / mayor));
      // Black digits up to 0.82 of the deepest blue, white beyond: each keeps 4.5:1 on its cell.
      celda.classList.toggle('clara', v / mayor < 0.82);
    }
    return celda;
  }));
  lista.setAttribute('aria-label', T.rejilla_alt(nombreCapa, entero(despues.length)));
}

// 1/(1 − p) as the reader can multiply by hand: 2 for p = 0.5, the fraction 4/3 for p = 0.25.
export function factorExacto(p) {
  const f = 1 / (1 - p);
  for (let d = 1; d <= 20; d += 1) {
    const n = Math.round(f * d);
    if (Math.abs(n / d - f) < 1e-9) return { valor: n / d, texto: d === 1 ? entero(n) : `${entero(n)}/${entero(d)}` };
  }
  return { valor: f, texto: numero(f, 4) };
}

// One survivor's product with the value as shown (2 decimals), so the sum checks by hand; the
// engine's own output differs from it by less than the last decimal shown.
function ejemploViva(i, valor, factor) {
  const mostrado = Math.round(valor * 100) / 100;
  return T.ejemplo_viva(i, numero(mostrado, 2), factor.texto, numero(mostrado * factor.valor, 2));
}

// Step by step through the engine's Dropout layer, on the dense layer's values.
function crearPasos(valoresCapa) {
  const tasa = el('select', { id: 'dropout-tasa', 'data-testid': 'dropout-rate' },
    ...Object.entries(T.tasas).map(([v, texto]) => el('option', { value: v, text: texto })));
  tasa.value = '0.5';
  const anterior = el('button', { type: 'button', 'data-testid': 'dropout-prev', text: T.anterior });
  const siguiente = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'dropout-next', text: T.siguiente });
  const pasoTexto = el('p', { class: 'paso-dropout', 'aria-live': 'polite', 'data-testid': 'dropout-step' });
  const rejilla = el('ol', { class: 'neuronas', 'data-testid': 'dropout-grid' });
  const resumen = el('p', { class: 'resumen', 'data-testid': 'dropout-summary' });
  const ejemplo = el('p', { class: 'ayuda', 'data-testid': 'dropout-example' });
  const panel = el('div', { class: 'panel panel-leccion' },
    el('div', { class: 'controles' },
      el('div', { class: 'campo' }, el('label', { for: 'dropout-tasa', text: T.tasa }), tasa),
      el('div', { class: 'botones' }, anterior, siguiente)),
    el('p', { class: 'ayuda', text: T.tasa_nota }), pasoTexto, rejilla, resumen, ejemplo);
  let paso = 0;

  async function mostrar(cliente) {
    const { valores, nombre } = valoresCapa();
    const p = Number(tasa.value);
    const { mask, output } = await cliente.dropoutDemo({ values: valores, rate: p, seed: SEMILLA, step: paso });
    pintarRejilla(rejilla, output, mask, valores, nombre);
    const factor = factorExacto(p);
    const apagadas = mask.reduce((n, m) => n + (m === 0 ? 1 : 0), 0);
    pasoTexto.textContent = T.paso(entero(paso + 1));
    rejilla.dataset.off = Array.from(mask, (m, i) => (m === 0 ? i : -1)).filter((i) => i >= 0).join(',');
    resumen.textContent = T.resumen(entero(apagadas), entero(mask.length), factor.texto);
    const viva = valores.findIndex((v, i) => mask[i] !== 0 && v > 0.05);
    const muerta = valores.findIndex((v, i) => mask[i] === 0 && v > 0.05);
    ejemplo.textContent = [
      viva >= 0 ? ejemploViva(viva, valores[viva], factor) : '',
      muerta >= 0 ? T.ejemplo_apagada(muerta, numero(valores[muerta], 2)) : '',
    ].join(' ');
    anterior.disabled = paso === 0;
  }

  return {
    panel, mostrar, controles: [tasa, anterior, siguiente],
    conectar(accion) {
      anterior.addEventListener('click', () => accion(async (c) => { paso = Math.max(0, paso - 1); await mostrar(c); }));
      siguiente.addEventListener('click', () => accion(async (c) => { paso += 1; await mostrar(c); }));
      tasa.addEventListener('change', () => accion(mostrar));
    },
    primero: () => paso === 0,
  };
}

// The real mask the engine kept from the last training batch, image by image.
function crearMascaraReal() {
  const boton = el('button', { type: 'button', 'data-testid': 'dropout-real', text: T.real_boton });
  const imagen = el('input', { id: 'dropout-real-imagen', type: 'number', min: 1, value: 1, inputmode: 'numeric' });
  const rejilla = el('ol', { class: 'neuronas', hidden: true, 'data-testid': 'dropout-real-grid' });
  const texto = el('p', { class: 'resumen', 'aria-live': 'polite', 'data-testid': 'dropout-real-result' });
  const panel = el('div', { class: 'panel panel-leccion' },
    el('h3', { text: T.real_titulo }), el('p', { text: T.real_texto }),
    el('div', { class: 'controles' },
      el('div', { class: 'campo' }, el('label', { for: 'dropout-real-imagen', text: T.real_imagen }), imagen),
      el('div', { class: 'botones' }, boton)),
    texto, rejilla);

  async function mostrar(cliente, capas) {
    const indices = capas.map((a, i) => (a.kerasClass === 'Dropout' ? i : -1)).filter((i) => i >= 0);
    const ultimo = indices.at(-1);
    const real = ultimo === undefined ? null : await cliente.dropoutMask(ultimo);
    if (!real || real.shape[0] === 0) {
      rejilla.hidden = true;
      texto.textContent = T.real_sin;
      texto.dataset.state = 'none';
      return;
    }
    const [n] = real.shape;
    const porImagen = real.mask.length / n;
    imagen.max = String(n);
    const k = Math.min(n, Math.max(1, Number(imagen.value) || 1));
    imagen.value = String(k);
    const mascara = real.mask.subarray((k - 1) * porImagen, k * porImagen);
    pintarRejilla(rejilla, mascara, mascara, null, capas[ultimo].name);
    rejilla.hidden = false;
    const apagadas = mascara.reduce((s, m) => s + (m === 0 ? 1 : 0), 0);
    texto.textContent = T.real_resumen(entero(apagadas), entero(porImagen), entero(k), entero(n), capas[ultimo].name);
    texto.dataset.state = 'shown';
  }
  return { panel, boton, mostrar };
}

// Predicting twice: at inference Dropout does nothing, so both answers are the same.
function crearDosVeces() {
  const boton = el('button', { type: 'button', 'data-testid': 'dropout-predict-twice', text: T.prediccion_boton });
  const resultado = el('p', { class: 'resumen', 'data-testid': 'dropout-predict-result', 'aria-live': 'polite' });
  const panel = el('div', { class: 'panel panel-leccion' },
    el('h3', { text: T.prediccion_titulo }), el('p', { text: T.prediccion_texto }),
    el('div', { class: 'botones' }, boton), resultado);
  async function mostrar(cliente, imagen) {
    const a = await cliente.predict({ pixels: imagen });
    const b = await cliente.predict({ pixels: imagen });
    const iguales = a.probabilities.every((v, i) => v === b.probabilities[i]);
    resultado.textContent = `${T.prediccion_resultado(numero(a.probabilities[a.digit], 7), numero(b.probabilities[a.digit], 7), a.digit)} ${iguales ? T.iguales : T.distintas}`;
    resultado.dataset.iguales = String(iguales);
  }
  return { panel, boton, mostrar };
}

export async function crear(seccion, { motor }) {
  const raiz = seccion.querySelector('.widgets');
  let valores = null;  // Float32Array: the first Dense layer's outputs for test image 0
  let nombreCapa = '';
  let imagen0 = null;
  const pasos = crearPasos(() => ({ valores, nombre: nombreCapa }));
  const real = crearMascaraReal();
  const dos = crearDosVeces();
  const estado = el('p', { class: 'estado', role: 'status' });
  pasos.panel.append(estado);
  // Predict first: the step-by-step masks wait for the student's answer.
  const prediccion = el('div', { class: 'preguntas' });
  pasos.panel.hidden = true;
  preguntaApagadas(prediccion, motor, () => { pasos.panel.hidden = false; });
  raiz.append(bloqueFormulas(T.formula_alt, [String.raw`\tilde a_i = \frac{m_i\,a_i}{1-p}`,
    String.raw`m_i=\begin{cases}0 & \text{con probabilidad } p\\ 1 & \text{con probabilidad } 1-p\end{cases}`]),
  prediccion, pasos.panel, real.panel, dos.panel);

  const controles = [...pasos.controles, real.boton, dos.boton];
  const correr = motor.accion(estado, { botones: controles, calculando: false });
  // Every action leaves "previous" disabled on the first step.
  const accion = async (fn) => { await correr(fn); pasos.controles[1].disabled = pasos.primero(); };

  // The values of the first Dense layer, as the current model computes them for test image 0.
  async function leerValores(cliente) {
    imagen0 ??= (await cliente.testImages({ start: 0, count: 1 })).pixels;
    const { activations } = await cliente.predict({ pixels: imagen0 }, { activations: true });
    const densa = activations.find((a) => a.kerasClass === 'Dense');
    valores = densa.data;
    nombreCapa = densa.name;
    return activations;
  }

  pasos.conectar(accion);
  real.boton.addEventListener('click', () => accion(async (c) => real.mostrar(c, await leerValores(c))));
  dos.boton.addEventListener('click', () => accion(async (c) => {
    imagen0 ??= (await c.testImages({ start: 0, count: 1 })).pixels;
    await dos.mostrar(c, imagen0);
  }));

  for (const b of controles) b.disabled = true;
  ponerEstado(estado, 'waiting', C.esperando);
  await motor.listo();
  await accion(async (c) => { await leerValores(c); await pasos.mostrar(c); });
  // After a training run the dense layer answers differently: show its new values.
  motor.alCambiarPrincipal((s) => { if (s === 'done') accion(async (c) => { await leerValores(c); await pasos.mostrar(c); }); });
}
