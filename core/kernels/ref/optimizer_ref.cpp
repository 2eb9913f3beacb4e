// The optimizers' per-parameter updates, plain scalar: the reference for optimizer_simd.cpp.
#include <cmath>

#include "kernels.h"

namespace convaula::kernels {

void adadelta_update_ref(const AdadeltaParams& p, float* value, const float* grad, float* acc,
                         float* delta, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const float g = grad[i];
    acc[i] = p.rho * acc[i] + (1.0f - p.rho) * g * g;
    const float u = g * std::sqrt(delta[i] + p.eps) / std::sqrt(acc[i] + p.eps);
    value[i] -= p.lr * u;
    delta[i] = p.rho * delta[i] + (1.0f - p.rho) * u * u;
  }
}

}  // namespace convaula::kernels
