// The optimizers' per-parameter updates on xsimd vectors. Written out because compilers
// vectorize the scalar loop natively but not for wasm SIMD128 (Emscripten 3.1.6 kept
// Adadelta's two square roots and its division scalar: f32.sqrt, f32.div per parameter).
#include "kernels.h"

#ifndef CONVAULA_NO_SIMD
#include <xsimd/xsimd.hpp>
#endif

namespace convaula::kernels {

#ifdef CONVAULA_NO_SIMD

void adadelta_update(const AdadeltaParams& p, float* value, const float* grad, float* acc,
                     float* delta, std::size_t n) {
  adadelta_update_ref(p, value, grad, acc, delta, n);
}

#else

// Same operations in the same order as the ref (square roots and division are correctly
// rounded in SSE and wasm SIMD alike), so only a fused multiply-add the compiler may form in
// the scalar code can tell them apart.
void adadelta_update(const AdadeltaParams& p, float* value, const float* grad, float* acc,
                     float* delta, std::size_t n) {
  using Batch = xsimd::batch<float>;
  constexpr std::size_t W = Batch::size;
  const Batch rho(p.rho), keep(1.0f - p.rho), eps(p.eps), lr(p.lr);
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    const Batch g = Batch::load_unaligned(grad + i);
    const Batch a = rho * Batch::load_unaligned(acc + i) + keep * g * g;
    const Batch d = Batch::load_unaligned(delta + i);
    const Batch u = g * xsimd::sqrt(d + eps) / xsimd::sqrt(a + eps);
    a.store_unaligned(acc + i);
    (Batch::load_unaligned(value + i) - lr * u).store_unaligned(value + i);
    (rho * d + keep * u * u).store_unaligned(delta + i);
  }
  adadelta_update_ref(p, value + i, grad + i, acc + i, delta + i, n - i);
}

#endif

}  // namespace convaula::kernels
