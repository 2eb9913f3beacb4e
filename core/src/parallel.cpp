// ThreadPool: a fixed set of workers woken per parallel_for.
#include "convaula/parallel.h"

#include <algorithm>

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
}

void ThreadPool::set_threads(int n) {
  n = std::clamp(n, 1, 64);
  if (n == threads()) return;
  stop_workers();
  for (int slot = 1; slot < n; ++slot) workers_.emplace_back([this, slot] { worker_loop(slot); });
}

void ThreadPool::worker_loop(int slot) {
  long seen = 0;
  for (;;) {
    const std::function<void(int, int, int)>* job;
    int n, parts;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      job = job_;
      n = job_n_;
      parts = job_parts_;
    }
    if (slot < parts) {
      int b, e;
      split_range(n, parts, slot, &b, &e);
      (*job)(b, e, slot);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }
}

void ThreadPool::parallel_for(int n, const std::function<void(int, int, int)>& fn) {
  if (n <= 0) return;
  const int parts = std::min(n, threads());
  if (parts == 1) {
    fn(0, n, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    job_n_ = n;
    job_parts_ = parts;
    pending_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  wake_.notify_all();
  int b, e;
  split_range(n, parts, 0, &b, &e);
  fn(b, e, 0);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return pending_ == 0; });
  job_ = nullptr;
}

}  // namespace convaula
