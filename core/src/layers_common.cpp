// Activation and layer kind names, and the simple layers: Flatten, ActivationLayer.
#include <algorithm>
#include <cmath>

#include "convaula/error.h"
#include "convaula/layers/activation.h"
#include "convaula/layers/reshape.h"
#include "kernels.h"
#include "layer_util.h"

namespace convaula {

Activation parse_activation(const std::string& name) {
  if (name == "linear" || name.empty()) return Activation::linear;
  if (name == "relu") return Activation::relu;
  if (name == "sigmoid") return Activation::sigmoid;
  if (name == "tanh") return Activation::tanh;
  if (name == "softmax") return Activation::softmax;
  throw Error(errc::bad_spec, "activation: unknown activation '" + name +
                                  "' (expected linear, relu, sigmoid, tanh or softmax)");
}

LayerKind parse_layer_kind(const std::string& name) {
  std::string known;
  for (std::size_t i = 0; i < kLayerKindCount; ++i) {
    if (name == kLayerKinds[i].spec_name) return kLayerKinds[i].kind;
    known += std::string(i == 0 ? "" : i + 1 == kLayerKindCount ? " or " : ", ") + kLayerKinds[i].spec_name;
  }
  throw Error(errc::bad_spec, "unknown layer type '" + quote(name) + "' (expected " + known + ")");
}

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::relu: return "relu";
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::softmax: return "softmax";
    default: return "linear";
  }
}

float glorot_limit(std::size_t fan_in, std::size_t fan_out) {
  return std::sqrt(6.0f / static_cast<float>(fan_in + fan_out));
}

Shape Flatten::output_shape(const Shape& in) const {
  return {in.n, static_cast<int>(in.per_image()), 1, 1};
}

void Flatten::forward(const Tensor& in, Tensor& out, bool) {
  std::copy(in.data(), in.data() + in.size(), out.data());
}

void Flatten::backward(const Tensor&, const Tensor&, Tensor& dout, Tensor* din) {
  if (din) std::copy(dout.data(), dout.data() + dout.size(), din->data());
}

Shape ActivationLayer::output_shape(const Shape& in) const {
  if (act_ == Activation::softmax && (in.h != 1 || in.w != 1))
    throw Error(errc::bad_shape, "Activation softmax needs a flat input (N, F), got " + in.str() +
                                     "; add a Flatten layer first");
  return in;
}

void ActivationLayer::forward(const Tensor& in, Tensor& out, bool) {
  std::copy(in.data(), in.data() + in.size(), out.data());
  const int rows = in.shape().n, cols = static_cast<int>(in.shape().per_image());
  kernels::bias_act_cols(act_, out.data(), nullptr, rows, cols);
}

void ActivationLayer::backward(const Tensor&, const Tensor& out, Tensor& dout, Tensor* din) {
  if (!din) return;
  if (!fused_softmax_)
    kernels::act_backward(act_, out.data(), dout.data(), out.shape().n,
                          static_cast<int>(out.shape().per_image()));
  std::copy(dout.data(), dout.data() + dout.size(), din->data());
}

}  // namespace convaula
