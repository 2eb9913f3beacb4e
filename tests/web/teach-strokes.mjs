// teach-strokes.mjs: the scripted students of «Enséñale a la red», one stroke list per digit
// (lists of [x, y] fractions of the canvas, as acts.mjs's draw takes), and each drawing a little
// different from the last, as a hand's are (seeded: the same student draws the same set).

// Circle-ish loop through n points around (cx, cy), radii rx, ry, starting at angle a0 (radians,
// 0 = right, growing clockwise on screen), going round `turn` of a full turn.
function loop(cx, cy, rx, ry, { a0 = -Math.PI / 2, turn = 1, n = 14 } = {}) {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = a0 + (2 * Math.PI * turn * i) / n;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
  });
}

/** The Eastern Arabic numerals ٠١٢٣٤٥٦٧٨٩ as a student copying them would draw them, class 0-9. */
export const ARABIC = [
  [loop(0.5, 0.5, 0.07, 0.08)],                                                    // ٠ a small round dot
  [[[0.52, 0.15], [0.5, 0.5], [0.49, 0.85]]],                                         // ١ a stem
  [[[0.72, 0.14], [0.66, 0.26], [0.52, 0.3], [0.42, 0.22], [0.45, 0.5], [0.47, 0.86]]],  // ٢ stem, hook at the top right
  [[[0.78, 0.12], [0.74, 0.27], [0.66, 0.3], [0.6, 0.16], [0.55, 0.3], [0.47, 0.3], [0.4, 0.16],
    [0.43, 0.5], [0.46, 0.86]]],                                                     // ٣ stem, two bumps at the top
  [[[0.68, 0.15], [0.45, 0.18], [0.36, 0.3], [0.5, 0.42], [0.62, 0.45], [0.42, 0.52], [0.32, 0.66],
    [0.42, 0.8], [0.7, 0.84]]],                                                      // ٤ a backwards 3
  [[[0.5, 0.2], [0.36, 0.45], [0.3, 0.7], [0.4, 0.83], [0.6, 0.83], [0.7, 0.7], [0.64, 0.45], [0.5, 0.2]]],  // ٥ a drop-shaped loop
  [[[0.3, 0.17], [0.45, 0.2], [0.62, 0.18], [0.64, 0.5], [0.66, 0.86]]],               // ٦ top bar, stem on the right
  [[[0.28, 0.15], [0.5, 0.85], [0.72, 0.15]]],                                        // ٧ a V
  [[[0.28, 0.85], [0.5, 0.15], [0.72, 0.85]]],                                        // ٨ an upside-down V
  [[...loop(0.44, 0.3, 0.13, 0.13, { a0: 0 }), [0.56, 0.55], [0.58, 0.86]]],              // ٩ a loop on a stem
];

/** A student's own Western digits, deliberately idiosyncratic. */
export const WESTERN = [
  [loop(0.5, 0.5, 0.22, 0.33), [[0.66, 0.2], [0.34, 0.8]]],                          // 0 slashed
  [[[0.36, 0.3], [0.52, 0.15], [0.52, 0.85]], [[0.36, 0.85], [0.68, 0.85]]],           // 1 flagged, with a base
  [[[0.3, 0.3], [0.42, 0.16], [0.62, 0.16], [0.7, 0.3], [0.62, 0.48], [0.36, 0.76], [0.3, 0.84],
    [0.4, 0.78], [0.48, 0.84], [0.72, 0.84]]],                                       // 2 with a loop at the foot
  [[[0.3, 0.16], [0.7, 0.16], [0.48, 0.44], [0.66, 0.52], [0.72, 0.68], [0.6, 0.84], [0.4, 0.86],
    [0.28, 0.76]]],                                                                  // 3 flat-topped
  [[[0.6, 0.85], [0.6, 0.15], [0.28, 0.6], [0.74, 0.6]]],                              // 4 closed
  [[[0.36, 0.17], [0.33, 0.46], [0.5, 0.42], [0.68, 0.52], [0.7, 0.7], [0.58, 0.84], [0.38, 0.85],
    [0.3, 0.76]], [[0.38, 0.14], [0.72, 0.14]]],                                      // 5 with a detached bar
  [[[0.66, 0.16], [0.46, 0.3], [0.33, 0.55], [0.36, 0.8], [0.52, 0.86], [0.68, 0.74], [0.64, 0.56],
    [0.46, 0.52], [0.34, 0.62]]],                                                    // 6
  [[[0.28, 0.16], [0.72, 0.16], [0.44, 0.86]], [[0.38, 0.5], [0.64, 0.5]]],             // 7 crossed
  [loop(0.5, 0.3, 0.13, 0.14, { a0: Math.PI / 2 }), loop(0.5, 0.67, 0.2, 0.19, { a0: -Math.PI / 2 })],  // 8 a snowman
  [[[0.66, 0.32], [0.56, 0.16], [0.38, 0.18], [0.32, 0.34], [0.44, 0.48], [0.64, 0.4], [0.66, 0.2],
    [0.66, 0.86]]],                                                                  // 9 with a straight stem
];

// mulberry32: a seeded generator in [0, 1).
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A student's hand: hand(k) is drawing number k of `strokes`, turned up to ±8°, scaled 0.85-1.1,
 * moved up to ±0.06 of the canvas and each point wobbling up to ±0.012. k = 0 is the model itself.
 */
export function hand(seed) {
  return (strokes, k) => {
    if (k === 0) return strokes;
    const r = seeded(seed * 1009 + k);
    const u = (a, b) => a + (b - a) * r();
    const turn = (u(-8, 8) * Math.PI) / 180, scale = u(0.85, 1.1), dx = u(-0.06, 0.06), dy = u(-0.06, 0.06);
    const [c, s] = [Math.cos(turn), Math.sin(turn)];
    const clamp = (v) => Math.min(0.97, Math.max(0.03, v));
    return strokes.map((stroke) => stroke.map(([x, y]) => {
      const [px, py] = [(x - 0.5) * scale, (y - 0.5) * scale];
      return [clamp(0.5 + c * px - s * py + dx + u(-0.012, 0.012)), clamp(0.5 + s * px + c * py + dy + u(-0.012, 0.012))];
    }));
  };
}

/**
 * Three scripted students' styles of WESTERN, as a class writes: upright as modelled, slanted
 * forward (sheared by 0.3 of the height) and narrow (0.6 as wide); point → point.
 */
export const CLASS_STYLES = [
  ([x, y]) => [x, y],
  ([x, y]) => [x + 0.45 * (0.5 - y), y],
  ([x, y]) => [0.5 + 0.45 * (x - 0.5) - 0.2 * (0.5 - y), y],
];

/**
 * A scripted class set: `perDigit` drawings of each digit by each of the three students (their
 * style, then their hand: hand(student + 1)), → [{student, digit, strokes}], student by student.
 */
export function classStrokes(perDigit) {
  return CLASS_STYLES.flatMap((style, student) => {
    const hand_ = hand(student + 1);
    return WESTERN.flatMap((model, digit) => Array.from({ length: perDigit }, (_, k) =>
      ({ student, digit, strokes: hand_(model.map((s) => s.map(style)), k) })));
  });
}

/**
 * The 28 × 28 bytes the page's engine makes of each of `strokes` (lists of strokes), as «Enséñale
 * a la red» keeps a drawing: drawn again for the engine (ui/trazos.js) and preprocessed by a
 * prediction (its steps.placed). The engine is the app's (arranque.js), or the client the page
 * keeps in window[clientName]. → arrays of 784 numbers.
 */
export const engineBytes = (page, strokes, clientName) => page.evaluate(async ([list, name]) => {
  const cliente = name ? window[name] : (await import('/js/arranque.js')).cliente;
  const { imagenDeTrazos } = await import('/js/ui/trazos.js');
  const { aBytes } = await import('/js/leccion/ensena-datos.js');
  const out = [];
  for (const s of list) out.push(Array.from(aBytes((await cliente.predict(imagenDeTrazos(s).imagen)).steps.placed)));
  return out;
}, [strokes, clientName]);
