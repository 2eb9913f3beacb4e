// teach-npz.test.mjs: «Enséñale a la red»'s export and import of a set of drawings as NumPy's
// .npz: NumPy itself loads the exported file with the right shapes, dtypes and values, an
// import gives back the same bytes, and files that are not such a set are refused by name.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { escribirNpz, leerNpz } from '../../web/js/leccion/ensena-npz.js';

// n drawings: image i holds pixel value (i * 7 + p) % 256 at position p, label i % 10.
function set(n) {
  const x = Uint8Array.from({ length: n * 784 }, (_, k) => ((Math.floor(k / 784) * 7) + (k % 784)) % 256);
  const y = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { x, y };
}

describe('teach npz', () => {
  it('numpy.load reads x (N, 28, 28) uint8 and y (N,) uint8 with the drawn values', () => {
    const { x, y } = set(13);
    const dir = mkdtempSync(join(tmpdir(), 'convaula-npz-'));
    try {
      const file = join(dir, 'mi_letra.npz');
      writeFileSync(file, escribirNpz(x, y, zipSync));
      const out = execFileSync('/usr/bin/python3', ['-c', `
import sys, numpy as np
d = np.load(sys.argv[1])
x, y = d['x'], d['y']
print(sorted(d.files), x.shape, x.dtype, y.shape, y.dtype, int(x[3, 2, 5]), int(x.sum()), y.tolist())
`, file], { encoding: 'utf8' }).trim();
      const sum = x.reduce((a, b) => a + b, 0);
      console.log(`numpy: ${out}`);
      assert.equal(out, `['x', 'y'] (13, 28, 28) uint8 (13,) uint8 ${x[3 * 784 + 2 * 28 + 5]} ${sum} [${[...y].join(', ')}]`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('export then import gives back the same bytes', () => {
    const { x, y } = set(50);
    const back = leerNpz(escribirNpz(x, y, zipSync), unzipSync);
    assert.deepEqual(back.x, x);
    assert.deepEqual(back.y, y);
  });

  it('a file that is not a set of 28 x 28 uint8 drawings is refused, naming why', () => {
    const { x, y } = set(4);
    const refused = (bytes) => assert.throws(() => leerNpz(bytes, unzipSync), (e) => e.code === 'npz' && e.detalle.length > 0);
    refused(new TextEncoder().encode('x,y\n1,2\n'));
    refused(zipSync({ 'x.npy': new Uint8Array(10) }));
    refused(escribirNpz(x, y.subarray(0, 3), zipSync));  // 4 images, 3 labels
    refused(escribirNpz(x.subarray(0, 784 * 4 - 28), Uint8Array.of(1, 2, 3, 4), zipSync));  // not 28 x 28
    refused(escribirNpz(x, Uint8Array.of(1, 2, 3, 12), zipSync));  // a label above 9
    const good = unzipSync(escribirNpz(x, y, zipSync));
    const floats = good['x.npy'].slice();
    floats.set(new TextEncoder().encode("{'descr': '<f4'"), 10);
    refused(zipSync({ 'x.npy': floats, 'y.npy': good['y.npy'] }));
    // A well-formed set of no drawings (a class that has sent none yet) is told apart.
    assert.throws(() => leerNpz(escribirNpz(new Uint8Array(0), new Uint8Array(0), zipSync), unzipSync), (e) => e.code === 'npz' && e.vacio === true);
    assert.throws(() => leerNpz(escribirNpz(x, y.subarray(0, 3), zipSync), unzipSync), (e) => e.vacio === false);
  });
});
