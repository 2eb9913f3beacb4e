// Conv2D forward/backward as im2col + GEMM, one image at a time.
#include "convaula/layers/conv2d.h"

#include <algorithm>

#include "convaula/error.h"
#include "convaula/parallel.h"
#include "layer_util.h"

namespace convaula {

Conv2D::Conv2D(int filters, int kernel, int stride, Padding padding, Activation act)
    : filters_(filters), kernel_(kernel), stride_(stride), padding_(padding), act_(act) {
  if (filters < 1) throw Error(errc::bad_spec, "conv2d.filters must be >= 1, got " + std::to_string(filters));
  if (kernel < 1) throw Error(errc::bad_spec, "conv2d.kernel must be >= 1, got " + std::to_string(kernel));
  if (stride < 1) throw Error(errc::bad_spec, "conv2d.stride must be >= 1, got " + std::to_string(stride));
  if (act == Activation::softmax)
    throw Error(errc::bad_spec, "conv2d.activation 'softmax' is not supported; use it on a Dense layer");
}

kernels::ConvGeom Conv2D::make_geom(const Shape& in) const {
  kernels::ConvGeom g{in.c, in.h, in.w, kernel_, kernel_, stride_, 0, 0, 0, 0};
  if (padding_ == Padding::valid) {
    if (in.h < kernel_ || in.w < kernel_)
      throw Error(errc::bad_shape, "Conv2D kernel " + std::to_string(kernel_) + "x" +
                                       std::to_string(kernel_) + " is larger than its input " +
                                       std::to_string(in.h) + "x" + std::to_string(in.w) +
                                       " (padding 'valid')");
    g.oh = (in.h - kernel_) / stride_ + 1;
    g.ow = (in.w - kernel_) / stride_ + 1;
  } else {
    // TensorFlow's 'same': output ceil(size/stride); the odd padding pixel goes bottom/right.
    g.oh = (in.h + stride_ - 1) / stride_;
    g.ow = (in.w + stride_ - 1) / stride_;
    g.pad_top = std::max((g.oh - 1) * stride_ + kernel_ - in.h, 0) / 2;
    g.pad_left = std::max((g.ow - 1) * stride_ + kernel_ - in.w, 0) / 2;
  }
  return g;
}

Shape Conv2D::output_shape(const Shape& in) const {
  auto g = make_geom(in);
  return {in.n, filters_, g.oh, g.ow};
}

std::size_t Conv2D::param_count(const Shape& in) const {
  return saturated_count(uint64_t(filters_) * in.c * kernel_ * kernel_ + filters_);
}

void Conv2D::bind(const Shape& in, float* w, float* dw) {
  geom_ = make_geom(in);
  const std::size_t nw = static_cast<std::size_t>(filters_) * in.c * kernel_ * kernel_;
  w_ = w;
  b_ = w + nw;
  dw_ = dw;
  db_ = dw + nw;
  scratch_.clear();
  winograd_ = winograd_pays(in, filters_, kernel_, stride_, geom_);
  wino_scratch_.clear();
}

void Conv2D::plan_scratch(int slots) {
  if (static_cast<int>(scratch_.size()) == slots) return;
  const Shape col{1, 1, geom_.c * kernel_ * kernel_, geom_.oh * geom_.ow};
  // Built aside and swapped in: after a bad_alloc scratch_ is as before, so the next call
  // plans again instead of finding `slots` entries with no buffers behind them.
  std::vector<Scratch> planned(slots);
  for (int s = 0; s < slots; ++s) {
    if (!winograd_) {  // the Winograd path has its own scratch (plan_winograd)
      planned[s].col.resize(col);
      planned[s].dcol.resize(col);
    }
    planned[s].dw.assign(s == 0 ? 0 : param_count({1, geom_.c, geom_.h, geom_.w}), 0.0f);
  }
  scratch_.swap(planned);
}

void Conv2D::init(Rng& rng) {
  const std::size_t kk = static_cast<std::size_t>(kernel_) * kernel_;
  const float limit = glorot_limit(geom_.c * kk, filters_ * kk);
  const std::size_t nw = filters_ * geom_.c * kk;
  for (std::size_t i = 0; i < nw; ++i) w_[i] = rng.uniform(-limit, limit);
  std::fill(b_, b_ + filters_, 0.0f);
}

// One draw per weight in init().
void Conv2D::init_streams(Rng& rng) {
  rng.advance(static_cast<uint64_t>(filters_) * geom_.c * kernel_ * kernel_);
}

void Conv2D::forward(const Tensor& in, Tensor& out, bool) {
  if (winograd_) return forward_winograd(in, out);
  const int ckk = geom_.c * kernel_ * kernel_, plane = geom_.oh * geom_.ow;
  ThreadPool& pool = ThreadPool::global();
  plan_scratch(pool.threads());
  pool.parallel_for(in.shape().n, [&](int begin, int end, int slot) {
    float* col = scratch_[slot].col.data();
    for (int n = begin; n < end; ++n) {
      // col is (C*K*K, OH*OW); weight (F, C*K*K); out_n (F, OH*OW)
      kernels::im2col(geom_, in.image(n), col);
      kernels::gemm(false, false, filters_, plane, ckk, w_, ckk, col, plane, 0.0f, out.image(n), plane);
      kernels::bias_act_rows(act_, out.image(n), b_, filters_, plane);
    }
  });
}

void Conv2D::backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) {
  const int ckk = geom_.c * kernel_ * kernel_, plane = geom_.oh * geom_.ow;
  ThreadPool& pool = ThreadPool::global();
  plan_scratch(pool.threads());
  const std::size_t nw = static_cast<std::size_t>(filters_) * ckk;
  if (winograd_) prepare_input_grad_winograd();
  pool.parallel_for(in.shape().n, [&](int begin, int end, int slot) {
    Scratch& s = scratch_[slot];
    float* dw = slot == 0 ? dw_ : s.dw.data();
    float* db = slot == 0 ? db_ : s.dw.data() + nw;
    // Gradients are written, not added to (Layer::backward): the first image's weight
    // product overwrites dw, the bias sums start from zero.
    std::fill(db, db + filters_, 0.0f);
    kernels::act_backward(act_, out.image(begin), dout.image(begin), end - begin,
                          static_cast<int>(out.shape().per_image()));
    for (int n = begin; n < end; ++n) {
      const float* d = dout.image(n);  // (F, OH*OW), now w.r.t. the pre-activation
      if (winograd_) {
        kernels::bias_grad_rows(d, filters_, plane, db);
        weight_grad_winograd(in.image(n), d, slot);
        if (din) input_grad_winograd(d, din->image(n), slot);
        continue;
      }
      kernels::im2col(geom_, in.image(n), s.col.data());
      // dweight (F, CKK) += d (F, P) * col^T (P, CKK)
      kernels::gemm(false, true, filters_, ckk, plane, d, plane, s.col.data(), plane,
                    n == begin ? 0.0f : 1.0f, dw, ckk);
      kernels::bias_grad_rows(d, filters_, plane, db);
      if (!din) continue;
      // dcol (CKK, P) = weight^T (CKK, F) * d (F, P), then scattered back onto the image
      kernels::gemm(true, false, ckk, plane, filters_, w_, ckk, d, plane, 0.0f, s.dcol.data(), plane);
      float* di = din->image(n);
      std::fill(di, di + in.shape().per_image(), 0.0f);
      kernels::col2im(geom_, s.dcol.data(), di);
    }
  });
  const int used = std::min(pool.threads(), in.shape().n);
  if (winograd_) finish_weight_grad_winograd(used);
  // Winograd's slots hold only their bias sums here (their weight shares are in wino_du_).
  for (int slot = 1; slot < used; ++slot)
    for (std::size_t i = winograd_ ? nw : 0; i < nw + filters_; ++i) dw_[i] += scratch_[slot].dw[i];
}

std::vector<ParamView> Conv2D::params() {
  const std::size_t nw = static_cast<std::size_t>(filters_) * geom_.c * kernel_ * kernel_;
  return {{w_, dw_, nw}, {b_, db_, static_cast<std::size_t>(filters_)}};
}

}  // namespace convaula
