// Dense forward/backward on the engine's GEMM.
#include "convaula/layers/dense.h"

#include <algorithm>

#include "convaula/error.h"
#include "layer_util.h"

namespace convaula {

Dense::Dense(int units, Activation act) : units_(units), act_(act) {
  if (units < 1) throw Error(errc::bad_spec, "dense.units must be >= 1, got " + std::to_string(units));
}

Shape Dense::output_shape(const Shape& in) const {
  if (in.h != 1 || in.w != 1)
    throw Error(errc::bad_shape, "Dense needs a flat input (N, F), got " + in.str() +
                                     "; add a Flatten layer before it");
  return {in.n, units_, 1, 1};
}

std::size_t Dense::param_count(const Shape& in) const {
  return saturated_count(uint64_t(in.c) * units_ + units_);
}

void Dense::bind(const Shape& in, float* w, float* dw) {
  inputs_ = in.c;
  const std::size_t nw = static_cast<std::size_t>(inputs_) * units_;
  w_ = w;
  b_ = w + nw;
  dw_ = dw;
  db_ = dw + nw;
}

void Dense::init(Rng& rng) {
  const float limit = glorot_limit(inputs_, units_);
  const std::size_t nw = static_cast<std::size_t>(inputs_) * units_;
  for (std::size_t i = 0; i < nw; ++i) w_[i] = rng.uniform(-limit, limit);
  std::fill(b_, b_ + units_, 0.0f);
}

// One draw per weight in init().
void Dense::init_streams(Rng& rng) { rng.advance(static_cast<uint64_t>(inputs_) * units_); }

void Dense::forward(const Tensor& in, Tensor& out, bool) {
  const int n = in.shape().n;
  // out (N, U) = in (N, I) * weight (I, U), then + bias and the activation
  parallel_gemm(false, false, n, units_, inputs_, in.data(), inputs_, w_, units_, 0.0f,
                out.data(), units_);
  kernels::bias_act_cols(act_, out.data(), b_, n, units_);
}

void Dense::backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) {
  const int n = in.shape().n;
  if (!fused_softmax_) kernels::act_backward(act_, out.data(), dout.data(), n, units_);
  // dweight (I, U) = in^T (I, N) * dout (N, U): written over the old gradient, never read
  // (4.7 MB for the lesson's first dense layer).
  const GemmArgs dweight{true, false, inputs_, units_, n, in.data(), inputs_, dout.data(), units_,
                         0.0f, dw_, units_};
  std::fill(db_, db_ + units_, 0.0f);
  kernels::bias_grad_cols(dout.data(), n, units_, db_);
  if (!din) return parallel_gemm(dweight);
  // din (N, I) = dout (N, U) * weight^T (U, I), in the same parallel region
  parallel_gemm2(dweight, {false, true, n, inputs_, units_, dout.data(), units_, w_, units_, 0.0f,
                           din->data(), inputs_});
}

std::vector<ParamView> Dense::params() {
  const std::size_t nw = static_cast<std::size_t>(inputs_) * units_;
  return {{w_, dw_, nw}, {b_, db_, static_cast<std::size_t>(units_)}};
}

}  // namespace convaula
