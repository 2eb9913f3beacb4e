// run_benchmark: training and inference throughput on random data, and the mul-add peak.
#include "convaula/bench.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "convaula/flops.h"
#include "convaula/parallel.h"
#include "convaula/train.h"
#include "kernels.h"

namespace convaula {

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

// Training throughput with 1 and with `threads` threads, measured in alternating windows
// of `batches` steps, kRounds of each; each figure is the median of its windows. The host
// may be shared (a cloud VM, a browser's other tabs): alternating puts both thread counts
// under the same conditions, and the median drops a window that a neighbour slowed down.
constexpr int kRounds = 3;

struct TrainRates {
  double ips_1t, ips_nt;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

TrainRates train_rates(Sequential& model, int batches, int threads, Rng& rng) {
  const int batch = model.spec().batch_size;
  Tensor x = random_images(model.input_shape(), batch, rng);
  std::vector<uint8_t> labels(batch);
  for (auto& l : labels) l = static_cast<uint8_t>(rng.below(10));
  auto step = [&] {
    model.forward(x, true);
    model.backward(labels.data());
    model.optimizer().step({model.params(), model.grads(), model.param_count()});
  };
  auto window = [&] {
    const double t0 = now_seconds();
    for (int i = 0; i < batches; ++i) step();
    return batches * batch / (now_seconds() - t0);
  };
  ThreadPool& pool = ThreadPool::global();
  // Warm up for a second with each thread count: a browser compiles hot wasm functions
  // in tiers, and the optimized tier is what a lesson's minutes of training run on.
  auto warm_up = [&](int t) {
    pool.set_threads(t);
    for (const double w0 = now_seconds(); now_seconds() - w0 < 1.0;) step();
  };
  warm_up(1);
  if (threads > 1) warm_up(threads);
  std::vector<double> one, all;
  for (int r = 0; r < kRounds; ++r) {
    pool.set_threads(1);
    one.push_back(window());
    if (threads == 1) continue;  // "all threads" is the same figure: not timed twice
    pool.set_threads(threads);
    all.push_back(window());
  }
  pool.set_threads(1);
  const double ips_1t = median(one);
  return {ips_1t, threads == 1 ? ips_1t : median(all)};
}

double infer_ips(Sequential& model, Rng& rng) {
  Tensor big = random_images(model.input_shape(), 256, rng);
  return 256 / best_seconds(5, [&] { model.forward(big, false); });
}

// Each layer's forward pass on one image, timed alone on the activations of a whole
// forward pass, with 1 and with `threads` threads.
std::string layer_times_b1(Sequential& model, const Tensor& one, int threads) {
  ThreadPool& pool = ThreadPool::global();
  model.forward(one, false);
  std::string text;
  for (int i = 0; i < model.layer_count(); ++i) {
    const Tensor& in = i == 0 ? one : model.activation(i - 1);
    Shape shape = model.summary()[i].output;
    shape.n = 1;
    Tensor out(shape);
    double us[2];
    for (int k = 0; k < 2; ++k) {
      pool.set_threads(k == 0 ? 1 : threads);
      us[k] = 1e6 * best_seconds(50, [&] { model.layer(i).forward(in, out, false); });
    }
    char part[96];
    std::snprintf(part, sizeof part, "%s%s %.1f %.1f", i ? "; " : "", model.summary()[i].name.c_str(), us[0], us[1]);
    text += part;
  }
  pool.set_threads(1);
  return text;
}

}  // namespace

BenchFigures run_benchmark(const std::string& preset, int batches, int threads) {
  BenchFigures f;
  const ModelSpec spec = preset_spec(preset);
  Sequential model(spec);
  const FlopCount flops = count_flops(spec);
  f.preset = spec.name;
  f.batch_size = spec.batch_size;
  f.threads = std::max(1, threads);
  f.forward_flops = flops.forward;
  f.train_flops = flops.train;
  Rng rng(7);
  ThreadPool& pool = ThreadPool::global();
  const int before = pool.threads();
  // The figures are for the threads that run: a browser's pool may start fewer than asked.
  f.threads = pool.set_threads(f.threads);

  pool.set_threads(1);
  f.peak_gflops_1t = kernels::peak_gflops(0.5);
  const TrainRates rates = train_rates(model, batches, f.threads, rng);
  f.train_ips_1t = rates.ips_1t;
  f.train_ips_nt = rates.ips_nt;
  Tensor one = random_images(model.input_shape(), 1, rng);
  f.infer_ms_b1_1t = 1e3 * best_seconds(50, [&] { model.forward(one, false); });
  f.infer_ips_b256 = infer_ips(model, rng);

  pool.set_threads(f.threads);
  f.infer_ms_b1 = 1e3 * best_seconds(50, [&] { model.forward(one, false); });
  f.infer_ips_b256_nt = infer_ips(model, rng);
  f.layer_us_b1 = layer_times_b1(model, one, f.threads);
  pool.set_threads(before);
  return f;
}

}  // namespace convaula
