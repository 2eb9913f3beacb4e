// http.mjs: scripts/serve.mjs started on a free loopback port, and raw requests to 127.0.0.1.
// Shared by the server tests (serve.test.mjs, hosts.test.mjs), the browser suites (through
// harness.mjs) and the benches; it imports nothing of Playwright or node:test.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const SERVE = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));

/**
 * Starts serve.mjs (PORT=0: a free port); resolves {url, port, out(), child, close()} once it
 * prints its URL. `args` are more options (--root DIR, --log: out() then has one "log:" line
 * per response); `isolation: false` adds --no-isolation; uid/gid run it as another user;
 * `port` a fixed port (a restart on the same address).
 */
export function startServer({ isolation = true, args = [], uid, gid, port = 0 } = {}) {
  const argv = [SERVE, ...(isolation ? [] : ['--no-isolation']), ...args];
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, PORT: String(port), CLASS: '' }, stdio: ['ignore', 'pipe', 'pipe'], uid, gid,
  });
  let out = '';
  return new Promise((resolve, reject) => {
    let started = false;
    const read = (chunk) => {
      out += chunk;
      const m = out.match(/ConvAula: (http:\/\/127\.0\.0\.1:(\d+)\/)/);
      if (m && !started) {
        started = true;
        resolve({ url: m[1], port: Number(m[2]), out: () => out, child, close: () => child.kill() });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (chunk) => { out += chunk; process.stderr.write(chunk); });
    child.on('exit', (code) => { if (!started) reject(new Error(`serve.mjs exited with ${code}: ${out}`)); });
  });
}

/** One raw request to 127.0.0.1 (the path is sent as is); resolves {status, headers, body}. */
export function get(port, path, { method = 'GET', headers = {}, onResponse } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      onResponse?.(res);
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
