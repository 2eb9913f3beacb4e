// Tensor: the one data container of the engine, and the place its memory layout is defined.
//
// Layout
// ------
// Every tensor is float32, NCHW and contiguous:
//
//   index(n, c, h, w) = ((n * C + c) * H + h) * W + w
//
//   N  images in the batch        (Keras's "None" dimension)
//   C  channels / feature maps    (Keras puts this last: (None, H, W, C))
//   H  rows, W columns
//
// A dense activation of width F is stored as (N, F, 1, 1), so "flatten" is free:
// the bytes of (N, C, H, W) read in order are the (N, C*H*W) matrix. Keras flattens
// in NHWC order instead; only the *order* of the 9216 inputs of the dense layer
// differs, never a count or a result, because that order is learned.
//
// Storage is 64-byte aligned so SIMD kernels may use aligned loads on row starts
// of the buffers they own. Kernels never see Tensor itself: they receive raw
// pointers plus sizes, with a shape comment on every argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace convaula {

struct Shape {
  int n = 1, c = 1, h = 1, w = 1;

  std::size_t size() const {
    return static_cast<std::size_t>(n) * c * h * w;
  }
  // Elements of one image: C*H*W.
  std::size_t per_image() const { return static_cast<std::size_t>(c) * h * w; }
  bool operator==(const Shape& o) const {
    return n == o.n && c == o.c && h == o.h && w == o.w;
  }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  // "(N, C, H, W)" for error messages.
  std::string str() const;
  // Keras's notation for one layer's output: "(None, 26, 26, 32)" or "(None, 128)".
  std::string keras_str() const;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape);  // zero-filled

  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;
  Tensor(const Tensor& o);
  Tensor& operator=(const Tensor& o);

  // Reallocates only when the new shape needs more room than the buffer has;
  // contents are unspecified afterwards. Used to plan buffers once per batch size.
  void resize(Shape shape);
  void fill(float v);

  const Shape& shape() const { return shape_; }
  std::size_t size() const { return shape_.size(); }
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  float& operator[](std::size_t i) { return data_[i]; }
  float operator[](std::size_t i) const { return data_[i]; }
  float& at(int n, int c, int h, int w) {
    return data_[((static_cast<std::size_t>(n) * shape_.c + c) * shape_.h + h) * shape_.w + w];
  }
  float at(int n, int c, int h, int w) const {
    return data_[((static_cast<std::size_t>(n) * shape_.c + c) * shape_.h + h) * shape_.w + w];
  }
  // Pointer to image n.
  float* image(int n) { return data_.get() + n * shape_.per_image(); }
  const float* image(int n) const { return data_.get() + n * shape_.per_image(); }

 private:
  struct AlignedFree {
    void operator()(float* p) const;
  };
  Shape shape_{0, 0, 0, 0};
  std::size_t capacity_ = 0;
  std::unique_ptr<float[], AlignedFree> data_;
};

// 64-byte aligned float buffer, zero-filled; for scratch space owned by layers.
std::unique_ptr<float[], void (*)(float*)> aligned_floats(std::size_t count);

}  // namespace convaula
