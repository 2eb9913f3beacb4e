// MaxPool2D and Dropout: the two parameter-free layers that change values.
#include <algorithm>

#include "convaula/error.h"
#include "convaula/layers/dropout.h"
#include "convaula/layers/pooling.h"
#include "kernels.h"

namespace convaula {

MaxPool2D::MaxPool2D(int pool, int stride) : pool_(pool), stride_(stride) {
  if (pool < 1) throw Error(errc::bad_spec, "max_pooling2d.pool must be >= 1, got " + std::to_string(pool));
  if (stride < 1)
    throw Error(errc::bad_spec, "max_pooling2d.stride must be >= 1, got " + std::to_string(stride));
}

Shape MaxPool2D::output_shape(const Shape& in) const {
  if (in.h < pool_ || in.w < pool_)
    throw Error(errc::bad_shape, "MaxPooling2D pool " + std::to_string(pool_) +
                                     " is larger than its input " + std::to_string(in.h) + "x" +
                                     std::to_string(in.w));
  // Keras 'valid': windows that do not fit are dropped (26 -> 13, 25 -> 12 with pool 2).
  return {in.n, in.c, (in.h - pool_) / stride_ + 1, (in.w - pool_) / stride_ + 1};
}

void MaxPool2D::forward(const Tensor& in, Tensor& out, bool) {
  const Shape& s = in.shape();
  const Shape& o = out.shape();
  argmax_.resize(o.size());
  kernels::maxpool_forward(in.data(), s.n * s.c, s.h, s.w, pool_, stride_, o.h, o.w, out.data(),
                           argmax_.data());
}

void MaxPool2D::backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) {
  if (!din) return;
  const Shape& s = in.shape();
  din->fill(0.0f);
  kernels::maxpool_backward(dout.data(), argmax_.data(), s.n * s.c, s.h, s.w, out.shape().h,
                            out.shape().w, din->data());
}

Dropout::Dropout(float rate) : rate_(rate) {
  if (!(rate >= 0.0f && rate < 1.0f))
    throw Error(errc::bad_spec, "dropout.rate must be in [0, 1), got " + std::to_string(rate));
}

void Dropout::init(Rng& rng) { rng_.reseed(rng.next_u32(), rng.next_u32()); }

void Dropout::forward(const Tensor& in, Tensor& out, bool training) {
  if (!training || rate_ == 0.0f) {
    std::copy(in.data(), in.data() + in.size(), out.data());
    return;
  }
  mask_.resize(in.shape());
  const float keep_scale = 1.0f / (1.0f - rate_);
  for (std::size_t i = 0; i < in.size(); ++i) mask_[i] = rng_.uniform() < rate_ ? 0.0f : keep_scale;
  kernels::mul(in.data(), mask_.data(), out.data(), in.size());
}

void Dropout::backward(const Tensor&, const Tensor&, Tensor& dout, Tensor* din) {
  if (!din) return;
  if (rate_ == 0.0f)
    std::copy(dout.data(), dout.data() + dout.size(), din->data());
  else
    kernels::mul(dout.data(), mask_.data(), din->data(), dout.size());
}

}  // namespace convaula
