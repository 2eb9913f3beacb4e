// MaxPool2D: keeps the largest value of each pool x pool window, per channel.
#pragma once

#include <cstdint>
#include <vector>

#include "convaula/layer.h"

namespace convaula {

class MaxPool2D : public Layer {
 public:
  MaxPool2D(int pool, int stride);  // Keras: stride defaults to the pool size

  const char* keras_class() const override { return "MaxPooling2D"; }
  const char* keras_name() const override { return "max_pooling2d"; }
  Shape output_shape(const Shape& in) const override;
  void forward(const Tensor& in, Tensor& out, bool training) override;
  void backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) override;
  void release_batch() override { argmax_ = {}; }

  int pool() const { return pool_; }
  int stride() const { return stride_; }

 private:
  int pool_, stride_;
  std::vector<int32_t> argmax_;  // (N, C, OH, OW): winner's index inside its input plane
};

}  // namespace convaula
