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

void adam_update_ref(const AdamParams& p, float* value, const float* grad, float* m, float* v,
                     std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const float g = grad[i];
    m[i] = p.b1 * m[i] + (1.0f - p.b1) * g;
    v[i] = p.b2 * v[i] + (1.0f - p.b2) * g * g;
    value[i] -= p.lr_t * m[i] / (std::sqrt(v[i]) + p.eps);
  }
}

}  // namespace convaula::kernels
