// Flatten: (N, C, H, W) -> (N, C*H*W). The bytes are already in that order (tensor.h).
#pragma once

#include "convaula/layer.h"

namespace convaula {

class Flatten : public Layer {
 public:
  LayerKind kind() const override { return LayerKind::flatten; }
  Shape output_shape(const Shape& in) const override;
  void forward(const Tensor& in, Tensor& out, bool training) override;
  void backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) override;
};

}  // namespace convaula
