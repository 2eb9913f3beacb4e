// The training panel's form: preset, optimizer, learning rate, batch, epochs and subset, with
// Spanish validation. It tells its owner about every change of the configuration, typed or
// filled in by the page (a preset's settings, the Adadelta learning-rate buttons).

import { entrenamiento as T } from '../textos.js';
import { entero, numero, leerNumero } from '../formato.js';
import { el } from '../leccion/kit/dom.js';

const PRESET_INICIAL = 'classroom';

// Keras's default learning rates, except Adadelta: tf.keras's 0.001 barely moves in a
// lesson, so the original Keras example's 1.0 is offered first (textos: nota_adadelta).
const LR_INICIAL = { adadelta: 1, adam: 0.001, rmsprop: 0.001, sgd: 0.01 };
const SUBCONJUNTOS = [10000, 30000, 60000];
const SUBCONJUNTO_INICIAL = 10000;

const entre = (min, max) => (x) => Number.isInteger(x) && x >= min && x <= max;
const REGLAS = {
  tasa: { valido: (x) => x > 0 && x <= 100, error: () => T.errores_campo.tasa(numero(100)) },
  lote: { valido: entre(1, 1024), error: () => T.errores_campo.entero(entero(1), entero(1024)) },
  epocas: { valido: entre(1, 100), error: () => T.errores_campo.entero(entero(1), entero(100)) },
};
const opcion = (valor, texto) => el('option', { value: String(valor), text: texto });

/** @param {{alCambiarPreset: (nombre) => void, alCambiar: () => void}} o */
export function crearFormulario(raiz, { alCambiarPreset, alCambiar }) {
  const $ = (selector) => raiz.querySelector(selector);
  const campos = {
    preset: $('#preset'), optimizador: $('#optimizador'), tasa: $('#tasa'),
    lote: $('#lote'), epocas: $('#epocas'), subconjunto: $('#subconjunto'),
  };
  const notaAdadelta = $('#nota-adadelta');
  const botonesLr = [...notaAdadelta.querySelectorAll('button')];
  const specs = new Map();  // preset name → ModelSpec

  function ponerTasa(lr) {
    campos.tasa.value = numero(lr);
    validarCampo('tasa');
    alCambiar();
  }

  function elegirOptimizador(tipo, lr = LR_INICIAL[tipo]) {
    campos.optimizador.value = tipo;
    notaAdadelta.hidden = tipo !== 'adadelta';
    ponerTasa(lr);
  }

  function rellenarConSpec(spec) {
    campos.lote.value = String(spec.batch_size ?? 32);
    campos.epocas.value = String(spec.epochs ?? 1);
    for (const nombre of ['lote', 'epocas']) validarCampo(nombre);
    const tipo = spec.optimizer?.type ?? 'adadelta';
    elegirOptimizador(tipo, tipo === 'adadelta' ? LR_INICIAL.adadelta : (spec.optimizer?.lr || LR_INICIAL[tipo]));
  }

  function validarCampo(nombre) {
    const campo = campos[nombre];
    const regla = REGLAS[nombre];
    const valor = leerNumero(campo.value);
    const ok = regla.valido(valor);
    const aviso = $(`#${campo.id}-error`);
    aviso.textContent = ok ? '' : regla.error();
    aviso.hidden = ok;
    campo.setAttribute('aria-invalid', String(!ok));
    return ok ? valor : null;
  }

  for (const [tipo, nombre] of Object.entries(T.optimizadores)) campos.optimizador.append(opcion(tipo, nombre));
  for (const b of botonesLr) {
    b.textContent = T.usar_lr(numero(Number(b.dataset.lr), 6, 1));
    b.addEventListener('click', () => ponerTasa(Number(b.dataset.lr)));
  }
  campos.optimizador.addEventListener('change', () => elegirOptimizador(campos.optimizador.value));
  for (const nombre of Object.keys(REGLAS)) campos[nombre].addEventListener('change', () => validarCampo(nombre));
  for (const campo of Object.values(campos)) campo.addEventListener('input', alCambiar);
  campos.preset.addEventListener('change', () => alCambiarPreset(campos.preset.value));

  return {
    /** The options for client.train(), or null after marking (and focusing) every invalid field. */
    leer() {
      const [lr, lote, epocas] = ['tasa', 'lote', 'epocas'].map(validarCampo);
      if (lr === null || lote === null || epocas === null) {
        raiz.querySelector('[aria-invalid="true"]').focus();
        return null;
      }
      return {
        epochs: epocas, batchSize: lote, trainLimit: Number(campos.subconjunto.value),
        optimizer: { type: campos.optimizador.value, lr },
      };
    },
    /** What the form says now, as typed: {preset, optimizador, tasa, lote, epocas, subconjunto}. */
    configuracion: () => Object.fromEntries(Object.entries(campos).map(([k, c]) => [k, c.value])),
    preset: () => campos.preset.value,
    /** Shows `nombre` as the chosen preset if it is one. */
    elegirPreset(nombre) {
      if (specs.has(nombre)) campos.preset.value = nombre;
      alCambiar();
    },
    rellenar: (nombre) => rellenarConSpec(specs.get(nombre) ?? {}),
    // presets: [{name, spec}]; picks `elegido`, else the classroom preset, else the first.
    ponerPresets(presets, elegido) {
      specs.clear();
      campos.preset.replaceChildren(...presets.map(({ name, spec }) => {
        specs.set(name, spec);
        return opcion(name, T.presets[name] ?? name);
      }));
      campos.preset.value = specs.has(elegido) ? elegido : specs.has(PRESET_INICIAL) ? PRESET_INICIAL : presets[0].name;
    },
    // train: how many training images were loaded; offers the subsets that fit.
    ponerSubconjuntos(train) {
      const tamanos = [...new Set([...SUBCONJUNTOS.filter((n) => n < train), train])];
      campos.subconjunto.replaceChildren(...tamanos.map((n) => opcion(n, T.subconjunto_opcion(entero(n), entero(train)))));
      campos.subconjunto.value = String(tamanos.includes(SUBCONJUNTO_INICIAL) ? SUBCONJUNTO_INICIAL : train);
    },
    habilitar(si) {
      for (const campo of Object.values(campos)) campo.disabled = !si;
      for (const b of botonesLr) b.disabled = !si;
    },
  };
}
