// The Práctica's experiments as ModelSpecs: a preset's spec with the lesson's changes applied
// (ReLU → sigmoid, Adadelta → SGD, extra convolutional layers, 5 × 5 kernels, average pooling
// instead of max pooling). Pure functions, no DOM, so the engine can be asked about every
// combination (tests/web/training-practice.test.mjs).

// The lesson compiles with optimizer='Adadelta'; lr 1.0 is the original Keras example's
// (tf.keras's 0.001 barely moves in one short epoch; see the training panel's note).
export const ADADELTA = { type: 'adadelta', lr: 1 };
export const MAX_CONV_EXTRA = 3;
// An extra layer: 32 filters, ReLU, 'same' padding, so that up to three of them fit after the
// last convolution of either preset, with 5 × 5 kernels too, without shrinking the image.
const capaExtra = (k) => ({ type: 'conv2d', filters: 32, kernel: k, padding: 'same', activation: 'relu' });

/**
 * The ModelSpec of a run: `base` (a preset's spec) with the chosen changes applied.
 * cambios: {sigmoide, sgd, lr, conv: 0..MAX_CONV_EXTRA extra layers, kernel5, promedio}
 */
export function variante(base, { sigmoide, sgd, lr, conv = 0, kernel5, promedio }) {
  if (!Number.isInteger(conv) || conv < 0 || conv > MAX_CONV_EXTRA) throw new RangeError(`conv: 0 to ${MAX_CONV_EXTRA}, not ${conv}`);
  const spec = structuredClone(base);
  spec.optimizer = sgd ? { type: 'sgd', lr } : { ...ADADELTA };
  const k = kernel5 ? 5 : 3;
  const ultima = spec.layers.findLastIndex((l) => l.type === 'conv2d');
  spec.layers.splice(ultima + 1, 0, ...Array.from({ length: conv }, () => capaExtra(k)));
  for (const capa of spec.layers) {
    if (sigmoide && capa.activation === 'relu') capa.activation = 'sigmoid';
    if (capa.type === 'conv2d') capa.kernel = k;
    // Same fields (pool, stride): the window's mean instead of its maximum.
    if (promedio && capa.type === 'max_pooling2d') capa.type = 'average_pooling2d';
  }
  return spec;
}
