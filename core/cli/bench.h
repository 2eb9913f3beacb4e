// `convaula bench`: native training and inference throughput against the machine's peak.
#pragma once

#include <string>

namespace convaula::cli {

struct BenchOptions {
  std::string preset = "keras-mnist";
  int batches = 60;  // training batches timed (after 3 warm-up batches)
  int threads = 0;   // the "all threads" run; 0 = every core
};

// Prints a table and ends with one JSON line of snake_case figures. Returns 0.
int run_bench(const BenchOptions& options);

}  // namespace convaula::cli
