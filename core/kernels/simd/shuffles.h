// Lane shuffles that xsimd 8 does not have, shared by the SIMD kernels (max pooling's
// window pairs, Winograd's 2-stride tiles). Raw intrinsics: AVX2 natively; SSE otherwise,
// which Emscripten lowers to wasm SIMD128 shuffles. Only included where xsimd is.
#pragma once

#include <xsimd/xsimd.hpp>

namespace convaula::kernels::simd {

using Batch = xsimd::batch<float>;

// (p[0], p[2], ...) and (p[1], p[3], ...) of the 2 * Batch::size floats at p.
inline void deinterleave(const float* p, Batch& even, Batch& odd) {
#if XSIMD_WITH_AVX2
  const __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8);
  // In-lane shuffles give (a0 a2 b0 b2 | a4 a6 b4 b6); the 64-bit permute puts the halves in order.
  const __m256d e = _mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
  const __m256d o = _mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
  even = _mm256_castpd_ps(_mm256_permute4x64_pd(e, _MM_SHUFFLE(3, 1, 2, 0)));
  odd = _mm256_castpd_ps(_mm256_permute4x64_pd(o, _MM_SHUFFLE(3, 1, 2, 0)));
#else
  static_assert(Batch::size == 4);
  const __m128 a = _mm_loadu_ps(p), b = _mm_loadu_ps(p + 4);
  even = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
  odd = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
#endif
}

// The inverse: p[2i] = even[i], p[2i + 1] = odd[i].
inline void interleave(Batch even, Batch odd, float* p) {
#if XSIMD_WITH_AVX2
  const __m256 lo = _mm256_unpacklo_ps(even, odd), hi = _mm256_unpackhi_ps(even, odd);
  _mm256_storeu_ps(p, _mm256_permute2f128_ps(lo, hi, 0x20));
  _mm256_storeu_ps(p + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
#else
  static_assert(Batch::size == 4);
  _mm_storeu_ps(p, _mm_unpacklo_ps(even, odd));
  _mm_storeu_ps(p + 4, _mm_unpackhi_ps(even, odd));
#endif
}

}  // namespace convaula::kernels::simd
