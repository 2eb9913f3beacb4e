// leccion-preguntar.test.mjs: the lesson asks before it tells, in Debian's Chromium: a wrong
// first answer gets a hint and a second try, each section keeps a tally of first-try answers,
// Maxpooling, Dropout and ReLU ask for a prediction before their demonstration, glossary terms
// link from their first use, "Usar mi dibujo" opens a pad in place, the projector hides the
// answers, and the teacher's worksheet prints on two A4 pages. Screenshots at desktop, phone
// (touch) and projector sizes go to build/artifacts/leccion-preguntar/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openPage } from './harness.mjs';

const app = useApp('leccion-preguntar');
const { openApp } = app;
const SLOW = 120_000;  // a section's build on a busy two-core machine (a hang guard)

const visitar = (page, id) => page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
const texto = (page, testid) => page.getByTestId(testid).textContent();
const estado = (page, id) => page.getByTestId(id).getAttribute('data-state');
const esperarEstado = (page, id, valor) => page.waitForSelector(`[data-testid="${id}"][data-state="${valor}"]`, { state: 'attached', timeout: SLOW });
const tally = (page, seccion) => page.locator(`#${seccion} [data-testid="section-tally"]`).evaluate((el) => ({ ...el.dataset, text: el.textContent }));

// Picks option `opcion` (or types `escribir`) and presses "Comprobar"; resolves once the form's
// state is `luego` (abierta, segunda or resuelta).
async function responder(page, id, { opcion, escribir }, luego) {
  if (opcion !== undefined) await page.getByTestId(`${id}-opcion-${opcion}`).check({ timeout: SLOW });
  if (escribir !== undefined) await page.getByTestId(`${id}-respuesta`).fill(escribir, { timeout: SLOW });
  await page.getByTestId(`${id}-comprobar`).click();
  await esperarEstado(page, id, luego);
}

// One stroke across a canvas (a rough 7), by mouse or by touch.
async function trazar(page, lienzo, tactil = false) {
  await lienzo.scrollIntoViewIfNeeded();
  const caja = await lienzo.boundingBox();
  const en = ([x, y]) => [caja.x + x * caja.width, caja.y + y * caja.height];
  const puntos = [[0.3, 0.2], [0.7, 0.2], [0.45, 0.85]].map(en);
  if (tactil) {
    // Chromium's touch emulation: pointer events from a CDP touch sequence.
    const cdp = await page.context().newCDPSession(page);
    const toque = (type, [x, y]) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
    await toque('touchStart', puntos[0]);
    for (const p of puntos.slice(1)) await toque('touchMove', p);
    await toque('touchEnd', puntos.at(-1));
    return;
  }
  await page.mouse.move(...puntos[0]);
  await page.mouse.down();
  for (const p of puntos.slice(1)) await page.mouse.move(...p, { steps: 6 });
  await page.mouse.up();
}

describe('Lección: preguntar antes de contar', () => {
  test('a wrong first answer gets a hint and a second try; a second wrong one, the solution; the tally counts first tries', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'convolucion');
      await page.getByTestId('pregunta-homogenea').waitFor({ timeout: SLOW });
      const antes = await tally(page, 'convolucion');
      assert.equal(antes.total, '1');
      assert.equal(antes.answered, '0');
      await responder(page, 'pregunta-homogenea', { opcion: 2 }, 'segunda');  // 1.800: wrong
      assert.equal(await page.getByTestId('pregunta-homogenea-pista').isVisible(), true);
      assert.match(await texto(page, 'pregunta-homogenea-pista'), /^Pista: el kernel de bordes verticales/);
      assert.equal(await page.getByTestId('pregunta-homogenea-motor').isVisible(), false, 'no solution after one try');
      await responder(page, 'pregunta-homogenea', { opcion: 0 }, 'resuelta');
      assert.match(await texto(page, 'pregunta-homogenea-veredicto'), /Esta vez sí/);
      assert.equal(await page.getByTestId('pregunta-homogenea-pista').isVisible(), false);
      assert.match(await texto(page, 'pregunta-homogenea-motor'), /= 0\./);
      const despues = await tally(page, 'convolucion');
      assert.deepEqual([despues.first, despues.answered, despues.total], ['0', '1', '1']);
      assert.match(despues.text, /0 de 1 a la primera/);

      await visitar(page, 'capas-convolutivas');
      await responder(page, 'pregunta-neuronas', { escribir: '104' }, 'resuelta');
      assert.match(await texto(page, 'pregunta-neuronas-veredicto'), /a la primera/);
      // Two wrong answers: the engine's answer comes after the second.
      await responder(page, 'pregunta-campo', { escribir: '3' }, 'segunda');
      assert.equal(await page.getByTestId('pregunta-campo-motor').isVisible(), false);
      await responder(page, 'pregunta-campo', { escribir: '4' }, 'resuelta');
      assert.equal(await page.getByTestId('pregunta-campo-veredicto').getAttribute('data-correcta'), 'false');
      assert.match(await texto(page, 'pregunta-campo-motor'), /5 × 5/);
      const capas = await tally(page, 'capas-convolutivas');
      assert.deepEqual([capas.first, capas.answered, capas.total], ['1', '2', '4']);
      assert.match(capas.text, /1 de 2 a la primera \(respondidas 2 de 4\)/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Maxpooling, Dropout and ReLU ask for a prediction before their demonstration', async () => {
    const { page, context, errors } = await openApp();
    try {
      // Maxpooling: the engine pools the shifted map; crossing the block edge moves the 9.
      await visitar(page, 'maxpooling');
      await responder(page, 'pregunta-desplazar', { opcion: 1 }, 'resuelta');
      assert.equal(await page.getByTestId('pregunta-desplazar-veredicto').getAttribute('data-correcta'), 'true');
      assert.match(await texto(page, 'pregunta-desplazar-motor'), /\[\[9, 0\], \[0, 0\]\], \[\[9, 0\], \[0, 0\]\] y \[\[0, 9\], \[0, 0\]\]/);

      // Dropout: the step-by-step masks wait for the answer.
      await visitar(page, 'dropout');
      await page.getByTestId('pregunta-apagadas').waitFor({ timeout: SLOW });
      assert.equal(await page.getByTestId('dropout-grid').isVisible(), false, 'the masks wait for the prediction');
      await responder(page, 'pregunta-apagadas', { opcion: 0 }, 'segunda');  // "exactly 64": wrong
      assert.equal(await page.getByTestId('dropout-grid').isVisible(), false);
      await responder(page, 'pregunta-apagadas', { opcion: 1 }, 'resuelta');
      assert.equal(await page.getByTestId('dropout-grid').isVisible(), true);
      const cuentas = (await texto(page, 'pregunta-apagadas-motor')).match(/apaga ([\d, ]+)\./)[1].split(', ').map(Number);
      assert.equal(cuentas.length, 5);
      assert.ok(new Set(cuentas).size > 1 && cuentas.every((n) => n > 30 && n < 98), cuentas.join(' '));

      // ReLU: the products and the bars wait for the answer.
      await visitar(page, 'relu');
      await page.getByTestId('pregunta-gradiente').waitFor({ timeout: SLOW });
      assert.equal(await page.getByTestId('relu-product-sigmoid').isVisible(), false);
      await responder(page, 'pregunta-gradiente', { opcion: 3 }, 'resuelta');
      assert.equal(await page.getByTestId('pregunta-gradiente-veredicto').getAttribute('data-correcta'), 'true');
      assert.match(await texto(page, 'pregunta-gradiente-motor'), /0,25 elevado a 10 = 9,54 · 10⁻⁷/);
      assert.equal(await page.getByTestId('relu-product-sigmoid').isVisible(), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('glossary: each term links from its first use to its entry, and back', async () => {
    const { page, context, errors } = await openApp();
    try {
      const enlaces = await page.locator('a.termino').evaluateAll((as) => as.map((a) => ({
        href: a.getAttribute('href'), seccion: a.closest('section')?.id, destino: Boolean(document.querySelector(a.getAttribute('href'))) })));
      const entradas = await page.locator('#glosario dt').count();
      assert.equal(entradas, 12);
      assert.equal(enlaces.length, entradas, JSON.stringify(enlaces));
      assert.equal(new Set(enlaces.map((e) => e.href)).size, entradas, 'one link per term');
      assert.ok(enlaces.every((e) => e.destino && e.seccion !== 'glosario'));
      // "kernel" is first used in the convolution section's introduction.
      const kernel = page.getByTestId('glossary-link-kernel');
      assert.equal(await kernel.evaluate((a) => a.closest('p').matches('#convolucion > .intro')), true);
      await kernel.click();
      await page.waitForFunction(() => location.hash === '#glosario-kernel');
      assert.equal(await page.locator('#glosario-kernel').isVisible(), true);
      await page.locator('#glosario [data-termino="kernel"] a.volver').click();
      await page.waitForFunction(() => location.hash === '#uso-kernel');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('"Usar mi dibujo" opens a pad in place; a stroke on it feeds the section', async () => {
    const { page, context, errors } = await openApp();
    try {
      await visitar(page, 'maxpooling');
      await page.getByTestId('maxpooling-dibujo').click({ timeout: SLOW });
      const lienzo = page.getByTestId('maxpooling-lienzo');
      assert.equal(await lienzo.isVisible(), true);
      assert.match(await page.locator('#maxpooling .fuente-desc').textContent(), /Dibuja un dígito en el recuadro/);
      const antes = await texto(page, 'pool-maximo');
      await trazar(page, lienzo);
      await page.waitForFunction(() => /Tu dibujo del recuadro/.test(document.querySelector('#maxpooling .fuente-desc').textContent));
      await page.waitForFunction((a) => document.querySelector('[data-testid="pool-maximo"]').textContent !== a, antes);
      // "Borrar" empties the pad: nothing drawn anywhere, a Spanish message.
      await page.getByTestId('maxpooling-borrar').click();
      await page.waitForFunction(() => /No hay nada dibujado/.test(document.querySelector('#maxpooling .fuente .error').textContent));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('projector: «Ocultar respuestas» hides verdicts and the engine\'s answers', async () => {
    const { page, context, errors } = await openApp({ width: 1920, height: 1080 });
    try {
      assert.equal(await page.getByTestId('hide-answers').isVisible(), false, 'only in projector mode');
      await page.locator('#boton-proyector').click();
      await page.getByTestId('hide-answers').click();
      assert.equal(await page.getByTestId('hide-answers').getAttribute('aria-pressed'), 'true');
      await visitar(page, 'convolucion');
      await responder(page, 'pregunta-homogenea', { opcion: 0 }, 'resuelta');
      assert.equal(await page.getByTestId('pregunta-homogenea-motor').isVisible(), false);
      assert.equal(await page.getByTestId('pregunta-homogenea-veredicto').isVisible(), false);
      await page.getByTestId('hide-answers').click();
      assert.equal(await page.getByTestId('pregunta-homogenea-motor').isVisible(), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the teacher\'s worksheet prints on two A4 pages, without the guide', async () => {
    const { page, context, errors } = await openPage(app.browser, app.server.url, 'guia-docente.html');
    try {
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(await page.getByTestId('guide-plan-1h').locator('tbody tr').count() > 3, true);
      assert.equal(await page.getByTestId('guide-plan-2h').locator('tbody tr').count() > 3, true);
      assert.equal(await page.getByTestId('worksheet-sheet').count(), 2);
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
      const paginas = pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
      assert.equal(paginas.length, 2);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.guia').isVisible(), false);
      assert.equal(await page.getByTestId('worksheet').isVisible(), true);
      // The 6 × 6 image, its kernel and an empty 4 × 4 output to fill in.
      assert.equal(await page.locator('.matriz-ficha.imagen td').count(), 36);
      assert.equal(await page.locator('.matriz-ficha.kernel td').count(), 9);
      assert.deepEqual([...new Set(await page.locator('.matriz-ficha.salida td').allTextContents())], ['']);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  const TAMANOS = [
    ['escritorio', { width: 1366, height: 900 }, {}],
    ['movil', { width: 390, height: 844 }, { hasTouch: true, isMobile: true, deviceScaleFactor: 2 }],
    ['proyector', { width: 1920, height: 1080 }, { proyector: true }],
  ];
  for (const [nombre, viewport, opciones] of TAMANOS) {
    test(`${nombre} (${viewport.width}×${viewport.height}): the changed sections fit, screenshots`, async () => {
      const context = await app.browser.newContext({ viewport, hasTouch: opciones.hasTouch, isMobile: opciones.isMobile, deviceScaleFactor: opciones.deviceScaleFactor });
      const errors = [];
      await context.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());
      if (opciones.proyector) await context.addInitScript(() => localStorage.setItem('convaula.proyector', '1'));
      const page = await context.newPage();
      page.on('pageerror', (err) => errors.push(String(err)));
      page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
      const foto = (selector, archivo) => page.locator(selector).screenshot({ path: `${app.artifacts}${nombre}-${archivo}.png` });
      try {
        await page.goto(app.server.url);
        await page.waitForSelector('[data-testid="active-model"][data-model="preentrenada"]', { timeout: SLOW, state: 'attached' });
        const secciones = ['convolucion', 'capas-convolutivas', 'mnist', 'maxpooling', 'dropout', 'relu'];
        for (const id of secciones) {
          await visitar(page, id);
          await page.waitForSelector(`#${id}[data-ready="true"]`, { timeout: SLOW, state: 'attached' });
        }
        await visitar(page, 'maxpooling');
        await page.getByTestId('maxpooling-dibujo').click();
        await trazar(page, page.getByTestId('maxpooling-lienzo'), opciones.hasTouch);
        await page.waitForFunction(() => /Tu dibujo del recuadro/.test(document.querySelector('#maxpooling .fuente-desc').textContent), null, { timeout: SLOW });
        await responder(page, 'pregunta-desplazar', { opcion: 0 }, 'segunda');
        for (const id of [...secciones, 'glosario']) await foto(`#${id}`, id);
        const desborde = await page.evaluate((ids) => {
          const ancho = document.documentElement.clientWidth;
          const fuera = ids.flatMap((id) => [...document.querySelectorAll(`#${id} *`)])
            .filter((el) => !el.closest('.sr-only, .archivo-oculto') && el.getBoundingClientRect().right > ancho + 1);
          return { scrollWidth: document.documentElement.scrollWidth, ancho, fuera: fuera.map((el) => el.outerHTML.slice(0, 80)) };
        }, [...secciones, 'glosario']);
        assert.equal(desborde.scrollWidth, desborde.ancho, 'no horizontal scrolling');
        assert.deepEqual(desborde.fuera, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
