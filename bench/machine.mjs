// machine.mjs: what every bench prints beside its figures (the CPU model with its family and
// model numbers, the load average), and the browser benches' preamble: the dev server and
// Debian's Chromium (tests/web/harness.mjs), closed when the bench's work ends.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { launchBrowser, startServer } from '../tests/web/harness.mjs';

// The CPU model as lscpu names it (os.cpus() reads the same /proc/cpuinfo field on Linux).
// A VM may name it only "AMD EPYC": the family and model numbers tell Zen 3 (25/1) from
// Zen 5 (26/2), whose caches and vector units differ.
export function cpuModel() {
  try {
    const lines = execFileSync('lscpu', [], { encoding: 'utf8' }).split('\n');
    const field = (name) => lines.find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim();
    const name = field('Model name');
    if (name) return `${name} (family ${field('CPU family')}, model ${field('Model')})`;
  } catch { /* no lscpu: fall back */ }
  return cpus()[0]?.model ?? 'unknown';
}

/** The load average (1, 5, 15 min) as "1.23 0.98 0.70". */
export const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/**
 * Starts the dev server (`server`: startServer's options) and Chromium, runs
 * fn({server, browser}) and closes both, whatever fn does; resolves what fn resolves.
 */
export async function withBrowser(server, fn) {
  const [s, browser] = await Promise.all([startServer(server), launchBrowser()]);
  try {
    return await fn({ server: s, browser });
  } finally {
    await browser.close();
    s.close();
  }
}
