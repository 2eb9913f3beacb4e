// Helpers shared by the layer implementations (private to core/src).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "convaula/layer.h"
#include "kernels.h"

namespace convaula {

// Keras's glorot_uniform: U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)).
float glorot_limit(std::size_t fan_in, std::size_t fan_out);

// A parameter count computed in 64 bits: size_t is 32 bits in wasm, where a wrapped count
// would pass the model's size limit. Saturates so the limit check still sees "too many".
inline std::size_t saturated_count(uint64_t n) {
  return n > SIZE_MAX ? SIZE_MAX : static_cast<std::size_t>(n);
}

}  // namespace convaula

namespace convaula {

// kernels::gemm split across the global ThreadPool by blocks of C's columns (or
// rows, whichever is larger). Each block is an independent GEMM over the full K,
// so the result is bit-identical for any thread count.
void parallel_gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                   const float* B, int ldb, float beta, float* C, int ldc);

// One GEMM's operands, for running several in one parallel region.
struct GemmArgs {
  bool trans_a, trans_b;
  int M, N, K;
  const float* A;
  int lda;
  const float* B;
  int ldb;
  float beta;
  float* C;
  int ldc;
};
void parallel_gemm(const GemmArgs& g);
// Two independent GEMMs in one parallel_for (one wake-up and one wait instead of two),
// each cut into the same blocks as parallel_gemm cuts it: results are the same as two
// parallel_gemm calls.
void parallel_gemm2(const GemmArgs& a, const GemmArgs& b);

}  // namespace convaula
