// Helpers shared by the layer implementations (private to core/src).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "convaula/layer.h"
#include "kernels.h"

namespace convaula {

inline kernels::Act to_kernel(Activation a) { return static_cast<kernels::Act>(a); }

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

}  // namespace convaula
