// accessibility.test.mjs: WCAG 2.1 AA in Debian's Chromium. axe-core (npm) audits every
// section in every state a class reaches (opened, training, the notebook run, a Práctica
// experiment, questions answered, errors shown, projector mode, a phone with touch, the offline
// notice) and prints "state: rule count…"; the keyboard alone walks the lesson; canvases and live
// regions speak with numbers; reduced motion stops every animation; the colour scales' numbers
// stay readable. Screenshots go to build/artifacts/accessibility/ (gitignored).
import { describe, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { axeAudit, axeSummary } from './axe.mjs';
import { setUpRun } from './acts.mjs';
import { IDLE, READY, openPage, useApp, waitState } from './harness.mjs';
import { crearAnuncio } from '../../web/js/leccion/kit/anuncio.js';
import { divergente, gris, luminancia } from '../../web/js/leccion/kit/lienzo.js';

const app = useApp('accessibility');
const SECTIONS = ['imagenes', 'convolucion', 'capas-convolutivas', 'mnist', 'maxpooling', 'dropout', 'relu',
  'entrenar', 'aprendido', 'practica', 'ensena'];
// Rules switched off, each with the reason why (none today).
const RULES_OFF = {};

/** Opens the app (hooks: globalThis.convaulaPruebas before it loads) and waits for the engine. */
async function openWith({ width = 1366, height = 900, hooks, contextOptions } = {}) {
  if (!contextOptions) {
    const opened = await app.openApp({ width, height });
    if (!hooks) return opened;
    await opened.context.addInitScript((p) => { globalThis.convaulaPruebas = p; }, hooks);
    await opened.page.reload();
    await opened.page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
    return opened;
  }
  const context = await app.browser.newContext(contextOptions);
  await context.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());  // loopback only
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(app.server.url);
  await page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
  return { page, context, errors };
}

// Every section scrolled into view once and built (its widgets start near the screen).
async function visitAll(page, sectionIds = SECTIONS) {
  for (const id of sectionIds) {
    await page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
    await page.waitForSelector(`#${id}[data-ready="true"]`, { timeout: 60_000, state: 'attached' });
  }
}

// The audit of one state: printed as "axe <state>: rule count, …" with the first offenders.
async function audit(page, stateName) {
  const v = await axeAudit(page, RULES_OFF);
  console.log(`axe ${stateName}: ${axeSummary(v)}`);
  for (const r of v) console.log(`  ${r.id} (${r.impact}) ${r.count}: ${r.targets.join(' | ')}`);
  return { stateName, v };
}
const noViolations = (reports) => assert.deepEqual(reports.filter((i) => i.v.length).map((i) => `${i.stateName}: ${axeSummary(i.v)}`), []);

const closeApp = (o) => o.context.close();
// The page's console errors, less those axe causes itself: its colour-contrast rule applies
// inline styles, which the page's CSP (style-src 'self') refuses, as it should. The page's own
// clean console is the page suite's test.
const ownErrors = (o) => o.errors.filter((e) => !/^Applying inline style violates/.test(e));

describe('axe-core: WCAG 2.0/2.1 A and AA, 0 violations in every state', () => {
  test('opened, questions answered wrong and right, errors shown, projector mode', async () => {
    const o = await openWith();
    const { page } = o;
    try {
      await visitAll(page);
      const reports = [await audit(page, 'opened, every section seen')];

      // A question answered: every option in turn, so both verdicts show.
      const question = page.getByTestId('question-uniform');
      await question.scrollIntoViewIfNeeded();
      const seen = new Set();
      for (let i = 0; i < await question.locator('input[type="radio"]').count() && seen.size < 2; i++) {
        await page.getByTestId(`question-uniform-option-${i}`).check();
        await page.getByTestId('question-uniform-check').click();
        const verdict = page.getByTestId('question-uniform-verdict');
        await verdict.waitFor();
        const right = await verdict.getAttribute('data-correcta');
        if (seen.has(right)) continue;
        seen.add(right);
        reports.push(await audit(page, `question answered ${right === 'true' ? 'right' : 'wrong'}`));
      }
      assert.equal(seen.size, 2, 'both verdicts were seen');

      // Errors shown (invalid training fields), and a section's drawing pad open in place.
      await page.locator('#tasa').fill('abc');
      await page.locator('#epocas').fill('0');
      await page.getByTestId('train-start').click();
      await page.locator('#tasa-error:not([hidden])').waitFor();
      await page.getByTestId('convolution-drawing').click();
      await page.getByTestId('convolution-canvas').waitFor();
      reports.push(await audit(page, 'errors shown, a drawing pad open'));

      await page.locator('#boton-proyector').click();
      await page.setViewportSize({ width: 1920, height: 1080 });
      await visitAll(page);
      reports.push(await audit(page, 'projector mode 1920x1080'));
      await page.locator('#entrenar').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
      await page.screenshot({ path: `${app.artifacts}proyector-entrenar.png` });
      await page.locator('#convolucion').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
      await page.screenshot({ path: `${app.artifacts}proyector-convolucion.png` });
      noViolations(reports);
      assert.deepEqual(ownErrors(o), []);
    } finally {
      await closeApp(o);
    }
  });

  test('training panel: during and after a run', async () => {
    const o = await openWith();
    const { page } = o;
    try {
      await visitAll(page, ['entrenar']);
      await setUpRun(page, { images: 'smallest', epochs: 1 });
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.batch) >= 5,
        null, { timeout: 60_000 });
      const reports = [await audit(page, 'training')];
      await waitState(page, ['done', 'idle'], 300_000);
      await visitAll(page, ['aprendido']);
      reports.push(await audit(page, 'after training'));
      noViolations(reports);
    } finally {
      await closeApp(o);
    }
  });

  test('the notebook run and a Práctica experiment', async () => {
    const o = await openWith({ hooks: {
      cuaderno: { epochs: 1, trainLimit: 320, valLimit: 200, testLimit: 200 },
      practica: { trainLimit: 256, valLimit: 256 },
    } });
    const { page } = o;
    try {
      await visitAll(page, ['entrenar']);
      await page.getByTestId('notebook-run').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="notebook-status"]').dataset.state === 'done',
        null, { timeout: 300_000 });
      const reports = [await audit(page, 'notebook run done')];
      await visitAll(page, ['practica']);
      await page.getByTestId('practice-base').selectOption('classroom');
      await page.getByTestId('practice-run').click();
      await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('[data-testid="practice-status"]').dataset.state)
        && Number(document.querySelector('[data-testid="practice-status"]').dataset.runs) >= 1, null, { timeout: 300_000 });
      reports.push(await audit(page, 'practica experiment done'));
      noViolations(reports);
    } finally {
      await closeApp(o);
    }
  });

  test('a phone with touch, and the offline notice', async () => {
    const o = await openWith({ contextOptions: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 } });
    const { page, context } = o;
    try {
      await visitAll(page);
      const reports = [await audit(page, 'phone 390x844 touch')];
      // Projector mode's large type on a phone: wide tables scroll inside their own boxes.
      await page.locator('#boton-proyector').click();
      reports.push(await audit(page, 'phone 390x844 in projector mode'));
      await page.waitForSelector('[data-testid="offline-status"][data-state="lista"]', { timeout: READY });
      await context.setOffline(true);
      await page.waitForSelector('[data-testid="offline-status"][data-state="desconectado"]');
      reports.push(await audit(page, 'offline notice'));
      noViolations(reports);
    } finally {
      await closeApp(o);
    }
  });
});

// ---- keyboard only ----------------------------------------------------------------------

// Numbers every control a keyboard user must reach (rendered, enabled; one radio per group)
// in document order, as data-kbd; the walk compares what Tab reaches with this list.
const listControls = (page) => page.evaluate(() => {
  const seen = new Set();
  const controls = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
    .filter((el) => !el.disabled && !el.closest('[inert], [hidden]') && el.getClientRects().length > 0
      && getComputedStyle(el).visibility !== 'hidden' && (el.matches('a, button, input, select, textarea, summary') || el.tabIndex >= 0))
    .filter((el) => {
      if (el.type !== 'radio') return true;
      if (seen.has(el.name)) return false;
      seen.add(el.name);
      return true;
    });
  controls.forEach((el, i) => { el.dataset.kbd = String(i); });
  return controls.map((el) => el.dataset.testid || el.id || el.textContent.trim().slice(0, 30));
});

// What has the focus: its number, whether it shows a ring (its own, or its label's for the
// visually hidden file inputs), and where it is.
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const ringed = el.matches('.archivo-oculto') ? el.nextElementSibling : el;
  const s = getComputedStyle(ringed);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
  return { kbd: el.dataset.kbd, visible: el.matches(':focus-visible') && ring, controlName: el.dataset.testid || el.id || el.tagName };
});

describe('keyboard only', () => {
  test('Tab reaches every control in reading order with a visible ring, no trap; the drawing pad draws from the keyboard', async () => {
    const o = await openWith();
    const { page } = o;
    try {
      await visitAll(page);
      const controls = await listControls(page);
      await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo({ top: 0, behavior: 'instant' }); });
      const reached = [], sinAnillo = [];
      for (let i = 0; i < controls.length + 20; i++) {
        await page.keyboard.press('Tab');
        const f = await focused(page);
        if (!f) break;  // past the last control: focus leaves the page, so nothing traps it
        reached.push(Number(f.kbd));
        if (!f.visible) sinAnillo.push(f.controlName);
        if (i === 0) await page.screenshot({ path: `${app.artifacts}foco-saltar.png` });
      }
      const missed = controls.filter((_, i) => !reached.includes(i));
      assert.deepEqual(missed, [], 'every control is reached by Tab');
      assert.deepEqual(reached, controls.map((_, i) => i), 'once each, in document (reading) order, then out of the page');
      assert.deepEqual(sinAnillo, [], 'every focused control shows its ring');

      // The drawing pad without a pointer: Tab to the example digit, choose a 7, draw it.
      await page.getByTestId('draw-clear').focus();
      while ((await focused(page)).controlName !== 'draw-example') await page.keyboard.press('Tab');
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowUp');
      assert.equal(await page.getByTestId('draw-example').inputValue(), '8');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Tab');
      await page.locator('.panel-dibujo').screenshot({ path: `${app.artifacts}foco-dibujar.png` });
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => /después/.test(document.querySelector('#dibujo-anuncio').textContent), null, { timeout: 30_000 });
      assert.equal(await page.getByTestId('prediction').textContent(), '7');
      assert.match(await page.locator('#dibujo-anuncio').textContent(),
        /^La red cree que es un 7, con una probabilidad del [\d,]+\s%; después, el \d \([\d,]+\s%\) y el \d \([\d,]+\s%\)\.$/);
      assert.deepEqual(ownErrors(o), []);
    } finally {
      await closeApp(o);
    }
  });
});

// ---- screen readers, motion, colour -------------------------------------------------------

// Every canvas a reader meets, with what speaks for it (itself, or the image that holds it, as
// for the charts): that one's role and accessible name (aria-label or aria-labelledby).
const canvases = (page) => page.evaluate(() => [...document.querySelectorAll('canvas')]
  .filter((c) => c.getClientRects().length && !c.closest('[aria-hidden="true"], [hidden]'))
  .map((c) => {
    const p = c.closest('[role="img"], [role="application"]') ?? c;
    return {
      donde: p.dataset.testid || p.id || `${p.closest('section')?.id} ${p.className}`,
      role: p.getAttribute('role'),
      controlName: p.getAttribute('aria-label') ?? (p.getAttribute('aria-labelledby') ?? '').split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '').join(' '),
    };
  }));

describe('screen readers', () => {
  test('every canvas is an image named with its numbers; training progress is told politely', async () => {
    const o = await openWith();
    const { page } = o;
    try {
      await visitAll(page);
      await page.getByTestId('draw-example').selectOption('3');
      await page.getByTestId('draw-example-apply').click();
      await page.waitForFunction(() => /después/.test(document.querySelector('#dibujo-anuncio').textContent), null, { timeout: 30_000 });
      // Named with their numbers, or (charts before any data) saying there are none yet.
      const silent = (await canvases(page)).filter((c) => !['img', 'application'].includes(c.role) || !/\d|Todavía sin datos/.test(c.controlName));
      assert.deepEqual(silent, [], 'canvases without an image role or without numbers in their name');
      assert.match(await page.getByTestId('draw-canvas').getAttribute('aria-label'), /es un \d, con una probabilidad del .*después, el \d .* y el \d/);

      // Training progress goes to a polite region (few updates: see the throttle's own test).
      const region = page.getByTestId('train-announce');
      assert.equal(await region.getAttribute('aria-live'), 'polite');
      await setUpRun(page, { images: 'smallest', epochs: 1 });
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => /^Época 1 de 1 · lote \d+ de \d+; exactitud \d+\s%\.$/
        .test(document.querySelector('[data-testid="train-announce"]').textContent), null, { timeout: 60_000 });
      await waitState(page, ['done', 'idle'], 300_000);
      assert.match(await region.textContent(), /^Época 1 de 1 · lote (\d+) de \1 · [\d.]+ imágenes\/s$/, 'the end is told at once');
      assert.deepEqual(ownErrors(o), []);
    } finally {
      await closeApp(o);
    }
  });

  test('a live region speaks at most once every few seconds, always the latest news', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 100_000 });
    try {
      const nodo = { textContent: '', setAttribute(k, v) { this[k] = v; } };
      const say = crearAnuncio(nodo, 5000);
      assert.equal(nodo['aria-live'], 'polite');
      say('lote 1');
      assert.equal(nodo.textContent, 'lote 1', 'the first news is told at once');
      mock.timers.tick(1000);
      say('lote 2');
      say('lote 3');
      assert.equal(nodo.textContent, 'lote 1', 'then the region waits');
      mock.timers.tick(3999);
      assert.equal(nodo.textContent, 'lote 1');
      mock.timers.tick(1);
      assert.equal(nodo.textContent, 'lote 3', 'five seconds after the last, the latest news');
      say('lote 4');
      say('fin', { ya: true });
      assert.equal(nodo.textContent, 'fin', 'an end is told at once');
      mock.timers.tick(10_000);
      assert.equal(nodo.textContent, 'fin', 'and what waited is dropped');
    } finally {
      mock.timers.reset();
    }
  });
});

describe('motion and colour', () => {
  test('with reduced motion, a link lands at once and nothing animates', async () => {
    const o = await openWith({ contextOptions: { viewport: { width: 1366, height: 900 }, reducedMotion: 'reduce' } });
    const { page } = o;
    try {
      assert.equal(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches), true);
      await page.locator('nav a[href="#relu"]').click();
      // No smooth scroll: the section is at the top in the same task as the click's scroll.
      assert.ok(Math.abs(await page.locator('#relu').evaluate((el) => el.getBoundingClientRect().top)) < 80);
      await page.waitForSelector('#relu[data-ready="true"]', { timeout: 60_000, state: 'attached' });
      await page.getByTestId('relu-layers').focus();
      await page.keyboard.press('ArrowRight');
      assert.deepEqual(await page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running')
        .map((a) => a.effect?.target?.className ?? String(a))), []);
    } finally {
      await closeApp(o);
    }
  });

  test('the colour scales write their numbers at 4.5:1 or more on every cell', () => {
    const contrast = (a, b) => {
      const [x, y] = [luminancia(a), luminancia(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const rgb = (css) => css.match(/\d+/g).map(Number);
    const ink = (t) => (t === '#000' ? [0, 0, 0] : [255, 255, 255]);
    const worst = [];
    for (let i = -200; i <= 200; i++) {
      for (const { fondo, tinta: t } of [gris((i + 200) / 400), divergente(i / 200, 1)]) {
        const c = contrast(rgb(fondo), ink(t));
        if (c < 4.5) worst.push(`${fondo} ${t} ${c.toFixed(2)}`);
      }
    }
    assert.deepEqual(worst, []);
  });
});
