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
