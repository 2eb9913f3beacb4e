// accessibility.test.mjs: WCAG 2.1 AA in Debian's Chromium. axe-core (npm) audits every
// section in every state a class reaches (opened, training, the notebook run, a Práctica
// experiment, questions answered, errors shown, projector mode, a phone with touch, the offline
// notice) and prints "state: rule count…"; the keyboard alone walks the lesson; canvases and live
// regions speak with numbers; reduced motion stops every animation; the colour scales' numbers
// stay readable. Screenshots go to build/artifacts/accessibility/ (gitignored).
import { describe, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { auditar, resumen } from './axe.mjs';
import { IDLE, READY, openPage, useApp, waitState } from './harness.mjs';
import { crearAnuncio } from '../../web/js/leccion/kit/anuncio.js';
import { divergente, gris, luminancia } from '../../web/js/leccion/kit/lienzo.js';

const app = useApp('accessibility');
const SECCIONES = ['imagenes', 'convolucion', 'capas-convolutivas', 'mnist', 'maxpooling', 'dropout', 'relu',
  'entrenar', 'aprendido', 'practica', 'ensena'];
// Rules switched off, each with the reason why (none today).
const APAGADAS = {};

/** Opens the app (hooks: globalThis.convaulaPruebas before it loads) and waits for the engine. */
async function abrir({ width = 1366, height = 900, pruebas, contexto } = {}) {
  if (!contexto) {
    const opened = await app.openApp({ width, height });
    if (!pruebas) return opened;
    await opened.context.addInitScript((p) => { globalThis.convaulaPruebas = p; }, pruebas);
    await opened.page.reload();
    await opened.page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
    return opened;
  }
  const context = await app.browser.newContext(contexto);
  await context.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());  // loopback only
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(app.server.url);
  await page.waitForSelector(IDLE, { timeout: READY, state: 'attached' });
  return { page, context, errors };
}

// Every section scrolled into view once and built (its widgets start near the screen).
async function recorrer(page, secciones = SECCIONES) {
  for (const id of secciones) {
    await page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
    await page.waitForSelector(`#${id}[data-ready="true"]`, { timeout: 60_000, state: 'attached' });
  }
}

// The audit of one state: printed as "axe <state>: rule count, …" with the first offenders.
async function auditoria(page, estado) {
  const v = await auditar(page, APAGADAS);
  console.log(`axe ${estado}: ${resumen(v)}`);
  for (const r of v) console.log(`  ${r.id} (${r.impact}) ${r.count}: ${r.targets.join(' | ')}`);
  return { estado, v };
}
const sinFallos = (informes) => assert.deepEqual(informes.filter((i) => i.v.length).map((i) => `${i.estado}: ${resumen(i.v)}`), []);

const cerrar = (o) => o.context.close();
// The page's console errors, less those axe causes itself: its colour-contrast rule applies
// inline styles, which the page's CSP (style-src 'self') refuses, as it should. The page's own
// clean console is the page suite's test.
const erroresPropios = (o) => o.errors.filter((e) => !/^Applying inline style violates/.test(e));

describe('axe-core: WCAG 2.0/2.1 A and AA, 0 violations in every state', () => {
  test('opened, questions answered wrong and right, errors shown, projector mode', async () => {
    const o = await abrir();
    const { page } = o;
    try {
      await recorrer(page);
      const informes = [await auditoria(page, 'opened, every section seen')];

      // A question answered: every option in turn, so both verdicts show.
      const pregunta = page.getByTestId('question-uniform');
      await pregunta.scrollIntoViewIfNeeded();
      const visto = new Set();
      for (let i = 0; i < await pregunta.locator('input[type="radio"]').count() && visto.size < 2; i++) {
        await page.getByTestId(`question-uniform-option-${i}`).check();
        await page.getByTestId('question-uniform-check').click();
        const veredicto = page.getByTestId('question-uniform-verdict');
        await veredicto.waitFor();
        const correcta = await veredicto.getAttribute('data-correcta');
        if (visto.has(correcta)) continue;
        visto.add(correcta);
        informes.push(await auditoria(page, `question answered ${correcta === 'true' ? 'right' : 'wrong'}`));
      }
      assert.equal(visto.size, 2, 'both verdicts were seen');

      // Errors shown (invalid training fields), and a section's drawing pad open in place.
      await page.locator('#tasa').fill('abc');
      await page.locator('#epocas').fill('0');
      await page.getByTestId('train-start').click();
      await page.locator('#tasa-error:not([hidden])').waitFor();
      await page.getByTestId('convolution-drawing').click();
      await page.getByTestId('convolution-canvas').waitFor();
      informes.push(await auditoria(page, 'errors shown, a drawing pad open'));

      await page.locator('#boton-proyector').click();
      await page.setViewportSize({ width: 1920, height: 1080 });
      await recorrer(page);
      informes.push(await auditoria(page, 'projector mode 1920x1080'));
      await page.locator('#entrenar').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
      await page.screenshot({ path: `${app.artifacts}proyector-entrenar.png` });
      await page.locator('#convolucion').evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
      await page.screenshot({ path: `${app.artifacts}proyector-convolucion.png` });
      sinFallos(informes);
      assert.deepEqual(erroresPropios(o), []);
    } finally {
      await cerrar(o);
    }
  });

  test('training panel: during and after a run', async () => {
    const o = await abrir();
    const { page } = o;
    try {
      await recorrer(page, ['entrenar']);
      await page.getByTestId('preset').selectOption('classroom');
      await waitState(page, ['idle']);
      await page.locator('#subconjunto').selectOption({ index: 0 });
      await page.locator('#epocas').fill('1');
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.batch) >= 5,
        null, { timeout: 60_000 });
      const informes = [await auditoria(page, 'training')];
      await waitState(page, ['done', 'idle'], 300_000);
      await recorrer(page, ['aprendido']);
      informes.push(await auditoria(page, 'after training'));
      sinFallos(informes);
    } finally {
      await cerrar(o);
    }
  });

  test('the notebook run and a Práctica experiment', async () => {
    const o = await abrir({ pruebas: {
      cuaderno: { epochs: 1, trainLimit: 320, valLimit: 200, testLimit: 200 },
      practica: { trainLimit: 256, valLimit: 256 },
    } });
    const { page } = o;
    try {
      await recorrer(page, ['entrenar']);
      await page.getByTestId('notebook-run').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="notebook-status"]').dataset.state === 'done',
        null, { timeout: 300_000 });
      const informes = [await auditoria(page, 'notebook run done')];
      await recorrer(page, ['practica']);
      await page.getByTestId('practice-base').selectOption('classroom');
      await page.getByTestId('practice-run').click();
      await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('[data-testid="practice-status"]').dataset.state)
        && Number(document.querySelector('[data-testid="practice-status"]').dataset.runs) >= 1, null, { timeout: 300_000 });
      informes.push(await auditoria(page, 'practica experiment done'));
      sinFallos(informes);
    } finally {
      await cerrar(o);
    }
  });

  test('a phone with touch, and the offline notice', async () => {
    const o = await abrir({ contexto: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 } });
    const { page, context } = o;
    try {
      await recorrer(page);
      const informes = [await auditoria(page, 'phone 390x844 touch')];
      // Projector mode's large type on a phone: wide tables scroll inside their own boxes.
      await page.locator('#boton-proyector').click();
      informes.push(await auditoria(page, 'phone 390x844 in projector mode'));
      await page.waitForSelector('[data-testid="offline-status"][data-state="lista"]', { timeout: READY });
      await context.setOffline(true);
      await page.waitForSelector('[data-testid="offline-status"][data-state="desconectado"]');
      informes.push(await auditoria(page, 'offline notice'));
      sinFallos(informes);
    } finally {
      await cerrar(o);
    }
  });
});

// ---- keyboard only ----------------------------------------------------------------------

// Numbers every control a keyboard user must reach (rendered, enabled; one radio per group)
// in document order, as data-kbd; the walk compares what Tab reaches with this list.
const numerarControles = (page) => page.evaluate(() => {
  const visto = new Set();
  const controles = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
    .filter((el) => !el.disabled && !el.closest('[inert], [hidden]') && el.getClientRects().length > 0
      && getComputedStyle(el).visibility !== 'hidden' && (el.matches('a, button, input, select, textarea, summary') || el.tabIndex >= 0))
    .filter((el) => {
      if (el.type !== 'radio') return true;
      if (visto.has(el.name)) return false;
      visto.add(el.name);
      return true;
    });
  controles.forEach((el, i) => { el.dataset.kbd = String(i); });
  return controles.map((el) => el.dataset.testid || el.id || el.textContent.trim().slice(0, 30));
});

// What has the focus: its number, whether it shows a ring (its own, or its label's for the
// visually hidden file inputs), and where it is.
const foco = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const conAnillo = el.matches('.archivo-oculto') ? el.nextElementSibling : el;
  const s = getComputedStyle(conAnillo);
  const anillo = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
  return { kbd: el.dataset.kbd, visible: el.matches(':focus-visible') && anillo, nombre: el.dataset.testid || el.id || el.tagName };
});

describe('keyboard only', () => {
  test('Tab reaches every control in reading order with a visible ring, no trap; the drawing pad draws from the keyboard', async () => {
    const o = await abrir();
    const { page } = o;
    try {
      await recorrer(page);
      const controles = await numerarControles(page);
      await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo({ top: 0, behavior: 'instant' }); });
      const recorridos = [], sinAnillo = [];
      for (let i = 0; i < controles.length + 20; i++) {
        await page.keyboard.press('Tab');
        const f = await foco(page);
        if (!f) break;  // past the last control: focus leaves the page, so nothing traps it
        recorridos.push(Number(f.kbd));
        if (!f.visible) sinAnillo.push(f.nombre);
        if (i === 0) await page.screenshot({ path: `${app.artifacts}foco-saltar.png` });
      }
      const faltan = controles.filter((_, i) => !recorridos.includes(i));
      assert.deepEqual(faltan, [], 'every control is reached by Tab');
      assert.deepEqual(recorridos, controles.map((_, i) => i), 'once each, in document (reading) order, then out of the page');
      assert.deepEqual(sinAnillo, [], 'every focused control shows its ring');

      // The drawing pad without a pointer: Tab to the example digit, choose a 7, draw it.
      await page.getByTestId('draw-clear').focus();
      while ((await foco(page)).nombre !== 'draw-example') await page.keyboard.press('Tab');
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
      assert.deepEqual(erroresPropios(o), []);
    } finally {
      await cerrar(o);
    }
  });
});

// ---- screen readers, motion, colour -------------------------------------------------------

// Every canvas a reader meets, with what speaks for it (itself, or the image that holds it, as
// for the charts): that one's role and accessible name (aria-label or aria-labelledby).
const lienzos = (page) => page.evaluate(() => [...document.querySelectorAll('canvas')]
  .filter((c) => c.getClientRects().length && !c.closest('[aria-hidden="true"], [hidden]'))
  .map((c) => {
    const p = c.closest('[role="img"], [role="application"]') ?? c;
    return {
      donde: p.dataset.testid || p.id || `${p.closest('section')?.id} ${p.className}`,
      role: p.getAttribute('role'),
      nombre: p.getAttribute('aria-label') ?? (p.getAttribute('aria-labelledby') ?? '').split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '').join(' '),
    };
  }));

describe('screen readers', () => {
  test('every canvas is an image named with its numbers; training progress is told politely', async () => {
    const o = await abrir();
    const { page } = o;
    try {
      await recorrer(page);
      await page.getByTestId('draw-example').selectOption('3');
      await page.getByTestId('draw-example-apply').click();
      await page.waitForFunction(() => /después/.test(document.querySelector('#dibujo-anuncio').textContent), null, { timeout: 30_000 });
      // Named with their numbers, or (charts before any data) saying there are none yet.
      const mudos = (await lienzos(page)).filter((c) => !['img', 'application'].includes(c.role) || !/\d|Todavía sin datos/.test(c.nombre));
      assert.deepEqual(mudos, [], 'canvases without an image role or without numbers in their name');
      assert.match(await page.getByTestId('draw-canvas').getAttribute('aria-label'), /es un \d, con una probabilidad del .*después, el \d .* y el \d/);

      // Training progress goes to a polite region (few updates: see the throttle's own test).
      const region = page.getByTestId('train-announce');
      assert.equal(await region.getAttribute('aria-live'), 'polite');
      await page.getByTestId('preset').selectOption('classroom');
      await waitState(page, ['idle']);
      await page.locator('#subconjunto').selectOption({ index: 0 });
      await page.locator('#epocas').fill('1');
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => /^Época 1 de 1 · lote \d+ de \d+; exactitud \d+\s%\.$/
        .test(document.querySelector('[data-testid="train-announce"]').textContent), null, { timeout: 60_000 });
      await waitState(page, ['done', 'idle'], 300_000);
      assert.match(await region.textContent(), /^Época 1 de 1 · lote (\d+) de \1 · [\d.]+ imágenes\/s$/, 'the end is told at once');
      assert.deepEqual(erroresPropios(o), []);
    } finally {
      await cerrar(o);
    }
  });

  test('a live region speaks at most once every few seconds, always the latest news', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 100_000 });
    try {
      const nodo = { textContent: '', setAttribute(k, v) { this[k] = v; } };
      const decir = crearAnuncio(nodo, 5000);
      assert.equal(nodo['aria-live'], 'polite');
      decir('lote 1');
      assert.equal(nodo.textContent, 'lote 1', 'the first news is told at once');
      mock.timers.tick(1000);
      decir('lote 2');
      decir('lote 3');
      assert.equal(nodo.textContent, 'lote 1', 'then the region waits');
      mock.timers.tick(3999);
      assert.equal(nodo.textContent, 'lote 1');
      mock.timers.tick(1);
      assert.equal(nodo.textContent, 'lote 3', 'five seconds after the last, the latest news');
      decir('lote 4');
      decir('fin', { ya: true });
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
    const o = await abrir({ contexto: { viewport: { width: 1366, height: 900 }, reducedMotion: 'reduce' } });
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
      await cerrar(o);
    }
  });

  test('the colour scales write their numbers at 4.5:1 or more on every cell', () => {
    const contraste = (a, b) => {
      const [x, y] = [luminancia(a), luminancia(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const rgb = (css) => css.match(/\d+/g).map(Number);
    const tinta = (t) => (t === '#000' ? [0, 0, 0] : [255, 255, 255]);
    const peores = [];
    for (let i = -200; i <= 200; i++) {
      for (const { fondo, tinta: t } of [gris((i + 200) / 400), divergente(i / 200, 1)]) {
        const c = contraste(rgb(fondo), tinta(t));
        if (c < 4.5) peores.push(`${fondo} ${t} ${c.toFixed(2)}`);
      }
    }
    assert.deepEqual(peores, []);
  });
});
