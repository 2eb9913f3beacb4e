// Section 6, «Dropout»: the dense layer's real outputs for test image 0 go through the engine's
// Dropout layer step by step (which neurons are off, survivors × 1/(1 − p)); the real mask of
// the last training batch when the model has Dropout layers; predict twice gives the same answer.

import { leccionB } from '../textos.js';
import { numero, entero } from '../formato.js';
import { formula } from '../formulas.js';
import { el, ponerEstado } from './comun-b-dom.js';
import { mensajeDeError } from '../ui/mensajes.js';

const T = leccionB.dropout;
const C = leccionB.comun;
const SEMILLA = 7;  // any fixed seed: the same steps show the same masks in every classroom

export async function crear(raiz, motor) {
  const { cliente } = motor;
  // One formula per piece, so they stack on a phone instead of running off the screen.
  const tex = el('div', { class: 'lb-formulas', role: 'math', 'aria-label': T.formula_alt },
    ...[String.raw`\tilde a_i = \frac{m_i\,a_i}{1-p}`,
      String.raw`m_i=\begin{cases}0 & \text{con probabilidad } p\\ 1 & \text{con probabilidad } 1-p\end{cases}`]
      .map((t) => { const f = el('div', { class: 'lb-formula', 'aria-hidden': 'true' }); formula(f, t, { display: true }); return f; }));

  const tasa = el('select', { id: 'dropout-tasa', 'data-testid': 'dropout-rate' },
    ...Object.entries(T.tasas).map(([v, texto]) => el('option', { value: v, text: texto })));
  tasa.value = '0.5';
  const anterior = el('button', { type: 'button', 'data-testid': 'dropout-prev', text: T.anterior });
  const siguiente = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'dropout-next', text: T.siguiente });
  const pasoTexto = el('p', { class: 'lb-paso', 'aria-live': 'polite', 'data-testid': 'dropout-step' });
  const rejilla = el('ol', { class: 'lb-neuronas', 'data-testid': 'dropout-grid', role: 'img' });
  const resumen = el('p', { class: 'lb-resumen', 'data-testid': 'dropout-summary' });
  const ejemplo = el('p', { class: 'ayuda' });
  const estado = el('p', { class: 'lb-estado', role: 'status' });

  const realBoton = el('button', { type: 'button', 'data-testid': 'dropout-real', text: T.real_boton });
  const realImagen = el('input', { id: 'dropout-real-imagen', type: 'number', min: 1, value: 1, inputmode: 'numeric' });
  const realRejilla = el('ol', { class: 'lb-neuronas', role: 'img', hidden: true, 'data-testid': 'dropout-real-grid' });
  const realTexto = el('p', { class: 'lb-resumen', 'aria-live': 'polite', 'data-testid': 'dropout-real-result' });

  const dosVeces = el('button', { type: 'button', 'data-testid': 'dropout-predict-twice', text: T.prediccion_boton });
  const dosResultado = el('p', { class: 'lb-resumen', 'data-testid': 'dropout-predict-result', 'aria-live': 'polite' });

  raiz.append(
    tex,
    el('div', { class: 'panel lb-panel' },
      el('div', { class: 'lb-controles' },
        el('div', { class: 'campo' }, el('label', { for: 'dropout-tasa', text: T.tasa }), tasa),
        el('div', { class: 'botones' }, anterior, siguiente)),
      pasoTexto, rejilla, resumen, ejemplo, estado),
    el('div', { class: 'panel lb-panel' },
      el('h3', { text: T.real_titulo }), el('p', { text: T.real_texto }),
      el('div', { class: 'lb-controles' },
        el('div', { class: 'campo' }, el('label', { for: 'dropout-real-imagen', text: T.real_imagen }), realImagen),
        el('div', { class: 'botones' }, realBoton)),
      realTexto, realRejilla),
    el('div', { class: 'panel lb-panel' },
      el('h3', { text: T.prediccion_titulo }), el('p', { text: T.prediccion_texto }),
      el('div', { class: 'botones' }, dosVeces), dosResultado),
  );

  let paso = 0;
  let valores = null;  // Float32Array: the dense layer's outputs for test image 0
  let nombreCapa = '';
  let imagen0 = null;

  const controles = [tasa, anterior, siguiente, realBoton, dosVeces];
  const habilitar = (si) => { for (const c of controles) c.disabled = !si; anterior.disabled ||= paso === 0; };

  // The values of the first Dense layer, as the current model computes them for test image 0.
  async function leerValores() {
    await motor.libre();
    imagen0 ??= (await cliente.testImages({ start: 0, count: 1 })).pixels;
    const { activations } = await cliente.predict({ pixels: imagen0 }, { activations: true });
    const densa = activations.find((a) => a.kerasClass === 'Dense');
    valores = densa.data;
    nombreCapa = densa.name;
    return activations;
  }

  function pintarRejilla(lista, despues, mascara, antes) {
    const columnas = despues.length > 64 ? 16 : 8;
    lista.style.setProperty('--columnas', columnas);
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
        celda.classList.toggle('clara', v / mayor < 0.4);  // dark digits on the pale cells
      }
      return celda;
    }));
    lista.setAttribute('aria-label', T.rejilla_alt(nombreCapa, entero(despues.length)));
  }

  async function mostrarPaso() {
    const p = Number(tasa.value);
    const { mask, output } = await cliente.dropoutDemo({ values: valores, rate: p, seed: SEMILLA, step: paso });
    pintarRejilla(rejilla, output, mask, valores);
    const factor = numero(1 / (1 - p), 2);
    const apagadas = mask.reduce((n, m) => n + (m === 0 ? 1 : 0), 0);
    pasoTexto.textContent = T.paso(entero(paso + 1));
    rejilla.dataset.off = Array.from(mask, (m, i) => (m === 0 ? i : -1)).filter((i) => i >= 0).join(',');
    resumen.textContent = T.resumen(entero(apagadas), entero(mask.length), T.factor(factor));
    const viva = valores.findIndex((v, i) => mask[i] !== 0 && v > 0.05);
    const muerta = valores.findIndex((v, i) => mask[i] === 0 && v > 0.05);
    ejemplo.textContent = [
      viva >= 0 ? T.ejemplo_viva(viva, numero(valores[viva], 2), factor, numero(output[viva], 2)) : '',
      muerta >= 0 ? T.ejemplo_apagada(muerta, numero(valores[muerta], 2)) : '',
    ].join(' ');
    anterior.disabled = paso === 0;
  }

  async function accion(fn) {
    try {
      habilitar(false);
      await fn();
      estado.hidden = true;
    } catch (error) {
      estado.hidden = false;
      ponerEstado(estado, 'error', mensajeDeError(error));
    } finally {
      habilitar(true);
    }
  }

  anterior.addEventListener('click', () => accion(async () => { paso = Math.max(0, paso - 1); await mostrarPaso(); }));
  siguiente.addEventListener('click', () => accion(async () => { paso += 1; await mostrarPaso(); }));
  tasa.addEventListener('change', () => accion(mostrarPaso));

  realBoton.addEventListener('click', () => accion(async () => {
    const capas = await leerValores();
    const indices = capas.map((a, i) => (a.kerasClass === 'Dropout' ? i : -1)).filter((i) => i >= 0);
    const ultimo = indices.at(-1);
    const real = ultimo === undefined ? null : await cliente.dropoutMask(ultimo);
    if (!real || real.shape[0] === 0) {
      realRejilla.hidden = true;
      realTexto.textContent = T.real_sin;
      realTexto.dataset.state = 'none';
      return;
    }
    const [n] = real.shape;
    const porImagen = real.mask.length / n;
    realImagen.max = String(n);
    const k = Math.min(n, Math.max(1, Number(realImagen.value) || 1));
    realImagen.value = String(k);
    const mascara = real.mask.subarray((k - 1) * porImagen, k * porImagen);
    pintarRejilla(realRejilla, mascara, mascara, null);
    realRejilla.hidden = false;
    const apagadas = mascara.reduce((s, m) => s + (m === 0 ? 1 : 0), 0);
    realTexto.textContent = T.real_resumen(entero(apagadas), entero(porImagen), entero(k), entero(n), capas[ultimo].name);
    realTexto.dataset.state = 'shown';
  }));

  dosVeces.addEventListener('click', () => accion(async () => {
    await motor.libre();
    imagen0 ??= (await cliente.testImages({ start: 0, count: 1 })).pixels;
    const a = await cliente.predict({ pixels: imagen0 });
    const b = await cliente.predict({ pixels: imagen0 });
    const iguales = a.probabilities.every((v, i) => v === b.probabilities[i]);
    dosResultado.textContent = `${T.prediccion_resultado(numero(a.probabilities[a.digit], 7), numero(b.probabilities[a.digit], 7), a.digit)} ${iguales ? T.iguales : T.distintas}`;
    dosResultado.dataset.iguales = String(iguales);
  }));

  habilitar(false);
  ponerEstado(estado, 'waiting', C.esperando);
  await motor.listo();
  await accion(async () => { await leerValores(); await mostrarPaso(); });
  raiz.dataset.ready = 'true';
  // After a training run the dense layer answers differently: show its new values.
  motor.alCambiarPrincipal((s) => { if (s === 'done') accion(async () => { await leerValores(); await mostrarPaso(); }); });
}
