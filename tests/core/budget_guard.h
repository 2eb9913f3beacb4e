// budget_guard.h: sets the engine's memory budget for one test and restores the default however it ends.
#pragma once

#include <cstdint>

#include "convaula/model.h"

namespace convaula::test {

struct BudgetGuard {
  explicit BudgetGuard(uint64_t bytes) { set_memory_budget(bytes); }
  ~BudgetGuard() { set_memory_budget(kDefaultMemoryBudget); }
};

}  // namespace convaula::test
