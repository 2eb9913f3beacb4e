// Native benchmark: training images/s, inference latency and throughput, % of peak GFLOP/s.
#include "bench.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "convaula/flops.h"
#include "convaula/parallel.h"
#include "convaula/train.h"
#include "kernels.h"

namespace convaula::cli {

namespace {

Tensor random_images(const Shape& per_image, int n, Rng& rng) {
  Tensor x({n, per_image.c, per_image.h, per_image.w});
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
  return x;
}

// Seconds per call of fn, best of `reps` after one warm-up call.
template <class Fn>
double best_seconds(int reps, Fn&& fn) {
  fn();
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    const double t0 = now_seconds();
    fn();
    best = std::min(best, now_seconds() - t0);
  }
  return best;
}


struct Figures {
  double train_ips = 0, infer_ms_b1 = 0, infer_ips_b256 = 0;
};

Figures measure(Sequential& model, int batches, Rng& rng) {
  const int batch = model.spec().batch_size;
  Tensor x = random_images(model.input_shape(), batch, rng);
  std::vector<uint8_t> labels(batch);
  for (auto& l : labels) l = static_cast<uint8_t>(rng.below(10));
  auto train_step = [&] {
    model.zero_grad();
    model.forward(x, true);
    model.backward(labels.data());
    model.optimizer().step({model.params(), model.grads(), model.param_count()});
  };
  for (int i = 0; i < 3; ++i) train_step();
  Figures f;
  const double t0 = now_seconds();
  for (int i = 0; i < batches; ++i) train_step();
  f.train_ips = batches * batch / (now_seconds() - t0);
  Tensor one = random_images(model.input_shape(), 1, rng);
  f.infer_ms_b1 = 1e3 * best_seconds(50, [&] { model.forward(one, false); });
  Tensor big = random_images(model.input_shape(), 256, rng);
  f.infer_ips_b256 = 256 / best_seconds(3, [&] { model.forward(big, false); });
  return f;
}

}  // namespace

int run_bench(const BenchOptions& o) {
  const ModelSpec spec = preset_spec(o.preset);
  Sequential model(spec);
  const FlopCount flops = count_flops(spec);
  const int all = o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  Rng rng(7);
  ThreadPool& pool = ThreadPool::global();

  pool.set_threads(1);
  const double peak = kernels::peak_gflops(0.5);
  const Figures one = measure(model, o.batches, rng);
  pool.set_threads(all);
  const Figures many = measure(model, o.batches, rng);
  pool.set_threads(1);

  auto gflops = [](double ips, double per_image) { return ips * per_image * 1e-9; };
  std::printf("ConvAula native benchmark, preset %s (%.1f MFLOP/image forward, %.1f training), batch %d\n",
              spec.name.c_str(), flops.forward * 1e-6, flops.train * 1e-6, spec.batch_size);
  std::printf("  peak mul-add, 1 thread            %9.1f GFLOP/s\n", peak);
  const Figures* figs[2] = {&one, &many};
  const int counts[2] = {1, all};
  for (int i = 0; i < 2; ++i) {
    const Figures& f = *figs[i];
    const double g = gflops(f.train_ips, flops.train), gi = gflops(f.infer_ips_b256, flops.forward);
    const double p = peak * counts[i];
    std::printf("  %d thread(s): training          %9.1f images/s %7.1f GFLOP/s %5.1f%% of peak; epoch %.1f s\n",
                counts[i], f.train_ips, g, 100 * g / p, 60000 / f.train_ips);
    std::printf("  %d thread(s): inference b256    %9.1f images/s %7.1f GFLOP/s %5.1f%% of peak\n",
                counts[i], f.infer_ips_b256, gi, 100 * gi / p);
    std::printf("  %d thread(s): inference b1      %9.3f ms\n", counts[i], f.infer_ms_b1);
  }
  std::printf("  speed-up with %d threads: %.2fx\n", all, many.train_ips / one.train_ips);
  const char* p = spec.name == "keras-mnist" ? "" : "classroom_";
  std::printf("{\"preset\": \"%s\", \"threads\": %d, \"native_peak_gflops_1t\": %.1f, "
              "\"native_%strain_ips_1t\": %.1f, \"native_%strain_ips_nt\": %.1f, "
              "\"native_%strain_pct_peak_1t\": %.1f, \"native_%sinfer_ms_b1\": %.3f, "
              "\"native_%sinfer_ips_b256\": %.1f}\n",
              spec.name.c_str(), all, peak, p, one.train_ips, p, many.train_ips, p,
              100 * gflops(one.train_ips, flops.train) / peak, p, one.infer_ms_b1, p, one.infer_ips_b256);
  return 0;
}

}  // namespace convaula::cli
