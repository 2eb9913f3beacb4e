// axe.mjs: the WCAG 2.0/2.1 A and AA audit of axe-core (npm), read from node_modules and
// injected into the page under test; nothing is fetched from anywhere else.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe on the whole document and returns its violations as [{id, impact, count, targets}]
 * (targets: the first few selectors). `rulesOff` maps a rule id to the reason it is off.
 */
export async function axeAudit(page, rulesOff = {}) {
  // Evaluated through the debugging protocol: the page's Content-Security-Policy (script-src
  // 'self') refuses an inline <script>, as it should.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const rules = Object.fromEntries(Object.keys(rulesOff).map((id) => [id, { enabled: false }]));
  const violations = await page.evaluate(async ([tags, rules]) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, rules, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length,
      targets: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} — ${n.failureSummary.split('\n').slice(1, 2).join('')}`) }));
  }, [TAGS, rules]);
  return violations;
}

/** "rule count, rule count" (or "0") for the before → after lines. */
export const axeSummary = (violations) =>
  violations.length ? violations.map((v) => `${v.id} ${v.count}`).join(', ') : '0';
