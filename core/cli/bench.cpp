// `convaula bench`: prints run_benchmark's figures as a table and one JSON line.
#include "bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "convaula/bench.h"
#include "convaula/parallel.h"
#include "kernels.h"

namespace convaula::cli {

// CPU time (ms) the whole process uses over 300 ms of idling after one job on `threads`
// threads: the pool's workers spin briefly, then sleep, so a lesson's pauses cost next to none.
static double idle_pool_cpu_ms(int threads) {
  ThreadPool& pool = ThreadPool::global();
  pool.set_threads(threads);
  pool.parallel_for(threads, [](int, int, int) {});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // past the spin
  const std::clock_t before = std::clock();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double used = 1e3 * double(std::clock() - before) / CLOCKS_PER_SEC;
  pool.set_threads(1);
  return used;
}

int run_bench(const BenchOptions& o) {
  const int all = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const BenchFigures f = run_benchmark(o.preset, o.batches, all);
  auto gflops = [](double ips, double per_image) { return ips * per_image * 1e-9; };
  auto pct = [&](double ips, double per_image, int threads) {
    return 100 * gflops(ips, per_image) / (f.peak_gflops_1t * threads);
  };
  std::printf("ConvAula native benchmark, preset %s (%.1f MFLOP/image forward, %.1f training), batch %d\n",
              f.preset.c_str(), f.forward_flops * 1e-6, f.train_flops * 1e-6, f.batch_size);
  // Winograd does fewer operations than the direct convolution these FLOPs count: the
  // rates are "effective" and may exceed the peak.
  std::printf("  (GFLOP/s below are effective: direct-convolution FLOPs per second)\n");
  const kernels::GemmBlocking gb = kernels::gemm_blocking();
  std::printf("  gemm blocking: micro-tile %dx%d, MC %d, KC %d, NC %d (from this CPU's caches)\n",
              gb.mr, gb.nr, gb.mc, gb.kc, gb.nc);
  std::printf("  peak mul-add, 1 thread             %9.1f GFLOP/s\n", f.peak_gflops_1t);
  std::printf("  training, 1 thread                 %9.1f images/s %7.1f GFLOP/s %5.1f%% of peak; epoch %.1f s\n",
              f.train_ips_1t, gflops(f.train_ips_1t, f.train_flops), pct(f.train_ips_1t, f.train_flops, 1),
              60000 / f.train_ips_1t);
  std::printf("  training, %d threads                %9.1f images/s %7.1f GFLOP/s %5.1f%% of peak; epoch %.1f s\n",
              f.threads, f.train_ips_nt, gflops(f.train_ips_nt, f.train_flops),
              pct(f.train_ips_nt, f.train_flops, f.threads), 60000 / f.train_ips_nt);
  std::printf("  speed-up with %d threads            %9.2fx\n", f.threads, f.train_ips_nt / f.train_ips_1t);
  std::printf("  inference batch 256, 1 thread      %9.1f images/s %7.1f GFLOP/s %5.1f%% of peak\n",
              f.infer_ips_b256, gflops(f.infer_ips_b256, f.forward_flops), pct(f.infer_ips_b256, f.forward_flops, 1));
  std::printf("  inference batch 256, %d threads     %9.1f images/s\n", f.threads, f.infer_ips_b256_nt);
  std::printf("  inference batch 1, 1 thread        %9.3f ms\n", f.infer_ms_b1_1t);
  std::printf("  inference batch 1, %d threads       %9.3f ms\n", f.threads, f.infer_ms_b1);
  const double idle_ms = idle_pool_cpu_ms(std::max(all, 4));
  std::printf("  idle pool, %d threads, 300 ms       %9.1f ms of CPU time\n", std::max(all, 4), idle_ms);
  std::printf("  one image by layer (us, 1 / %d threads): %s\n", f.threads, f.layer_us_b1.c_str());
  const char* p = f.preset == "keras-mnist" ? "" : "classroom_";
  std::printf("{\"preset\": \"%s\", \"threads\": %d, \"native_peak_gflops_1t\": %.1f, "
              "\"native_%strain_ips_1t\": %.1f, \"native_%strain_ips_nt\": %.1f, "
              "\"native_%strain_pct_peak_1t\": %.1f, \"native_%sinfer_ms_b1\": %.3f, "
              "\"native_%sinfer_ips_b256\": %.1f, \"native_%sinfer_ms_b1_1t\": %.3f, "
              "\"native_%sinfer_ips_b256_nt\": %.1f, \"native_%slayer_us_b1\": \"%s\", \"native_idle_cpu_ms\": %.1f}\n",
              f.preset.c_str(), f.threads, f.peak_gflops_1t, p, f.train_ips_1t, p, f.train_ips_nt, p,
              pct(f.train_ips_1t, f.train_flops, 1), p, f.infer_ms_b1, p, f.infer_ips_b256, p,
              f.infer_ms_b1_1t, p, f.infer_ips_b256_nt, p, f.layer_us_b1.c_str(), idle_ms);
  return 0;
}

}  // namespace convaula::cli
