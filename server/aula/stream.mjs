// stream.mjs: the teacher's live view as server-sent events. Each change (an answer, a join,
// a reveal) sends the whole summary once the current burst of requests is handled; a
// comment line every 15 s keeps the connection open through proxies and idle timeouts.
import { ApiError } from './requests.mjs';

export function createHub({ max, snapshot, headers }) {
  const clients = new Set();
  let pending = false;
  const send = (res, data) => res.write(`event: aula\ndata: ${JSON.stringify(data)}\n\n`);
  const beat = setInterval(() => { for (const res of clients) res.write(': latido\n\n'); }, 15_000);
  beat.unref();
  return {
    count: () => clients.size,
    open(req, res) {
      if (clients.size >= max) throw new ApiError(503, 'demasiados_flujos', `at most ${max} live views`, { 'Retry-After': '10' });
      req.socket.setTimeout(0);
      res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
      clients.add(res);
      res.on('close', () => clients.delete(res));
      send(res, snapshot());
    },
    changed() {
      if (pending || clients.size === 0) return;
      pending = true;
      setImmediate(() => {
        pending = false;
        const data = snapshot();
        for (const res of clients) send(res, data);
      });
    },
    close() {
      clearInterval(beat);
      for (const res of clients) res.end();
    },
  };
}
