// idle-wait.test.mjs: web/js/leccion/kit/reposo.js under Node with a fake clock (node:test's
// mock timers): work that waits for a quiet page (a lesson section's build, uPlot, the training
// form) waits for a drawn digit's answer too, and an answer that never comes holds it 3 s, no
// longer. No browser: the module's only outside needs are timers and window events.
import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.addEventListener ??= () => {};  // the pointer listeners; no pointer is ever down here
mock.timers.enable({ apis: ['setTimeout'] });
const { cuandoLibre, esperarRespuesta } = await import('../../web/js/leccion/kit/reposo.js');

// Lets the fake clock move by `ms`, then every promise settled by it run its callbacks
// (enReposo falls back to setTimeout(…, 0) without requestIdleCallback).
async function advance(ms) {
  mock.timers.tick(ms);
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => queueMicrotask(resolve));
    mock.timers.tick(0);
  }
}

function watch(promise) {
  const state = { settled: false };
  promise.then(() => { state.settled = true; });
  return state;
}

describe('waiting for a quiet page', () => {
  test('waits while a drawn digit\'s answer is outstanding, and is free once it comes', async () => {
    let respond;
    esperarRespuesta(new Promise((resolve) => { respond = resolve; }));
    const free = watch(cuandoLibre());
    await advance(2999);
    assert.equal(free.settled, false, 'still waiting while the answer is outstanding');
    respond();
    await advance(0);
    assert.equal(free.settled, true, 'free once answered');
  });

  test('an answer that never comes holds the wait for 3 s, no longer', async () => {
    esperarRespuesta(new Promise(() => {}));
    const free = watch(cuandoLibre());
    await advance(2999);
    assert.equal(free.settled, false, 'held just under 3 s');
    await advance(1);
    assert.equal(free.settled, true, 'free at 3 s');
  });

  test('with nothing outstanding it is free at once', async () => {
    const free = watch(cuandoLibre());
    await advance(0);
    assert.equal(free.settled, true);
  });
});
