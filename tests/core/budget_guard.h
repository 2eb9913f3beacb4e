// budget_guard.h: sets the engine's memory or compute budget for one test and restores the
// default however it ends.
#pragma once

#include <cstdint>

#include "convaula/model.h"

namespace convaula::test {

struct BudgetGuard {
  explicit BudgetGuard(uint64_t bytes) { set_memory_budget(bytes); }
  ~BudgetGuard() { set_memory_budget(kDefaultMemoryBudget); }
};

struct ComputeBudgetGuard {
  explicit ComputeBudgetGuard(double flops) { set_compute_budget(flops); }
  ~ComputeBudgetGuard() { set_compute_budget(kDefaultComputeBudget); }
};

}  // namespace convaula::test
