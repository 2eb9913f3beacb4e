// ThreadPool: the engine's only source of parallelism; layers split batches and
// GEMMs across it with parallel_for.
//
// Threads are std::thread natively and pthreads under Emscripten (only in the
// cross-origin-isolated build); with one thread nothing is ever spawned, so the
// single-threaded wasm build runs the same code. Work is split into contiguous,
// fixed ranges, so results are identical from run to run for a given thread
// count; between thread counts only the order of float additions in gradient
// reductions changes (differences around 1e-7 relative).
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <type_traits>
#include <mutex>
#include <thread>
#include <vector>

namespace convaula {

class ThreadPool {
 public:
  // The process-wide pool used by the layers. Starts with 1 thread.
  static ThreadPool& global();

  ThreadPool() = default;
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Total threads including the caller, clamped to [1, 64]. Returns how many are
  // running: fewer where the platform cannot start threads (single-threaded wasm).
  int set_threads(int n);
  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  // Workers asleep on the pool's condition variable (or about to be): idle ones stop spinning.
  int sleeping() const { return sleepers_.load(std::memory_order_seq_cst); }

  // Calls fn(begin, end, slot) on `parts` contiguous ranges covering [0, n), one
  // per slot, slot 0 on the calling thread; parts = min(n, threads()). Blocks
  // until all return; if any part throws, the first exception is rethrown here after all
  // parts have returned. Not reentrant: fn must not call parallel_for itself.
  // Takes any callable without copying it (no std::function, so no allocation
  // in the training step).
  // A parallel_for is coming after some serial work: sleeping workers wake now and spin,
  // so that their wake-up (through the OS, or Atomics.wait in a browser: tens to hundreds
  // of microseconds on a busy VM) overlaps that work instead of delaying the job.
  void wake();
  template <class Fn>
  void parallel_for(int n, Fn&& fn) {
    using F = std::remove_reference_t<Fn>;
    run(n, [](void* f, int b, int e, int slot) { (*static_cast<F*>(f))(b, e, slot); },
        const_cast<void*>(static_cast<const void*>(&fn)));
  }

 private:
  using Job = void (*)(void* fn, int begin, int end, int slot);
  void run(int n, Job job, void* fn);
  void run_part(Job job, void* fn, int begin, int end, int slot);
  void worker_loop(int slot);
  void stop_workers();

  // Waiting spins on the atomics for up to a fixed time (spin_until in parallel.cpp) before
  // blocking on the condition variables: a training step is a chain of short parallel_for
  // calls with short serial pieces between them, and a wake-up through the OS (or, in wasm,
  // Atomics.wait/notify between Web Workers) costs as much as a small layer. A thread
  // announces that it sleeps (sleepers_, main_sleeps_) before its last check, so the other
  // side takes the mutex and notifies only when someone may sleep: with every thread
  // spinning, a parallel_for touches no mutex at all.
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  // The current job: written by run() before it bumps generation_, read by the workers after
  // they see the bump; run() returns only once every worker is done with it.
  Job job_ = nullptr;
  void* job_fn_ = nullptr;
  int job_n_ = 0, job_parts_ = 0;
  std::atomic<long> generation_{0};  // bumped once per job
  std::atomic<long> nudges_{0};      // bumped by wake()
  std::atomic<int> pending_{0};      // workers yet to finish the current job
  std::atomic<int> sleepers_{0};     // workers asleep (or about to be) on wake_
  std::atomic<bool> main_sleeps_{false};  // run()'s caller asleep (or about to be) on done_
  std::atomic<bool> stopping_{false};
  std::exception_ptr error_;  // the first exception of the current job's parts (under mutex_)
};

// Splits [0, n) into `parts` near-equal contiguous ranges; range i is [begin, end).
inline void split_range(int n, int parts, int i, int* begin, int* end) {
  const int base = n / parts, extra = n % parts;
  *begin = i * base + (i < extra ? i : extra);
  *end = *begin + base + (i < extra ? 1 : 0);
}

}  // namespace convaula
