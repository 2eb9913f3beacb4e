// run.mjs: `make bench`. Runs every benchmark of ConvAula on this machine in one go and
// writes bench/RESULTS.md: native (CLI), wasm in headless Chromium (bench/chromium.mjs),
// and PyTorch on the same model when Debian's python3-torch is installed. Ends with one
// JSON line holding every figure (snake_case).
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuModel, loadAverage } from './machine.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = `${ROOT}build/native/core/cli/convaula`;

// Runs a command and returns the JSON objects printed on its lines starting with '{'.
function jsonLines(cmd, args, env = process.env) {
  const out = execFileSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(out);
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

const CPU = cpuModel();
const load = loadAverage;
const LOAD_BEFORE = load();
// OpenBLAS (PyTorch's GEMMs) reads these; a thread cap here would change PyTorch's figures.
const blasVariables = (env) => Object.entries(env).filter(([k]) => /^(OPENBLAS_|OMP_)/.test(k))
  .map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
console.log(`CPU: ${CPU}, ${cpus().length} cores; load average ${LOAD_BEFORE}; OPENBLAS_*/OMP_* variables: ${blasVariables(process.env)}`);

// Debian's python3-torch does its GEMMs in whichever libblas.so.3 is loaded: with the
// reference BLAS it trains ~2x slower than with OpenBLAS. The PyTorch command alone gets
// OpenBLAS preloaded (installed by `scripts/setup.sh bench`); the script reports the BLAS
// it actually loaded.
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3';
const torchEnv = existsSync(OPENBLAS) ? { ...process.env, LD_PRELOAD: OPENBLAS } : process.env;

const all = {};
// The first figure of a name wins: each run also prints its own peak, and the table's
// keras-mnist rows must use the peak measured in the keras-mnist run.
const merge = (objs) => objs.forEach((o) => {
  for (const [k, v] of Object.entries(o)) if (!(k in all)) all[k] = v;
});
merge(jsonLines(CLI, ['bench', '--preset', 'keras-mnist', '--batches', '60']));
merge(jsonLines(CLI, ['bench', '--preset', 'classroom', '--batches', '300']));
let torch = null;
try {
  // Debian's python3-torch lives in the system Python, not in a pyenv or venv one.
  [torch] = jsonLines('/usr/bin/python3', [`${ROOT}bench/torch_mnist.py`, '60'], torchEnv);
  merge([torch]);
  console.log(`PyTorch ${torch.torch_version}: BLAS ${torch.torch_blas}; oneDNN ISA ${torch.torch_onednn_isa}; `
    + `OPENBLAS_*/OMP_* variables ${blasVariables(torch.torch_blas_env)}`);
} catch {
  console.log('PyTorch (python3-torch) not installed: comparison skipped');
}
merge(jsonLines(process.execPath, [`${ROOT}bench/chromium.mjs`, '60']));
// The inference peer: TF.js's wasm backend in the same Chromium, right after
// ConvAula's figures. Its npm devDependencies may be missing (npm ci --omit=dev).
let tfjs = null;
if (existsSync(`${ROOT}node_modules/@tensorflow/tfjs-backend-wasm`)) {
  [tfjs] = jsonLines(process.execPath, [`${ROOT}bench/tfjs.mjs`, '--train']);
  merge([tfjs]);
} else {
  console.log('TF.js (npm devDependencies) not installed: inference comparison skipped');
}
delete all.preset;
all.cpu = CPU;

const f = (v, d = 1) => (v === undefined ? '—' : Number(v).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
// Effective rates count the direct convolution's FLOPs; Winograd does fewer, so they may
// pass 100% of the peak.
const pct = (num, den) => (!num || !den ? '—' : `${f((100 * num) / den)}%`);
const KERAS_TRAIN_MFLOP = 71.6, KERAS_FWD_MFLOP = 24.0;
const notebookMinutes = (trainIps, inferIps) => (trainIps && inferIps
  ? (15 * (60000 / trainIps + 10000 / inferIps) + 10000 / inferIps) / 60 : undefined);
const gflops = (ips, mflop) => (ips ? (ips * mflop) / 1000 : undefined);
const rows = [
  ['Peak mul-add GFLOP/s, 1 thread', f(all.native_peak_gflops_1t), f(all.wasm_peak_gflops_1t)],
  ['keras-mnist training, 1 thread (images/s)', f(all.native_train_ips_1t), f(all.wasm_train_ips_1t)],
  ['  effective GFLOP/s, % of peak', `${f(gflops(all.native_train_ips_1t, KERAS_TRAIN_MFLOP))}, ${pct(gflops(all.native_train_ips_1t, KERAS_TRAIN_MFLOP), all.native_peak_gflops_1t)}`,
    `${f(gflops(all.wasm_train_ips_1t, KERAS_TRAIN_MFLOP))}, ${pct(gflops(all.wasm_train_ips_1t, KERAS_TRAIN_MFLOP), all.wasm_peak_gflops_1t)}`],
  [`keras-mnist training, ${all.threads} threads (images/s)`, f(all.native_train_ips_nt), f(all.wasm_train_ips_nt)],
  ['  speed-up over 1 thread', `${f(all.native_train_ips_nt / all.native_train_ips_1t, 2)}x`, `${f(all.wasm_train_ips_nt / all.wasm_train_ips_1t, 2)}x`],
  ['  one epoch of 60,000 images (s), all threads', f(60000 / all.native_train_ips_nt), f(all.wasm_epoch_seconds_nt)],
  ['  one epoch (s), 1 thread, page not isolated', '—', f(all.wasm_epoch_seconds_1t)],
  // The notebook's cell: 15 epochs of 60,000 images, each validated on the 10,000 test
  // images (inference at the batch-256 rate), then one more pass over them (model.evaluate).
  ['  the notebook\'s 15 epochs with validation (min, estimated), all threads',
    f(notebookMinutes(all.native_train_ips_nt, all.native_infer_ips_b256_nt)),
    f(notebookMinutes(all.wasm_train_ips_nt, all.wasm_infer_ips_b256_nt))],
  ['keras-mnist inference, batch 256 (images/s, 1 thread)', f(all.native_infer_ips_b256), f(all.wasm_infer_ips_b256)],
  ['  effective GFLOP/s, % of peak', `${f(gflops(all.native_infer_ips_b256, KERAS_FWD_MFLOP))}, ${pct(gflops(all.native_infer_ips_b256, KERAS_FWD_MFLOP), all.native_peak_gflops_1t)}`,
    `${f(gflops(all.wasm_infer_ips_b256, KERAS_FWD_MFLOP))}, ${pct(gflops(all.wasm_infer_ips_b256, KERAS_FWD_MFLOP), all.wasm_peak_gflops_1t)}`],
  [`keras-mnist inference, batch 256 (images/s, ${all.threads} threads)`, f(all.native_infer_ips_b256_nt), f(all.wasm_infer_ips_b256_nt)],
  [`keras-mnist inference, 1 image (ms, ${all.threads} threads)`, f(all.native_infer_ms_b1, 3), f(all.wasm_infer_ms_b1, 3)],
  ['keras-mnist inference, 1 image (ms, 1 thread)', f(all.native_infer_ms_b1_1t, 3), f(all.wasm_infer_ms_b1_1t, 3)],
  ['classroom training, 1 thread (images/s)', f(all.native_classroom_train_ips_1t), f(all.wasm_classroom_train_ips_1t)],
  [`classroom training, ${all.threads} threads (images/s)`, f(all.native_classroom_train_ips_nt), f(all.wasm_classroom_train_ips_nt)],
  [`classroom inference, batch 256 (1 thread) / 1 image (${all.threads} threads)`, `${f(all.native_classroom_infer_ips_b256)} / ${f(all.native_classroom_infer_ms_b1, 3)} ms`,
    `${f(all.wasm_classroom_infer_ips_b256)} / ${f(all.wasm_classroom_infer_ms_b1, 3)} ms`],
];
if (tfjs) {
  // Ratios > 1 mean ConvAula (all threads) is ahead of TF.js with 2 threads.
  all.wasm_vs_tfjs_b1 = tfjs.tfjs_infer_ms_b1_2t / all.wasm_infer_ms_b1;
  all.wasm_vs_tfjs_b256 = all.wasm_infer_ips_b256_nt / tfjs.tfjs_infer_ips_b256_2t;
  const at = rows.findIndex((r) => r[0].startsWith('keras-mnist inference, 1 image (ms, 1 thread)')) + 1;
  rows.splice(at, 0,
    [`TF.js ${tfjs.tfjs_version} wasm (XNNPACK) inference, 1 image (ms, 1 / 2 threads)`, '—',
      `${f(tfjs.tfjs_infer_ms_b1_1t, 3)} / ${f(tfjs.tfjs_infer_ms_b1_2t, 3)}`],
    [`TF.js ${tfjs.tfjs_version} wasm (XNNPACK) inference, batch 256 (images/s, 1 / 2 threads)`, '—',
      `${f(tfjs.tfjs_infer_ips_b256_1t)} / ${f(tfjs.tfjs_infer_ips_b256_2t)}`],
    [`ConvAula (${all.threads} threads) / TF.js (2 threads): 1 image speed-up, batch 256`, '—',
      `${f(all.wasm_vs_tfjs_b1, 2)}x, ${f(all.wasm_vs_tfjs_b256, 2)}x`]);
}
if (torch) {
  all.native_vs_torch_1t = all.native_train_ips_1t / torch.torch_train_ips_1t;
  all.native_vs_torch_nt = all.native_train_ips_nt / torch.torch_train_ips_nt;
  rows.push([`PyTorch ${torch.torch_version} (BLAS: ${torch.torch_blas}) training, 1 / ${torch.threads} threads (images/s)`,
    `${f(torch.torch_train_ips_1t)} / ${f(torch.torch_train_ips_nt)}`, '—']);
  rows.push(['ConvAula native / PyTorch, 1 / all threads',
    `${f(all.native_vs_torch_1t, 2)}x / ${f(all.native_vs_torch_nt, 2)}x`, '—']);
  all.wasm_vs_torch_1t = all.wasm_train_ips_1t / torch.torch_train_ips_1t;
  rows.push(['Chromium / native PyTorch, 1 thread', '—', `${f(all.wasm_vs_torch_1t, 2)}x`]);
}

// TF.js's wasm backend had no Conv2DBackpropFilter kernel (4.22), so training may fail there.
function tfjsTraining(t) {
  if (t.tfjs_train_error_1t) return `Training it there (Adadelta) fails: ${t.tfjs_train_error_1t}.`;
  return `Its training (Adadelta, batch 32), 1 / 2 threads: ${f(t.tfjs_train_ips_1t)} / ${f(t.tfjs_train_ips_2t)} images/s.`;
}

// bench/RESULTS.md keeps one section per CPU model ("## <model>"): a run replaces its own
// CPU's section, or adds it, and leaves the others as they were.
function sectionsOf(text) {
  const parts = text.split(/^## /m).slice(1);
  return new Map(parts.map((p) => [p.slice(0, p.indexOf('\n')).trim(), p.slice(p.indexOf('\n') + 1).trim()]));
}

const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
const torchLine = torch ? `PyTorch ${torch.torch_version}: BLAS ${torch.torch_blas}; oneDNN ISA ${torch.torch_onednn_isa}; `
  + `OPENBLAS_*/OMP_* variables: ${blasVariables(torch.torch_blas_env)}.` : 'PyTorch not installed.';
const section = `Run on ${date} UTC, ${cpus().length} cores, load average ${LOAD_BEFORE} before and ${load()} after.
Browser: headless ${all.browser} (Debian). ${torchLine}
${tfjs ? `TF.js ${tfjs.tfjs_version}: ${tfjsTraining(tfjs)}\n` : ''}
| | native (AVX2/FMA) | wasm in Chromium |
|---|---:|---:|
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

keras-mnist, one image layer by layer (µs, best of 50, 1 / ${all.threads} threads): native ${all.native_layer_us_b1 ?? '—'};
Chromium ${all.wasm_layer_us_b1 ?? '—'}.`;
const path = `${ROOT}bench/RESULTS.md`;
const sections = sectionsOf(existsSync(path) ? readFileSync(path, 'utf8') : '');
sections.set(CPU, section);
const md = `# ConvAula benchmarks

Written by \`make bench\` (bench/run.mjs), one section per CPU model it ran on (a run replaces its
own CPU's section). Figures differ a lot between CPUs, PyTorch's most of all: quote the range.
Browser: wasm SIMD128; "all threads" is the cross-origin-isolated page with the pthreads build.
Models: keras-mnist (the lesson's network, batch 32, 71.6 MFLOP per training image) and classroom.
Figures are from one run on a shared machine: compare ratios within a section, not across runs.
Training rates are medians of three windows per thread count, 1 and all threads alternating; the
peak is the best of many short bursts (README, Benchmarks). "Effective GFLOP/s" are
direct-convolution FLOPs per second: 3x3 layers with 8+ channels run Winograd (F(4x4, 3x3) for
the forward pass and the input gradient, F(2x2, 3x3) for the weight gradient), which does fewer,
so the share of the peak may pass 100%. TF.js rows: TF.js's wasm backend (threaded SIMD binary,
XNNPACK) in the same Chromium, same network, timed around \`model.predict\` + reading the
result, best of 50 calls (1 image) and of 5 (batch 256) after a warm-up, as ConvAula's; a fresh
page per thread count (bench/tfjs.mjs).
${[...sections].map(([cpu, body]) => `\n## ${cpu}\n\n${body}\n`).join('')}`;
writeFileSync(path, md);
console.log(md);
console.log(JSON.stringify(all));
