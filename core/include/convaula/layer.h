// Layer: the one small interface every layer implements; models and optimizers
// know nothing else about layers.
//
// Life of a layer inside a Sequential model:
//   1. output_shape(in)     validates the input shape, throws Error(bad_shape) naming dims
//   2. param_count(in)      how many floats of the model's flat parameter buffer it owns
//   3. bind(in, w, dw)      receives its slices of the flat value and gradient buffers
//   4. init(rng)            fills its parameters (Keras: glorot_uniform kernels, zero biases)
//   5. forward / backward   per batch; buffers are owned by the model and planned once
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "convaula/activation_kind.h"
#include "convaula/layer_kind.h"
#include "convaula/rng.h"
#include "convaula/tensor.h"

namespace convaula {

// The window a layer slides over its input (kernel x kernel, stride, padding before the first
// row and column), for the receptive field; 1, 1, 0 for layers that look at one position.
struct LayerWindow {
  int kernel = 1, stride = 1, pad = 0;
};

// A parameter tensor and its gradient, as optimizers see it.
struct ParamView {
  float* value;
  float* grad;
  std::size_t size;
};

Activation parse_activation(const std::string& name);  // throws Error(bad_spec)
const char* activation_name(Activation a);

class Layer {
 public:
  virtual ~Layer() = default;

  virtual LayerKind kind() const = 0;
  // Keras's class name ("Conv2D") and the base of its instance names ("conv2d").
  const char* keras_class() const { return layer_kind_info(kind()).keras_class; }
  const char* keras_name() const { return layer_kind_info(kind()).spec_name; }
  // Valid once the layer is bound (a 'same' convolution's padding depends on its input).
  virtual LayerWindow window() const { return {}; }

  virtual Shape output_shape(const Shape& in) const = 0;
  virtual std::size_t param_count(const Shape& /*in*/) const { return 0; }
  virtual void bind(const Shape& /*in*/, float* /*w*/, float* /*dw*/) {}
  // Draws the initial weights from `rng` (glorot_uniform, zero bias) and seeds the layer's
  // own random streams (dropout) from it.
  virtual void init(Rng& /*rng*/) {}
  // What init() does to `rng` and to the layer's streams, without writing a weight: a model
  // whose weights are about to be loaded draws exactly the dropout masks it would have drawn
  // if it had been initialized first. Layers whose init() writes weights override it.
  virtual void init_streams(Rng& rng) { init(rng); }

  // in (N, C, H, W) -> out (N, C', H', W'); `training` switches dropout on.
  virtual void forward(const Tensor& in, Tensor& out, bool training) = 0;
  // Writes this batch's parameter gradients over the bound gradient buffer (nothing
  // is cleared first: a training step would otherwise clear, then read back, 4.8 MB
  // for the lesson's network); writes din when it is not null (the first layer's input
  // gradient is never needed). `dout` may be overwritten: fused activations fold their
  // derivative into it in place.
  virtual void backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) = 0;

  virtual std::vector<ParamView> params() { return {}; }
  // Frees what the layer keeps sized by the batch (Sequential::release_batch_buffers).
  virtual void release_batch() {}

  // The activation applied inside this layer (Keras's `activation=`), if any.
  virtual Activation activation() const { return Activation::linear; }
  // Set by the model when this layer's softmax is fused with the cross-entropy
  // loss: backward then receives dout already taken w.r.t. the logits.
  void set_fused_softmax(bool fused) { fused_softmax_ = fused; }

 protected:
  bool fused_softmax_ = false;
};

}  // namespace convaula
