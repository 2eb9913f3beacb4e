// The plain direct 3x3 convolution: the reference the Winograd kernel is tested against;
// and Winograd F(4x4, 3x3) written out with its matrices, tile by tile.
#include "kernels.h"

namespace convaula::kernels {

namespace {

// F(4x4, 3x3) (Lavin & Gray, 2016): V = BT d BT^T, U = G k G^T, Y = AT (U . V) AT^T.
constexpr float kBT[6][6] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                             {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
constexpr float kG[6][3] = {{1.0f / 4, 0, 0},
                            {-1.0f / 6, -1.0f / 6, -1.0f / 6},
                            {-1.0f / 6, 1.0f / 6, -1.0f / 6},
                            {1.0f / 24, 1.0f / 12, 1.0f / 6},
                            {1.0f / 24, -1.0f / 12, 1.0f / 6},
                            {0, 0, 1}};
constexpr float kAT[4][6] = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};

// out (R, C) = a (R, K) x in (K, K) x b^T (C, K): the two-sided transform of a tile.
template <int R, int C, int K>
void sandwich(const float (&a)[R][K], const float (&in)[K][K], const float (&b)[C][K], float (&out)[R][C]) {
  float t[R][K] = {};
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < K; ++j)
      for (int k = 0; k < K; ++k) t[i][j] += a[i][k] * in[k][j];
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) {
      out[i][j] = 0.0f;
      for (int k = 0; k < K; ++k) out[i][j] += t[i][k] * b[j][k];
    }
}

}  // namespace

void conv3x3_winograd_ref(const Conv3x3Geom& g, const float* w, bool adjoint, const float* img,
                          float* out) {
  const int oh = g.oh(), ow = g.ow();
  for (int f = 0; f < g.f; ++f)
    for (int ty = 0; ty < oh; ty += 4)
      for (int tx = 0; tx < ow; tx += 4) {
        float m[6][6] = {};
        for (int c = 0; c < g.c; ++c) {
          float k[3][3], d[6][6], u[6][6], v[6][6];
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx)
              k[ky][kx] = adjoint ? w[((c * g.f + f) * 3 + 2 - ky) * 3 + 2 - kx]
                                  : w[((f * g.c + c) * 3 + ky) * 3 + kx];
          for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j) {
              const int y = ty + i - g.pad, x = tx + j - g.pad;
              d[i][j] = y < 0 || y >= g.h || x < 0 || x >= g.w ? 0.0f : img[(c * g.h + y) * g.w + x];
            }
          float gk[6][3] = {};  // G k, then (G k) G^T
          for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 3; ++j)
              for (int t = 0; t < 3; ++t) gk[i][j] += kG[i][t] * k[t][j];
          for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j) {
              u[i][j] = 0.0f;
              for (int t = 0; t < 3; ++t) u[i][j] += gk[i][t] * kG[j][t];
            }
          sandwich(kBT, d, kBT, v);
          for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j) m[i][j] += u[i][j] * v[i][j];
        }
        float y[4][4];
        sandwich(kAT, m, kAT, y);
        for (int i = 0; i < 4 && ty + i < oh; ++i)
          for (int j = 0; j < 4 && tx + j < ow; ++j) out[(f * oh + ty + i) * ow + tx + j] = y[i][j];
      }
}

void conv3x3_direct_ref(const Conv3x3Geom& g, const float* w, bool adjoint, const float* img,
                        float* out) {
  const int oh = g.oh(), ow = g.ow();
  for (int f = 0; f < g.f; ++f)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        float sum = 0.0f;
        for (int c = 0; c < g.c; ++c)
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) {
              const int y = oy + ky - g.pad, x = ox + kx - g.pad;
              if (y < 0 || y >= g.h || x < 0 || x >= g.w) continue;
              // adjoint: the layer's weight (c, f) turned 180 degrees
              const float k = adjoint ? w[((c * g.f + f) * 3 + 2 - ky) * 3 + 2 - kx]
                                      : w[((f * g.c + c) * 3 + ky) * 3 + kx];
              sum += k * img[(c * g.h + y) * g.w + x];
            }
        out[(f * oh + oy) * ow + ox] = sum;
      }
}

void conv3x3_weight_grad_ref(const Conv3x3Geom& g, const float* img, const float* dout, float* dw) {
  const int oh = g.oh(), ow = g.ow();
  for (int f = 0; f < g.f; ++f)
    for (int c = 0; c < g.c; ++c)
      for (int ky = 0; ky < 3; ++ky)
        for (int kx = 0; kx < 3; ++kx) {
          float sum = 0.0f;
          for (int oy = 0; oy < oh; ++oy)
            for (int ox = 0; ox < ow; ++ox) {
              const int y = oy + ky - g.pad, x = ox + kx - g.pad;
              if (y < 0 || y >= g.h || x < 0 || x >= g.w) continue;
              sum += dout[(f * oh + oy) * ow + ox] * img[(c * g.h + y) * g.w + x];
            }
          dw[((f * g.c + c) * 3 + ky) * 3 + kx] += sum;
        }
}

}  // namespace convaula::kernels
