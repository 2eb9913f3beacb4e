// The lesson's hand-made 3×3 kernels, row by row: the convolution section's presets and the
// four (or five) channels of "Capas convolutivas" come from this one list.

export const KERNELS = {
  verticales: [1, 0, -1, 1, 0, -1, 1, 0, -1],
  horizontales: [1, 1, 1, 0, 0, 0, -1, -1, -1],
  diagonales: [0, 1, 1, -1, 0, 1, -1, -1, 0],
  antidiagonales: [1, 1, 0, 1, 0, -1, 0, -1, -1],
  // A stroke that turns from rightwards to downwards (Γ): bright centre, right and below,
  // dark above and to the left. Its weights add up to 0, so a flat patch gives 0 as the edges do.
  esquina: [-1, -1, -1, -1, 2, 2, -1, 2, -1],
  desenfoque: Array(9).fill(1 / 9),
  realce: [0, -1, 0, -1, 5, -1, 0, -1, 0],
  punto: [-1, -1, -1, -1, 8, -1, -1, -1, -1],
};

/** The notebook's four edge detectors, in its order: horizontal, vertical and both diagonals. */
export const CUATRO_BORDES = ['horizontales', 'verticales', 'diagonales', 'antidiagonales'];
