// Dropout: during training, switches off a random fraction `rate` of the values
// and scales the survivors by 1/(1-rate) (inverted dropout, as Keras), so that
// prediction needs no rescaling and simply passes values through.
#pragma once

#include "convaula/layer.h"

namespace convaula {

class Dropout : public Layer {
 public:
  explicit Dropout(float rate);

  LayerKind kind() const override { return LayerKind::dropout; }
  Shape output_shape(const Shape& in) const override { return in; }
  void init(Rng& rng) override;
  void forward(const Tensor& in, Tensor& out, bool training) override;
  void backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) override;

  float rate() const { return rate_; }
  // The last training mask: 0 for dropped values, 1/(1-rate) for kept ones.
  const Tensor& mask() const { return mask_; }

 private:
  float rate_;
  Rng rng_;
  Tensor mask_;
};

}  // namespace convaula
