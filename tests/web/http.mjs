// http.mjs: helpers of the server tests (serve.test.mjs, hosts.test.mjs): scripts/serve.mjs
// started on a free loopback port, and raw requests to 127.0.0.1.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const SERVE = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));

/** Starts serve.mjs with `args`; resolves {port, out(), close()} once it prints its URL. */
export function serve(args, { uid, gid } = {}) {
  const child = spawn(process.execPath, [SERVE, ...args], {
    env: { ...process.env, PORT: '0', CLASS: '' }, stdio: ['ignore', 'pipe', 'pipe'], uid, gid,
  });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      const m = out.match(/ConvAula: http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearInterval(check);
        resolve({ port: Number(m[1]), out: () => out, child, close: () => child.kill() });
      }
    }, 20);
    child.on('exit', (code) => { clearInterval(check); reject(new Error(`serve.mjs exited with ${code}: ${out}`)); });
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

