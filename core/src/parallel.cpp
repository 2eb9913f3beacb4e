// ThreadPool: a fixed set of workers woken per parallel_for.
#include "convaula/parallel.h"

#include <algorithm>
#include <chrono>
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

// How long a waiting thread polls before it sleeps: about what the old fixed count of
// polls took in wasm (1 << 16, ~65 us), now by the clock on every target. Longer spins
// measured worse on this shared 2-core machine under load (4 to 10): a thread that spins
// while the one it waits for is descheduled takes that thread's core (Chromium, 2 threads,
// 1 ms: one-image inference 4.7-5.5 ms against ~1 ms, training 0.67-0.83x of 1 thread
// against 0.83-1.03x with 65 us; see the branch's report). Lessons' pauses sleep either way.
constexpr auto kSpinTime = std::chrono::microseconds(65);
// The clock is read once per this many polls: a poll is a load (plus an x86 pause), the
// clock a call into the OS or, in wasm, into JavaScript's performance.now().
constexpr int kPollsPerClock = 256;

// Every 64 polls the thread yields its core: with more threads than free cores (other
// programs on a school PC), the thread being waited for may need exactly this one.
template <class Ready>
bool spin_until(Ready&& ready) {
  using clock = std::chrono::steady_clock;
  const clock::time_point until = clock::now() + kSpinTime;
  for (int i = 1;; ++i) {
    if (ready()) return true;
    if (i % kPollsPerClock == 0 && clock::now() >= until) return ready();
    if (i % 64 == 0) {
      std::this_thread::yield();
      continue;
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

}  // namespace

void ThreadPool::wake() {
  if (sleepers_.load(std::memory_order_seq_cst) == 0) return;
  nudges_.fetch_add(1, std::memory_order_seq_cst);
  { std::lock_guard<std::mutex> lock(mutex_); }  // as in run(): the notify lands after the wait
  wake_.notify_all();
}

void ThreadPool::worker_loop(int slot) {
  long seen = 0;
  for (;;) {
    auto ready = [&] {
      return stopping_.load(std::memory_order_seq_cst) ||
             generation_.load(std::memory_order_seq_cst) != seen;
    };
    if (!spin_until(ready)) {
      // Announce the sleep before the last check (both seq_cst): either run() sees
      // sleepers_ > 0 and notifies under the mutex, or this check sees its new generation.
      std::unique_lock<std::mutex> lock(mutex_);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      const long nudged = nudges_.load(std::memory_order_seq_cst);
      wake_.wait(lock, [&] { return ready() || nudges_.load(std::memory_order_seq_cst) != nudged; });
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
      if (!ready()) continue;  // woken by wake(): spin for the job that is coming
    }
    if (stopping_.load(std::memory_order_acquire)) return;
    seen = generation_.load(std::memory_order_acquire);
    // Published before the bump that made `ready` true; run() does not change them until
    // this worker has counted itself done below.
    const Job job = job_;
    void* const fn = job_fn_;
    const int n = job_n_, parts = job_parts_;
    if (slot < parts) {
      int b, e;
      split_range(n, parts, slot, &b, &e);
      run_part(job, fn, b, e, slot);
    }
    if (pending_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
        main_sleeps_.load(std::memory_order_seq_cst)) {
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
  job_ = job;
  job_fn_ = fn;
  job_n_ = n;
  job_parts_ = parts;
  pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    // A worker between its announcement and its wait holds the mutex: taking it here
    // makes the notify land after that worker is waiting.
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }
  int b, e;
  split_range(n, parts, 0, &b, &e);
  run_part(job, fn, b, e, 0);
  // Even when a part threw: the workers still use fn, which lives in the caller's frame.
  auto done = [&] { return pending_.load(std::memory_order_seq_cst) == 0; };
  if (!spin_until(done)) {
    std::unique_lock<std::mutex> lock(mutex_);
    main_sleeps_.store(true, std::memory_order_seq_cst);
    done_.wait(lock, done);
    main_sleeps_.store(false, std::memory_order_relaxed);
  }
  // Every worker wrote error_ (under the mutex) before its pending_ decrement, which the
  // loads above saw.
  std::exception_ptr error;
  std::swap(error, error_);
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
