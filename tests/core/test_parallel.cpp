// ThreadPool and the parallel kernels: same numbers for 1 or 2 threads.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "convaula/layers/conv2d.h"
#include "convaula/model.h"
#include "convaula/parallel.h"
#include "kernels.h"

using namespace convaula;
using Catch::Matchers::WithinRel;

namespace {
struct ThreadsGuard {  // restores the single-threaded default when a test ends
  ~ThreadsGuard() { ThreadPool::global().set_threads(1); }
};
}  // namespace

TEST_CASE("split_range covers 0..n-1 with near-equal contiguous parts", "[parallel]") {
  for (int n : {1, 7, 13, 64})
    for (int parts = 1; parts <= std::min(n, 5); ++parts) {
      int expect = 0;
      for (int i = 0; i < parts; ++i) {
        int b, e;
        split_range(n, parts, i, &b, &e);
        CHECK(b == expect);
        CHECK(e - b >= n / parts);
        CHECK(e - b <= n / parts + 1);
        expect = e;
      }
      CHECK(expect == n);
    }
}

TEST_CASE("parallel_for visits every index once, on every slot", "[parallel]") {
  ThreadsGuard guard;
  ThreadPool pool;
  if (pool.set_threads(3) < 3) {
    WARN("this build has no threads: skipped");
    return;
  }
  std::vector<std::atomic<int>> hits(100);
  std::atomic<int> slots_used{0};
  for (int round = 0; round < 20; ++round)
    pool.parallel_for(100, [&](int b, int e, int slot) {
      slots_used |= 1 << slot;
      for (int i = b; i < e; ++i) ++hits[i];
    });
  for (auto& h : hits) CHECK(h == 20);
  CHECK(slots_used == 0b111);
}

TEST_CASE("back-to-back parallel_for calls each run exactly once, more threads than cores", "[parallel]") {
  // Workers poll for the next job before sleeping: a job must never be missed, replayed or
  // mixed with the previous one, however the calls and the thread counts follow each other.
  ThreadsGuard guard;
  ThreadPool pool;
  for (int threads : {4, 2, 3}) {
    if (pool.set_threads(threads) < threads) {
      WARN("this build has no threads: skipped");
      return;
    }
    long wrong = 0;
    for (int call = 0; call < 5000; ++call) {
      const int n = 1 + call % 9;
      std::atomic<long> sum{0};
      pool.parallel_for(n, [&](int b, int e, int) {
        for (int i = b; i < e; ++i) sum += i + 1 + call;
      });
      if (sum != static_cast<long>(n) * (n + 1) / 2 + static_cast<long>(n) * call) ++wrong;
    }
    CHECK(wrong == 0);
  }
}

TEST_CASE("a training step gives the same numbers with 1 and 2 threads, the same bits with 2 twice",
          "[parallel][determinism]") {
  ThreadsGuard guard;
  const ModelSpec spec = ModelSpec::from_json(R"({"input": [12, 12, 1], "layers": [
      {"type": "conv2d", "filters": 8, "kernel": 3, "activation": "relu"},
      {"type": "conv2d", "filters": 8, "kernel": 3, "activation": "relu"},
      {"type": "max_pooling2d"}, {"type": "dropout", "rate": 0.25}, {"type": "flatten"},
      {"type": "dense", "units": 10, "activation": "softmax"}], "optimizer": "adam", "seed": 5})");
  Tensor x({8, 1, 12, 12});
  Rng rng(9);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
  const std::vector<uint8_t> y = {0, 1, 2, 3, 4, 5, 6, 7};
  std::vector<std::vector<float>> params;
  if (ThreadPool::global().set_threads(2) < 2) {
    WARN("this build has no threads: skipped");
    return;
  }
  for (int threads : {1, 2, 2}) {
    ThreadPool::global().set_threads(threads);
    Sequential m(spec);
    REQUIRE(dynamic_cast<const Conv2D&>(m.layer(1)).uses_winograd());  // 8 channels in and out
    for (int step = 0; step < 3; ++step) {
      m.zero_grad();
      m.forward(x, true);
      m.backward(y.data());
      m.optimizer().step({m.params(), m.grads(), m.param_count()});
    }
    params.emplace_back(m.params(), m.params() + m.param_count());
  }
  // Only the order of the per-thread gradient sums differs (parallel.h).
  for (std::size_t i = 0; i < params[0].size(); ++i)
    CHECK_THAT(params[1][i], WithinRel(params[0][i], 1e-4f) || Catch::Matchers::WithinAbs(params[0][i], 1e-6));
  // Same build, same thread count: the same bits.
  CHECK(params[2] == params[1]);
}

TEST_CASE("the fast im2col, col2im and bias_grad_rows match their ref twins", "[kernels]") {
  Rng rng(4);
  for (int size : {1, 7, 13, 33})
    for (int k : {1, 3, 5})
      for (int stride : {1, 2})
        for (int pad : {0, 1, 2}) {
          if (size + 2 * pad < k) continue;
          kernels::ConvGeom g{2, size, size + 1, k, k, stride, pad, pad, 0, 0};
          g.oh = (size + 2 * pad - k) / stride + 1;
          g.ow = (size + 1 + 2 * pad - k) / stride + 1;
          std::vector<float> img(2 * size * (size + 1));
          for (auto& v : img) v = rng.uniform(-1, 1);
          const std::size_t cols = static_cast<std::size_t>(2) * k * k * g.oh * g.ow;
          std::vector<float> a(cols, 7.0f), b(cols, -7.0f);
          kernels::im2col(g, img.data(), a.data());
          kernels::im2col_ref(g, img.data(), b.data());
          REQUIRE(a == b);
          std::vector<float> ia(img.size(), 0.5f), ib(img.size(), 0.5f);
          kernels::col2im(g, a.data(), ia.data());
          kernels::col2im_ref(g, a.data(), ib.data());
          for (std::size_t i = 0; i < ia.size(); ++i) REQUIRE_THAT(ia[i], WithinRel(ib[i], 1e-6f));
        }
  for (int cols : {1, 7, 13, 33}) {
    std::vector<float> d(3 * cols);
    for (auto& v : d) v = rng.uniform(-1, 1);
    std::vector<float> fa = {1, 2, 3}, fb = {1, 2, 3};
    kernels::bias_grad_rows(d.data(), 3, cols, fa.data());
    kernels::bias_grad_rows_ref(d.data(), 3, cols, fb.data());
    for (int r = 0; r < 3; ++r) CHECK_THAT(fa[r], WithinRel(fb[r], 1e-5f));
  }
}

TEST_CASE("peak_gflops measures a positive rate", "[kernels]") {
  CHECK(kernels::peak_gflops(0.01) > 0.1);
}

TEST_CASE("an exception in any part reaches the caller after every part has returned", "[parallel]") {
  ThreadPool pool;
  if (pool.set_threads(3) < 3) {
    WARN("this build has no threads: skipped");
    return;
  }
  for (int thrower = 0; thrower < 3; ++thrower) {
    std::atomic<int> finished{0};
    INFO("slot " << thrower << " throws");
    CHECK_THROWS_AS(pool.parallel_for(3, [&](int, int, int slot) {
                      if (slot == thrower) throw std::bad_alloc();
                      ++finished;
                    }),
                    std::bad_alloc);
    CHECK(finished == 2);  // the others ran to the end before the caller went on
    // and the pool still works
    std::atomic<int> sum{0};
    pool.parallel_for(3, [&](int b, int e, int) { sum += e - b; });
    CHECK(sum == 3);
  }
}

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
TEST_CASE("idle workers sleep: a paused pool burns no CPU", "[parallel]") {
  // Waiting threads spin for a short while (65 us) before they sleep; a lesson's pauses
  // (seconds) must not keep a core busy: after a job, every worker goes to sleep on the
  // pool's condition variable. (What an idle pool costs in CPU time is a bench figure.)
  ThreadPool pool;
  if (pool.set_threads(4) < 4) {
    WARN("this build has no threads: skipped");
    return;
  }
  std::atomic<int> sum{0};
  pool.parallel_for(4, [&](int b, int e, int) { sum += e - b; });
  CHECK(sum == 4);
  // Polled, not timed: the loop's bound is a hang guard only.
  for (int i = 0; i < 100000 && pool.sleeping() < 3; ++i) std::this_thread::sleep_for(std::chrono::microseconds(100));
  CHECK(pool.sleeping() == 3);
  // and they still wake up for the next job
  pool.parallel_for(4, [&](int b, int e, int) { sum += e - b; });
  CHECK(sum == 8);
}
#endif
