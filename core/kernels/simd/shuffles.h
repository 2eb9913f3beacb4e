// Lane shuffles that xsimd 8 does not have, shared by the SIMD kernels (max pooling's
// window pairs, Winograd's 2- and 4-stride tiles). Raw intrinsics: AVX2 natively; SSE otherwise,
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

// The 4 * Batch::size floats at p as Batch::size rows of 4: cols[k] holds column k
// (lane i = p[4i + k]).
inline void load_columns4(const float* p, Batch* cols) {
#if XSIMD_WITH_AVX2
  // An in-lane 4x4 transpose leaves the rows in lane order (0 2 4 6 | 1 3 5 7); one
  // cross-lane permute per column puts them in order.
  const __m256 r0 = _mm256_loadu_ps(p), r1 = _mm256_loadu_ps(p + 8);
  const __m256 r2 = _mm256_loadu_ps(p + 16), r3 = _mm256_loadu_ps(p + 24);
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  cols[0] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(t0, t2, 0x44), order);
  cols[1] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(t0, t2, 0xEE), order);
  cols[2] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(t1, t3, 0x44), order);
  cols[3] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(t1, t3, 0xEE), order);
#else
  static_assert(Batch::size == 4);
  __m128 r0 = _mm_loadu_ps(p), r1 = _mm_loadu_ps(p + 4), r2 = _mm_loadu_ps(p + 8),
         r3 = _mm_loadu_ps(p + 12);
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  cols[0] = r0, cols[1] = r1, cols[2] = r2, cols[3] = r3;
#endif
}

// The inverse: p[4i + k] = cols[k][i].
inline void store_columns4(const Batch* cols, float* p) {
#if XSIMD_WITH_AVX2
  // Undo the permute, then the same in-lane transpose (it is its own inverse).
  const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  const __m256 c0 = _mm256_permutevar8x32_ps(cols[0], order);
  const __m256 c1 = _mm256_permutevar8x32_ps(cols[1], order);
  const __m256 c2 = _mm256_permutevar8x32_ps(cols[2], order);
  const __m256 c3 = _mm256_permutevar8x32_ps(cols[3], order);
  const __m256 t0 = _mm256_unpacklo_ps(c0, c1), t1 = _mm256_unpackhi_ps(c0, c1);
  const __m256 t2 = _mm256_unpacklo_ps(c2, c3), t3 = _mm256_unpackhi_ps(c2, c3);
  _mm256_storeu_ps(p, _mm256_shuffle_ps(t0, t2, 0x44));
  _mm256_storeu_ps(p + 8, _mm256_shuffle_ps(t0, t2, 0xEE));
  _mm256_storeu_ps(p + 16, _mm256_shuffle_ps(t1, t3, 0x44));
  _mm256_storeu_ps(p + 24, _mm256_shuffle_ps(t1, t3, 0xEE));
#else
  static_assert(Batch::size == 4);
  __m128 r0 = cols[0], r1 = cols[1], r2 = cols[2], r3 = cols[3];
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(p, r0), _mm_storeu_ps(p + 4, r1), _mm_storeu_ps(p + 8, r2), _mm_storeu_ps(p + 12, r3);
#endif
}

}  // namespace convaula::kernels::simd
