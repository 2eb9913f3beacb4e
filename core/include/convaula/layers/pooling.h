// MaxPool2D and AveragePool2D: each pool x pool window of every channel becomes one value, its
// largest (max) or its mean (average), as Keras's MaxPooling2D and AveragePooling2D with
// padding 'valid'.
#pragma once

#include <cstdint>
#include <vector>

#include "convaula/layer.h"

namespace convaula {

// What both poolings share: the window, its validation and Keras's 'valid' output size.
class Pool2D : public Layer {
 public:
  Shape output_shape(const Shape& in) const override;
  LayerWindow window() const override { return {pool_, stride_, 0}; }

  int pool() const { return pool_; }
  int stride() const { return stride_; }

 protected:
  Pool2D(int pool, int stride);  // Keras: stride defaults to the pool size

  int pool_, stride_;
};

class MaxPool2D : public Pool2D {
 public:
  MaxPool2D(int pool, int stride) : Pool2D(pool, stride) {}

  LayerKind kind() const override { return LayerKind::max_pooling2d; }
  void forward(const Tensor& in, Tensor& out, bool training) override;
  void backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) override;
  void release_batch() override { argmax_ = {}; }

 private:
  std::vector<int32_t> argmax_;  // (N, C, OH, OW): winner's index inside its input plane
};

// Every input of a window gets an equal share of its output's gradient.
class AveragePool2D : public Pool2D {
 public:
  AveragePool2D(int pool, int stride) : Pool2D(pool, stride) {}

  LayerKind kind() const override { return LayerKind::average_pooling2d; }
  void forward(const Tensor& in, Tensor& out, bool training) override;
  void backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) override;
};

}  // namespace convaula
