// acts.mjs: what a student does on the page, one helper per act, shared by the browser suites
// and the benches: draw a digit with the mouse (and read its answer), visit a lesson section,
// hide the tab, set up a run in the training panel. Strokes are lists of [x, y] fractions of the drawing canvas (x right, y down).
import assert from 'node:assert/strict';

/** A 7 in one stroke. */
export const SEVEN = [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]];
/** A 1 in one stroke. */
export const ONE = [[[0.5, 0.15], [0.5, 0.85]]];

// The drawing canvas's box, centred on screen, in one evaluate() that waits for the load event
// if it has not fired yet: a bench's goto() waits for 'commit' only, and Playwright's own way
// (goto's 'load', a locator's scroll and box) costs round trips a first answer should not.
// Right after 'commit' the evaluation may still land in the blank document before the page.
async function canvasBox(page) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 10));
    const box = await page.evaluate(() => new Promise((resolve) => {
      const measure = () => {
        const canvas = document.querySelector('[data-testid="draw-canvas"]');
        if (!canvas) return resolve(null);
        canvas.scrollIntoView({ block: 'center', behavior: 'instant' });
        const r = canvas.getBoundingClientRect();
        resolve({ x: r.x, y: r.y, width: r.width, height: r.height });
      };
      if (document.readyState === 'complete') measure();
      else addEventListener('load', () => setTimeout(measure), { once: true });
    })).catch((err) => {  // the blank document went away meanwhile
      if (/context was destroyed|navigation/i.test(err.message)) return null;
      throw err;
    });
    if (box) return box;
  }
  throw new Error('the drawing canvas never appeared');
}

// The pointer moves of one stroke from `from` through `points`, each segment in `steps` moves,
// sent without waiting for each (Chromium takes them in order). The in-between points are
// computed here: Playwright's own `steps` interpolate from where the mouse is when a move is
// handled, so queued moves with steps > 1 would interleave into a zigzag.
function queuedMoves(page, from, points, steps) {
  const moves = [];
  let [x0, y0] = from;
  for (const [x, y] of points) {
    for (let k = 1; k <= steps; k++) moves.push([x0 + ((x - x0) * k) / steps, y0 + ((y - y0) * k) / steps]);
    [x0, y0] = [x, y];
  }
  return Promise.all(moves.map(([x, y]) => page.mouse.move(x, y)));
}

/**
 * Draws `strokes` with the real mouse; each segment in `steps` pointer moves (each waits for
 * the page to take it, so a busy main thread shows as a slow stroke). `onPenDown` is awaited
 * once the pen first touches the canvas. `queued`: a stroke's moves are sent one after the
 * other without waiting for each (Chromium still takes them in order, as the same mouse
 * events, only with no round trip per point): for tests that draw many digits.
 */
export async function draw(page, strokes, { steps = 4, onPenDown, queued = false } = {}) {
  const b = await canvasBox(page);
  const at = ([x, y]) => [b.x + x * b.width, b.y + y * b.height];
  for (const [i, [first, ...rest]] of strokes.entries()) {
    await page.mouse.move(...at(first));
    await page.mouse.down();
    if (i === 0) await onPenDown?.();
    if (queued) await queuedMoves(page, at(first), rest.map(at), steps);
    else for (const p of rest) await page.mouse.move(...at(p), { steps });
    await page.mouse.up();
  }
}

/** The answer for the finished drawing ({digit, probs}), once data-pending is "false" again. */
export async function answer(page, timeout = 30_000) {
  await page.waitForFunction(() => {
    const out = document.querySelector('[data-testid="prediction"]');
    return out.dataset.pending === 'false' && /^\d$/.test(out.textContent);
  }, null, { timeout });
  return readPrediction(page);
}

/** The digit shown and the ten bars, read in one page task (no answer can land in between). */
export function readPrediction(page) {
  return page.evaluate(() => ({
    text: document.querySelector('[data-testid="prediction"]').textContent,
    digit: Number(document.querySelector('[data-testid="prediction"]').textContent),
    probs: Array.from({ length: 10 }, (_, d) => Number(document.querySelector(`[data-testid="prob-${d}"]`).dataset.value)),
  }));
}

/** The answer, checked: ten probabilities summing to 1, and the digit shown is the most probable. */
export async function expectPrediction(page) {
  const { digit, probs } = await answer(page);
  const sum = probs.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-3, `probabilities sum to ${sum}`);
  assert.equal(digit, probs.indexOf(Math.max(...probs)), 'the prediction is the most probable digit');
  return { digit, probs };
}

/** Clears the canvas, draws `strokes` and resolves with the answer. */
export async function drawDigit(page, strokes, options) {
  await page.getByTestId('draw-clear').click();
  await draw(page, strokes, options);
  return answer(page);
}

/**
 * Draws the 7 (on a fresh canvas) and resolves with {digit, penDown, penUp, answer}: the
 * page's clock (ms) when the pen went down, lifted, and the answer was shown.
 */
export async function drawSeven(page) {
  let penDown;
  await draw(page, SEVEN, { steps: 6, onPenDown: async () => { penDown = await page.evaluate(() => performance.now()); } });
  const times = await page.evaluate((down) => new Promise((resolve) => {
    const penUp = performance.now();
    const out = document.querySelector('[data-testid="prediction"]');
    const look = () => {
      if (out.dataset.pending === 'false' && /^\d$/.test(out.textContent)) resolve({ penDown: down, penUp, answer: performance.now() });
      else requestAnimationFrame(look);
    };
    look();
  }), penDown);
  return { digit: Number(await page.getByTestId('prediction').textContent()), ...times };
}

// ---- handwriting: digits as pen paths, in a unit box (x right, y down) ----------------------

// Points along a closed or open ellipse arc, angles in turns (0 = right, 0.25 = down).
function arc(cx, cy, rx, ry, from, to, n = 24) {
  return Array.from({ length: n + 1 }, (_, i) => {
    const t = 2 * Math.PI * (from + ((to - from) * i) / n);
    return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)];
  });
}
// A polyline with its corners kept, densified so the mouse moves in small steps.
function line(...points) {
  const out = [points[0]];
  for (let i = 1; i < points.length; i++) {
    const [[x0, y0], [x1, y1]] = [points[i - 1], points[i]];
    const n = Math.max(2, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 0.04));
    for (let k = 1; k <= n; k++) out.push([x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n]);
  }
  return out;
}
/** Each digit 0–9 as a list of strokes, written the way people usually write it. */
export const DIGITS = [
  [arc(0.5, 0.5, 0.3, 0.45, -0.25, 0.77, 32)],
  [line([0.45, 0.12], [0.56, 0.03], [0.5, 0.97])],
  [[...arc(0.5, 0.3, 0.3, 0.25, 0.55, 1.05, 14), ...line([0.78, 0.42], [0.15, 0.95], [0.88, 0.95])]],
  [[...arc(0.48, 0.27, 0.3, 0.22, 0.6, 1.22, 16), ...arc(0.48, 0.71, 0.34, 0.26, 0.78, 1.42, 18)]],
  [line([0.55, 0.05], [0.12, 0.65], [0.88, 0.65]), line([0.66, 0.3], [0.66, 0.97])],
  [[...line([0.8, 0.05], [0.28, 0.05], [0.24, 0.45]), ...arc(0.47, 0.68, 0.33, 0.28, 0.62, 1.3, 18)]],
  [[...line([0.72, 0.04], [0.4, 0.35]), ...arc(0.5, 0.7, 0.27, 0.27, 0.6, 1.6, 24)]],
  [line([0.15, 0.08], [0.85, 0.08], [0.42, 0.97])],
  [[...arc(0.5, 0.27, 0.23, 0.22, 0.25, 1.25, 20), ...arc(0.5, 0.71, 0.28, 0.26, -0.25, 0.75, 20)]],
  [[...arc(0.47, 0.3, 0.26, 0.24, 0, 1.0, 24), ...line([0.73, 0.3], [0.7, 0.97])]],
];

/**
 * Writers' styles: where and how big the digit goes (fractions of the canvas), slant, and
 * how many times each stroke is gone over (a heavy hand).
 */
export const STYLES = {
  normal: { cx: 0.5, cy: 0.5, size: 0.62 },
  inclinado: { cx: 0.5, cy: 0.5, size: 0.6, slant: 0.35 },
  pequeno: { cx: 0.5, cy: 0.5, size: 0.24 },
  descentrado: { cx: 0.3, cy: 0.32, size: 0.42 },
  grueso: { cx: 0.5, cy: 0.5, size: 0.55, passes: [[0, 0], [0.018, 0], [-0.018, 0], [0, 0.018]] },
  fino: { cx: 0.5, cy: 0.5, size: 0.88 },
};

/** A digit's strokes placed in a writer's style. */
export function styled(strokes, { cx, cy, size, slant = 0, passes = [[0, 0]] }) {
  // Digits are about 0.7 times as wide as tall, as in MNIST.
  const place = ([x, y], [dx, dy]) => [cx + size * (0.7 * (x - 0.5) + slant * (0.5 - y)) + dx, cy + size * (y - 0.5) + dy];
  return passes.flatMap((offset) => strokes.map((s) => s.map((p) => place(p, offset))));
}
/** Digit d in the normal style, with the mouse moving point to point as a hand does. */
export const handwritten = (page, d, style = STYLES.normal) => drawDigit(page, styled(DIGITS[d], style), { steps: 1, queued: true });

// ---- the lesson and the tab -------------------------------------------------------------------

/** A data-* value of the element with test id `testid`. */
export const dataOf = (page, testid, key) => page.getByTestId(testid).evaluate((el, k) => el.dataset[k], key);
/** Waits until that data-* value is `value`. */
export const waitData = (page, testid, key, value) => page.waitForFunction(([id, k, v]) =>
  document.querySelector(`[data-testid="${id}"]`)?.dataset[k] === v, [testid, key, value], { timeout: 15_000 });

// Where neuron i of the second layer (11 wide, centred under the image's 15) is drawn.
export async function secondLayerNeuron(page, i) {
  await page.getByTestId('field-canvas').scrollIntoViewIfNeeded();
  const box = await page.getByTestId('field-canvas').boundingBox();
  const side = Number(await dataOf(page, 'field-canvas', 'lado')), label = Number(await dataOf(page, 'field-canvas', 'rotulo'));
  return [box.x + (box.width - side * 15) / 2 + (i + 2.5) * side, box.y + label + side / 2];
}


/** Scrolls to section `id` (sections build when near the screen) and waits until it is built. */
export async function visit(page, id, { ready = true } = {}) {
  await page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
  if (ready) await page.waitForSelector(`#${id}[data-ready="true"]`, { timeout: 60_000, state: 'attached' });
}

/**
 * Answers a lesson question: the radio button `option` (its index) or the text `type`, then
 * "Comprobar"; resolves with {right, engine (the engine's answer, '' while hidden), state
 * (the form's data-state: abierta, segunda after a first wrong answer, resuelta)} once it has
 * a verdict.
 */
export async function answerQuestion(page, id, { option, type }) {
  const timeout = 60_000;  // a section still being built on a busy machine
  if (option !== undefined) await page.getByTestId(`${id}-option-${option}`).check({ timeout });
  if (type !== undefined) await page.getByTestId(`${id}-answer`).fill(type, { timeout });
  await page.getByTestId(`${id}-verdict`).evaluate((el) => { el.dataset.correcta = ''; });
  await page.getByTestId(`${id}-check`).click();
  await page.waitForFunction((t) => ['true', 'false'].includes(document.querySelector(`[data-testid="${t}-verdict"]`).dataset.correcta), id);
  return page.getByTestId(id).evaluate((form, t) => ({
    right: form.querySelector(`[data-testid="${t}-verdict"]`).dataset.correcta === 'true',
    engine: form.querySelector(`[data-testid="${t}-engine"]`).textContent,
    state: form.dataset.state,
  }), id);
}

/**
 * Draws `strokes` on a lesson section's own drawing pad (data-testid `testid`), by mouse or,
 * with `touch`, as a finger (a CDP touch sequence: Chromium turns it into pointer events).
 */
export async function drawOnPad(page, testid, strokes, { touch = false } = {}) {
  const pad = page.getByTestId(testid);
  await pad.scrollIntoViewIfNeeded();
  const b = await pad.boundingBox();
  const at = ([x, y]) => [b.x + x * b.width, b.y + y * b.height];
  const cdp = touch ? await page.context().newCDPSession(page) : null;
  const finger = (type, p) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: p[0], y: p[1] }] : [] });
  for (const [first, ...rest] of strokes) {
    if (touch) {
      await finger('touchStart', at(first));
      for (const p of rest) await finger('touchMove', at(p));
      await finger('touchEnd');
      continue;
    }
    await page.mouse.move(...at(first));
    await page.mouse.down();
    await queuedMoves(page, at(first), rest.map(at), 6);
    await page.mouse.up();
  }
  await cdp?.detach();
}

/** The text of the element with data-testid `testid`. */
export const text = (page, testid) => page.getByTestId(testid).textContent();

/** Waits until the element's text matches `pattern`, and returns it. */
export async function waitText(page, testid, pattern) {
  await page.waitForFunction(([id, source, flags]) =>
    new RegExp(source, flags).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
  [testid, pattern.source, pattern.flags], { timeout: 15_000 });
  return text(page, testid);
}

/**
 * Another tab in front, and the page told it is hidden, as a browser does on a tab switch.
 * Resolves with show(), which brings the page back.
 */
export async function hideTab(page, url) {
  const other = await page.context().newPage();
  await other.goto(`${url}img/icono.svg`);
  await other.bringToFront();
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  return async () => {
    await page.evaluate(() => {
      delete document.visibilityState;
      delete document.hidden;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.bringToFront();
    await other.close();
  };
}

/** Which network answers drawings: the active-model line's data-model. */
export const activeModel = (page) => page.getByTestId('active-model').getAttribute('data-model');

// ---- networks in the engine's slots ----------------------------------------------------------

/** Asserts that two lists of probabilities agree to 1e-6. */
export function closeTo(actual, expected, what) {
  actual.forEach((x, d) => assert.ok(Math.abs(x - expected[d]) < 1e-6, `${what}: p(${d}) ${x} vs ${expected[d]}`));
}

/**
 * From now on the page keeps the last drawing it sends to the engine, so that slotAnswer() can
 * ask another slot about the very same input.
 */
export async function recordDrawings(page) {
  await page.evaluate(async () => {
    const { cliente } = await import('/js/arranque.js');
    const predict = cliente.predict;
    cliente.predict = function (input, options) {
      if (!options?.model) window.__lastDrawing = input;
      return predict.call(this, input, options);
    };
  });
}

/** The probabilities slot `model` gives for the last drawing the page sent (recordDrawings). */
export const slotAnswer = (page, model) => page.evaluate(async (m) => {
  const { cliente } = await import('/js/arranque.js');
  return Array.from((await cliente.predict(window.__lastDrawing, { model: m })).probabilities);
}, model);

/**
 * «Usar esta red» then «Deshacer» of the widget whose test ids start with `prefix`, the trained
 * network being in slot `slot`; `before`: what the page's network answered for `strokes` (SEVEN
 * unless given); `origin`: the «Red activa» line's key while it answers. The drawing answers with the trained network,
 * then with the old one again, exactly.
 */
export async function useAndUndo(page, { prefix, slot, before, origin = 'clase', strokes = SEVEN }) {
  await page.getByTestId(`${prefix}-use`).click();
  await page.waitForSelector(`[data-testid="${prefix}-use-status"][data-state="used"]`, { state: 'attached' });
  assert.equal(await activeModel(page), origin);
  const used = (await drawDigit(page, strokes)).probs;
  assert.ok(used.some((x, d) => Math.abs(x - before[d]) > 1e-6), 'the trained network answers differently');
  closeTo(used, await slotAnswer(page, slot), `the drawing answers as slot ${slot}`);

  await page.getByTestId(`${prefix}-undo`).click();
  await page.waitForSelector(`[data-testid="${prefix}-use-status"][data-state="undone"]`, { state: 'attached' });
  assert.deepEqual((await drawDigit(page, strokes)).probs, before, '«Deshacer» brings back the old network exactly');
  assert.equal(await activeModel(page), 'preentrenada');
}

/**
 * Sets up a run in the training panel ("Entrenar"): a preset, and optionally the number of
 * training images (a value of the subset list, or 'smallest') and of epochs. Does not start it.
 */
export async function setUpRun(page, { preset = 'classroom', images, epochs } = {}) {
  await page.getByTestId('preset').selectOption(preset);
  await page.waitForSelector('[data-testid="train-status"][data-state="idle"]', { state: 'attached' });
  if (images === 'smallest') await page.locator('#subconjunto').selectOption({ index: 0 });
  else if (images !== undefined) await page.selectOption('#subconjunto', String(images));
  if (epochs !== undefined) await page.fill('#epocas', String(epochs));
}
