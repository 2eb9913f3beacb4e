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
  generation_ = 0;  // new workers start with seen = 0: they must not replay the last job
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

void ThreadPool::worker_loop(int slot) {
  long seen = 0;
  for (;;) {
    Job job;
    void* fn;
    int n, parts;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      job = job_;
      fn = job_fn_;
      n = job_n_;
      parts = job_parts_;
    }
    if (slot < parts) {
      int b, e;
      split_range(n, parts, slot, &b, &e);
      job(fn, b, e, slot);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
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
    pending_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  wake_.notify_all();
  int b, e;
  split_range(n, parts, 0, &b, &e);
  job(fn, b, e, 0);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return pending_ == 0; });
  job_ = nullptr;
  job_fn_ = nullptr;
}

}  // namespace convaula
