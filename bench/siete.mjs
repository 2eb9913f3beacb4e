// siete.mjs: a 7 drawn on the drawing panel from the page's load event on, as
// bench/primera-respuesta.mjs and bench/arranque-traza.mjs draw it.
//
// The pen goes down as soon as the load event has fired: the caller's goto() waits for
// 'commit' only, and one evaluate() resolves at the load event and gives the canvas's box at
// once. Playwright's own way there (goto's 'load', a locator's scroll and box) took 0.4-0.9 s
// more on a loaded 2-core machine, spent in Playwright's round trips and its injected script,
// not in the page. Each of the 13 pointer events then waits for the page to take it, so a busy
// main thread shows as a slow stroke.

import { readFileSync } from 'node:fs';

/** Draws the 7 and resolves with {penDown, penUp, answer} (the page's ms) once it is answered. */
export async function dibujarSiete(page) {
  // Right after 'commit' the evaluation may still land in the blank document before it.
  let b = null;
  for (let attempt = 0; !b; attempt++) {
    if (attempt === 100) throw new Error('the drawing canvas never appeared');
    if (attempt) await new Promise((r) => setTimeout(r, 10));
    b = await page.evaluate(() => new Promise((resolve) => {
      const box = () => {
        const canvas = document.querySelector('[data-testid="draw-canvas"]');
        if (!canvas) return resolve(null);
        canvas.scrollIntoView({ block: 'center', behavior: 'instant' });
        const r = canvas.getBoundingClientRect();
        resolve({ x: r.x, y: r.y, width: r.width, height: r.height });
      };
      if (document.readyState === 'complete') box();
      else addEventListener('load', () => setTimeout(box), { once: true });
    })).catch((err) => {  // the blank document went away meanwhile
      if (/context was destroyed|navigation/i.test(err.message)) return null;
      throw err;
    });
  }
  const at = (x, y) => [b.x + x * b.width, b.y + y * b.height];
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  const penDown = await page.evaluate(() => performance.now());
  for (const [x, y] of [[0.75, 0.2], [0.45, 0.85]]) await page.mouse.move(...at(x, y), { steps: 6 });
  await page.mouse.up();
  // The finished drawing's digit: data-pending is "false" again after the pen lifted.
  return page.evaluate((down) => new Promise((resolve) => {
    const penUp = performance.now();
    const salida = document.querySelector('[data-testid="prediction"]');
    const mirar = () => {
      if (salida.dataset.pending === 'false' && /^\d$/.test(salida.textContent)) resolve({ penDown: down, penUp, answer: performance.now() });
      else requestAnimationFrame(mirar);
    };
    mirar();
  }), penDown);
}

/**
 * The page a round navigates in: a new window (`context`, fresh caches, no service worker),
 * opened the way a teacher's browser is, before she types the address. Chromium loads, with
 * each new window, its own omnibox popup (chrome://omnibox-popup.top-chrome, a WebUI renderer
 * of about 100 modules): 0.7-1.6 s of one core in a trace, and it fell in the middle of the
 * page's load on a 2-core machine, as did the closing of the last round's window. So the
 * window shows about:blank until the machine's CPUs are at least 80% idle over a quarter
 * second (/proc/stat; 6 s at most), and only then is the page's address opened.
 * `nueva` (the benches' --ventana-nueva) navigates at once, as the benches did until then.
 */
export async function ventanaAbierta(context, { nueva = false } = {}) {
  const page = await context.newPage();
  if (nueva) return page;
  await page.goto('about:blank');
  const cpu = () => readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  for (const until = Date.now() + 6000; Date.now() < until;) {
    const a = cpu();
    await new Promise((r) => setTimeout(r, 250));
    const b = cpu();
    const total = b.reduce((sum, v, i) => sum + v - a[i], 0);
    if (total > 0 && (b[3] + b[4] - a[3] - a[4]) / total >= 0.8) break;  // idle + iowait
  }
  return page;
}
