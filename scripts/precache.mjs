#!/usr/bin/env node
// precache.mjs: stamps web/dist/sw.js with the list of files to keep offline and a version
// that is the hash of their bytes, so any rebuilt file makes the browser install a new cache.
//
//   node scripts/precache.mjs [DIST]        (run by scripts/build-web.sh; DIST = web/dist)
//
// sw.js ships with `const VERSION = 'dev';` and `const FILES = [];`; both lines are replaced.
// KaTeX's .ttf/.woff fonts are left out: every browser that runs the engine reads .woff2.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

const dist = process.argv[2] ?? 'web/dist';
const SW = 'sw.js';
const skip = (path) => path === SW || /\.(ttf|woff)$/.test(path);

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield relative(dist, full).split(sep).join('/');
  }
}

const files = [];
for await (const path of walk(dist)) if (!skip(path)) files.push(path);
files.sort();

const hash = createHash('sha256');
for (const path of files) hash.update(`${path}\0`).update(await readFile(join(dist, path)));
const version = hash.digest('hex').slice(0, 12);

// './' is the page itself as the browser asks for it; the rest are relative to sw.js.
const list = ['./', ...files];
const swPath = join(dist, SW);
const source = await readFile(swPath, 'utf8');
const stamped = source
  .replace(/^const VERSION = '[^']*';/m, `const VERSION = '${version}';`)
  .replace(/^const FILES = \[\];/m, `const FILES = ${JSON.stringify(list)};`);
if (stamped === source) throw new Error(`precache: ${swPath} has no VERSION/FILES lines to stamp`);
await writeFile(swPath, stamped);
console.log(`precache: ${list.length} files, version ${version}`);
