// Conv2D: a bank of learned kernels slid over the input, computed as im2col + GEMM.
#pragma once

#include "convaula/layer.h"
#include "convaula/conv_geom.h"

namespace convaula {

enum class Padding { valid, same };

class Conv2D : public Layer {
 public:
  Conv2D(int filters, int kernel, int stride, Padding padding, Activation act);

  LayerKind kind() const override { return LayerKind::conv2d; }
  Shape output_shape(const Shape& in) const override;
  std::size_t param_count(const Shape& in) const override;
  void bind(const Shape& in, float* w, float* dw) override;
  void init(Rng& rng) override;
  void init_streams(Rng& rng) override;
  void forward(const Tensor& in, Tensor& out, bool training) override;
  void backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) override;
  std::vector<ParamView> params() override;
  Activation activation() const override { return act_; }
  LayerWindow window() const override { return {kernel_, stride_, geom_.pad_top}; }

  int filters() const { return filters_; }
  int kernel() const { return kernel_; }
  int stride() const { return stride_; }
  Padding padding() const { return padding_; }
  // weight is (filters, C, K, K), bias is (filters); Keras stores (K, K, C, filters).
  const float* weight() const { return w_; }
  const float* bias() const { return b_; }
  const kernels::ConvGeom& geom() const { return geom_; }
  // Whether this layer (once bound) runs Winograd (conv2d_winograd.cpp) instead of im2col + GEMM.
  bool uses_winograd() const { return winograd_; }
  // The scratch floats this layer will allocate once bound to `in`: per thread slot
  // (im2col and its gradient, or Winograd's tiles and weight-gradient share) and once
  // for the layer (the transformed weights). The memory estimate (model.cpp) adds them up.
  struct ScratchSize {
    uint64_t per_slot = 0, shared = 0;
  };
  ScratchSize scratch_size(const Shape& in) const;

 private:
  kernels::ConvGeom make_geom(const Shape& in) const;
  // One scratch set per thread slot: the images of a batch are split across
  // threads; slot 0 adds into the bound gradient, the others into `dw` and are
  // summed in slot order afterwards (deterministic for a given thread count).
  struct Scratch {
    Tensor col, dcol;       // (C*K*K, OH*OW) for one image; empty on the Winograd path
    std::vector<float> dw;  // (F*C*K*K + F) partial gradient, slots >= 1 only
  };
  void plan_scratch(int slots);

  // Winograd F(4x4, 3x3) for the forward pass and the input gradient, F(2x2, 3x3) for the
  // weight gradient (conv2d_winograd.cpp), chosen in bind() from the layer's shape.
  static bool winograd_pays(const Shape& in, int filters, int kernel, int stride, const kernels::ConvGeom& g);
  kernels::Conv3x3Geom winograd_forward_geom(const kernels::ConvGeom& g) const;
  kernels::Conv3x3Geom winograd_adjoint_geom(const kernels::ConvGeom& g) const;
  uint64_t winograd_tiles_size(const kernels::ConvGeom& g) const;
  uint64_t winograd_weights_size(const kernels::ConvGeom& g) const;
  void plan_winograd(int slots);
  void forward_winograd(const Tensor& in, Tensor& out);
  // Before the backward loop: the turned weights. Then per image: din = dout (*) w^T.
  void prepare_input_grad_winograd();
  void input_grad_winograd(const float* dout, float* din, int slot);
  // The weight gradient: per slot in the transformed domain, summed in slot order after.
  void weight_grad_winograd(const float* img, const float* dout, int slot);
  void finish_weight_grad_winograd(int slots_used);

  int filters_, kernel_, stride_;
  Padding padding_;
  Activation act_;
  kernels::ConvGeom geom_{};
  float *w_ = nullptr, *b_ = nullptr, *dw_ = nullptr, *db_ = nullptr;
  std::vector<Scratch> scratch_;
  bool winograd_ = false;
  std::vector<float> wino_u_;                    // transformed weights, forward or adjoint (packed)
  std::vector<float> wino_w_;                    // the weights wino_u_ is the forward transform of
  std::vector<std::vector<float>> wino_scratch_;  // one per thread slot
  std::vector<std::vector<float>> wino_du_;       // (16, F, C) weight gradient per slot
};

}  // namespace convaula
