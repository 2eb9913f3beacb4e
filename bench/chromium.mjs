// chromium.mjs: the engine's benchmark in headless Chromium, through the app's own worker.
//
// Runs the wasm engine (SIMD + threads, cross-origin isolated; and SIMD alone, not isolated)
// on both presets and prints one JSON line per preset with wasm_* figures (snake_case).
// usage: node bench/chromium.mjs [batches]
import { openPage } from '../tests/web/harness.mjs';
import { withBrowser } from './machine.mjs';

const batches = Number(process.argv[2] ?? 30);

async function measure(isolation, preset, threads) {
  return withBrowser({ isolation }, async ({ server, browser }) => {
    const { page } = await openPage(browser, server.url);
    return page.evaluate(async ({ preset, batches, threads }) => {
      const { ConvAulaClient } = await import('/js/client.js');
      const client = new ConvAulaClient('/worker.js');
      const info = await client.init();
      const figures = await client.bench({ preset, batches, threads });
      client.terminate();
      return { ...figures, variant: info.variant, userAgent: navigator.userAgent };
    }, { preset, batches, threads });
  });
}

for (const preset of ['keras-mnist', 'classroom']) {
  const mt = await measure(true, preset, 2);
  const st = await measure(false, preset, 1);
  const p = preset === 'keras-mnist' ? '' : 'classroom_';
  const gflops = (ips, flops) => ips * flops * 1e-9;
  const out = {
    preset,
    browser: mt.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? mt.userAgent,
    wasm_peak_gflops_1t: mt.peakGflops1t,
    [`wasm_${p}train_ips_1t`]: mt.trainIps1t,
    [`wasm_${p}train_ips_nt`]: mt.trainIpsNt,
    [`wasm_${p}train_pct_peak_1t`]: 100 * gflops(mt.trainIps1t, mt.trainFlops) / mt.peakGflops1t,
    [`wasm_${p}train_ips_not_isolated`]: st.trainIps1t,
    [`wasm_${p}infer_ips_b256`]: mt.inferIpsB256,
    [`wasm_${p}infer_ips_b256_nt`]: mt.inferIpsB256Nt,
    [`wasm_${p}infer_ms_b1`]: mt.inferMsB1,  // all threads (run_benchmark, bench.h)
    [`wasm_${p}infer_ms_b1_1t`]: mt.inferMsB11t,
    [`wasm_${p}layer_us_b1`]: mt.layerUsB1,  // "name us_1t us_nt; ..." per layer
    [`wasm_${p}epoch_seconds_nt`]: 60000 / mt.trainIpsNt,
    [`wasm_${p}epoch_seconds_1t`]: 60000 / st.trainIps1t,
  };
  console.log(JSON.stringify(out));
}
