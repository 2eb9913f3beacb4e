// Winograd F(2x2, 3x3) for 3x3 stride-1 convolutions (Lavin & Gray, 2016).
//
// Per image: the input is copied into a zero-bordered plane per channel, cut into
// overlapping 4x4 tiles (stride 2), each tile transformed to V = B^T d B; for each of
// the 16 positions xi of a transformed tile, M_xi (F, tiles) = U_xi (F, C) V_xi (C, tiles)
// is one GEMM on the packed gemm; each tile of M is transformed back to its 2x2 outputs
// with A^T m A. The transforms work on `Lanes::n` horizontally adjacent tiles at once
// (xsimd vectors; one float in the scalar build), so every load and store is contiguous.
#include <algorithm>
#include <cstring>

#include "kernels.h"

#ifndef CONVAULA_NO_SIMD
#include "shuffles.h"
#endif

namespace convaula::kernels {

namespace {

#ifndef CONVAULA_NO_SIMD
// n tiles side by side in one xsimd batch.
struct Lanes {
  using V = xsimd::batch<float>;
  static constexpr int n = static_cast<int>(V::size);
  static V load(const float* p) { return V::load_unaligned(p); }
  static void store(V v, float* p) { v.store_unaligned(p); }
  // The shared shuffles (shuffles.h): the 2n floats at p split into even and odd.
  static void deinterleave(const float* p, V& even, V& odd) { simd::deinterleave(p, even, odd); }
  static void interleave(V even, V odd, float* p) { simd::interleave(even, odd, p); }
};
#else
// The scalar build (browsers without wasm SIMD): one tile at a time.
struct Lanes {
  using V = float;
  static constexpr int n = 1;
  static V load(const float* p) { return *p; }
  static void store(V v, float* p) { *p = v; }
  static void deinterleave(const float* p, V& even, V& odd) { even = p[0], odd = p[1]; }
  static void interleave(V even, V odd, float* p) { p[0] = even, p[1] = odd; }
};
#endif

using V = Lanes::V;
constexpr int L = Lanes::n;

// Where everything lives in the scratch: the zero-bordered input planes (C, ph, pw), the
// transformed tiles V (16, C, ld) and the GEMM results M (16, F, ld). Tile t = ty * tx + x.
// A row of tiles is transformed L at a time: the last group of a row runs past it, into
// the next row's first tiles (rewritten when that row is done) or, after the last row,
// into the `L` spare columns of ld; its input comes from the plane's right border.
struct Layout {
  int ty, tx;   // output tiles down and across
  int pw, ph;   // padded plane
  long t, ld;   // tiles per image, row stride of V and M
  long planes, v, m;  // sizes in floats
  int dw_;            // width of the zero-padded output-gradient planes (F, 2 ty, dw_)
  long dplanes;       // their size in floats (weight gradient only)
  explicit Layout(const Conv3x3Geom& g) {
    ty = (g.oh() + 1) / 2;
    tx = (g.ow() + 1) / 2;
    const int tx_round = (tx + L - 1) / L * L;
    pw = 2 * tx_round + 2;
    ph = 2 * ty + 2;
    t = static_cast<long>(ty) * tx;
    ld = t + L;
    planes = static_cast<long>(g.c) * ph * pw;
    v = 16 * g.c * ld;
    m = 16 * g.f * ld;
    dw_ = 2 * tx_round;
    dplanes = static_cast<long>(g.f) * 2 * ty * dw_;
  }
};

// Rows are a few dozen floats: inline vector moves, not a library call each.
inline void zero_row(float* dst, long n) {
  long i = 0;
  for (; i + L <= n; i += L) Lanes::store(V(0.0f), dst + i);
  for (; i < n; ++i) dst[i] = 0.0f;
}
inline void copy_row(const float* src, float* dst, long n) {
  long i = 0;
  for (; i + L <= n; i += L) Lanes::store(Lanes::load(src + i), dst + i);
  for (; i < n; ++i) dst[i] = src[i];
}

// Copies img (C, H, W) into the planes at (pad, pad), zeroing only the border around it
// (the interior is overwritten: no clearing pass over the whole scratch). A row's right
// border and the next row's left border are one run of pw - w floats.
void pad_planes(const Conv3x3Geom& g, const Layout& s, const float* img, float* planes) {
  for (int c = 0; c < g.c; ++c) {
    float* plane = planes + static_cast<long>(c) * s.ph * s.pw;
    const float* src = img + static_cast<long>(c) * g.h * g.w;
    zero_row(plane, static_cast<long>(g.pad) * s.pw + g.pad);
    for (int y = 0; y < g.h; ++y) {
      float* row = plane + static_cast<long>(y + g.pad) * s.pw + g.pad;
      copy_row(src + static_cast<long>(y) * g.w, row, g.w);
      zero_row(row + g.w, s.pw - g.w);
    }
    float* below = plane + static_cast<long>(g.h + g.pad) * s.pw + g.pad;
    zero_row(below, plane + static_cast<long>(s.ph) * s.pw - below);
  }
}

// V = B^T d B for L tiles whose 4x4 inputs start at p (row stride pw), stored at
// v[xi * xi_stride]. B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
inline void input_tiles(const float* p, int pw, float* v, long xi_stride) {
  V t[4][4];
  for (int r = 0; r < 4; ++r) {
    V d0, d1, d2, d3;
    Lanes::deinterleave(p + static_cast<long>(r) * pw, d0, d1);
    Lanes::deinterleave(p + static_cast<long>(r) * pw + 2, d2, d3);
    t[r][0] = d0 - d2;
    t[r][1] = d1 + d2;
    t[r][2] = d2 - d1;
    t[r][3] = d1 - d3;
  }
  for (int j = 0; j < 4; ++j) {
    Lanes::store(t[0][j] - t[2][j], v + (0 + j) * xi_stride);
    Lanes::store(t[1][j] + t[2][j], v + (4 + j) * xi_stride);
    Lanes::store(t[2][j] - t[1][j], v + (8 + j) * xi_stride);
    Lanes::store(t[1][j] - t[3][j], v + (12 + j) * xi_stride);
  }
}

// The 2x2 outputs A^T m A of L tiles read at m[xi * xi_stride], as two rows of 2L
// floats (row0, row1). A^T = [1 1 1 0; 0 1 -1 -1].
inline void output_tiles(const float* m, long xi_stride, float* row0, float* row1) {
  V s[4][2];
  for (int i = 0; i < 4; ++i) {
    const V m0 = Lanes::load(m + (4 * i + 0) * xi_stride), m1 = Lanes::load(m + (4 * i + 1) * xi_stride);
    const V m2 = Lanes::load(m + (4 * i + 2) * xi_stride), m3 = Lanes::load(m + (4 * i + 3) * xi_stride);
    s[i][0] = m0 + m1 + m2;
    s[i][1] = m1 - m2 - m3;
  }
  Lanes::interleave(s[0][0] + s[1][0] + s[2][0], s[0][1] + s[1][1] + s[2][1], row0);
  Lanes::interleave(s[1][0] - s[2][0] - s[3][0], s[1][1] - s[2][1] - s[3][1], row1);
}

// Y = A dy A^T for L tiles of the output gradient whose 2x2 values start at p (row
// stride pw), stored at y[xi * xi_stride]: the adjoint of output_tiles.
inline void gradient_tiles(const float* p, int pw, float* y, long xi_stride) {
  V t[2][4];
  for (int a = 0; a < 2; ++a) {
    V d0, d1;
    Lanes::deinterleave(p + static_cast<long>(a) * pw, d0, d1);
    t[a][0] = d0;
    t[a][1] = d0 + d1;
    t[a][2] = d0 - d1;
    t[a][3] = V(0.0f) - d1;
  }
  for (int j = 0; j < 4; ++j) {
    Lanes::store(t[0][j], y + (0 + j) * xi_stride);
    Lanes::store(t[0][j] + t[1][j], y + (4 + j) * xi_stride);
    Lanes::store(t[0][j] - t[1][j], y + (8 + j) * xi_stride);
    Lanes::store(V(0.0f) - t[1][j], y + (12 + j) * xi_stride);
  }
}

void transform_input(const Conv3x3Geom& g, const Layout& s, const float* planes, float* v) {
  for (int c = 0; c < g.c; ++c) {
    const float* plane = planes + static_cast<long>(c) * s.ph * s.pw;
    float* vc = v + c * s.ld;
    for (int y = 0; y < s.ty; ++y)
      for (int x = 0; x < s.tx; x += L)
        input_tiles(plane + static_cast<long>(2 * y) * s.pw + 2 * x, s.pw,
                    vc + static_cast<long>(y) * s.tx + x, g.c * s.ld);
  }
}

// Writes the tiles of M (filters rows) to out (filters, OH, OW): whole groups straight
// into the rows, the groups that cross the right or bottom edge through a small buffer.
void transform_output(const Conv3x3Geom& g, const Layout& s, int filters, const float* m, float* out) {
  const int oh = g.oh(), ow = g.ow();
  alignas(64) float rows[2][2 * L];
  for (int f = 0; f < filters; ++f) {
    const float* mf = m + f * s.ld;
    float* of = out + static_cast<long>(f) * oh * ow;
    for (int y = 0; y < s.ty; ++y)
      for (int x = 0; x < s.tx; x += L) {
        const float* src = mf + static_cast<long>(y) * s.tx + x;
        float* dst = of + static_cast<long>(2 * y) * ow + 2 * x;
        const int cols = std::min(2 * L, ow - 2 * x);
        const bool second_row = 2 * y + 1 < oh;
        if (cols == 2 * L && second_row) {
          output_tiles(src, filters * s.ld, dst, dst + ow);
          continue;
        }
        output_tiles(src, filters * s.ld, rows[0], rows[1]);
        copy_row(rows[0], dst, cols);
        if (second_row) copy_row(rows[1], dst + ow, cols);
      }
  }
}

}  // namespace

std::size_t winograd_weights_size(const Conv3x3Geom& g) {
  return 16 * static_cast<std::size_t>(g.f) * g.c;
}

// u (16, F, C) = G k G^T per kernel k, G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1].
// Channels are taken kBlock at a time and each block's 16 transformed values per channel
// written as 16 runs of kBlock contiguous floats: storing value by value, the 16 positions
// of one (f, c) land F*C floats apart (8 KB for the lesson's 64x32 layer), all in the same
// cache set, and the serial transform took ~0.2 ms a step natively; it is done on the
// calling thread while the others wait.
void winograd_weights(const Conv3x3Geom& g, const float* w, bool adjoint, float* u) {
  constexpr int kBlock = 16;  // one 64-byte line per position
  const long xi_stride = static_cast<long>(g.f) * g.c;
  float block[16][kBlock];
  for (int f = 0; f < g.f; ++f)
    for (int c0 = 0; c0 < g.c; c0 += kBlock) {
      const int nc = std::min(kBlock, g.c - c0);
      for (int cc = 0; cc < nc; ++cc) {
        const int c = c0 + cc;
        float k[3][3];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx)
            k[ky][kx] = adjoint ? w[((static_cast<long>(c) * g.f + f) * 3 + 2 - ky) * 3 + 2 - kx]
                                : w[((static_cast<long>(f) * g.c + c) * 3 + ky) * 3 + kx];
        float gk[4][3];  // G k
        for (int j = 0; j < 3; ++j) {
          gk[0][j] = k[0][j];
          gk[1][j] = 0.5f * (k[0][j] + k[1][j] + k[2][j]);
          gk[2][j] = 0.5f * (k[0][j] - k[1][j] + k[2][j]);
          gk[3][j] = k[2][j];
        }
        for (int i = 0; i < 4; ++i) {  // (G k) G^T
          block[4 * i + 0][cc] = gk[i][0];
          block[4 * i + 1][cc] = 0.5f * (gk[i][0] + gk[i][1] + gk[i][2]);
          block[4 * i + 2][cc] = 0.5f * (gk[i][0] - gk[i][1] + gk[i][2]);
          block[4 * i + 3][cc] = gk[i][2];
        }
      }
      float* dst = u + static_cast<long>(f) * g.c + c0;
      for (int xi = 0; xi < 16; ++xi) std::copy(block[xi], block[xi] + nc, dst + xi * xi_stride);
    }
}

std::size_t winograd_scratch_size(const Conv3x3Geom& g) {
  const Layout s(g);
  return static_cast<std::size_t>(s.planes + s.v + s.m + s.dplanes);
}

void conv3x3_winograd(const Conv3x3Geom& g, int f0, int f1, const float* u, const float* img,
                      float* out, float* scratch) {
  if (f1 <= f0) return;
  const Layout s(g);
  float* planes = scratch;
  float* v = planes + s.planes;
  float* m = v + s.v;
  pad_planes(g, s, img, planes);
  transform_input(g, s, planes, v);
  const long u_stride = static_cast<long>(g.f) * g.c;
  const int filters = f1 - f0;
  for (int xi = 0; xi < 16; ++xi)
    gemm(false, false, filters, static_cast<int>(s.t), g.c, u + xi * u_stride + static_cast<long>(f0) * g.c,
         g.c, v + xi * g.c * s.ld, static_cast<int>(s.ld), 0.0f, m + xi * filters * s.ld,
         static_cast<int>(s.ld));
  transform_output(g, s, filters, m, out + static_cast<long>(f0) * g.oh() * g.ow());
}

// The weight gradient in the transformed domain: per xi, dU_xi (F, C) += Y_xi (F, tiles)
// V_xi^T (tiles, C), where V are the input's tiles (as forward) and Y the output
// gradient's, A dy A^T. The output gradient is copied into zero-bordered planes first,
// so that the tiles past the right and bottom edges read zeros.
void winograd_weight_grad(const Conv3x3Geom& g, const float* img, const float* dout, float* du,
                          float* scratch) {
  const Layout s(g);
  float* planes = scratch;
  float* v = planes + s.planes;
  float* y = v + s.v;
  float* dplanes = y + s.m;
  pad_planes(g, s, img, planes);
  transform_input(g, s, planes, v);
  const int oh = g.oh(), ow = g.ow();
  for (int f = 0; f < g.f; ++f) {
    float* plane = dplanes + static_cast<long>(f) * 2 * s.ty * s.dw_;
    for (int r = 0; r < 2 * s.ty; ++r) {
      float* row = plane + static_cast<long>(r) * s.dw_;
      if (r >= oh) {
        zero_row(row, s.dw_);
        continue;
      }
      copy_row(dout + (static_cast<long>(f) * oh + r) * ow, row, ow);
      zero_row(row + ow, s.dw_ - ow);
    }
    for (int ty = 0; ty < s.ty; ++ty)
      for (int x = 0; x < s.tx; x += L)
        gradient_tiles(plane + static_cast<long>(2 * ty) * s.dw_ + 2 * x, s.dw_,
                       y + f * s.ld + static_cast<long>(ty) * s.tx + x, g.f * s.ld);
  }
  const long u_stride = static_cast<long>(g.f) * g.c;
  for (int xi = 0; xi < 16; ++xi)
    gemm(false, true, g.f, g.c, static_cast<int>(s.t), y + xi * g.f * s.ld, static_cast<int>(s.ld),
         v + xi * g.c * s.ld, static_cast<int>(s.ld), 1.0f, du + xi * u_stride, g.c);
}

// dw (F, C, 3, 3) += G^T dU G: the adjoint of winograd_weights.
// Reads du in runs of kBlock channels per position, as winograd_weights writes U.
void winograd_weight_grad_finish(const Conv3x3Geom& g, const float* du, float* dw) {
  constexpr int kBlock = 16;
  const long xi_stride = static_cast<long>(g.f) * g.c;
  float block[16][kBlock];
  for (int f = 0; f < g.f; ++f)
    for (int c0 = 0; c0 < g.c; c0 += kBlock) {
      const int nc = std::min(kBlock, g.c - c0);
      const float* src = du + static_cast<long>(f) * g.c + c0;
      for (int xi = 0; xi < 16; ++xi)
        std::copy(src + xi * xi_stride, src + xi * xi_stride + nc, block[xi]);
      for (int cc = 0; cc < nc; ++cc) {
        float d[4][4];
        for (int xi = 0; xi < 16; ++xi) d[xi / 4][xi % 4] = block[xi][cc];
        float h[4][3];  // d G
        for (int i = 0; i < 4; ++i) {
          h[i][0] = d[i][0] + 0.5f * (d[i][1] + d[i][2]);
          h[i][1] = 0.5f * (d[i][1] - d[i][2]);
          h[i][2] = 0.5f * (d[i][1] + d[i][2]) + d[i][3];
        }
        float* k = dw + (static_cast<long>(f) * g.c + c0 + cc) * 9;
        for (int j = 0; j < 3; ++j) {  // G^T (d G)
          k[0 * 3 + j] += h[0][j] + 0.5f * (h[1][j] + h[2][j]);
          k[1 * 3 + j] += 0.5f * (h[1][j] - h[2][j]);
          k[2 * 3 + j] += 0.5f * (h[1][j] + h[2][j]) + h[3][j];
        }
      }
    }
}

}  // namespace convaula::kernels
