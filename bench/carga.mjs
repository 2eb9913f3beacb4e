#!/usr/bin/env node
// carga.mjs: a bounded load test of scripts/serve.mjs on loopback: N clients (30 by default, a
// class) each fetch a whole first visit at once, 6 connections per client as a browser opens.
// Prints errors, the time of a whole visit and of one request (p50/p99), the bytes sent, and
// the server's resident memory (VmRSS now, VmHWM its peak). Figures, not a pass/fail test.
//
//   node bench/carga.mjs [--clients 30] [--root web/dist]
//
// A first visit is what the service worker stores at install (sw.js's PRECACHE), plus the
// engine a desktop browser runs (convaula-simd-mt.*; the MNIST test-set sample is in PRECACHE),
// asked for with Accept-Encoding: br, gzip as Chromium does. Only 127.0.0.1 is ever contacted.
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../tests/web/http.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const CLIENTS = Number(option('--clients', 30));
const DIST = option('--root', join(ROOT, 'web', 'dist'));

async function firstVisit() {
  const sw = await readFile(join(DIST, 'sw.js'), 'utf8');
  const precache = JSON.parse(sw.match(/^const PRECACHE = (.*);$/m)[1]);
  const files = JSON.parse(sw.match(/^const FILES = (.*);$/m)[1]);
  const later = Object.keys(files).filter((p) => /^wasm\/convaula-simd-mt\./.test(p));
  return ['', ...precache.filter((p) => p !== 'index.html'), 'sw.js', ...later];
}

function fetchOne(port, path, agent) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: `/${path}`, agent,
      headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (c) => { bytes += c.length; });
      res.on('end', () => {
        const complete = res.complete && (!res.headers['content-length'] || Number(res.headers['content-length']) === bytes);
        resolve({ ok: res.statusCode === 200 && complete, status: res.statusCode, bytes, ms: performance.now() - t0 });
      });
      res.on('error', () => resolve({ ok: false, status: 'cut', bytes, ms: performance.now() - t0 }));
    });
    req.on('error', (err) => resolve({ ok: false, status: err.code, bytes: 0, ms: performance.now() - t0 }));
    req.end();
  });
}

async function visit(port, paths) {
  const agent = new Agent({ keepAlive: true, maxSockets: 6 });
  const t0 = performance.now();
  const results = await Promise.all(paths.map((p) => fetchOne(port, p, agent)));
  agent.destroy();
  return { ms: performance.now() - t0, results };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const memory = async (pid) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(status.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
};

const paths = await firstVisit();
const { child, port } = await startServer({ args: ['--root', DIST] });
try {
  const idle = await memory(child.pid);
  const t0 = performance.now();
  const visits = await Promise.all(Array.from({ length: CLIENTS }, () => visit(port, paths)));
  const wall = performance.now() - t0;
  const mem = await memory(child.pid);
  const requests = visits.flatMap((v) => v.results);
  const errors = requests.filter((r) => !r.ok);
  const bytes = requests.reduce((a, r) => a + r.bytes, 0);
  const f = (ms) => `${ms.toFixed(0)} ms`;
  console.log(`carga: ${CLIENTS} concurrent first visits of ${paths.length} files each, loopback, ${DIST}`);
  console.log(`  errors: ${errors.length} of ${requests.length} requests${errors.length ? ` (${[...new Set(errors.map((e) => e.status))].join(', ')})` : ''}`);
  console.log(`  one visit: p50 ${f(pct(visits.map((v) => v.ms), 50))}, p99 ${f(pct(visits.map((v) => v.ms), 99))}; all ${CLIENTS}: ${f(wall)}`);
  console.log(`  one request: p50 ${f(pct(requests.map((r) => r.ms), 50))}, p99 ${f(pct(requests.map((r) => r.ms), 99))}`);
  console.log(`  sent: ${(bytes / 1e6).toFixed(1)} MB (${(bytes / CLIENTS / 1e6).toFixed(2)} MB a visit)`);
  console.log(`  server memory: RSS ${idle.rss.toFixed(0)} MB idle, ${mem.rss.toFixed(0)} MB after, peak ${mem.peak.toFixed(0)} MB`);
  process.exitCode = errors.length ? 1 : 0;
} finally {
  child.kill();
}
