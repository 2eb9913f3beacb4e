// The plain direct 3x3 convolution: the reference the Winograd kernel is tested against.
#include "kernels.h"

namespace convaula::kernels {

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
