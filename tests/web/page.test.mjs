// page.test.mjs: the page as a whole, in Debian's Chromium: it opens in Spanish with no console
// error and no request outside localhost; the tab icon comes once the page is quiet; the section
// a reader goes to stays on screen while the ones above it are built; every section fits at
// desktop and phone sizes, and in projector mode with larger type; every control and widget is
// reachable with the keyboard. Screenshots go to build/artifacts/page/ (gitignored).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { READY, useApp } from './harness.mjs';
import { SEVEN, answerQuestion, draw, expectPrediction, visit, waitText } from './acts.mjs';

const app = useApp('page');
const { openApp } = app;
const ARTIFACTS = app.artifacts;
const SIZES = [['desktop', { width: 1366, height: 768 }], ['phone', { width: 390, height: 844 }]];

// Runs in the page: the page's scroll width, and the elements that stick out of the viewport.
// The section strip on phones scrolls sideways on purpose; everything else must fit. Content
// inside a box that clips or scrolls (a code block, a table, KaTeX's visually hidden MathML) is
// seen only through that box, so the box is what must fit.
function measureOverflow() {
  const width = document.documentElement.clientWidth;
  const clippedInside = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return a.getBoundingClientRect().right <= width + 1;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')].filter((el) =>
    !el.closest('nav') && !el.closest('.sr-only, .archivo-oculto, .katex-mathml') &&
    el.getBoundingClientRect().right > width + 1 && !clippedInside(el));
  return { scrollWidth: document.documentElement.scrollWidth, width, wide: wide.map((el) => el.outerHTML.slice(0, 80)) };
}

// Each of sections 1–5's last engine number, in place before its picture is taken.
const LAST_NUMBER = { imagenes: 'images-color-reading', convolucion: 'conv-sum', 'capas-convolutivas': 'layers-second-reading',
  mnist: 'mnist-without-pooling', maxpooling: 'pool-maximum' };
const SECTIONS_6_10 = ['dropout', 'relu', 'entrenar', 'aprendido', 'practica'];

describe('the page', () => {

  test('loads in Spanish with no console errors and no request outside localhost', async () => {
    const { page, context, errors, outside } = await openApp();
    try {
      assert.equal(await page.getAttribute('html', 'lang'), 'es');
      assert.equal(await page.locator('nav a').count(), 12);  // the eleven sections and the glossary
      const sections = await page.locator('main section[data-section]').evaluateAll((els) =>
        els.map((s) => ({ id: s.id, title: s.querySelector('h2').textContent, intro: s.querySelector('.intro').textContent })));
      assert.equal(sections.length, 11);
      for (const s of sections) {
        assert.ok(s.title.length > 2, `${s.id} has a heading`);
        assert.ok(s.intro.length > 120 && !/próximamente/i.test(s.intro), `${s.id} has a real intro`);
      }
      // Students see that the engine is ready; which variant runs is in the line's tooltip.
      assert.equal(await page.getByTestId('engine-variant').textContent(), 'Motor listo');
      assert.match(await page.getByTestId('engine-variant').getAttribute('title'), /^Motor: WebAssembly/);
      assert.match(await page.getByTestId('preset').inputValue(), /^(classroom|keras-mnist)$/);
      // Nothing untranslated slipped through: every data-t element got its text.
      assert.equal(await page.locator('[data-t]:empty').count(), 0);
      assert.deepEqual(errors, []);
      assert.deepEqual(outside, []);
    } finally {
      await context.close();
    }
  });

  test('the tab icon comes once the page is quiet, and nothing asks for /favicon.ico', async () => {
    // An SVG icon is a document of its own for the page's main thread (main.js sets it when
    // the page is quiet); until then the empty one keeps the browser from asking /favicon.ico.
    const context = await app.browser.newContext();
    const responses = new Map();  // path → status
    context.on('response', (r) => responses.set(new URL(r.url()).pathname, r.status()));
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      // The page as served: the live DOM may already hold the SVG on a slow machine.
      const served = await (await page.goto(app.server.url, { waitUntil: 'domcontentloaded' })).text();
      assert.match(served, /<link rel="icon" href="data:," data-href="img\/icono\.svg"/);
      await page.waitForFunction(() => document.querySelector('link[rel="icon"]').getAttribute('href') === 'img/icono.svg', null, { timeout: READY });
      for (let i = 0; i < 100 && !responses.has('/img/icono.svg'); i++) await page.waitForTimeout(100);
      assert.equal(responses.get('/img/icono.svg'), 200, 'the icon is fetched');
      assert.ok(!responses.has('/favicon.ico'), 'no request for /favicon.ico');
    } finally {
      await context.close();
    }
  });

  test('the section the reader went to stays on screen while the ones above it are built, and a reload comes back to it', async () => {
    // A jump to the last section leaves the tail of the one above it on screen; building that
    // one used to push the Práctica five screens down, out of reach of its own observer, and a
    // reload's pixel-exact restoration landed in the middle of the lesson (kit/secciones.js).
    const { page, context, errors } = await openApp({ width: 1280, height: 800 });
    const sectionTop = () => page.locator('#practica').evaluate((s) => Math.round(s.getBoundingClientRect().top));
    const built = (page) => page.waitForFunction(() => ['aprendido', 'practica']
      .every((id) => document.getElementById(id).dataset.ready === 'true'), null, { timeout: READY });
    try {
      assert.equal(await page.locator('#aprendido').getAttribute('data-ready'), null, 'not built yet: far from the top');
      await page.locator('#practica').evaluate((s) => s.scrollIntoView({ behavior: 'instant' }));
      const before = await sectionTop();
      assert.ok(before > 0 && before < 800, `the Práctica is on screen (${before})`);
      await built(page);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assert.ok(Math.abs(await sectionTop() - before) <= 2, `the Práctica stayed at ${before} px (${await sectionTop()})`);

      await page.reload();
      await page.waitForSelector('#train-status[data-state="idle"]', { timeout: READY, state: 'attached' });
      await built(page);
      const after = await sectionTop();
      assert.ok(after >= 0 && after < 800, `after the reload the Práctica is on screen (${after})`);

      // A link's smooth scroll passes sections that are built on the way: it still ends at its
      // section, at the section's scroll margin (0.5rem).
      await page.click('nav a[href="#maxpooling"]');
      await page.waitForSelector('#maxpooling[data-ready="true"]', { timeout: READY, state: 'attached' });
      await page.waitForFunction(() => Math.abs(document.getElementById('maxpooling').getBoundingClientRect().top - 8) <= 2, null, { timeout: 10_000 })
        .catch(() => {});
      const linked = await page.locator('#maxpooling').evaluate((s) => Math.round(s.getBoundingClientRect().top));
      assert.ok(Math.abs(linked - 8) <= 2, `the link's section is at the top (${linked})`);

      // A link to the section already at its place scrolls nothing, and must not hold that
      // section against the next scroll: a script's scroll to ReLU was pulled back to Maxpooling.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 1200)));  // the link's scroll is over
      await page.click('nav a[href="#maxpooling"]');
      await page.locator('#relu').evaluate((s) => s.scrollIntoView({ behavior: 'instant' }));
      await page.waitForSelector('#relu[data-ready="true"]', { timeout: READY, state: 'attached' });
      await page.evaluate(() => new Promise((r) => setTimeout(r, 1200)));  // scrollend, any correction
      const relu = await page.locator('#relu').evaluate((s) => Math.round(s.getBoundingClientRect().top));
      assert.ok(Math.abs(relu - 8) <= 2, `ReLU stays where the script put it (${relu})`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  for (const [name, size] of SIZES) {
    test(`layout at ${size.width}×${size.height}: every section built and in view, nothing overflows, screenshots saved`, async () => {
      const { page, context, errors } = await openApp(size);
      try {
        await page.screenshot({ path: `${ARTIFACTS}${name}-start.png` });
        await draw(page, SEVEN);
        await expectPrediction(page);
        await page.getByTestId('draw-canvas').evaluate((el) => el.scrollIntoView({ behavior: 'instant', block: 'center' }));
        await page.screenshot({ path: `${ARTIFACTS}${name}-drawing.png` });
        for (const [id, testid] of Object.entries(LAST_NUMBER)) {
          await visit(page, id, { ready: false });
          await waitText(page, testid, /\d/);
          await page.locator(`#${id}`).screenshot({ path: `${ARTIFACTS}${name}-${id}.png` });
        }
        for (const id of SECTIONS_6_10) await visit(page, id);
        await page.getByTestId('test0-predict').click();
        await page.waitForSelector('[data-testid="test0-onehot"][data-value]', { state: 'attached' });
        await page.getByTestId('confusion-compute').click();
        await page.waitForSelector('[data-testid="errors-gallery"] canvas', { timeout: 120_000, state: 'attached' });
        for (const id of SECTIONS_6_10) {
          await page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
          await page.locator(`#${id}`).screenshot({ path: `${ARTIFACTS}${name}-${id}.png` });
        }
        await page.screenshot({ path: `${ARTIFACTS}${name}-full.png`, fullPage: true });
        const overflow = await page.evaluate(measureOverflow);
        assert.equal(overflow.scrollWidth, overflow.width, 'no horizontal scrolling');
        assert.deepEqual(overflow.wide, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  for (const [name, size] of [['projector', { width: 1024, height: 768 }], ['phone', { width: 390, height: 844 }]]) {
    test(`projector mode at ${size.width}×${size.height}: larger type, no horizontal overflow`, async () => {
      const { page, context, errors } = await openApp(size);
      try {
        const fontSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#entrenar .intro')).fontSize));
        const base = await fontSize();
        // Projector mode is a body class; the layout still fits with its larger type.
        await page.locator('#boton-proyector').click();
        assert.ok(await page.evaluate(() => document.body.classList.contains('proyector')));
        const big = await fontSize();
        assert.ok(big >= base * 1.4, `intro text ${base} px → ${big} px`);
        for (const target of ['#imagenes', '#entrenar', '.panel-dibujo', '.panel-pesos']) {
          await page.locator(target).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
          await page.screenshot({ path: `${ARTIFACTS}${name}-projector-${target.replace(/\W/g, '')}.png` });
        }
        const overflow = await page.evaluate(measureOverflow);
        assert.equal(overflow.scrollWidth, overflow.width, 'no horizontal scrolling in projector mode');
        assert.deepEqual(overflow.wide, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  test('every control and lesson widget is reachable with the keyboard', async () => {
    const { page, context } = await openApp();
    const reached = new Set();
    const tab = async (presses) => {
      for (let i = 0; i < presses; i++) {
        await page.keyboard.press('Tab');
        const id = await page.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.id);
        if (id) reached.add(id);
      }
    };
    try {
      await tab(60);
      for (const id of SECTIONS_6_10) await visit(page, id);
      // Dropout's steps show once its prediction is answered.
      await answerQuestion(page, 'question-dropped', { option: 1 });
      await page.getByTestId('dropout-rate').focus();
      await tab(140);
      for (const id of ['preset', 'train-rate', 'train-batch-size', 'train-epochs', 'train-subset', 'train-start',
        'draw-clear', 'weights-save', 'weights-load', 'dropout-next', 'dropout-predict-twice', 'relu-slider', 'relu-layers', 'test0-predict',
        'kernels-refresh', 'act-show', 'confusion-compute', 'practice-sigmoid', 'practice-run']) {
        assert.ok(reached.has(id), `Tab reaches ${id}`);
      }
    } finally {
      await context.close();
    }
  });
});
