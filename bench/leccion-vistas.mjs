// leccion-vistas.mjs: screenshots of every lesson section at desktop, phone and projector size,
// plus the first visit's cost: time from navigation to the first drawn-digit answer, and the
// bytes the browser fetched by then and once the page is settled (MNIST loaded).
//   node bench/leccion-vistas.mjs OUT_DIR        (serves web/dist with scripts/serve.mjs)
//   node bench/leccion-vistas.mjs --solo-medir   (no screenshots; prints the figures)
//   CONVAULA_DIST=DIR serves another assembled page (e.g. an older build, for "before" figures).
import { mkdir } from 'node:fs/promises';
import { launchBrowser, openPage, startServer } from '../tests/web/harness.mjs';


const SECCIONES = ['imagenes', 'convolucion', 'capas-convolutivas', 'mnist', 'maxpooling',
  'dropout', 'relu', 'entrenar', 'aprendido', 'practica'];
const TAMANOS = {
  escritorio: { width: 1280, height: 800 },
  movil: { width: 390, height: 844 },
  proyector: { width: 1024, height: 768, proyector: true },
};
const IDLE = '[data-testid="train-status"][data-state="idle"]';
const SEVEN = [[[0.3, 0.2], [0.7, 0.2], [0.45, 0.85]]];

async function dibujar(page, trazos) {
  const lienzo = page.getByTestId('draw-canvas');
  await lienzo.scrollIntoViewIfNeeded();
  const caja = await lienzo.boundingBox();
  for (const [[x0, y0], ...resto] of trazos) {
    await page.mouse.move(caja.x + x0 * caja.width, caja.y + y0 * caja.height);
    await page.mouse.down();
    for (const [x, y] of resto) await page.mouse.move(caja.x + x * caja.width, caja.y + y * caja.height, { steps: 4 });
    await page.mouse.up();
  }
}

// One cold visit: bytes counted from Playwright's finished requests (the page's and its dedicated
// workers': the worker downloads the pretrained network itself; a CDP session on the page sees
// only the page's), bodies as sent plus headers, until the drawing is answered, then until the
// data has loaded. The drawing starts as soon as the canvas can take it.
async function medir(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  let bytes = 0;
  const pendientes = [];
  context.on('requestfinished', (request) => pendientes.push(request.sizes()
    .then((t) => { bytes += t.responseBodySize + t.responseHeadersSize; }, () => {})));
  const contar = async () => { await Promise.all(pendientes); return bytes; };
  await page.addInitScript(() => {
    // The first time the prediction shows a digit, relative to navigation start.
    new MutationObserver((_, obs) => {
      const out = document.querySelector('[data-testid="prediction"]');
      if (!out) return;
      obs.disconnect();
      new MutationObserver((__, o2) => {
        if (/^\d$/.test(out.textContent)) { window.__primera = performance.now(); o2.disconnect(); }
      }).observe(out, { childList: true, characterData: true, subtree: true });
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(url);
  // The drawing panel answers once a model is in the worker (data-model set by main.js past "cargando").
  await page.waitForSelector('[data-testid="active-model"][data-model]:not([data-model="cargando"])', { state: 'attached', timeout: 90_000 });
  await dibujar(page, SEVEN);
  await page.waitForFunction(() => window.__primera !== undefined, null, { timeout: 60_000 });
  const primera = await page.evaluate(() => window.__primera);
  const bytesPrimera = await contar();
  await page.waitForSelector(IDLE, { state: 'attached', timeout: 120_000 });
  await page.waitForTimeout(1500);
  const r = { msPrimeraRespuesta: Math.round(primera), bytesHastaRespuesta: bytesPrimera, bytesTrasDatos: await contar() };
  await context.close();
  return r;
}

async function capturar(browser, url, dir) {
  for (const [nombre, { proyector, ...tam }] of Object.entries(TAMANOS)) {
    const { page, context } = await openPage(browser, url, '');
    if (proyector) await page.evaluate(() => localStorage.setItem('convaula.proyector', '1'));
    await page.setViewportSize(tam);
    await page.reload();
    await page.waitForSelector(IDLE, { state: 'attached', timeout: 120_000 });
    for (const id of SECCIONES) {
      await page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
      // Sections that say when they are done (data-ready) are awaited; the rest get time.
      await page.waitForFunction((s) => {
        const marcas = document.querySelectorAll(`#${s} [data-ready]`);
        return [...marcas].every((m) => m.dataset.ready === 'true');
      }, id, { timeout: 60_000 }).catch(() => {});
      await page.waitForTimeout(2500);
      await page.locator(`#${id}`).screenshot({ path: `${dir}/${nombre}-${id}.png` });
    }
    await context.close();
  }
}

const soloMedir = process.argv.includes('--solo-medir');
const dir = process.argv.slice(2).find((a) => !a.startsWith('--'));
const [server, browser] = await Promise.all([
  startServer({ args: process.env.CONVAULA_DIST ? ['--root', process.env.CONVAULA_DIST] : [] }), launchBrowser()]);
try {
  if (!soloMedir) {
    await mkdir(dir, { recursive: true });
    await capturar(browser, server.url, dir);
  }
  for (let i = 0; i < 3; i++) console.log(JSON.stringify(await medir(browser, server.url)));
} finally {
  await browser.close();
  server.close();
}
