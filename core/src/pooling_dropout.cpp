// MaxPool2D, AveragePool2D and Dropout: the parameter-free layers that change values.
#include <algorithm>

#include "convaula/error.h"
#include "convaula/layers/dropout.h"
#include "convaula/layers/pooling.h"
#include "convaula/parallel.h"
#include "kernels.h"

namespace convaula {

namespace {

// Below this many values a layer runs on the calling thread: waking the others would cost
// more than the work (one image's pooling is 37k values; the lesson's first Dropout over a
// batch, 1.2 MB, is split).
constexpr std::size_t kMinSplit = 1 << 16;

// fn(begin, end) over [0, parts): split across the pool when `values` are worth it.
template <class Fn>
void split(std::size_t values, int parts, Fn&& fn) {
  if (values < kMinSplit) return fn(0, parts);
  ThreadPool::global().parallel_for(parts, [&](int b, int e, int) { fn(b, e); });
}

}  // namespace

Pool2D::Pool2D(int pool, int stride) : pool_(pool), stride_(stride) {
  if (pool < 1) throw Error(errc::bad_spec, "pooling's pool must be >= 1, got " + std::to_string(pool));
  if (stride < 1) throw Error(errc::bad_spec, "pooling's stride must be >= 1, got " + std::to_string(stride));
}

Shape Pool2D::output_shape(const Shape& in) const {
  if (in.h < pool_ || in.w < pool_)
    throw Error(errc::bad_shape, std::string(keras_class()) + " pool " + std::to_string(pool_) +
                                     " is larger than its input " + std::to_string(in.h) + "x" +
                                     std::to_string(in.w));
  // Keras 'valid': windows that do not fit are dropped (26 -> 13, 25 -> 12 with pool 2).
  return {in.n, in.c, (in.h - pool_) / stride_ + 1, (in.w - pool_) / stride_ + 1};
}

void MaxPool2D::forward(const Tensor& in, Tensor& out, bool) {
  const Shape& s = in.shape();
  const Shape& o = out.shape();
  argmax_.resize(o.size());
  const std::size_t in_plane = static_cast<std::size_t>(s.h) * s.w, out_plane = static_cast<std::size_t>(o.h) * o.w;
  split(s.size(), s.n * s.c, [&](int b, int e) {
    kernels::maxpool_forward(in.data() + b * in_plane, e - b, s.h, s.w, pool_, stride_, o.h, o.w,
                             out.data() + b * out_plane, argmax_.data() + b * out_plane);
  });
}

void MaxPool2D::backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) {
  if (!din) return;
  const Shape& s = in.shape();
  const Shape& o = out.shape();
  const std::size_t in_plane = static_cast<std::size_t>(s.h) * s.w, out_plane = static_cast<std::size_t>(o.h) * o.w;
  split(s.size(), s.n * s.c, [&](int b, int e) {
    // Plane by plane, so each is still in L1 when the gradient is routed into it
    // (clearing the whole range first sent 4.7 MB per batch out to memory and back).
    for (int p = b; p < e; ++p) {
      float* d = din->data() + p * in_plane;
      std::fill(d, d + in_plane, 0.0f);
      kernels::maxpool_backward(dout.data() + p * out_plane, argmax_.data() + p * out_plane, 1,
                                s.h, s.w, o.h, o.w, d);
    }
  });
}

void AveragePool2D::forward(const Tensor& in, Tensor& out, bool) {
  const Shape& s = in.shape();
  const Shape& o = out.shape();
  const std::size_t in_plane = static_cast<std::size_t>(s.h) * s.w, out_plane = static_cast<std::size_t>(o.h) * o.w;
  split(s.size(), s.n * s.c, [&](int b, int e) {
    kernels::avgpool_forward(in.data() + b * in_plane, e - b, s.h, s.w, pool_, stride_, o.h, o.w,
                             out.data() + b * out_plane);
  });
}

void AveragePool2D::backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) {
  if (!din) return;
  const Shape& s = in.shape();
  const Shape& o = out.shape();
  const std::size_t in_plane = static_cast<std::size_t>(s.h) * s.w, out_plane = static_cast<std::size_t>(o.h) * o.w;
  split(s.size(), s.n * s.c, [&](int b, int e) {
    float* d = din->data() + b * in_plane;
    std::fill(d, d + (e - b) * in_plane, 0.0f);
    kernels::avgpool_backward(dout.data() + b * out_plane, e - b, s.h, s.w, pool_, stride_, o.h, o.w, d);
  });
}

Dropout::Dropout(float rate) : rate_(rate) {
  if (!(rate >= 0.0f && rate < 1.0f))
    throw Error(errc::bad_spec, "dropout.rate must be in [0, 1), got " + std::to_string(rate));
}

void Dropout::init(Rng& rng) { rng_.reseed(rng.next_u32(), rng.next_u32()); }

// Each image of the batch draws its mask from its own stream, seeded from one
// draw of the layer's generator per batch: masks are reproducible and do not
// depend on how the batch is split across threads.

void Dropout::forward(const Tensor& in, Tensor& out, bool training) {
  if (!training || rate_ == 0.0f) {
    std::copy(in.data(), in.data() + in.size(), out.data());
    return;
  }
  mask_.resize(in.shape());
  const float keep_scale = 1.0f / (1.0f - rate_);
  // P(u32 < rate * 2^32) = rate, without a float conversion per value.
  const auto drop_below = static_cast<uint32_t>(std::min(4294967295.0, rate_ * 4294967296.0));
  const uint64_t batch_seed = (static_cast<uint64_t>(rng_.next_u32()) << 32) | rng_.next_u32();
  const std::size_t per = in.shape().per_image();
  ThreadPool::global().parallel_for(in.shape().n, [&](int b, int e, int) {
    for (int n = b; n < e; ++n) {
      Rng rng(batch_seed, static_cast<uint64_t>(n));
      float* m = mask_.image(n);
      for (std::size_t i = 0; i < per; ++i) m[i] = rng.next_u32() < drop_below ? 0.0f : keep_scale;
    }
    kernels::mul(in.image(b), mask_.image(b), out.image(b), (e - b) * per);
  });
}

void Dropout::backward(const Tensor&, const Tensor&, Tensor& dout, Tensor* din) {
  if (!din) return;
  if (rate_ == 0.0f) {
    std::copy(dout.data(), dout.data() + dout.size(), din->data());
    return;
  }
  const std::size_t per = dout.shape().per_image();
  split(dout.size(), dout.shape().n, [&](int b, int e) {
    kernels::mul(dout.image(b), mask_.image(b), din->image(b), (e - b) * per);
  });
}

}  // namespace convaula
