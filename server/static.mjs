// static.mjs: the files of web/dist (or --root). Nothing outside the root is served (symlinks
// are resolved and checked); a bad URL is a 400, an unreadable or vanishing file (a request
// during build-web.sh's rm/cp) a 403/404, a server out of file descriptors a 503 (the page
// then retries later, not at once), and a stream that fails halfway is closed without taking
// the server down. ETag/Last-Modified with Cache-Control: no-cache make the browser's and the
// service worker's revalidation a 304. x.br / x.gz beside x (made by scripts/compress.mjs) are
// sent with Content-Encoding when the browser accepts them. data/*.gz have no x beside them:
// they go out as opaque bytes, which the worker inflates itself with DecompressionStream.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { HttpError } from './headers.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.gz': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// Preferred first; a q=0 in Accept-Encoding refuses that coding.
const CODINGS = [['br', '.br'], ['gzip', '.gz']];
function accepted(header = '') {
  const ok = new Set();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) ok.add(name);
  }
  return ok;
}

// Out of file descriptors (or the system's file table full): the file exists, come back later.
const exhausted = (err) => err.code === 'EMFILE' || err.code === 'ENFILE';
const busy = () => new HttpError(503);

function notModified(req, etag, mtime) {
  const inm = req.headers['if-none-match'];
  if (inm) return inm.split(',').map((t) => t.trim().replace(/^W\//, '')).some((t) => t === etag || t === '*');
  const ims = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(ims) && Math.floor(mtime.getTime() / 1000) <= Math.floor(ims / 1000);
}

/**
 * The handler of GET/HEAD for files under `root`: async (req, res), rejecting with an
 * HttpError (or another error: a 500) before any header is sent.
 */
export function createStatic({ root, security, fail, log }) {
  /** The request's path as a file under root, or an HttpError (400 bad URL, 404 hidden file). */
  function fileOf(url) {
    let path;
    try {
      path = decodeURIComponent(new URL(url, 'http://x').pathname);
    } catch {
      throw new HttpError(400);
    }
    if (path.includes('\0')) throw new HttpError(400);
    const parts = path.split('/').filter(Boolean);
    if (parts.some((p) => p === '..')) throw new HttpError(400);
    if (parts.some((p) => p.startsWith('.'))) throw new HttpError(404);
    return { file: join(root, ...parts), dir: path.endsWith('/') || parts.length === 0 };
  }

  // Opens `file` if it really lies inside root (after every symlink) and is a regular file.
  // The handle is stat'ed, not the path, so a file replaced meanwhile cannot mix sizes.
  async function openInside(file) {
    let real;
    try {
      real = await realpath(file);
    } catch (err) {
      if (exhausted(err)) throw busy();
      return null;
    }
    const realRoot = await realpath(root).catch((err) => { throw exhausted(err) ? busy() : err; });
    if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new HttpError(403);
    let handle;
    try {
      handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      if (err.code === 'EACCES' || err.code === 'EPERM') throw new HttpError(403);
      if (exhausted(err)) throw busy();
      return null;
    }
    const info = await handle.stat();
    if (info.isFile()) return { handle, info };
    await handle.close();
    return info.isDirectory() ? { directory: true } : null;
  }

  // The representation to send: a precompressed sibling if accepted, else the file itself.
  async function choose(file, acceptEncoding) {
    const ok = accepted(acceptEncoding);
    let variants = false;
    for (const [coding, suffix] of CODINGS) {
      const found = await openInside(file + suffix).catch((err) => {
        if (err.status === 503) throw err;
        return null;
      });
      if (!found?.handle) continue;
      variants = true;
      if (ok.has(coding)) return { ...found, coding, variants };
      await found.handle.close();
    }
    const plain = await openInside(file);
    return plain && { ...plain, variants };
  }

  return async function serveFile(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, { Allow: 'GET, HEAD' });
    let { file, dir } = fileOf(req.url);
    let found = dir ? { directory: true } : await choose(file, req.headers['accept-encoding']);
    if (found?.directory) {
      file = join(file, 'index.html');
      found = await choose(file, req.headers['accept-encoding']);
    }
    if (!found?.handle) return fail(res, 404);
    const { handle: fh, info, coding, variants } = found;
    const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}${coding ? `-${coding}` : ''}"`;
    const headers = {
      ...security,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Last-Modified': info.mtime.toUTCString(),
      ...(variants && { Vary: 'Accept-Encoding' }),
      ...(coding && { 'Content-Encoding': coding }),
    };
    if (notModified(req, etag, info.mtime)) {
      await fh.close();
      res.writeHead(304, headers).end();
      return log.record(req, 304, coding);
    }
    res.writeHead(200, { ...headers, 'Content-Length': info.size });
    if (req.method === 'HEAD' || info.size === 0) {
      await fh.close();
      res.end();
      return log.record(req, 200, coding);
    }
    // pipeline closes the file and destroys the response on any error on either side (a file
    // truncated halfway, a client gone): the browser sees a cut response, the server goes on.
    // A file truncated meanwhile ends early: the connection is closed so the client cannot
    // take the short body for the whole file.
    const stream = fh.createReadStream({ end: info.size - 1 });
    pipeline(stream, res, (err) => {
      if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') console.error(`serve: ${req.url}: ${err.message}`);
      const cut = err || stream.bytesRead < info.size;
      if (cut) res.destroy();
      log.record(req, cut ? 'cut' : 200, coding);
    });
  };
}
