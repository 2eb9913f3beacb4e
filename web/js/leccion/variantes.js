// The Práctica's experiments as ModelSpecs: a preset's spec with the lesson's changes applied
// (ReLU → sigmoid, another optimizer, extra convolutional layers, 5 × 5 kernels, average pooling
// instead of max pooling, Dropout taken out or put in). Pure functions, no DOM, so the engine can
// be asked about every combination (tests/web/training-practice.test.mjs).

// The lesson compiles with optimizer='Adadelta'; lr 1.0 is the original Keras example's
// (tf.keras's 0.001 barely moves in one short epoch; see the training panel's note).
export const ADADELTA = { type: 'adadelta', lr: 1 };
export const MOMENTO = 0.9;
// The optimizers a run may use, each with the learning rate it starts from. SGD's rate was
// chosen on held-out training images, one epoch (`convaula train --validation-split`): on the
// classroom network (5,000 images) 0.01 and 0.03 learn slowly, 0.1 to 0.3 learn, 0.5 and 1 stall
// at chance; on the lesson's (2,000 images) 0.1 beats 0.01 and 0.3. 0.1 suits both. With momentum
// the rate is ten times smaller, so that the long-run step lr / (1 − momentum) is the same.
export const OPTIMIZADORES = {
  adadelta: { ...ADADELTA },
  sgd: { type: 'sgd', lr: 0.1 },
  momento: { type: 'sgd', lr: 0.01, momentum: MOMENTO },
};
export const MAX_CONV_EXTRA = 3;
// An extra layer: 32 filters, ReLU, 'same' padding, so that up to three of them fit after the
// last convolution of either preset, with 5 × 5 kernels too, without shrinking the image.
const capaExtra = (k) => ({ type: 'conv2d', filters: 32, kernel: k, padding: 'same', activation: 'relu' });
// Dropout where the lesson's network has it: 0.25 after the last pooling, 0.5 after the hidden
// dense layer.
export const DROPOUT_POOLING = 0.25, DROPOUT_DENSA = 0.5;

/** True if the spec has Dropout layers: the Dropout change then takes them out, else puts them in. */
export const tieneDropout = (spec) => spec.layers.some((l) => l.type === 'dropout');

function cambiarDropout(capas) {
  if (capas.some((l) => l.type === 'dropout')) return capas.filter((l) => l.type !== 'dropout');
  const pooling = capas.findLastIndex((l) => /pooling2d$/.test(l.type));
  const oculta = capas.slice(0, capas.findLastIndex((l) => l.type === 'dense')).findLastIndex((l) => l.type === 'dense');
  return capas.flatMap((l, i) => [l,
    ...(i === pooling ? [{ type: 'dropout', rate: DROPOUT_POOLING }] : []),
    ...(i === oculta ? [{ type: 'dropout', rate: DROPOUT_DENSA }] : [])]);
}

/**
 * The ModelSpec of a run: `base` (a preset's spec) with the chosen changes applied.
 * cambios: {sigmoide, optimizador: key of OPTIMIZADORES, lr (SGD's, with or without momentum),
 * conv: 0..MAX_CONV_EXTRA extra layers, kernel5, promedio, dropout (take out or put in)}
 */
export function variante(base, { sigmoide, optimizador = 'adadelta', lr, conv = 0, kernel5, promedio, dropout }) {
  if (!Number.isInteger(conv) || conv < 0 || conv > MAX_CONV_EXTRA) throw new RangeError(`conv: 0 to ${MAX_CONV_EXTRA}, not ${conv}`);
  if (!Object.hasOwn(OPTIMIZADORES, optimizador)) throw new RangeError(`optimizador: ${Object.keys(OPTIMIZADORES)}, not ${optimizador}`);
  const spec = structuredClone(base);
  spec.optimizer = { ...OPTIMIZADORES[optimizador], ...(optimizador !== 'adadelta' && lr ? { lr } : {}) };
  const k = kernel5 ? 5 : 3;
  const ultima = spec.layers.findLastIndex((l) => l.type === 'conv2d');
  spec.layers.splice(ultima + 1, 0, ...Array.from({ length: conv }, () => capaExtra(k)));
  if (dropout) spec.layers = cambiarDropout(spec.layers);
  for (const capa of spec.layers) {
    if (sigmoide && capa.activation === 'relu') capa.activation = 'sigmoid';
    if (capa.type === 'conv2d') capa.kernel = k;
    // Same fields (pool, stride): the window's mean instead of its maximum.
    if (promedio && capa.type === 'max_pooling2d') capa.type = 'average_pooling2d';
  }
  return spec;
}

// «Práctica por grupos» (Aula en vivo): the variants a teacher gives to groups, each one change
// of the form's from the base network; 'otra' is any other combination a student chose.
export const GRUPOS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
export const VARIANTES_GRUPO = {
  base: {},
  sigmoide: { sigmoide: true },
  sgd: { optimizador: 'sgd' },
  momento: { optimizador: 'momento' },
  conv: { conv: 1 },
  kernel5: { kernel5: true },
  promedio: { promedio: true },
  dropout: { dropout: true },
  otra: null,
};
const SIN_CAMBIOS = { sigmoide: false, optimizador: 'adadelta', conv: 0, kernel5: false, promedio: false, dropout: false };

/** The form's changes (variante()'s `cambios`) as a key of VARIANTES_GRUPO; a learning rate other than the optimizer's own is 'otra'. */
export function varianteDeGrupo(cambios) {
  const propia = (c) => c.optimizador === 'adadelta' || !c.lr || c.lr === OPTIMIZADORES[c.optimizador].lr;
  const igual = (v) => Object.keys(SIN_CAMBIOS).every((k) => (cambios[k] ?? SIN_CAMBIOS[k]) === ({ ...SIN_CAMBIOS, ...v })[k]);
  const id = Object.keys(VARIANTES_GRUPO).find((k) => VARIANTES_GRUPO[k] && igual(VARIANTES_GRUPO[k]));
  return id && propia(cambios) ? id : 'otra';
}
