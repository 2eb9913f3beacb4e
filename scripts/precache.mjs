#!/usr/bin/env node
// precache.mjs: stamps web/dist/sw.js with this build's files, their SHA-256, the light set to
// store at install, and a version that is the hash of them all (web/sw.js explains why).
//
//   node scripts/precache.mjs [DIST]        (run by scripts/build-web.sh; DIST = web/dist)
//
// sw.js ships with `const VERSION = 'dev';`, `const FILES = {};` and `const PRECACHE = [];`;
// each is one line, replaced here (again on a stamped file, so a rebuilt file can be restamped).
// Left out: x.br / x.gz beside x (the server's precompressed copies of x), and KaTeX's .ttf/.woff
// (every browser that runs the engine reads .woff2). Not in the light set, stored by the
// service worker when first fetched: the wasm engines (a browser runs one of the three) and MNIST
// (fetched when a section or training needs it) but for its test-set sample, which every page
// opens with, and fflate (zip for «Enséñale a la red»'s .npz files, fetched when a student first
// imports or exports one: most visits never do). KaTeX's .woff2 fonts (260 kB) are in the light set: later sections' formulas need
// fonts the first ones do not, also offline.
import { createHash } from 'node:crypto';
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

const dist = process.argv[2] ?? 'web/dist';
const SW = 'sw.js';
const LATER = /^(wasm\/|data\/(?!test-sample-)|vendor\/fflate\/)/;
const exists = (path) => access(join(dist, path)).then(() => true, () => false);

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield relative(dist, full).split(sep).join('/');
  }
}

async function skip(path) {
  if (path === SW || /\.(ttf|woff)$/.test(path)) return true;
  const m = path.match(/^(.*)\.(br|gz)$/);
  return Boolean(m) && exists(m[1]);
}

const files = {};
const paths = [];
for await (const path of walk(dist)) if (!(await skip(path))) paths.push(path);
paths.sort();
const whole = createHash('sha256');
for (const path of paths) {
  const bytes = await readFile(join(dist, path));
  files[path] = createHash('sha256').update(bytes).digest('hex');
  whole.update(`${path}\0${files[path]}\0`);
}
const version = whole.digest('hex').slice(0, 12);
const precache = paths.filter((p) => !LATER.test(p));

const swPath = join(dist, SW);
const source = await readFile(swPath, 'utf8');
const lines = {
  VERSION: `const VERSION = '${version}';`,
  FILES: `const FILES = ${JSON.stringify(files)};`,
  PRECACHE: `const PRECACHE = ${JSON.stringify(precache)};`,
};
let stamped = source;
for (const [name, line] of Object.entries(lines)) {
  const re = new RegExp(`^const ${name} = .*;$`, 'm');
  if (!re.test(stamped)) throw new Error(`precache: ${swPath} has no ${name} line to stamp`);
  stamped = stamped.replace(re, () => line);
}
await writeFile(swPath, stamped);
console.log(`precache: ${paths.length} files (${precache.length} stored at install), version ${version}`);
