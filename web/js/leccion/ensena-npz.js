// A set of drawings as NumPy's .npz: a zip of x.npy (N, 28, 28) uint8 and y.npy (N,) uint8, so
// that np.load('mi_letra.npz') in the notebook gives arrays like mnist.load_data()'s. The zip
// itself is fflate's (npm), handed in by the caller: the browser's vendor copy, or Node's.
// Reading refuses anything else with an Error whose `code` is 'npz' and loses nothing.

import { LADO, PIXELES } from './ensena-datos.js';

const MAGIA = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];  // \x93NUMPY
const MAX_IMAGENES = 10000;  // as the engine's make_user_dataset (mnist.h)

// NPY format 1.0: magic, version, header length (little-endian uint16), a Python dict literal
// padded with spaces to a multiple of 64 bytes and ended with a newline, then the raw data.
function npy(datos, forma) {
  const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${forma.join(', ')}${forma.length === 1 ? ',' : ''}), }`;
  const sinRelleno = MAGIA.length + 4 + dict.length + 1;
  const cabecera = dict + ' '.repeat((64 - (sinRelleno % 64)) % 64) + '\n';
  const out = new Uint8Array(MAGIA.length + 4 + cabecera.length + datos.length);
  out.set(MAGIA, 0);
  out.set([1, 0, cabecera.length & 0xff, cabecera.length >> 8], MAGIA.length);
  out.set(new TextEncoder().encode(cabecera), MAGIA.length + 4);
  out.set(datos, MAGIA.length + 4 + cabecera.length);
  return out;
}

const fallo = (detalle, vacio = false) => Object.assign(new Error(`npz: ${detalle}`), { code: 'npz', detalle, vacio });

// {datos, forma} of a uint8 C-order .npy; anything else throws fallo().
function leerNpy(bytes, nombre) {
  if (bytes.length < 10 || !MAGIA.every((b, i) => bytes[i] === b)) throw fallo(`${nombre}: no es un .npy`);
  const version = bytes[6];
  const largo = version === 1 ? bytes[8] | (bytes[9] << 8)
    : bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24);
  const inicio = version === 1 ? 10 : 12;
  if (![1, 2, 3].includes(version) || inicio + largo > bytes.length) throw fallo(`${nombre}: cabecera dañada`);
  const cabecera = new TextDecoder().decode(bytes.subarray(inicio, inicio + largo));
  const descr = /'descr':\s*'([^']*)'/.exec(cabecera)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(cabecera)?.[1];
  const forma = /'shape':\s*\(([^)]*)\)/.exec(cabecera)?.[1];
  if (!['|u1', '<u1', '>u1', 'u1'].includes(descr)) throw fallo(`${nombre}: tipo ${descr ?? '?'}, no uint8`);
  if (fortran !== 'False') throw fallo(`${nombre}: orden Fortran`);
  const dims = (forma ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!forma || dims.some((d) => !Number.isInteger(d) || d < 0)) throw fallo(`${nombre}: forma dañada`);
  const datos = bytes.subarray(inicio + largo);
  if (datos.length !== dims.reduce((a, b) => a * b, 1)) throw fallo(`${nombre}: tamaño distinto de su forma`);
  return { datos, forma: dims };
}

/** x: Uint8Array (N·784), y: Uint8Array (N) → the .npz bytes. */
export function escribirNpz(x, y, zipSync) {
  return zipSync({ 'x.npy': npy(x, [y.length, LADO, LADO]), 'y.npy': npy(y, [y.length]) }, { level: 6, mtime: new Date(1980, 0, 1) });
}

/**
 * The .npz bytes → {x: Uint8Array (N·784), y: Uint8Array (N)}, or throws {code: 'npz', detalle,
 * vacio} (vacio: a well-formed set of no drawings).
 */
export function leerNpz(bytes, unzipSync) {
  let archivos;
  try {
    archivos = unzipSync(bytes);
  } catch {
    throw fallo('no es un archivo .npz (zip)');
  }
  if (!archivos['x.npy'] || !archivos['y.npy']) throw fallo('le falta x o y');
  const x = leerNpy(archivos['x.npy'], 'x'), y = leerNpy(archivos['y.npy'], 'y');
  const n = y.forma[0];
  if (y.forma.length !== 1) throw fallo(`y tiene forma (${y.forma.join(', ')}), no (N,)`);
  if (x.forma.length !== 3 || x.forma[0] !== n || x.forma[1] !== LADO || x.forma[2] !== LADO)
    throw fallo(`x tiene forma (${x.forma.join(', ')}), no (${n}, 28, 28)`);
  if (n === 0 || n > MAX_IMAGENES) throw fallo(`${n} imágenes (de 1 a ${MAX_IMAGENES})`, n === 0);
  if (y.datos.some((e) => e > 9)) throw fallo('una etiqueta de y no está entre 0 y 9');
  return { x: Uint8Array.from(x.datos.subarray(0, n * PIXELES)), y: Uint8Array.from(y.datos) };
}
