// The Práctica's form: the base preset, the lesson's changes (variantes.js), images and epochs,
// the student's hypothesis, and the changes in words with the parameter counts the engine gives
// for both specs. «Sobreajuste» fills it in for the small-subset experiment.

import { leccion } from '../textos.js';
import { numero, entero, leerNumero } from '../formato.js';
import { variante, tieneDropout, OPTIMIZADORES, MAX_CONV_EXTRA } from './variantes.js';
import { MAX_HIPOTESIS } from './practica-guardado.js';
import { el } from './kit/dom.js';
import { mensajeDeError } from '../ui/mensajes.js';

const T = leccion.practica;
const BASES = ['classroom', 'keras-mnist'];
const IMAGENES = [500, 2000, 5000, 10000, 54000];
const EPOCAS = [1, 2, 3, 5, 10, 15, 30];
// The overfitting experiment: few images, many epochs, on the fast network.
export const SOBREAJUSTE = { base: 'classroom', imagenes: 500, epocas: 30 };

// The changes, said in words, with their counts taken from the base spec.
function diferencias(base, cambios) {
  const frases = [];
  const convs = base.layers.filter((l) => l.type === 'conv2d');
  if (cambios.sigmoide) frases.push(T.diff_sigmoide(base.layers.filter((l) => l.activation === 'relu').length + cambios.conv));
  if (cambios.optimizador !== 'adadelta') {
    const m = OPTIMIZADORES.momento.momentum;
    frases.push(T.diff_optimizador[cambios.optimizador](numero(cambios.lr), numero(m), numero(cambios.lr / (1 - m))));
  }
  if (cambios.conv) frases.push(T.diff_conv(cambios.conv, convs.length, cambios.kernel5 ? 5 : 3));
  if (cambios.kernel5) frases.push(T.diff_kernel(convs.length + cambios.conv));
  if (cambios.promedio) frases.push(T.diff_promedio(base.layers.filter((l) => l.type === 'max_pooling2d').length));
  if (cambios.dropout) frases.push(tieneDropout(base) ? T.diff_sin_dropout : T.diff_con_dropout);
  return frases;
}

function nombreCorto(base, cambios) {
  const N = T.nombres_cortos;
  const partes = [];
  if (cambios.sigmoide) partes.push(N.sigmoide);
  if (cambios.optimizador !== 'adadelta') partes.push(N[cambios.optimizador](numero(cambios.lr)));
  if (cambios.conv) partes.push(N.conv(cambios.conv));
  if (cambios.kernel5) partes.push(N.kernel5);
  if (cambios.promedio) partes.push(N.promedio);
  if (cambios.dropout) partes.push(tieneDropout(base) ? N.sin_dropout : N.con_dropout);
  return partes.join(', ') || N.base;
}

const opcion = (v, t) => el('option', { value: v, text: t });
const casilla = (id, testid, texto) => el('label', { class: 'casilla' },
  el('input', { type: 'checkbox', id, 'data-testid': testid }), el('span', { text: texto }));
const campo = (id, texto, control) => el('div', { class: 'campo' }, el('label', { for: id, text: texto }), control);

// The optimizer and its learning rate: choosing an optimizer puts its starting rate in the field.
function crearOptimizador() {
  const select = el('select', { id: 'practica-optimizador', 'data-testid': 'practice-optimizer' },
    ...Object.keys(OPTIMIZADORES).map((o) => opcion(o, T.optimizadores[o])));
  const lr = el('input', { id: 'practica-lr', 'data-testid': 'practice-lr', type: 'text', inputmode: 'decimal', autocomplete: 'off' });
  const campoLr = campo('practica-lr', T.lr_sgd, lr);
  const mostrar = () => { campoLr.hidden = select.value === 'adadelta'; };
  select.addEventListener('change', () => { lr.value = numero(OPTIMIZADORES[select.value].lr); mostrar(); });
  mostrar();
  return {
    nodos: [campo('practica-optimizador', T.optimizador, select), campoLr],
    leer() {
      const x = leerNumero(lr.value);
      return { optimizador: select.value, lr: Number.isFinite(x) && x > 0 ? x : OPTIMIZADORES[select.value].lr };
    },
  };
}

export function crearFormulario(motor, specs) {
  const base = el('select', { id: 'practica-base', 'data-testid': 'practice-base' }, ...BASES.map((b) => opcion(b, T.base_nombres[b])));
  const optimizador = crearOptimizador();
  // Its text follows the base (describir): Dropout out of a base that has it, else in; named from
  // the start, so the box is never without a label.
  const conDropout = (spec) => (spec && tieneDropout(spec) ? T.sin_dropout : T.con_dropout);
  const dropout = casilla('practica-dropout', 'practice-dropout', conDropout(specs.get(base.value)));
  const cambiosCampos = el('fieldset', { class: 'cambios' }, el('legend', { text: T.cambios }),
    casilla('practica-sigmoide', 'practice-sigmoid', T.sigmoide), ...optimizador.nodos,
    campo('practica-conv', T.conv_extra, el('select', { id: 'practica-conv', 'data-testid': 'practice-conv' },
      ...Array.from({ length: MAX_CONV_EXTRA + 1 }, (_, n) => opcion(n, T.conv_opciones(n))))),
    casilla('practica-kernel5', 'practice-kernel5', T.kernel5), casilla('practica-promedio', 'practice-average', T.promedio), dropout);
  const imagenes = el('select', { id: 'practica-imagenes', 'data-testid': 'practice-images' }, ...IMAGENES.map((n) => opcion(n, entero(n))));
  imagenes.value = '5000';
  const epocas = el('select', { id: 'practica-epocas', 'data-testid': 'practice-epochs' }, ...EPOCAS.map((n) => opcion(n, entero(n))));
  const sobreajuste = el('button', { type: 'button', class: 'boton-pequeno', 'data-testid': 'practice-overfit', text: T.sobreajuste_boton });
  const hipotesis = el('input', { id: 'practica-hipotesis', 'data-testid': 'practice-hypothesis', type: 'text', maxlength: MAX_HIPOTESIS,
    list: 'practica-hipotesis-ideas', autocomplete: 'off', placeholder: T.hipotesis_ejemplo });
  const ideas = el('datalist', { id: 'practica-hipotesis-ideas' }, ...T.hipotesis_ideas.map((t) => el('option', { value: t })));
  const diff = el('ul', { class: 'diff', 'data-testid': 'practice-diff', 'aria-live': 'polite' });
  const marcada = (id) => cambiosCampos.querySelector(`#${id}`).checked;
  const campos = [base, ...cambiosCampos.querySelectorAll('input, select'), imagenes, epocas, sobreajuste, hipotesis];
  const nodo = el('div', { class: 'practica-campos' },
    campo('practica-base', T.base, base),
    cambiosCampos,
    el('div', { class: 'controles' }, campo('practica-imagenes', T.imagenes, imagenes), campo('practica-epocas', T.epocas, epocas)),
    el('p', { class: 'ayuda' }, el('span', { text: T.sobreajuste_texto }), ' ', sobreajuste),
    diff,
    el('div', { class: 'campo hipotesis' }, el('label', { for: 'practica-hipotesis', text: T.hipotesis }), hipotesis, ideas,
      el('p', { class: 'ayuda', text: T.hipotesis_ayuda })));

  function leerCambios() {
    return {
      sigmoide: marcada('practica-sigmoide'), ...optimizador.leer(), conv: Number(cambiosCampos.querySelector('#practica-conv').value),
      kernel5: marcada('practica-kernel5'), promedio: marcada('practica-promedio'), dropout: marcada('practica-dropout'),
    };
  }

  const totalParametros = async (cliente, spec) => (await cliente.explain('params', { spec })).reduce((n, f) => n + f.total, 0);
  let pedidoDiff = 0;
  async function describir() {
    const mio = ++pedidoDiff;
    const cambios = leerCambios();
    const spec = specs.get(base.value);
    dropout.querySelector('span').textContent = conDropout(spec);
    const frases = diferencias(spec, cambios);
    let parametros = '';
    try {
      parametros = await motor.consultar(async (c) =>
        T.diff_parametros(entero(await totalParametros(c, spec)), entero(await totalParametros(c, variante(spec, cambios)))));
    } catch (error) {
      parametros = mensajeDeError(error);
    }
    if (mio !== pedidoDiff) return;
    diff.replaceChildren(...[...(frases.length ? frases : [T.sin_cambios]), parametros].map((f) => el('li', { text: f })));
  }

  for (const c of [base, ...cambiosCampos.querySelectorAll('input, select')]) c.addEventListener('change', describir);
  cambiosCampos.querySelector('#practica-lr').addEventListener('input', describir);
  // The classroom base trains ten times faster; the lesson's network gets fewer images by default.
  base.addEventListener('change', () => { imagenes.value = base.value === 'keras-mnist' ? '2000' : '5000'; });
  sobreajuste.addEventListener('click', () => {
    base.value = SOBREAJUSTE.base;
    imagenes.value = String(SOBREAJUSTE.imagenes);
    epocas.value = String(SOBREAJUSTE.epocas);
    describir();
    hipotesis.focus();
  });

  return {
    nodo, describir,
    habilitar(si) { for (const c of campos) c.disabled = !si; },
    /** Sets the changes to `cambios` (variante()'s, missing = unchanged from the base), as a student's group is given. */
    aplicar(cambios) {
      for (const [id, clave] of [['practica-sigmoide', 'sigmoide'], ['practica-kernel5', 'kernel5'], ['practica-promedio', 'promedio'], ['practica-dropout', 'dropout']]) {
        cambiosCampos.querySelector(`#${id}`).checked = Boolean(cambios[clave]);
      }
      cambiosCampos.querySelector('#practica-conv').value = String(cambios.conv ?? 0);
      const optimizadorCampo = cambiosCampos.querySelector('#practica-optimizador');
      optimizadorCampo.value = cambios.optimizador ?? 'adadelta';
      optimizadorCampo.dispatchEvent(new Event('change'));
    },
    /** The experiment the form describes: its spec, name, words, settings and hypothesis. */
    leer() {
      const cambios = leerCambios();
      const origen = specs.get(base.value);
      return {
        spec: variante(origen, cambios), etiqueta: nombreCorto(origen, cambios), diff: diferencias(origen, cambios),
        config: T.config(T.base_nombres[base.value], entero(Number(imagenes.value)), epocas.value),
        base: base.value, imagenes: Number(imagenes.value), epocas: Number(epocas.value),
        hipotesis: hipotesis.value.trim().slice(0, MAX_HIPOTESIS), cambios,
      };
    },
  };
}
