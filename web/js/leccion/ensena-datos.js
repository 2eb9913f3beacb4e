// «Enséñale a la red»'s set of drawings, without the page: the guided order of a collection,
// the fixed split into a part to learn from and a held-out part, the measure of a network on
// the held-out part, and the set as the engine takes it (bytes 28×28 and labels).

/** The Eastern Arabic numerals, class 0 to 9: the new script the student copies. */
export const ARABIGOS = ['٠', '١', '٢', '٣', '٤', '٥', '٦', '٧', '٨', '٩'];
/** Your own digits; a new script: the Eastern Arabic numerals to copy, or ten symbols of your own. */
export const MODOS = ['propia', 'arabiga', 'inventada'];
export const POR_CIFRA = { defecto: 5, minimo: 2, maximo: 20 };
export const LADO = 28;
export const PIXELES = LADO * LADO;
/** Every APARTE-th drawing of a digit (the 3rd, 6th, 9th…) is held out, never learnt from. */
export const APARTE = 3;

/** A small seeded generator (mulberry32): the same seed gives the same order. */
function generador(semilla) {
  let a = semilla >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The digits to ask for: `n` of each of 0–9, shuffled from `semilla`. */
export function ordenGuiado(n, semilla) {
  const orden = [];
  for (let c = 0; c < 10; c++) for (let i = 0; i < n; i++) orden.push(c);
  const azar = generador(semilla);
  for (let i = orden.length - 1; i > 0; i--) {
    const j = Math.floor(azar() * (i + 1));
    [orden[i], orden[j]] = [orden[j], orden[i]];
  }
  return orden;
}

/** n drawings of each digit, clamped to POR_CIFRA's range (a bad value gives the default). */
export function porCifraValido(n) {
  const v = Math.round(Number(n));
  return Number.isFinite(v) ? Math.min(POR_CIFRA.maximo, Math.max(POR_CIFRA.minimo, v)) : POR_CIFRA.defecto;
}

/**
 * {aprender, aparte}: indices into `dibujos` ([{cifra, pixeles}], in the order drawn). Of each
 * digit's drawings, the APARTE-th, 2·APARTE-th… are held out: the same set splits the same way.
 */
export function dividir(dibujos) {
  const vistos = new Array(10).fill(0);
  const aprender = [], aparte = [];
  dibujos.forEach((d, i) => {
    vistos[d.cifra] += 1;
    (vistos[d.cifra] % APARTE === 0 ? aparte : aprender).push(i);
  });
  return { aprender, aparte };
}

/** The class's set keeps APARTE_CLASE of each digit's drawings apart, chosen from SEMILLA_CLASE. */
export const APARTE_CLASE = 0.2;
export const SEMILLA_CLASE = 1;
/**
 * fineTune's settings for the class's set (the engine's defaults for the rest: 10 epochs, the
 * section's replay slider): batches of 32 and Adam at lr 0.001. The class writes the digits MNIST
 * has, so a gentler run than a new script's (batches of 8, lr 0.003) is enough, and it forgets
 * less: on a scripted 150-drawing set the defaults left MNIST's test set at 98.0 %, these at
 * 99.0 %, held-out 90 % → 100 % both ways (docs/ensena.md, bench/ajuste-fino.mjs --class).
 */
export const AJUSTE_CLASE = { batchSize: 32, optimizer: { type: 'adam', lr: 0.001 } };

/**
 * The class's set split as dividir's {aprender, aparte}, stratified: of each digit's n drawings,
 * round(APARTE_CLASE · n) (at least 1 when n ≥ 2, never all) are held out, picked by a shuffle
 * seeded with SEMILLA_CLASE. The set's order is the server's (by digit, then as sent), so the
 * same set always splits the same way, whoever downloads it; per-digit counts may differ.
 */
export function dividirClase(dibujos) {
  const porCifra = Array.from({ length: 10 }, () => []);
  dibujos.forEach((d, i) => porCifra[d.cifra].push(i));
  const azar = generador(SEMILLA_CLASE);
  const aparte = new Set();
  for (const indices of porCifra) {
    const n = indices.length;
    const k = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(APARTE_CLASE * n)));
    const orden = indices.slice();
    for (let i = orden.length - 1; i > 0; i--) {
      const j = Math.floor(azar() * (i + 1));
      [orden[i], orden[j]] = [orden[j], orden[i]];
    }
    for (const i of orden.slice(0, k)) aparte.add(i);
  }
  const todos = dibujos.map((_, i) => i);
  return { aprender: todos.filter((i) => !aparte.has(i)), aparte: todos.filter((i) => aparte.has(i)) };
}

/** The drawings at `indices` as the engine takes them: {pixeles: Uint8Array (N·784), etiquetas}. */
export function empaquetar(dibujos, indices = dibujos.map((_, i) => i)) {
  const pixeles = new Uint8Array(indices.length * PIXELES);
  const etiquetas = new Uint8Array(indices.length);
  indices.forEach((d, k) => {
    pixeles.set(dibujos[d].pixeles, k * PIXELES);
    etiquetas[k] = dibujos[d].cifra;
  });
  return { pixeles, etiquetas };
}

/** A preprocessed drawing (digit.h's 28×28 floats in [0, 1]) as bytes 0–255. */
export function aBytes(placed) {
  return Uint8Array.from(placed, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

/** Bytes back to the floats a prediction takes. */
export function aFloats(pixeles) {
  return Float32Array.from(pixeles, (v) => v / 255);
}

/**
 * What a network got right: etiquetas and predichas are arrays of digits 0–9. → {aciertos,
 * total, exactitud, porCifra: [{aciertos, total}] ×10, confusion: 10×10 counts (row = true digit,
 * column = the network's answer), fallos: positions where it misread}.
 */
export function medir(etiquetas, predichas) {
  const porCifra = Array.from({ length: 10 }, () => ({ aciertos: 0, total: 0 }));
  const confusion = Array.from({ length: 10 }, () => new Array(10).fill(0));
  const fallos = [];
  let aciertos = 0;
  etiquetas.forEach((e, i) => {
    const p = predichas[i];
    confusion[e][p] += 1;
    porCifra[e].total += 1;
    if (p === e) {
      aciertos += 1;
      porCifra[e].aciertos += 1;
    } else {
      fallos.push(i);
    }
  });
  const total = etiquetas.length;
  return { aciertos, total, exactitud: total ? aciertos / total : 0, porCifra, confusion, fallos };
}
