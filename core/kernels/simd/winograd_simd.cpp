// Winograd convolutions for 3x3 stride-1 layers (Lavin & Gray, 2016): F(4x4, 3x3) for the
// forward pass and the input gradient, F(2x2, 3x3) for the weight gradient.
//
// Per image: the input is copied into a zero-bordered plane per channel, cut into
// overlapping 6x6 tiles (stride 4), each tile transformed to V = B^T d B; for each of
// the 36 positions xi of a transformed tile, M_xi (F, tiles) = U_xi (F, C) V_xi (C, tiles)
// is one GEMM; each tile of M is transformed back to its 4x4 outputs with A^T m A. The
// GEMMs copy nothing: U is stored in gemm_packed's A layout when the weights are
// transformed, and the input transform writes V straight into its B layout. The
// transforms work on `Lanes::n` horizontally adjacent tiles at once (xsimd vectors; one
// float in the scalar build), so every load and store is contiguous.
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
  // n rows of 4 floats at p, as their 4 columns (shuffles.h), and back.
  static void load_columns4(const float* p, V* cols) { simd::load_columns4(p, cols); }
  static void store_columns4(const V* cols, float* p) { simd::store_columns4(cols, p); }
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
  static void load_columns4(const float* p, V* cols) { std::copy(p, p + 4, cols); }
  static void store_columns4(const V* cols, float* p) { std::copy(cols, cols + 4, p); }
};
#endif

using V = Lanes::V;
constexpr int L = Lanes::n;

// Where everything lives in the scratch, for output tiles of `tile` x `tile` (4 for the
// convolution, 2 for the weight gradient) from input tiles of a = tile + 2: the
// zero-bordered input planes (C, ph, pw), the transformed tiles V and the GEMM results M.
// A row of tiles is transformed L at a time; the last group of a row runs past it, its
// input from the plane's right border (a group reads tile * (L + 1) floats of a row).
// The convolution numbers its tiles t = y * txr + x, rows rounded up to L tiles (the
// extra ones computed and never read back), so that a group of L never straddles two of
// gemm_packed's B slivers (nr, a multiple of L): V is (a^2) times ceil(n / nr) slivers of
// (C, nr), M (a^2, F, n). The weight gradient keeps t = y * tx + x, V (a^2, C, ld) and
// M (a^2, F, ld) plain, its GEMM summing over the tiles: a group that runs past its row
// lands in the next row's first tiles (rewritten when that row is done) or, after the
// last row, in the `L` spare columns of ld.
// Two positions xi of V or M are one matrix plus kSkew floats apart: a multiple of 4 KB
// (16 KB for the lesson's input gradient) put the 36 stores or loads of a tile's
// transform in one L1 set, more than its ways.
constexpr int kSkew = 16;
struct Layout {
  int tile;
  int ty, tx, txr;  // output tiles down and across, across rounded up to L
  int pw, ph;       // padded plane
  long t, ld;       // weight gradient: tiles per image, row stride of V and M
  int nr;           // convolution: gemm_packed's B sliver width
  long n, nb;       // convolution: tile columns ty * txr, and rounded up to nr
  long v_xi, m_xi;    // distance between two positions of V, and of M with all F filters
  long planes, v, m;  // sizes in floats
  int dw_;            // width of the zero-padded output-gradient planes (F, tile ty, dw_)
  long dplanes;       // their size in floats (weight gradient only)
  Layout(const Conv3x3Geom& g, int tile_) : tile(tile_) {
    const int a2 = (tile + 2) * (tile + 2);
    ty = (g.oh() + tile - 1) / tile;
    tx = (g.ow() + tile - 1) / tile;
    txr = (tx + L - 1) / L * L;
    pw = tile * (txr + 1);
    ph = tile * ty + 2;
    t = static_cast<long>(ty) * tx;
    ld = t + L;
    nr = gemm_blocking().nr;
    n = static_cast<long>(ty) * txr;
    nb = (n + nr - 1) / nr * nr;
    planes = static_cast<long>(g.c) * ph * pw;
    v_xi = g.c * (tile == 4 ? nb : ld) + kSkew;
    m_xi = m_stride(g.f);
    v = a2 * v_xi;
    m = a2 * m_xi;
    dw_ = tile * txr;
    dplanes = tile == 2 ? static_cast<long>(g.f) * tile * ty * dw_ : 0;
  }
  // The distance between two positions of M with `filters` rows.
  long m_stride(int filters) const { return filters * (tile == 4 ? n : ld) + kSkew; }
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

// One line of F(4x4, 3x3)'s input transform: o = B^T d, with B^T =
//   [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1].
inline void input_line(const V (&d)[8], V (&o)[6]) {
  const V four(4.0f), five(5.0f), two(2.0f);
  const V a = d[4] - four * d[2], b = d[3] - four * d[1];
  const V c = d[4] - d[2], e = two * (d[3] - d[1]);
  o[0] = four * d[0] - five * d[2] + d[4];
  o[1] = a + b;
  o[2] = a - b;
  o[3] = c + e;
  o[4] = c - e;
  o[5] = four * d[1] - five * d[3] + d[5];
}

// One line of the output transform: y = A^T m, with A^T =
//   [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1].
inline void output_line(const V (&m)[6], V (&y)[4]) {
  const V s12 = m[1] + m[2], d12 = m[1] - m[2], s34 = m[3] + m[4], d34 = m[3] - m[4];
  y[0] = m[0] + s12 + s34;
  y[1] = d12 + V(2.0f) * d34;
  y[2] = s12 + V(4.0f) * s34;
  y[3] = d12 + V(8.0f) * d34 + m[5];
}

// V = B^T d B for L tiles whose 6x6 inputs start at p (row stride pw, tiles 4 apart),
// stored at v[xi * xi_stride].
inline void input_tiles4(const float* p, int pw, float* v, long xi_stride) {
  V t[6][6];
  for (int r = 0; r < 6; ++r) {
    V d[8];
    Lanes::load_columns4(p + static_cast<long>(r) * pw, d);
    Lanes::load_columns4(p + static_cast<long>(r) * pw + 4, d + 4);
    input_line(d, t[r]);
  }
  for (int j = 0; j < 6; ++j) {
    V d[8] = {t[0][j], t[1][j], t[2][j], t[3][j], t[4][j], t[5][j]};
    V o[6];
    input_line(d, o);
    for (int i = 0; i < 6; ++i) Lanes::store(o[i], v + (6 * i + j) * xi_stride);
  }
}

// The 4x4 outputs A^T m A of L tiles read at m[xi * xi_stride], as 4 rows of 4L floats
// starting at dst, ld floats apart.
inline void output_tiles4(const float* m, long xi_stride, float* dst, long ld) {
  V s[6][4];
  for (int i = 0; i < 6; ++i) {
    V mi[6];
    for (int j = 0; j < 6; ++j) mi[j] = Lanes::load(m + (6 * i + j) * xi_stride);
    output_line(mi, s[i]);
  }
  V y[4][4];  // y[column][row]
  for (int j = 0; j < 4; ++j) {
    const V col[6] = {s[0][j], s[1][j], s[2][j], s[3][j], s[4][j], s[5][j]};
    output_line(col, y[j]);
  }
  for (int r = 0; r < 4; ++r) {
    const V row[4] = {y[0][r], y[1][r], y[2][r], y[3][r]};
    Lanes::store_columns4(row, dst + r * ld);
  }
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

// V of every tile of every channel (Layout): input_tiles4 into gemm_packed's B slivers
// (tile 4), or input_tiles into plain rows (tile 2).
void transform_input(const Conv3x3Geom& g, const Layout& s, int tile, const float* planes, float* v) {
  const long xi_stride = s.v_xi;
  for (int c = 0; c < g.c; ++c) {
    const float* plane = planes + static_cast<long>(c) * s.ph * s.pw;
    for (int y = 0; y < s.ty; ++y)
      for (int x = 0; x < s.tx; x += L) {
        const float* p = plane + static_cast<long>(tile * y) * s.pw + tile * x;
        if (tile == 4) {
          const long t = static_cast<long>(y) * s.txr + x;
          input_tiles4(p, s.pw, v + (t / s.nr * g.c + c) * s.nr + t % s.nr, xi_stride);
        } else {
          input_tiles(p, s.pw, v + c * s.ld + static_cast<long>(y) * s.tx + x, xi_stride);
        }
      }
  }
}

// Writes the tiles of M (filters rows) to out (filters, OH, OW): whole groups straight
// into the rows, the groups that cross the right or bottom edge through a small buffer.
void transform_output(const Conv3x3Geom& g, const Layout& s, int filters, const float* m, float* out) {
  const int oh = g.oh(), ow = g.ow();
  alignas(64) float rows[4][4 * L];
  for (int f = 0; f < filters; ++f) {
    const float* mf = m + f * s.n;
    float* of = out + static_cast<long>(f) * oh * ow;
    for (int y = 0; y < s.ty; ++y)
      for (int x = 0; x < s.tx; x += L) {
        const float* src = mf + static_cast<long>(y) * s.txr + x;
        float* dst = of + static_cast<long>(4 * y) * ow + 4 * x;
        const int cols = std::min(4 * L, ow - 4 * x), nrows = std::min(4, oh - 4 * y);
        if (cols == 4 * L && nrows == 4) {
          output_tiles4(src, s.m_stride(filters), dst, ow);
          continue;
        }
        output_tiles4(src, s.m_stride(filters), rows[0], 4 * L);
        for (int r = 0; r < nrows; ++r) copy_row(rows[r], dst + static_cast<long>(r) * ow, cols);
      }
  }
}

}  // namespace

// 36 matrices (F, C) in gemm_packed's A layout: F rounded up to whole slivers of mr.
std::size_t winograd_weights_size(const Conv3x3Geom& g) {
  const std::size_t mr = gemm_blocking().mr;
  return 36 * ((g.f + mr - 1) / mr * mr) * g.c;
}

std::size_t winograd_grad_size(const Conv3x3Geom& g) {
  return 16 * static_cast<std::size_t>(g.f) * g.c;
}

// u = G k G^T per kernel k, G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6;
// 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1], as 36 matrices (F, C) in gemm_packed's A layout
// (kernels.h): value (f, c) of position xi at xi * xi_stride + (f / mr * C + c) * mr + f % mr.
// Channels are taken kBlock at a time and each block's 36 transformed values per channel
// written as 36 runs of kBlock floats mr apart: storing all 36 positions of one (f, c)
// at once, they land a matrix apart (8 KB for the lesson's 64x32 layer), all in the
// same cache set, and the serial transform took ~0.2 ms a step natively; it is done on
// the calling thread while the others wait.
void winograd_weights(const Conv3x3Geom& g, const float* w, bool adjoint, float* u) {
  constexpr int kBlock = 16;
  const int mr = gemm_blocking().mr;
  const long xi_stride = static_cast<long>(winograd_weights_size(g) / 36);
  // o = G k, with products by the reciprocals: divisions made the transform of the lesson's
  // conv2d_1 (2,048 kernels) take 150 us natively, as long as the convolution of one image.
  auto line = [](float k0, float k1, float k2, float* o, int step) {
    constexpr float r6 = 1.0f / 6, r12 = 1.0f / 12, r24 = 1.0f / 24;
    const float s = k0 + k2, a = k0 * r24 + k2 * r6, b = k1 * r12;
    o[0 * step] = 0.25f * k0;
    o[1 * step] = -(s + k1) * r6;
    o[2 * step] = -(s - k1) * r6;
    o[3 * step] = a + b;
    o[4 * step] = a - b;
    o[5 * step] = k2;
  };
  float block[36][kBlock];
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
        float gk[6][3];  // G k, a column at a time
        for (int j = 0; j < 3; ++j) line(k[0][j], k[1][j], k[2][j], &gk[0][j], 3);
        float ugt[6][6];  // (G k) G^T, a row at a time
        for (int i = 0; i < 6; ++i) line(gk[i][0], gk[i][1], gk[i][2], ugt[i], 1);
        for (int xi = 0; xi < 36; ++xi) block[xi][cc] = ugt[xi / 6][xi % 6];
      }
      float* dst = u + (static_cast<long>(f / mr) * g.c + c0) * mr + f % mr;
      for (int xi = 0; xi < 36; ++xi)
        for (int cc = 0; cc < nc; ++cc) dst[xi * xi_stride + cc * mr] = block[xi][cc];
    }
}

// The convolution (tiles of 4) and the weight gradient (tiles of 2) share it.
std::size_t winograd_scratch_size(const Conv3x3Geom& g) {
  const Layout a(g, 4), b(g, 2);
  return static_cast<std::size_t>(std::max(a.planes + a.v + a.m, b.planes + b.v + b.m + b.dplanes));
}

void conv3x3_winograd(const Conv3x3Geom& g, int f0, int f1, const float* u, const float* img,
                      float* out, float* scratch) {
  if (f1 <= f0) return;
  const Layout s(g, 4);
  float* planes = scratch;
  float* v = planes + s.planes;
  float* m = v + s.v;
  pad_planes(g, s, img, planes);
  transform_input(g, s, 4, planes, v);
  const long u_stride = static_cast<long>(winograd_weights_size(g) / 36), v_stride = s.v_xi;
  const int filters = f1 - f0, n = static_cast<int>(s.n);
  for (int xi = 0; xi < 36; ++xi)
    gemm_packed(filters, n, g.c, u + xi * u_stride + static_cast<long>(f0) * g.c, v + xi * v_stride,
                m + xi * s.m_stride(filters), n);
  transform_output(g, s, filters, m, out + static_cast<long>(f0) * g.oh() * g.ow());
}

// The weight gradient in the transformed domain: per xi, dU_xi (F, C) += Y_xi (F, tiles)
// V_xi^T (tiles, C), where V are the input's tiles (as forward) and Y the output
// gradient's, A dy A^T. The output gradient is copied into zero-bordered planes first,
// so that the tiles past the right and bottom edges read zeros.
void winograd_weight_grad(const Conv3x3Geom& g, const float* img, const float* dout, float* du,
                          float* scratch) {
  const Layout s(g, 2);
  float* planes = scratch;
  float* v = planes + s.planes;
  float* y = v + s.v;
  float* dplanes = y + s.m;
  pad_planes(g, s, img, planes);
  transform_input(g, s, 2, planes, v);
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
                       y + f * s.ld + static_cast<long>(ty) * s.tx + x, s.m_xi);
  }
  const long u_stride = static_cast<long>(g.f) * g.c;
  for (int xi = 0; xi < 16; ++xi)
    gemm(false, true, g.f, g.c, static_cast<int>(s.t), y + xi * s.m_xi, static_cast<int>(s.ld),
         v + xi * s.v_xi, static_cast<int>(s.ld), 1.0f, du + xi * u_stride, g.c);
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
