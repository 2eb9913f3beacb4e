// bench: throughput figures of the engine on the machine it runs on, measured the
// same way natively (CLI) and in the browser (wasm), against the mul-add peak.
#pragma once

#include <string>

namespace convaula {

struct BenchFigures {
  std::string preset;
  int batch_size = 0;
  int threads = 1;                 // the "all threads" run
  double forward_flops = 0;        // per image
  double train_flops = 0;          // per image
  double peak_gflops_1t = 0;       // mul-add microkernel, one thread
  double train_ips_1t = 0, train_ips_nt = 0;
  double infer_ms_b1 = 0;          // one image, all threads (as the page predicts a drawing)
  double infer_ms_b1_1t = 0;       // one image, one thread
  double infer_ips_b256 = 0;       // batch of 256, one thread
  double infer_ips_b256_nt = 0;
  // One image layer by layer, best of several calls each: "conv2d 41.2 38.9; conv2d_1 ..."
  // (microseconds with 1 thread, then with all threads), where infer_ms_b1 goes.
  std::string layer_us_b1;
};

// Times training of `preset` on random data with 1 thread and with `threads` threads:
// after a second of warm-up with each, three alternating windows of `batches` steps per
// thread count, and the median of each. Then inference (best of several calls). Leaves
// the global ThreadPool's thread count as it was.
BenchFigures run_benchmark(const std::string& preset, int batches, int threads);

}  // namespace convaula
