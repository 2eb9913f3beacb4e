// codigos.test.mjs: every error code the engine (errc in error.h) or the worker and client
// (protocolo.js's ERROR_CODES) can send has its Spanish sentence in textos.js, so the page
// never shows a bare code. Plain Node: no browser needed.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { it } from 'node:test';
import { ERROR_CODES } from '../../web/js/protocolo.js';
import { errores } from '../../web/js/textos.js';

it('every error code has a Spanish message', async () => {
  const header = await readFile(new URL('../../core/include/convaula/error.h', import.meta.url), 'utf8');
  const engine = [...header.matchAll(/inline constexpr const char\* (\w+) = "(\w+)";/g)].map(([, name, code]) => {
    assert.equal(name, code, `errc::${name} is sent as "${code}"`);
    return code;
  });
  assert.ok(engine.length >= 16, `found ${engine.length} codes in error.h`);
  const missing = [...engine, ...ERROR_CODES].filter((code) => typeof errores[code] !== 'string');
  assert.deepEqual(missing, []);
});
