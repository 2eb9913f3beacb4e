// log.mjs: --log prints one line per response ("log: GET /path 200 1234 br"), which the tests
// and bench/carga.mjs count bytes with. Only the method and the URL: the teacher's key travels
// in a header, never in a URL, so it never reaches a log line.

export function createLog(enabled) {
  const socketBytes = new WeakMap();
  return {
    enabled,
    /** At a request's start: the socket's byte count, to tell this response's bytes apart. */
    begin(req) {
      if (enabled) socketBytes.set(req, req.socket.bytesWritten);
    },
    record(req, status, coding) {
      if (!enabled) return;
      const sent = req.socket.bytesWritten - (socketBytes.get(req) ?? 0);
      console.log(`log: ${req.method} ${req.url} ${status} ${sent} ${coding ?? '-'}`);
    },
  };
}
