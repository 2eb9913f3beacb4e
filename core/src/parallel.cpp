// ThreadPool: a fixed set of workers woken per parallel_for.
#include "convaula/parallel.h"

#include <algorithm>
#include <system_error>

namespace convaula {

ThreadPool& ThreadPool::global() {
  static ThreadPool pool;
  return pool;
}

ThreadPool::~ThreadPool() { stop_workers(); }

void ThreadPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  stopping_ = false;
  generation_.store(0);  // new workers start with seen = 0: they must not replay the last job
}

int ThreadPool::set_threads(int n) {
  n = std::clamp(n, 1, 64);
  if (n == threads()) return n;
  stop_workers();
  try {
    for (int slot = 1; slot < n; ++slot) workers_.emplace_back([this, slot] { worker_loop(slot); });
  } catch (const std::system_error&) {
    // No threads here (a wasm build without pthreads): keep the ones that started.
  }
  return threads();
}

namespace {

// How long a waiting thread polls before it sleeps: ~50-100 us, longer than the gap
// between two parallel_for calls of a training step, much shorter than a lesson's pauses.
// An x86 pause takes tens of cycles; a wasm poll is a plain load.
#if defined(__x86_64__) || defined(__i386__)
constexpr int kSpins = 1 << 12;
#else
constexpr int kSpins = 1 << 16;
#endif

// Every 64 polls the thread yields its core: with more threads than free cores (other
// programs on a school PC), the thread being waited for may need exactly this one.
template <class Ready>
bool spin_until(Ready&& ready) {
  for (int i = 0; i < kSpins; ++i) {
    if (ready()) return true;
    if (i % 64 == 63) {
      std::this_thread::yield();
      continue;
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  return ready();
}

}  // namespace

void ThreadPool::worker_loop(int slot) {
  long seen = 0;
  for (;;) {
    Job job;
    void* fn;
    int n, parts;
    spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_.load(std::memory_order_relaxed) != seen; });
      if (stopping_) return;
      seen = generation_.load(std::memory_order_relaxed);
      job = job_;
      fn = job_fn_;
      n = job_n_;
      parts = job_parts_;
    }
    if (slot < parts) {
      int b, e;
      split_range(n, parts, slot, &b, &e);
      run_part(job, fn, b, e, slot);
    }
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);  // orders this notify after the waiter's check
      done_.notify_one();
    }
  }
}

void ThreadPool::run(int n, Job job, void* fn) {
  if (n <= 0) return;
  const int parts = std::min(n, threads());
  if (parts == 1) {
    job(fn, 0, n, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = job;
    job_fn_ = fn;
    job_n_ = n;
    job_parts_ = parts;
    pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  int b, e;
  split_range(n, parts, 0, &b, &e);
  run_part(job, fn, b, e, 0);
  // Even when a part threw: the workers still use fn, which lives in the caller's frame.
  if (!spin_until([&] { return pending_.load(std::memory_order_acquire) == 0; })) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
  }
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = nullptr;
    job_fn_ = nullptr;
    std::swap(error, error_);
  }
  if (error) std::rethrow_exception(error);
}

void ThreadPool::run_part(Job job, void* fn, int begin, int end, int slot) {
  try {
    job(fn, begin, end, slot);
  } catch (...) {
    // The first exception of any part (a bad_alloc in a worker's scratch, say) reaches the
    // caller of parallel_for once every part has returned; a worker never terminates.
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
  }
}

}  // namespace convaula
