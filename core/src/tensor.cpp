// Tensor storage: aligned allocation and shape formatting.
#include "convaula/tensor.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace convaula {

namespace {
constexpr std::size_t kAlign = 64;

// Through the aligned operator new (not aligned_alloc), so a program can replace it: the
// tests count allocations and inject bad_alloc into every one of them.
float* alloc_floats(std::size_t count) {
  if (count > SIZE_MAX / sizeof(float) - kAlign) throw std::bad_alloc();  // wasm: 32-bit size_t
  const std::size_t bytes = std::max(count * sizeof(float), kAlign);
  void* p = ::operator new(bytes, std::align_val_t{kAlign});
  std::memset(p, 0, bytes);
  return static_cast<float*>(p);
}

void free_floats(float* p) { ::operator delete(p, std::align_val_t{kAlign}); }
}  // namespace

std::string Shape::str() const {
  return "(" + std::to_string(n) + ", " + std::to_string(c) + ", " + std::to_string(h) + ", " +
         std::to_string(w) + ")";
}

std::string Shape::keras_str() const {
  if (h == 1 && w == 1) return "(None, " + std::to_string(c) + ")";
  return "(None, " + std::to_string(h) + ", " + std::to_string(w) + ", " + std::to_string(c) + ")";
}

void Tensor::AlignedFree::operator()(float* p) const { free_floats(p); }

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
  return {alloc_floats(count), free_floats};
}

}  // namespace convaula
