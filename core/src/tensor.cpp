// Tensor storage: aligned allocation and shape formatting.
#include "convaula/tensor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace convaula {

namespace {
constexpr std::size_t kAlign = 64;

float* alloc_floats(std::size_t count) {
  // Round up so aligned_alloc's size is a multiple of the alignment, and never 0.
  std::size_t bytes = ((count * sizeof(float) + kAlign - 1) / kAlign) * kAlign;
  if (bytes == 0) bytes = kAlign;
  void* p = std::aligned_alloc(kAlign, bytes);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, bytes);
  return static_cast<float*>(p);
}
}  // namespace

std::string Shape::str() const {
  return "(" + std::to_string(n) + ", " + std::to_string(c) + ", " + std::to_string(h) + ", " +
         std::to_string(w) + ")";
}

std::string Shape::keras_str() const {
  if (h == 1 && w == 1) return "(None, " + std::to_string(c) + ")";
  return "(None, " + std::to_string(h) + ", " + std::to_string(w) + ", " + std::to_string(c) + ")";
}

void Tensor::AlignedFree::operator()(float* p) const { std::free(p); }

Tensor::Tensor(Shape shape) { resize(shape); }

Tensor::Tensor(const Tensor& o) : Tensor(o.shape_) {
  std::copy(o.data(), o.data() + o.size(), data());
}

Tensor& Tensor::operator=(const Tensor& o) {
  if (this != &o) {
    resize(o.shape_);
    std::copy(o.data(), o.data() + o.size(), data());
  }
  return *this;
}

void Tensor::resize(Shape shape) {
  if (shape.size() > capacity_ || !data_) {
    data_.reset(alloc_floats(shape.size()));
    capacity_ = shape.size();
  }
  shape_ = shape;
}

void Tensor::fill(float v) { std::fill(data(), data() + size(), v); }

std::unique_ptr<float[], void (*)(float*)> aligned_floats(std::size_t count) {
  return {alloc_floats(count), [](float* p) { std::free(p); }};
}

}  // namespace convaula
