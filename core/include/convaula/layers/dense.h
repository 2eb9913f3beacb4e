// Dense: a fully connected layer, out = act(in * W + b), on the engine's GEMM.
#pragma once

#include "convaula/layer.h"

namespace convaula {

class Dense : public Layer {
 public:
  Dense(int units, Activation act);

  LayerKind kind() const override { return LayerKind::dense; }
  Shape output_shape(const Shape& in) const override;
  std::size_t param_count(const Shape& in) const override;
  void bind(const Shape& in, float* w, float* dw) override;
  void init(Rng& rng) override;
  void init_streams(Rng& rng) override;
  void forward(const Tensor& in, Tensor& out, bool training) override;
  void backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) override;
  std::vector<ParamView> params() override;
  Activation activation() const override { return act_; }

  int units() const { return units_; }
  // weight is (inputs, units) as in Keras; bias is (units).
  const float* weight() const { return w_; }

 private:
  int units_;
  Activation act_;
  int inputs_ = 0;
  float *w_ = nullptr, *b_ = nullptr, *dw_ = nullptr, *db_ = nullptr;
};

}  // namespace convaula
