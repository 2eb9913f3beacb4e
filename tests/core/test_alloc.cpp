// Allocation: the training step allocates nothing once its buffers are planned (DESIGN.md);
// a bad_alloc anywhere in it leaves the model as before (strong exception safety); refusing
// a weights file allocates nothing of the model it describes.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <malloc.h>
#include <new>
#include <vector>

#include "convaula/error.h"

#include "convaula/model.h"
#include "convaula/parallel.h"

// GCC flags the free() in these replacements as mismatched with new; they are the pair.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {
std::atomic<long> g_allocations{0};
std::atomic<uint64_t> g_bytes{0};
std::atomic<long> g_fail_at{0};  // the number of the allocation that throws; 0: none
// Bytes live now and the most live since the last reset, as malloc sized the blocks.
std::atomic<uint64_t> g_live{0}, g_peak{0};

// Counts one allocation; true when it is the one chosen to fail.
bool count_allocation(std::size_t size) {
  g_bytes += size;
  return ++g_allocations == g_fail_at;
}
void* track(void* p) {
  const uint64_t live = g_live += malloc_usable_size(p);
  for (uint64_t peak = g_peak; live > peak && !g_peak.compare_exchange_weak(peak, live);) {
  }
  return p;
}
void release(void* p) {
  if (p) g_live -= malloc_usable_size(p);
  std::free(p);
}
}  // namespace

// Counting replacements of the global allocation functions, for this test binary; the
// aligned ones serve Tensor's buffers (tensor.cpp).
void* operator new(std::size_t size) {
  if (count_allocation(size)) throw std::bad_alloc();
  if (void* p = std::malloc(size ? size : 1)) return track(p);
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align) {
  if (count_allocation(size)) throw std::bad_alloc();
  const std::size_t a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return track(p);
  throw std::bad_alloc();
}
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
// Catch2 allocates with the nothrow form: it must come from malloc too, since the delete
// above frees (ASan reports alloc-dealloc-mismatch otherwise).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  count_allocation(size);  // never fails: Catch2 itself uses this one
  return track(std::malloc(size ? size : 1));
}
void operator delete(void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }

using namespace convaula;

namespace {

// A small model with every layer kind that plans buffers (conv scratch, pooling argmax,
// dropout mask, activations), and a training step on 4 images.
struct Fixture {
  ModelSpec spec = ModelSpec::from_json(R"({"input": [8, 8, 1], "layers": [
    {"type": "conv2d", "filters": 3, "kernel": 3, "activation": "relu"}, {"type": "max_pooling2d"},
    {"type": "dropout", "rate": 0.5}, {"type": "flatten"},
    {"type": "dense", "units": 10, "activation": "softmax"}], "batch_size": 4})");
  Tensor x{Shape{4, 1, 8, 8}};
  std::vector<uint8_t> y{1, 2, 3, 4};
  Fixture() {
    Rng rng(3);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
  }
  void step(Sequential& model) {
    model.zero_grad();
    model.forward(x, true);
    model.backward(y.data());
    model.optimizer().step({model.params(), model.grads(), model.param_count()});
  }
};

}  // namespace

TEST_CASE("a training step allocates nothing after the first, with 1 and 2 threads", "[alloc]") {
  for (int threads : {1, 2}) {
    if (ThreadPool::global().set_threads(threads) < threads) {
      WARN("this build has no threads: 2 threads skipped");
      continue;
    }
    Sequential model(preset_spec("keras-mnist"));
    Tensor x({32, 1, 28, 28});
    Rng rng(2);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
    std::vector<uint8_t> y(32);
    for (auto& v : y) v = static_cast<uint8_t>(rng.below(10));
    auto step = [&] {
      model.zero_grad();
      model.forward(x, true);
      model.backward(y.data());
      model.optimizer().step({model.params(), model.grads(), model.param_count()});
    };
    step();
    const long before = g_allocations;
    for (int i = 0; i < 3; ++i) step();
    const long allocations = g_allocations - before;  // read before Catch2 itself allocates
    INFO("threads " << threads);
    CHECK(allocations == 0);
  }
  ThreadPool::global().set_threads(1);
}

TEST_CASE("the memory estimate covers what a model, a training step and a scoring pass allocate",
          "[alloc][memory]") {
  // Checked by counting: the most bytes live at once (as malloc sized the blocks), from
  // building keras-mnist to the end of a first training step and a forward pass at the
  // scoring batch, must fit in the estimate the budget is checked against.
  for (int threads : {1, 2}) {
    if (ThreadPool::global().set_threads(threads) < threads) continue;
    const ModelSpec spec = preset_spec("keras-mnist");
    const uint64_t estimate = estimate_memory(spec, threads).total();
    Tensor x({32, 1, 28, 28}), big({256, 1, 28, 28});
    std::vector<uint8_t> y(32, 3);
    const uint64_t base = g_live;
    g_peak = base;
    {
      Sequential model(spec);
      model.zero_grad();
      model.forward(x, true);
      model.backward(y.data());
      model.optimizer().step({model.params(), model.grads(), model.param_count()});
      model.forward(big, false);
    }
    const uint64_t bytes = g_peak - base;
    INFO("threads " << threads << ": at most " << bytes << " B live, estimate " << estimate << " B");
    CHECK(bytes <= estimate);
  }
  ThreadPool::global().set_threads(1);
}

namespace {

// Fails each allocation of a fresh model's first training step in turn. With 2 threads the
// k-th allocation may fall in a worker (GEMM packing): ThreadPool hands it to the caller.
void check_every_allocation_may_fail() {
  Fixture f;
  Sequential reference(f.spec);
  const Tensor expected = reference.forward(f.x, false);
  long failures = 0;
  for (long k = 1;; ++k) {
    Sequential model(f.spec);
    g_fail_at = g_allocations + k;  // the k-th allocation of the step fails
    bool failed = false;
    try {
      f.step(model);
    } catch (const std::bad_alloc&) {
      failed = true;
    }
    g_fail_at = 0;
    if (!failed) break;
    ++failures;
    // The weights are untouched, the next forward gives the reference's answer, and a
    // whole training step runs (ASan would see a write through a stale buffer).
    const Tensor& out = model.forward(f.x, false);
    INFO("allocation " << k);
    REQUIRE(std::equal(out.data(), out.data() + out.size(), expected.data()));
    f.step(model);
  }
  INFO("the first step made " << failures << " allocations");
  CHECK(failures >= 8);  // activations, gradients, conv scratch, argmax, mask: all were tried
}

}  // namespace

TEST_CASE("after a bad_alloc anywhere in a first training step, the model is as before and works",
          "[alloc]") {
  // Before, Conv2D::plan_scratch grew its slot list before allocating the buffers: after one
  // bad_alloc every later call found the slots and im2col wrote through a null pointer.
  for (int threads : {1, 2}) {
    if (ThreadPool::global().set_threads(threads) < threads) {
      WARN("this build has no threads: 2 threads skipped");
      continue;
    }
    INFO("threads " << threads);
    check_every_allocation_may_fail();
  }
  ThreadPool::global().set_threads(1);
}

TEST_CASE("refusing the 300-byte huge-model weights file allocates almost nothing", "[alloc]") {
  // A past reproducer: a file declaring flatten -> dense 65,536 -> dense 10 (52 M
  // parameters) with none in it; the model was built (0.8 GB) before the count was compared.
  const std::string spec = R"({"input": [28, 28, 1], "layers": [{"type": "flatten"},
    {"type": "dense", "units": 65536, "activation": "relu"},
    {"type": "dense", "units": 10, "activation": "softmax"}], "optimizer": "adam", "batch_size": 4000})";
  const std::vector<uint8_t> file = encode_weights(spec, nullptr, 0);
  const uint64_t before = g_bytes;
  std::string message;
  try {
    load_model(file.data(), file.size());
  } catch (const Error& e) {
    message = e.what();
  }
  const uint64_t bytes = g_bytes - before;
  INFO(message);
  CHECK(message == "weights file has 0 parameters, but its model 'model' needs 52,101,130");
  CHECK(bytes < (1u << 20));
}

TEST_CASE("loading a network allocates its parameters and gradients, not a decoded copy or optimizer state",
          "[alloc][memory]") {
  // The page's first answer waits for load_model: its cost is mostly fresh memory's first
  // touch, so it allocates only the model (the gradients stay unwritten), decodes the file
  // straight into the parameters, and the optimizer's state waits for a first step.
  std::vector<uint8_t> file;
  std::size_t params = 0;
  {
    Sequential source(preset_spec("keras-mnist"));
    params = source.param_count();
    file = source.save_weights(WeightsDtype::f16);
  }
  const uint64_t base = g_live;
  g_peak = base;
  auto model = load_model(file.data(), file.size());
  const uint64_t peak = g_peak - base, kept = g_live - base;
  const uint64_t model_bytes = 2 * params * sizeof(float);  // parameters and gradients
  INFO(params << " parameters: at most " << peak << " B live while loading, " << kept << " B kept");
  CHECK(peak <= model_bytes + 256 * 1024);
  CHECK(kept <= model_bytes + 256 * 1024);

  // Adadelta's two state vectors arrive with the first step.
  Tensor x({2, 1, 28, 28});
  std::vector<uint8_t> y{3, 7};
  model->forward(x, true);
  model->backward(y.data());
  const uint64_t before = g_live;
  model->optimizer().step({model->params(), model->grads(), model->param_count()});
  CHECK(g_live - before >= 2 * params * sizeof(float));
}
