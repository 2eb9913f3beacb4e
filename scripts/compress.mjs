#!/usr/bin/env node
// compress.mjs: writes x.br (brotli, quality 11) and x.gz (gzip -9) beside each compressible file
// of web/dist, for scripts/serve.mjs (or nginx's gzip_static / brotli_static) to send with
// Content-Encoding. Node's zlib makes both: no other tool needed. A copy that saves less than
// 5 % is not written. sw.js is left out: precache.mjs stamps it afterwards. data/*.gz are already compressed and are not touched. Brotli at quality
// 11 takes seconds for the engines and weights, so results are kept in CACHE (by the SHA-256
// of the input) and a rebuild only compresses what changed.
//
//   node scripts/compress.mjs [DIST] [CACHE] [--only FILE]   (run by scripts/build-web.sh;
//   CACHE = build/web-compress; --only sw.js once precache.mjs has stamped it)
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';

const dist = process.argv[2] ?? 'web/dist';
const cache = process.argv[3] ?? 'build/web-compress';
const only = process.argv.includes('--only') ? join(dist, process.argv[process.argv.indexOf('--only') + 1]) : null;
const COMPRESSIBLE = /\.(html|js|mjs|css|json|svg|wasm|cvw|txt)$/;
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (only ? full === only : COMPRESSIBLE.test(entry.name) && full !== join(dist, 'sw.js')) yield full;
  }
}

async function cached(path, make) {
  const kept = await readFile(path).catch(() => null);
  if (kept) return kept;
  const made = await make();
  await writeFile(path, made);
  return made;
}

await mkdir(cache, { recursive: true });
let before = 0, after = 0;
const jobs = [];
for await (const file of walk(dist)) {
  jobs.push((async () => {
    const bytes = await readFile(file);
    const key = join(cache, createHash('sha256').update(bytes).digest('hex'));
    const br = await cached(`${key}.br`, () => brotli(bytes, { params: {
      [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
    const gzipped = await cached(`${key}.gz`, () => gz(bytes, { level: 9 }));
    before += bytes.length;
    after += Math.min(bytes.length, br.length);
    if (br.length < 0.95 * bytes.length) await writeFile(`${file}.br`, br);
    if (gzipped.length < 0.95 * bytes.length) await writeFile(`${file}.gz`, gzipped);
  })());
}
await Promise.all(jobs);
console.log(`compress: ${jobs.length} files, ${(before / 1e6).toFixed(1)} MB -> ${(after / 1e6).toFixed(1)} MB with brotli`);
