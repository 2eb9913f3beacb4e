// Long-run stability: building, training, evaluating, predicting and destroying a model 50
// times (a whole class's worth) must leave memory where it started. Runs natively and in wasm.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "convaula/model.h"
#include "convaula/train.h"

#if defined(__EMSCRIPTEN__) || defined(__GLIBC__)
#include <malloc.h>  // mallinfo / mallinfo2
#endif

using namespace convaula;

namespace {

// ASan's quarantine keeps freed memory resident on purpose, so under it the numbers are only
// printed; LeakSanitizer checks for leaks at exit instead.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#elif defined(__has_feature)
constexpr bool kAsan = __has_feature(address_sanitizer);
#else
constexpr bool kAsan = false;
#endif

struct Memory {
  double footprint_mb = 0;  // native: resident set size; wasm: linear memory size (only grows)
  double in_use_mb = 0;     // bytes malloc has handed out and not got back
};

Memory measure() {
  constexpr double kMb = 1024.0 * 1024.0;
  Memory m;
#ifdef __EMSCRIPTEN__
  m.footprint_mb = __builtin_wasm_memory_size(0) * 65536.0 / kMb;
  m.in_use_mb = mallinfo().uordblks / kMb;
#else
#ifdef __GLIBC__
  // Freed heap pages stay resident until trimmed (glibc raises its mmap threshold after a big
  // free, so later big buffers come from the heap): hand them back so RSS shows what is kept.
  malloc_trim(0);
#endif
  long size_pages = 0, resident_pages = 0;
  std::ifstream("/proc/self/statm") >> size_pages >> resident_pages;
  m.footprint_mb = double(resident_pages) * double(sysconf(_SC_PAGESIZE)) / kMb;
#ifdef __GLIBC__
  m.in_use_mb = double(mallinfo2().uordblks) / kMb;
#endif
#endif
  return m;
}

// 64 deterministic 28x28 images, so the test needs no MNIST files.
Dataset synthetic_digits() {
  Dataset d;
  d.images = Tensor(Shape{64, 1, 28, 28});
  for (std::size_t i = 0; i < d.images.size(); ++i) d.images[i] = float((i * 7919) % 256) / 255.0f;
  for (int i = 0; i < 64; ++i) d.labels.push_back(uint8_t(i % 10));
  return d;
}

// One lesson's life of a model: build, train two batches, evaluate, predict, save and
// reload the weights, destroy.
void model_lifetime(const Dataset& data) {
  Sequential model(preset_spec("classroom"));
  Trainer trainer(model, data);
  trainer.step();
  trainer.step();
  evaluate(model, data);
  predict(model, data.images);
  const auto weights = model.save_weights(WeightsDtype::f16);
  Sequential copy(preset_spec("classroom"));
  copy.load_weights(weights.data(), weights.size());
}

}  // namespace

TEST_CASE("50 model lifetimes (5 under ASan) leave memory where it started", "[stability]") {
  const Dataset data = synthetic_digits();
  model_lifetime(data);  // warm-up: thread pool, allocator arenas, first-use buffers
  const Memory before = measure();
  // Under ASan each round is ~10x slower and only LeakSanitizer judges, so fewer do.
  const int rounds = kAsan ? 5 : 50;
  for (int round = 0; round < rounds; ++round) model_lifetime(data);
  const Memory after = measure();
  std::printf("stability: %d model lifetimes: %s %.2f MB -> %.2f MB, malloc in use %.3f MB -> %.3f MB%s\n",
              rounds,
#ifdef __EMSCRIPTEN__
              "wasm heap",
#else
              "RSS",
#endif
              before.footprint_mb, after.footprint_mb, before.in_use_mb, after.in_use_mb,
              kAsan ? " (ASan: not checked)" : "");
  std::fflush(stdout);
  if (kAsan) return;
  // One leaked classroom model is ~1 MB (57k params x 4 buffers), so 50 rounds would add ~50 MB;
  // the slack only absorbs allocator caching.
  CHECK(after.footprint_mb - before.footprint_mb < 4.0);
  CHECK(after.in_use_mb - before.in_use_mb < 0.5);
}
