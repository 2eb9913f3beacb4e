// arranque-ab.mjs: engine-ready → pretrained-network-ready time (what aula.test.mjs's first test
// checks) and load → first drawn-digit answer, for two assembled pages in alternation, so a
// loaded machine's noise falls on both alike.
//   node bench/arranque-ab.mjs DIST_A DIST_B [rounds]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../tests/web/harness.mjs';

function servir(root) {
  const serve = fileURLToPath(new URL('../scripts/serve.mjs', import.meta.url));
  const child = spawn(process.execPath, [serve, '--root', root], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => { out += c; const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//); if (m) resolve({ url: m[0], close: () => child.kill() }); });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
}

async function una(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.addInitScript(() => {
    const mirar = () => {
      const variante = document.querySelector('[data-testid="engine-variant"]');
      const modelo = document.querySelector('[data-testid="active-model"]');
      const salida = document.querySelector('[data-testid="prediction"]');
      if (!variante || !modelo || !salida) return;
      if (variante.dataset.variant && window.__motor === undefined) window.__motor = performance.now();
      if (modelo.dataset.model === 'preentrenada' && window.__red === undefined) window.__red = performance.now();
      if (/^\d$/.test(salida.textContent) && window.__respuesta === undefined) window.__respuesta = performance.now();
    };
    new MutationObserver(mirar).observe(document, { subtree: true, attributes: true, childList: true, characterData: true });
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__red !== undefined, null, { timeout: 120_000 });
  const lienzo = page.getByTestId('draw-canvas');
  await lienzo.scrollIntoViewIfNeeded();
  const b = await lienzo.boundingBox();
  await page.mouse.move(b.x + 0.3 * b.width, b.y + 0.2 * b.height);
  await page.mouse.down();
  for (const [x, y] of [[0.7, 0.2], [0.45, 0.85]]) await page.mouse.move(b.x + x * b.width, b.y + y * b.height, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => window.__respuesta !== undefined, null, { timeout: 60_000 });
  const r = await page.evaluate(() => ({ motorARed: Math.round(window.__red - window.__motor), cargaARespuesta: Math.round(window.__respuesta) }));
  await context.close();
  return r;
}

const [a, b, rondas = '3'] = process.argv.slice(2);
const browser = await launchBrowser();
const servidores = await Promise.all([servir(a), servir(b)]);
try {
  for (let i = 0; i < Number(rondas); i++) {
    for (const [nombre, s] of [['A', servidores[0]], ['B', servidores[1]]]) console.log(nombre, JSON.stringify(await una(browser, s.url)));
  }
} finally {
  await browser.close();
  for (const s of servidores) s.close();
}
