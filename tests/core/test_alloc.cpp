// The training step allocates nothing once its buffers are planned (DESIGN.md).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "convaula/model.h"
#include "convaula/parallel.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Counting replacements of the global allocation functions, for this test binary.
void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
// Catch2 allocates with the nothrow form: it must come from malloc too, since the delete
// above frees (ASan reports alloc-dealloc-mismatch otherwise).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return std::malloc(size ? size : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace convaula;

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
