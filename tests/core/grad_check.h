// grad_check.h: the central-difference gradient checker shared by the layer, loss and model tests.
//
// For a layer bound to parameter buffers and an input x, the scalar
//
//   loss = sum(out * R)        R: a fixed random tensor shaped like out
//
// has d loss / d out = R, so backward(dout = copy of R) must give d loss / d x and
// d loss / d w. Each element is compared with the central difference
//
//   numeric = (loss(v + h) - loss(v - h)) / ((v + h) - (v - h))
//
// (the denominator is the step float32 actually took). Losses are summed in double;
// the layer itself runs in float32, so h is large (1e-2 by default) to keep the
// rounding noise of the outputs, about 1e-7 * |out| / h, well below the tolerance.
//
// Error of one gradient tensor: max_i |a_i - n_i| / max(|a_i|, |n_i|, floor * scale)
// with scale = max_i |n_i|. The floor (5% of the largest gradient) stops rounding
// noise in near-zero elements from reading as a huge relative error; any element as
// large as 5% of the biggest one is judged by its own relative error. A 5% error in
// a gradient gives 0.048 (see "the checker catches a wrong gradient" in
// test_activation.cpp), so the 1e-2 tolerance the tests use is meaningful.
//
// Kinks (ReLU at 0, ties in max-pooling) make central differences meaningless where a
// perturbation of size h crosses them: tests choose inputs farther than h from every
// kink (as ggml's test-backend-ops does), they never loosen the tolerance instead.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "convaula/layer.h"
#include "convaula/rng.h"
#include "convaula/tensor.h"

namespace convaula::test {

inline constexpr double kGradTolerance = 1e-2;

struct GradError {
  std::string name;         // "input", "param 0" (kernel), "param 1" (bias), ...
  double error = 0;         // relative error, as defined above
  double max_abs_diff = 0;  // max |analytic - numeric|
  double scale = 0;         // max |numeric|; 0 would mean the check saw no gradient at all
};

struct GradCheckOptions {
  float h = 1e-2f;
  double floor = 0.05;     // fraction of the largest gradient below which errors are absolute
  bool training = true;
  uint64_t seed = 7;       // for R
};

// Values uniform in [lo, hi).
inline Tensor random_tensor(Shape s, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
  Tensor t(s);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(lo, hi);
  return t;
}

inline float min_abs(const Tensor& t) {
  float m = INFINITY;
  for (std::size_t i = 0; i < t.size(); ++i) m = std::min(m, std::fabs(t[i]));
  return m;
}

// The flat value and gradient buffers a layer is bound to (a Sequential owns these
// for its layers; tests of a single layer own them here).
struct ParamBuffers {
  std::vector<float> w, dw;
};

// Binds `layer` for input shape `in`, runs its Keras init, then gives every bias
// a random value too (zero biases would leave bias-indexing bugs invisible in forward).
inline ParamBuffers bind_params(Layer& layer, const Shape& in, uint64_t seed = 1) {
  ParamBuffers b;
  const std::size_t n = layer.param_count(in);
  b.w.assign(n, 0.0f);
  b.dw.assign(n, 0.0f);
  layer.bind(in, b.w.data(), b.dw.data());
  Rng rng(seed);
  layer.init(rng);
  auto views = layer.params();
  if (views.size() > 1)
    for (std::size_t i = 0; i < views[1].size; ++i) views[1].value[i] = rng.uniform(-0.5f, 0.5f);
  return b;
}

// A layer bound to parameters, and an input, for a gradient check. For ReLU the seed
// (1, 2, ...) is the first whose pre-activations, seen through `linear` (the same layer
// with a linear activation), all lie farther from 0 than 1.5 steps of h can move them:
// finite differences across ReLU's kink are meaningless (|w|, |x| <= 1).
struct BoundInput {
  ParamBuffers params;  // `layer` stays bound to these buffers (moving keeps them in place)
  Tensor x;
};
inline BoundInput bind_away_from_relu_kink(Layer& layer, Layer& linear, bool relu, const Shape& in,
                                           float h) {
  for (uint64_t seed = 1;; ++seed) {
    REQUIRE(seed < 5000);
    BoundInput b{bind_params(layer, in, seed), Tensor{}};
    Rng rng(seed);
    b.x = random_tensor(in, rng);
    if (!relu) return b;
    linear.bind(in, b.params.w.data(), b.params.dw.data());
    Tensor z(linear.output_shape(in));
    linear.forward(b.x, z, false);
    if (min_abs(z) > 1.5f * h) return b;
  }
}

// d f / d v[i] for every i by central differences; f reads v. v is restored.
inline std::vector<double> numeric_gradient(float* v, std::size_t n, float h,
                                            const std::function<double()>& f) {
  std::vector<double> g(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float orig = v[i];
    const float up = orig + h, down = orig - h;
    v[i] = up;
    const double f_up = f();
    v[i] = down;
    const double f_down = f();
    v[i] = orig;
    g[i] = (f_up - f_down) / (static_cast<double>(up) - static_cast<double>(down));
  }
  return g;
}

inline GradError compare_gradients(std::string name, const float* analytic,
                                   const std::vector<double>& numeric, double floor = 0.05) {
  GradError e;
  e.name = std::move(name);
  for (double v : numeric) e.scale = std::max(e.scale, std::fabs(v));
  const double tiny = floor * e.scale;
  for (std::size_t i = 0; i < numeric.size(); ++i) {
    const double a = analytic[i], n = numeric[i];
    const double diff = std::fabs(a - n);
    e.max_abs_diff = std::max(e.max_abs_diff, diff);
    const double denom = std::max({std::fabs(a), std::fabs(n), tiny});
    if (denom > 0) e.error = std::max(e.error, diff / denom);
    if (std::isnan(a)) e.error = INFINITY;
  }
  return e;
}

// loss = sum(out * r), accumulated in double.
inline double weighted_sum(const Tensor& out, const Tensor& r) {
  double s = 0;
  for (std::size_t i = 0; i < out.size(); ++i) s += static_cast<double>(out[i]) * r[i];
  return s;
}

// Checks d loss / d input and d loss / d every ParamView of `layer` (already bound).
// Returns one GradError per tensor: the input first, then the parameters in order.
inline std::vector<GradError> check_layer_gradients(Layer& layer, const Tensor& x,
                                                    const GradCheckOptions& opt = {}) {
  Tensor out(layer.output_shape(x.shape()));
  Rng rng(opt.seed);
  const Tensor r = random_tensor(out.shape(), rng);

  // Analytic: backward writes the grads without reading them, so they start as NaN (a
  // gradient left unwritten fails the comparison); it may overwrite dout.
  auto views = layer.params();
  for (auto& v : views) std::fill(v.grad, v.grad + v.size, std::numeric_limits<float>::quiet_NaN());
  layer.forward(x, out, opt.training);
  Tensor dout = r, din(x.shape());
  layer.backward(x, out, dout, &din);
  std::vector<std::vector<float>> dparams;
  for (auto& v : views) dparams.emplace_back(v.grad, v.grad + v.size);

  Tensor xp = x;
  Tensor scratch(out.shape());
  const auto loss = [&] {
    layer.forward(xp, scratch, opt.training);
    return weighted_sum(scratch, r);
  };
  std::vector<GradError> errors;
  errors.push_back(compare_gradients("input", din.data(),
                                     numeric_gradient(xp.data(), xp.size(), opt.h, loss), opt.floor));
  for (std::size_t k = 0; k < views.size(); ++k)
    errors.push_back(compare_gradients("param " + std::to_string(k), dparams[k].data(),
                                       numeric_gradient(views[k].value, views[k].size, opt.h, loss),
                                       opt.floor));
  return errors;
}

// Every tensor had a non-zero gradient somewhere and matched within `tol`.
inline void require_gradients_match(const std::vector<GradError>& errors,
                                    double tol = kGradTolerance) {
  for (const auto& e : errors) {
    INFO(e.name << ": relative error " << e.error << ", max |analytic - numeric| "
                << e.max_abs_diff << ", max |gradient| " << e.scale);
    CHECK(e.scale > 0.0);
    CHECK(e.error < tol);
  }
}

}  // namespace convaula::test
