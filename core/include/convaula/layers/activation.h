// ActivationLayer: a standalone activation (Keras's `Activation('relu')`), the same
// functions a Conv2D or Dense applies when given `activation=`.
#pragma once

#include "convaula/layer.h"

namespace convaula {

class ActivationLayer : public Layer {
 public:
  explicit ActivationLayer(Activation act) : act_(act) {}

  LayerKind kind() const override { return LayerKind::activation; }
  Shape output_shape(const Shape& in) const override;
  void forward(const Tensor& in, Tensor& out, bool training) override;
  void backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) override;
  Activation activation() const override { return act_; }

 private:
  Activation act_;
};

}  // namespace convaula
