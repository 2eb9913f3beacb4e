// Fast kernels with xsimd: a packed, register-blocked GEMM (the engine's hot loop)
// and vectorized elementwise passes. Same contracts as the _ref twins in kernels.h.
#include <algorithm>
#include <cmath>
#include <chrono>
#include <vector>

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <unistd.h>
#endif

#include "kernels.h"

#ifndef CONVAULA_NO_SIMD
#include <xsimd/xsimd.hpp>

#include "shuffles.h"
#endif

namespace convaula::kernels {

#ifdef CONVAULA_NO_SIMD

void gemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float beta, float* C, int ldc) {
  gemm_ref(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc);
}
void bias_act_rows(Act act, float* x, const float* bias, int rows, int cols) {
  bias_act_rows_ref(act, x, bias, rows, cols);
}
void bias_act_cols(Act act, float* x, const float* bias, int rows, int cols) {
  bias_act_cols_ref(act, x, bias, rows, cols);
}
void act_backward(Act act, const float* y, float* dout, int rows, int cols) {
  act_backward_ref(act, y, dout, rows, cols);
}
void maxpool_forward(const float* in, int planes, int h, int w, int pool, int stride, int oh,
                     int ow, float* out, int32_t* argmax) {
  maxpool_forward_ref(in, planes, h, w, pool, stride, oh, ow, out, argmax);
}
void avgpool_forward(const float* in, int planes, int h, int w, int pool, int stride, int oh,
                     int ow, float* out) {
  avgpool_forward_ref(in, planes, h, w, pool, stride, oh, ow, out);
}
void mul(const float* x, const float* mask, float* y, std::size_t n) { mul_ref(x, mask, y, n); }
void im2col(const ConvGeom& g, const float* img, float* col) { im2col_ref(g, img, col); }
void col2im(const ConvGeom& g, const float* col, float* img) { col2im_ref(g, col, img); }
void bias_grad_rows(const float* d, int rows, int cols, float* dbias) {
  bias_grad_rows_ref(d, rows, cols, dbias);
}
double peak_gflops(double seconds) { return peak_gflops_ref(seconds); }
GemmBlocking gemm_blocking() { return {1, 1, 0, 0, 0}; }  // gemm_ref: no blocking
void gemm_packed(int M, int N, int K, const float* ap, const float* bp, float* C, int ldc) {
  gemm_packed_ref(1, 1, M, N, K, ap, bp, C, ldc);
}

#else

namespace {

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

using Batch = xsimd::batch<float>;
constexpr int W = static_cast<int>(Batch::size);  // 8 with AVX2, 4 with SSE/wasm SIMD128

// Micro-tile: MR rows of C times NR = 2 vectors of columns. With AVX2, 6 x 2
// accumulators plus two B vectors and one broadcast A fill the 16 ymm registers.
// With 4-wide vectors (wasm SIMD128) V8 keeps one xmm register as scratch, and 6 rows
// spill: 4 x 2 trains 25% faster there (measured in Node 20 and Chromium).
constexpr int MR = W >= 8 ? 6 : 4;
constexpr int NR = 2 * W;
// Cache blocking (BLIS naming): an A block MC x KC stays in L2, a B panel KC x NC
// in L2/L3, one B sliver KC x NR in L1 while the micro-kernel sweeps the A block.
// Chosen once from this CPU's cache sizes (block_sizes below).
struct Blocks {
  int mc, kc, nc;
};

int round_down(int v, int multiple) { return std::max(multiple, v / multiple * multiple); }

// The sizes were tuned by hand on a Zen 4 (32 KB L1d, 1 MB L2): MC 96, KC 256, NC 1536.
// They are written here as shares of the caches, so that they scale with another CPU's:
//   KC: a B sliver (KC x NR floats) fills half of L1d, the other half for A and C;
//   MC: the A block (MC x KC) takes 3/32 of L2;  NC: the B panel (KC x NC) 1.5x L2.
// (L2, not L3, for NC: virtual machines report L3 sizes that are not this core's share;
// this one says 508 MB.) wasm cannot ask the browser about caches: it keeps the Zen 4
// sizes, which were also measured best in Chromium there.
[[maybe_unused]] Blocks blocks_for(long l1d, long l2) {  // unused in wasm
  constexpr int f = static_cast<int>(sizeof(float));
  const int kc = std::clamp(round_down(static_cast<int>(l1d / (2 * NR * f)), 16), 64, 512);
  const int mc = std::clamp(round_down(static_cast<int>(3 * l2 / (32L * kc * f)), MR), 2 * MR, 256 / MR * MR);
  const int nc = std::clamp(round_down(static_cast<int>(3 * l2 / (2L * kc * f)), NR), 8 * NR, 4096);
  return {mc, kc, nc};
}

Blocks detect_blocks() {
#if defined(__linux__) && !defined(__EMSCRIPTEN__) && defined(_SC_LEVEL1_DCACHE_SIZE)
  const long l1d = sysconf(_SC_LEVEL1_DCACHE_SIZE), l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
  if (l1d >= 8192 && l2 >= 65536) return blocks_for(l1d, l2);
#endif
  return {96, 256, 1536};
}

const Blocks& block_sizes() {
  static const Blocks b = detect_blocks();
  return b;
}

// Short copies and fills (an im2col row is a few dozen floats) as inline vector
// moves: through memmove/memset each paid a library call.
inline void copy_short(const float* src, float* dst, int n) {
  int i = 0;
  for (; i + W <= n; i += W) Batch::load_unaligned(src + i).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] = src[i];
}
inline void zero_short(float* dst, int n) {
  int i = 0;
  for (; i + W <= n; i += W) Batch(0.0f).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] = 0.0f;
}
inline void add_short(const float* src, float* dst, int n) {
  int i = 0;
  for (; i + W <= n; i += W)
    (Batch::load_unaligned(dst + i) + Batch::load_unaligned(src + i)).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] += src[i];
}

// The columns ox of an output row whose input column ox*stride + kx - pad_left
// lies inside [0, w): [lo, hi). Outside it im2col writes zeros (the padding).
void valid_columns(const ConvGeom& g, int kx, int* lo, int* hi) {
  const int shift = kx - g.pad_left;  // input x = ox * stride + shift
  *lo = shift >= 0 ? 0 : (-shift + g.stride - 1) / g.stride;
  *hi = g.w - shift <= 0 ? 0 : std::min(g.ow, (g.w - shift + g.stride - 1) / g.stride);
  *lo = std::min(*lo, *hi);
}

// Packs op(A)[i0:i0+mc, k0:k0+kc] as MR-row slivers, k-major: ap[s][k][r], zero-padded.
void pack_a(bool ta, const float* A, int lda, int i0, int k0, int mc, int kc, float* ap) {
  for (int s = 0; s < mc; s += MR) {
    const int mr = std::min(MR, mc - s);
    for (int k = 0; k < kc; ++k) {
      for (int r = 0; r < mr; ++r) {
        const int i = i0 + s + r, kk = k0 + k;
        ap[k * MR + r] = ta ? A[static_cast<long>(kk) * lda + i] : A[static_cast<long>(i) * lda + kk];
      }
      for (int r = mr; r < MR; ++r) ap[k * MR + r] = 0.0f;
    }
    ap += static_cast<long>(kc) * MR;
  }
}

// Transposes a W x W tile in registers: row i of the input becomes column i.
// xsimd 8 has no transpose, so this (and deinterleave, shuffles.h) use raw intrinsics: AVX
// natively; SSE otherwise, which Emscripten lowers to wasm SIMD128 shuffles.
#if XSIMD_WITH_AVX
inline void transpose_tile(Batch (&r)[W]) {
  static_assert(W == 8);
  __m256 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
    u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int i = 0; i < 4; ++i) {
    r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
    r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
  }
}
#else
inline void transpose_tile(Batch (&r)[W]) {
  static_assert(W == 4);
  __m128 r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  r[0] = r0, r[1] = r1, r[2] = r2, r[3] = r3;
}
#endif

// Packs op(B)[k0:k0+kc, j0:j0+nc] as NR-column slivers, k-major: bp[s][k][c], zero-padded.
void pack_b(bool tb, const float* B, int ldb, int k0, int j0, int kc, int nc, float* bp) {
  for (int s = 0; s < nc; s += NR) {
    const int nr = std::min(NR, nc - s);
    int k = 0;
    if (tb && nr == NR) {
      // B^T: W rows of B (W columns of the sliver) by W values of k at a time,
      // transposed in registers instead of gathered one float at a time.
      for (; k + W <= kc; k += W)
        for (int h = 0; h < NR; h += W) {
          Batch tile[W];
          for (int i = 0; i < W; ++i)
            tile[i] = Batch::load_unaligned(B + static_cast<long>(j0 + s + h + i) * ldb + k0 + k);
          transpose_tile(tile);
          for (int i = 0; i < W; ++i) tile[i].store_aligned(bp + (k + i) * NR + h);
        }
    }
    for (; k < kc; ++k) {
      float* dst = bp + k * NR;
      const int kk = k0 + k;
      if (!tb && nr == NR) {  // two vector moves; std::copy_n here became a memmove call
        const float* src = B + static_cast<long>(kk) * ldb + j0 + s;
        Batch::load_unaligned(src).store_aligned(dst);
        Batch::load_unaligned(src + W).store_aligned(dst + W);
        continue;
      }
      for (int c = 0; c < nr; ++c) {
        const int j = j0 + s + c;
        dst[c] = tb ? B[static_cast<long>(j) * ldb + kk] : B[static_cast<long>(kk) * ldb + j];
      }
      for (int c = nr; c < NR; ++c) dst[c] = 0.0f;
    }
    bp += static_cast<long>(kc) * NR;
  }
}

// C (mr, nr) += Ap sliver (kc, MR) * Bp sliver (kc, NR); mr <= MR, nr <= NR. The
// sliver's k rows are `bstride` floats apart: NR when packed, ldb when read in place.
// With `overwrite`, C = the product instead: C is neither cleared first nor read.
void micro_kernel(int kc, const float* ap, const float* bp, long bstride, float* C, int ldc,
                  int mr, int nr, bool overwrite) {
  Batch acc[MR][2];
  for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = Batch(0.0f);
  for (int k = 0; k < kc; ++k) {
    const Batch b0 = Batch::load_unaligned(bp);
    const Batch b1 = Batch::load_unaligned(bp + W);
    for (int r = 0; r < MR; ++r) {
      const Batch a(ap[r]);
      acc[r][0] = xsimd::fma(a, b0, acc[r][0]);
      acc[r][1] = xsimd::fma(a, b1, acc[r][1]);
    }
    ap += MR;
    bp += bstride;
  }
  if (mr == MR && nr == NR) {
    for (int r = 0; r < MR; ++r) {
      float* c = C + static_cast<long>(r) * ldc;
      if (overwrite) {
        acc[r][0].store_unaligned(c);
        acc[r][1].store_unaligned(c + W);
      } else {
        (Batch::load_unaligned(c) + acc[r][0]).store_unaligned(c);
        (Batch::load_unaligned(c + W) + acc[r][1]).store_unaligned(c + W);
      }
    }
    return;
  }
  alignas(64) float tile[MR][NR];
  for (int r = 0; r < MR; ++r) {
    acc[r][0].store_aligned(&tile[r][0]);
    acc[r][1].store_aligned(&tile[r][W]);
  }
  for (int r = 0; r < mr; ++r)
    for (int c = 0; c < nr; ++c) {
      float& dst = C[static_cast<long>(r) * ldc + c];
      dst = overwrite ? tile[r][c] : dst + tile[r][c];
    }
}

// Packing scratch, one per thread; grows to its high-water mark once.
struct PackBuffers {
  std::vector<float, xsimd::aligned_allocator<float, 64>> a, b;
};
thread_local PackBuffers pack_buffers;

// One row of A (a dense layer on one image): C (1 x N) = beta C + x (1 x K) B (K x N). Each
// B value is used once, so the GEMM's micro-kernel, built to reuse B over MR rows, wastes most
// of its loads; this reads B row by row, contiguously, into NV vectors of accumulators at
// a time (the lesson's first dense layer, 9,216 x 128: 190 -> 55 us natively, one thread).
// NV fills the registers: 16 of AVX2's 16 ymm (the broadcast x[k] is folded into a load);
// 8 with 4-wide vectors, where V8 keeps a register as scratch and 16 accumulators spill.
constexpr int kRowVectors = W >= 8 ? 16 : 8;

template <int NV>
void row_times_b(int K, const float* x, const float* B, long ldb, float beta, float* C) {
  Batch acc[NV];
  for (int v = 0; v < NV; ++v) acc[v] = Batch(0.0f);
  for (int k = 0; k < K; ++k) {
    const Batch a(x[k]);
    const float* b = B + k * ldb;
    for (int v = 0; v < NV; ++v) acc[v] = xsimd::fma(a, Batch::load_unaligned(b + v * W), acc[v]);
  }
  for (int v = 0; v < NV; ++v) {
    if (beta != 0.0f) acc[v] = xsimd::fma(Batch(beta), Batch::load_unaligned(C + v * W), acc[v]);
    acc[v].store_unaligned(C + v * W);
  }
}

// Columns [j, N) in stripes of NV vectors while they last, then of NV / 2, … 1: a thread's
// share of 64 columns is one pass over B's rows, not eight.
template <int NV>
int row_stripes(int j, int N, int K, const float* x, const float* B, int ldb, float beta, float* C) {
  for (; j + NV * W <= N; j += NV * W) row_times_b<NV>(K, x, B + j, ldb, beta, C + j);
  if constexpr (NV > 1) return row_stripes<NV / 2>(j, N, K, x, B, ldb, beta, C);
  return j;
}

void gemm_one_row(int N, int K, const float* x, const float* B, int ldb, float beta, float* C) {
  for (int j = row_stripes<kRowVectors>(0, N, K, x, B, ldb, beta, C); j < N; ++j) {
    float sum = 0.0f;
    for (int k = 0; k < K; ++k) sum += x[k] * B[static_cast<long>(k) * ldb + j];
    C[j] = beta == 0.0f ? sum : sum + beta * C[j];
  }
}

void scale_rows(float beta, int M, int N, float* C, int ldc) {
  if (beta == 1.0f) return;
  for (int i = 0; i < M; ++i) {
    float* c = C + static_cast<long>(i) * ldc;
    if (beta == 0.0f)
      std::fill(c, c + N, 0.0f);
    else
      for (int j = 0; j < N; ++j) c[j] *= beta;
  }
}
}  // namespace

void gemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (M == 1 && !ta && !tb && K > 0) return gemm_one_row(N, K, A, B, ldb, beta, C);
  // beta == 0: the first K block stores its products over C (no clearing pass, no
  // read of C); any other beta != 1 scales C once and every block accumulates.
  if (K <= 0 || beta != 0.0f) scale_rows(beta, M, N, C, ldc);
  if (K <= 0) return;
  PackBuffers& buf = pack_buffers;
  const Blocks& blocks = block_sizes();
  const int MC = blocks.mc, KC = blocks.kc, NC = blocks.nc;
  const int mc_max = std::min(MC, (M + MR - 1) / MR * MR);
  const int nc_max = std::min(NC, (N + NR - 1) / NR * NR);
  const int kc_max = std::min(KC, K);
  // Grow only: a resize down and up again between GEMMs of different shapes would
  // value-initialize (memset) the regrown part on every call, for buffers that packing
  // overwrites anyway.
  const std::size_t a_need = static_cast<std::size_t>(mc_max) * kc_max;
  const std::size_t b_need = static_cast<std::size_t>(nc_max) * kc_max;
  if (buf.a.size() < a_need) buf.a.resize(a_need);
  if (buf.b.size() < b_need) buf.b.resize(b_need);
  // K is cut into equal blocks (288 -> 144 + 144, not 256 + 32): a short last
  // block would pay the C tile's load and store for little arithmetic.
  const int kc_even = (K + (K + KC - 1) / KC - 1) / ((K + KC - 1) / KC);
  // When A is a single sliver (a few rows; one row has its own path above), each B value
  // is used a few times only: packing would copy all of B (4.7 MB for the lesson's first
  // dense layer) to read it a few times. The micro-kernel then reads B where it is; only a
  // last, narrower sliver is packed. (Reading B in place for a few A slivers measured
  // slower in wasm: slivers of a wide B span many pages.)
  const bool b_in_place = !tb && M <= MR;
  for (int jc = 0; jc < N; jc += NC) {
    const int nc = std::min(NC, N - jc);
    const int nc_full = b_in_place ? nc / NR * NR : 0;  // columns read in place
    for (int pc = 0; pc < K; pc += kc_even) {
      const int kc = std::min(kc_even, K - pc);
      if (nc_full < nc) pack_b(tb, B, ldb, pc, jc + nc_full, kc, nc - nc_full, buf.b.data());
      for (int ic = 0; ic < M; ic += MC) {
        const int mc = std::min(MC, M - ic);
        pack_a(ta, A, lda, ic, pc, mc, kc, buf.a.data());
        for (int jr = 0; jr < nc; jr += NR) {
          const bool in_place = jr < nc_full;
          const float* bp = in_place ? B + static_cast<long>(pc) * ldb + jc + jr
                                     : buf.b.data() + static_cast<long>((jr - nc_full) / NR) * kc * NR;
          const long bstride = in_place ? ldb : NR;
          for (int ir = 0; ir < mc; ir += MR) {
            const float* ap = buf.a.data() + static_cast<long>(ir / MR) * kc * MR;
            micro_kernel(kc, ap, bp, bstride, C + static_cast<long>(ic + ir) * ldc + jc + jr, ldc,
                         std::min(MR, mc - ir), std::min(NR, nc - jr), beta == 0.0f && pc == 0);
          }
        }
      }
    }
  }
}

GemmBlocking gemm_blocking() {
  const Blocks& b = block_sizes();
  return {MR, NR, b.mc, b.kc, b.nc};
}

// Each B sliver stays in L1 while the micro-kernel sweeps every A sliver over it.
void gemm_packed(int M, int N, int K, const float* ap, const float* bp, float* C, int ldc) {
  for (int jr = 0; jr < N; jr += NR, bp += static_cast<long>(K) * NR)
    for (int ir = 0; ir < M; ir += MR)
      micro_kernel(K, ap + static_cast<long>(ir / MR) * K * MR, bp, NR, C + static_cast<long>(ir) * ldc + jr,
                   ldc, std::min(MR, M - ir), std::min(NR, N - jr), true);
}

namespace {

// x[0:n] = relu(x + b) with a broadcast bias b.
void bias_relu(float* x, float b, long n) {
  const Batch vb(b), zero(0.0f);
  long i = 0;
  for (; i + W <= n; i += W) xsimd::max(Batch::load_unaligned(x + i) + vb, zero).store_unaligned(x + i);
  for (; i < n; ++i) x[i] = std::max(x[i] + b, 0.0f);
}

// x[0:n] = relu(x + bias[0:n]).
void bias_vec_relu(float* x, const float* bias, long n, bool relu) {
  const Batch zero(0.0f);
  long i = 0;
  for (; i + W <= n; i += W) {
    Batch v = Batch::load_unaligned(x + i) + Batch::load_unaligned(bias + i);
    (relu ? xsimd::max(v, zero) : v).store_unaligned(x + i);
  }
  for (; i < n; ++i) x[i] = relu ? std::max(x[i] + bias[i], 0.0f) : x[i] + bias[i];
}

}  // namespace

void bias_act_rows(Act act, float* x, const float* bias, int rows, int cols) {
  if (act != Act::relu) return bias_act_rows_ref(act, x, bias, rows, cols);
  for (int r = 0; r < rows; ++r)
    bias_relu(x + static_cast<long>(r) * cols, bias ? bias[r] : 0.0f, cols);
}

void bias_act_cols(Act act, float* x, const float* bias, int rows, int cols) {
  if (act != Act::relu && act != Act::linear) return bias_act_cols_ref(act, x, bias, rows, cols);
  if (!bias) return bias_act_rows(act, x, nullptr, 1, rows * cols);
  for (int r = 0; r < rows; ++r)
    bias_vec_relu(x + static_cast<long>(r) * cols, bias, cols, act == Act::relu);
}

void act_backward(Act act, const float* y, float* dout, int rows, int cols) {
  if (act != Act::relu) return act_backward_ref(act, y, dout, rows, cols);
  const long n = static_cast<long>(rows) * cols;
  const Batch zero(0.0f);
  long i = 0;
  for (; i + W <= n; i += W) {
    const auto keep = Batch::load_unaligned(y + i) > zero;
    xsimd::select(keep, Batch::load_unaligned(dout + i), zero).store_unaligned(dout + i);
  }
  for (; i < n; ++i) dout[i] = y[i] > 0.0f ? dout[i] : 0.0f;
}

namespace {

using simd::deinterleave;  // shuffles.h

// One output row of 2x2 / stride 2 max pooling: W windows at a time, each window's four
// candidates compared in row-major order with a strict '>' (the first maximum wins, as in
// the ref). The winner's flat index is built in float lanes (exact below 2^24) and
// converted once.
void maxpool2x2_row(const float* r0, const float* r1, int w, int ow, int row0_index, float* dst,
                    int32_t* arg) {
  alignas(64) float lane[W];
  for (int i = 0; i < W; ++i) lane[i] = 2.0f * i;
  const Batch lane2 = Batch::load_aligned(lane);
  const Batch one(1.0f), down(static_cast<float>(w)), diag(static_cast<float>(w + 1));
  int ox = 0;
  for (; 2 * (ox + W) <= w; ox += W) {
    Batch a, b, c, d;
    deinterleave(r0 + 2 * ox, a, b);
    deinterleave(r1 + 2 * ox, c, d);
    Batch best = a, offset(0.0f);
    auto m = b > best;
    best = xsimd::select(m, b, best), offset = xsimd::select(m, one, offset);
    m = c > best;
    best = xsimd::select(m, c, best), offset = xsimd::select(m, down, offset);
    m = d > best;
    best = xsimd::select(m, d, best), offset = xsimd::select(m, diag, offset);
    best.store_unaligned(dst + ox);
    const Batch at = Batch(static_cast<float>(row0_index + 2 * ox)) + lane2 + offset;
    xsimd::to_int(at).store_unaligned(arg + ox);
  }
  for (; ox < ow; ++ox) {
    const int x = 2 * ox;
    float best = r0[x];
    int32_t at = row0_index + x;
    if (r0[x + 1] > best) best = r0[x + 1], at = row0_index + x + 1;
    if (r1[x] > best) best = r1[x], at = row0_index + w + x;
    if (r1[x + 1] > best) best = r1[x + 1], at = row0_index + w + x + 1;
    dst[ox] = best;
    arg[ox] = at;
  }
}

}  // namespace

// The lesson's 2x2 / stride 2 window is vectorized; other shapes use the ref.
void maxpool_forward(const float* in, int planes, int h, int w, int pool, int stride, int oh,
                     int ow, float* out, int32_t* argmax) {
  if (pool != 2 || stride != 2 || static_cast<long>(h) * w >= (1L << 24))
    return maxpool_forward_ref(in, planes, h, w, pool, stride, oh, ow, out, argmax);
  for (int p = 0; p < planes; ++p) {
    const float* src = in + static_cast<long>(p) * h * w;
    float* dst = out + static_cast<long>(p) * oh * ow;
    int32_t* arg = argmax + static_cast<long>(p) * oh * ow;
    for (int oy = 0; oy < oh; ++oy)
      maxpool2x2_row(src + 2 * oy * w, src + (2 * oy + 1) * w, w, ow, 2 * oy * w, dst + oy * ow,
                     arg + oy * ow);
  }
}

// 2x2 / stride 2 average pooling, W windows at a time; the same sums in the same order as
// the ref ((a + b) + c) + d, so both give the same bits. Other shapes use the ref.
void avgpool_forward(const float* in, int planes, int h, int w, int pool, int stride, int oh,
                     int ow, float* out) {
  if (pool != 2 || stride != 2) return avgpool_forward_ref(in, planes, h, w, pool, stride, oh, ow, out);
  const Batch four(4.0f);
  for (int p = 0; p < planes; ++p) {
    const float* src = in + static_cast<long>(p) * h * w;
    for (int oy = 0; oy < oh; ++oy) {
      const float *r0 = src + 2 * oy * w, *r1 = r0 + w;
      float* dst = out + (static_cast<long>(p) * oh + oy) * ow;
      int ox = 0;
      for (; 2 * (ox + W) <= w; ox += W) {
        Batch a, b, c, d;
        deinterleave(r0 + 2 * ox, a, b);
        deinterleave(r1 + 2 * ox, c, d);
        (((a + b) + c + d) / four).store_unaligned(dst + ox);
      }
      for (; ox < ow; ++ox) dst[ox] = (((r0[2 * ox] + r0[2 * ox + 1]) + r1[2 * ox]) + r1[2 * ox + 1]) / 4.0f;
    }
  }
}

void mul(const float* x, const float* mask, float* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + W <= n; i += W)
    (Batch::load_unaligned(x + i) * Batch::load_unaligned(mask + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] = x[i] * mask[i];
}

namespace {

// One timed burst of `reps` x 12 independent mul-add chains held in registers
// (12 hide the 4-5 cycle latency on two ports).
// The factors are read through volatile loads: as constants, the wasm build got
// them folded into every mul-add, and V8 rebuilds a v128 constant on each use.
float peak_burst(long reps, const float* factors) {
  constexpr int kChains = 12;
  Batch acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = Batch(0.001f * i);
  const Batch a(static_cast<const volatile float*>(factors)[0]);
  const Batch b(static_cast<const volatile float*>(factors)[1]);
  for (long r = 0; r < reps; ++r)
    for (int i = 0; i < kChains; ++i) acc[i] = xsimd::fma(acc[i], a, b);
  float sum = 0;
  for (int i = 0; i < kChains; ++i) sum += xsimd::hadd(acc[i]);
  return sum;
}

// The GEMM micro-kernel itself on L1-resident panels: mul-adds fed from loads.
float micro_kernel_burst(int reps) {
  constexpr int kc = 256;
  alignas(64) static float ap[kc * MR], bp[kc * NR];
  alignas(64) static float c[MR * NR];
  for (int r = 0; r < reps; ++r) {
    // A compiler barrier: the panels "may have changed", so the work cannot be hoisted.
    asm volatile("" ::: "memory");
    micro_kernel(kc, ap, bp, NR, c, NR, MR, NR, false);
  }
  return c[0];
}

// Both bursts are called through volatile function pointers, so that neither the
// compiler nor Binaryen (which inlines again at link time, ignoring noinline) can
// inline them into the timing loop. V8 compiles wasm in tiers (Liftoff, then
// TurboFan) and swaps in the optimized code only when a function is entered again:
// inlined into a function called once, the burst was timed in Liftoff's code at a
// third of the rate of the same loop in TurboFan's.
float (*volatile peak_burst_fn)(long, const float*) = peak_burst;
float (*volatile micro_kernel_burst_fn)(int) = micro_kernel_burst;

// Best rate of `fn` over samples of `calls` calls each, for about `seconds`. Many
// short calls, not one long one, for the same reason (tier-up on entry).
template <class Fn>
double best_rate(double seconds, int calls, double flops_per_call, Fn&& fn) {
  double best = 0;
  float sink = 0;
  const double start = now();
  while (now() - start < seconds) {
    const double t0 = now();
    for (int i = 0; i < calls; ++i) sink += fn();
    best = std::max(best, calls * flops_per_call / (now() - t0));
  }
  volatile float keep = sink;  // the results must be observable or the loops vanish
  (void)keep;
  return best;
}

}  // namespace

double peak_gflops(double seconds) {
  static const float factors[2] = {0.999999f, 1e-7f};
  constexpr long kChainReps = 5000;  // ~10-25 us per call
  constexpr int kMicroReps = 20;     // ~7-25 us per call
  // Samples of 400 calls (3-10 ms): a browser's clock ticks in 5 us (100 us when the
  // page is not cross-origin isolated), which must stay small next to a sample.
  const double chains = best_rate(seconds / 2, 400, 2.0 * W * 12 * kChainReps,
                                  [&] { return peak_burst_fn(kChainReps, factors); });
  const double micro = best_rate(seconds / 2, 400, 2.0 * 256 * MR * NR * kMicroReps,
                                 [&] { return micro_kernel_burst_fn(kMicroReps); });
  return std::max(chains, micro) * 1e-9;
}

// Same result as im2col_ref, with the bounds tests hoisted out of the inner loop so
// that, for stride 1, each output row is one contiguous copy.
void im2col(const ConvGeom& g, const float* img, float* col) {
  const int plane = g.oh * g.ow;
  for (int c = 0; c < g.c; ++c)
    for (int ky = 0; ky < g.kh; ++ky)
      for (int kx = 0; kx < g.kw; ++kx) {
        float* row = col + static_cast<long>((c * g.kh + ky) * g.kw + kx) * plane;
        int lo, hi;
        valid_columns(g, kx, &lo, &hi);
        const int shift = kx - g.pad_left;
        for (int oy = 0; oy < g.oh; ++oy) {
          const int y = oy * g.stride + ky - g.pad_top;
          float* dst = row + oy * g.ow;
          if (y < 0 || y >= g.h) {
            zero_short(dst, g.ow);
            continue;
          }
          const float* src = img + static_cast<long>(c * g.h + y) * g.w + shift;
          zero_short(dst, lo);
          if (g.stride == 1)
            copy_short(src + lo, dst + lo, hi - lo);
          else
            for (int ox = lo; ox < hi; ++ox) dst[ox] = src[ox * g.stride];
          zero_short(dst + hi, g.ow - hi);
        }
      }
}

void col2im(const ConvGeom& g, const float* col, float* img) {
  const int plane = g.oh * g.ow;
  for (int c = 0; c < g.c; ++c)
    for (int ky = 0; ky < g.kh; ++ky)
      for (int kx = 0; kx < g.kw; ++kx) {
        const float* row = col + static_cast<long>((c * g.kh + ky) * g.kw + kx) * plane;
        int lo, hi;
        valid_columns(g, kx, &lo, &hi);
        const int shift = kx - g.pad_left;
        for (int oy = 0; oy < g.oh; ++oy) {
          const int y = oy * g.stride + ky - g.pad_top;
          if (y < 0 || y >= g.h) continue;
          float* dst = img + static_cast<long>(c * g.h + y) * g.w + shift;
          const float* src = row + oy * g.ow;
          if (g.stride == 1)
            add_short(src + lo, dst + lo, hi - lo);
          else
            for (int ox = lo; ox < hi; ++ox) dst[ox * g.stride] += src[ox];
        }
      }
}

// Row sums with vector accumulators (a scalar float sum cannot be vectorized
// without reassociating, which the compiler may not do on its own).
void bias_grad_rows(const float* d, int rows, int cols, float* dbias) {
  for (int r = 0; r < rows; ++r) {
    const float* x = d + static_cast<long>(r) * cols;
    Batch acc(0.0f);
    int i = 0;
    for (; i + W <= cols; i += W) acc += Batch::load_unaligned(x + i);
    float sum = xsimd::hadd(acc);
    for (; i < cols; ++i) sum += x[i];
    dbias[r] += sum;
  }
}

#endif  // CONVAULA_NO_SIMD

}  // namespace convaula::kernels
