// The optimizers' per-parameter updates on xsimd vectors. Written out because compilers
// vectorize the scalar loop natively but not for wasm SIMD128 (Emscripten 3.1.6 kept
// Adadelta's two square roots and its division scalar, f32.sqrt and f32.div per parameter,
// and Adam's one of each).
#include <algorithm>

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

void adam_update(const AdamParams& p, float* value, const float* grad, float* m, float* v,
                 std::size_t n) {
  adam_update_ref(p, value, grad, m, v, n);
}

#else

namespace {

using Batch = xsimd::batch<float>;
constexpr std::size_t W = Batch::size;

// Runs body(value, grad, s0, s1) on every W parameters; the last n % W go through the same
// vector code on zero-padded copies, so a parameter's update does not depend on where it
// falls in the buffer (a one-parameter optimizer matches a chunk of a million bit for bit).
template <class Body>
void for_batches(std::size_t n, float* value, const float* grad, float* s0, float* s1, Body body) {
  std::size_t i = 0;
  for (; i + W <= n; i += W) body(value + i, grad + i, s0 + i, s1 + i);
  const std::size_t rest = n - i;
  if (rest == 0) return;
  alignas(64) float v[W] = {}, g[W] = {}, a[W] = {}, b[W] = {};
  std::copy(value + i, value + n, v);
  std::copy(grad + i, grad + n, g);
  std::copy(s0 + i, s0 + n, a);
  std::copy(s1 + i, s1 + n, b);
  body(v, g, a, b);
  std::copy(v, v + rest, value + i);
  std::copy(a, a + rest, s0 + i);
  std::copy(b, b + rest, s1 + i);
}

}  // namespace

// Same operations in the same order as the refs (square roots and division are correctly
// rounded in SSE and wasm SIMD alike), so only a fused multiply-add the compiler may form in
// the scalar code tells them apart.
void adadelta_update(const AdadeltaParams& p, float* value, const float* grad, float* acc,
                     float* delta, std::size_t n) {
  const Batch rho(p.rho), keep(1.0f - p.rho), eps(p.eps), lr(p.lr);
  for_batches(n, value, grad, acc, delta, [&](float* vp, const float* gp, float* ap, float* dp) {
    const Batch g = Batch::load_unaligned(gp);
    const Batch a = rho * Batch::load_unaligned(ap) + keep * g * g;
    const Batch d = Batch::load_unaligned(dp);
    const Batch u = g * xsimd::sqrt(d + eps) / xsimd::sqrt(a + eps);
    a.store_unaligned(ap);
    (Batch::load_unaligned(vp) - lr * u).store_unaligned(vp);
    (rho * d + keep * u * u).store_unaligned(dp);
  });
}

void adam_update(const AdamParams& p, float* value, const float* grad, float* m, float* v,
                 std::size_t n) {
  const Batch b1(p.b1), keep1(1.0f - p.b1), b2(p.b2), keep2(1.0f - p.b2), eps(p.eps), lr_t(p.lr_t);
  for_batches(n, value, grad, m, v, [&](float* vp, const float* gp, float* mp, float* sp) {
    const Batch g = Batch::load_unaligned(gp);
    const Batch mi = b1 * Batch::load_unaligned(mp) + keep1 * g;
    const Batch vi = b2 * Batch::load_unaligned(sp) + keep2 * g * g;
    mi.store_unaligned(mp);
    vi.store_unaligned(sp);
    (Batch::load_unaligned(vp) - lr_t * mi / (xsimd::sqrt(vi) + eps)).store_unaligned(vp);
  });
}

#endif

}  // namespace convaula::kernels
