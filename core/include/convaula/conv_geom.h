// The shapes of a convolution as the kernels see them (kernels.h describes each field's use);
// public so that a layer's header can hold them without including the kernels.
#pragma once

namespace convaula::kernels {

// One image through im2col: input, kernel and stride, padding, output.
struct ConvGeom {
  int c, h, w;          // input channels and size
  int kh, kw, stride;   // kernel and stride
  int pad_top, pad_left;
  int oh, ow;           // output size
};

// 3x3, stride-1 convolution of one image with `pad` zeros on every side.
struct Conv3x3Geom {
  int c, h, w;  // input channels and size
  int f, pad;   // output channels, zeros on each side
  int oh() const { return h + 2 * pad - 2; }
  int ow() const { return w + 2 * pad - 2; }
};

}  // namespace convaula::kernels
