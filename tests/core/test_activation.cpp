// Tests for ActivationLayer (hand values, softmax stability, gradient checks) and for the
// gradient checker itself: it must catch a wrong gradient.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>

#include "convaula/error.h"
#include "convaula/layers/activation.h"
#include "convaula/layers/dense.h"
#include "grad_check.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;
using namespace convaula::test;

namespace {

// Runs `act` on one row of values.
std::vector<float> activate(Activation act, std::vector<float> v) {
  ActivationLayer layer(act);
  const Shape s{1, static_cast<int>(v.size()), 1, 1};
  Tensor x(s), out(s);
  std::copy(v.begin(), v.end(), x.data());
  layer.forward(x, out, false);
  return std::vector<float>(out.data(), out.data() + out.size());
}

// A layer whose backward is `inner`'s scaled by `factor`: a deliberately wrong gradient.
class ScaledBackward : public Layer {
 public:
  ScaledBackward(Layer& inner, float factor) : inner_(inner), factor_(factor) {}
  LayerKind kind() const override { return inner_.kind(); }
  Shape output_shape(const Shape& in) const override { return inner_.output_shape(in); }
  void forward(const Tensor& in, Tensor& out, bool training) override {
    inner_.forward(in, out, training);
  }
  void backward(const Tensor& in, const Tensor& out, Tensor& dout, Tensor* din) override {
    inner_.backward(in, out, dout, din);
    for (std::size_t i = 0; din && i < din->size(); ++i) (*din)[i] *= factor_;
    for (auto& v : inner_.params())
      for (std::size_t i = 0; i < v.size; ++i) v.grad[i] *= factor_;
  }
  std::vector<ParamView> params() override { return inner_.params(); }

 private:
  Layer& inner_;
  float factor_;
};

}  // namespace

TEST_CASE("Activations: hand values", "[activation]") {
  // relu(x) = max(x, 0)
  const auto relu = activate(Activation::relu, {-1.0f, 0.0f, 2.5f});
  CHECK_THAT(relu[0], WithinAbs(0.0, 0));
  CHECK_THAT(relu[1], WithinAbs(0.0, 0));
  CHECK_THAT(relu[2], WithinAbs(2.5, 0));
  // sigmoid(0) = 1 / (1 + e^0) = 0.5;  sigmoid(2) = 1 / (1 + e^-2) = 1 / 1.1353353 = 0.8807971
  const auto sig = activate(Activation::sigmoid, {0.0f, 2.0f, -2.0f});
  CHECK_THAT(sig[0], WithinAbs(0.5, 1e-7));
  CHECK_THAT(sig[1], WithinRel(0.8807971, 1e-6));
  CHECK_THAT(sig[2], WithinRel(1.0 - 0.8807971, 1e-5));
  // tanh(0.5) = (e - 1) / (e + 1) with e = e^1 = 2.7182818: 1.7182818 / 3.7182818 = 0.4621172
  const auto th = activate(Activation::tanh, {0.5f, -0.5f, 0.0f});
  CHECK_THAT(th[0], WithinRel(0.4621172, 1e-6));
  CHECK_THAT(th[1], WithinRel(-0.4621172, 1e-6));
  CHECK_THAT(th[2], WithinAbs(0.0, 0));
  const auto lin = activate(Activation::linear, {-3.0f, 7.0f});
  CHECK_THAT(lin[0], WithinAbs(-3.0, 0));
  CHECK_THAT(lin[1], WithinAbs(7.0, 0));
}

TEST_CASE("Softmax: hand values, rows sum to 1, stable for huge logits", "[activation]") {
  // softmax([1, 2, 3]) = [e^1, e^2, e^3] / (e^1 + e^2 + e^3)
  //   = [2.7182818, 7.3890561, 20.0855369] / 30.1928748 = [0.0900306, 0.2447285, 0.6652410]
  const auto p = activate(Activation::softmax, {1.0f, 2.0f, 3.0f});
  CHECK_THAT(p[0], WithinRel(0.0900306, 1e-5));
  CHECK_THAT(p[1], WithinRel(0.2447285, 1e-5));
  CHECK_THAT(p[2], WithinRel(0.6652410, 1e-5));
  CHECK_THAT(p[0] + p[1] + p[2], WithinAbs(1.0, 1e-6));
  // e^1000 overflows float; subtracting the max first gives softmax([2, 1, 0]), the same
  // numbers reversed, instead of inf / inf = NaN.
  const auto big = activate(Activation::softmax, {998.0f, 999.0f, 1000.0f});
  CHECK_THAT(big[0], WithinRel(0.0900306, 1e-5));
  CHECK_THAT(big[2], WithinRel(0.6652410, 1e-5));
  const auto huge = activate(Activation::softmax, {1000.0f, 1000.0f, -1000.0f});
  CHECK_THAT(huge[0], WithinAbs(0.5, 1e-7));
  CHECK_THAT(huge[1], WithinAbs(0.5, 1e-7));
  CHECK_THAT(huge[2], WithinAbs(0.0, 1e-7));
}

TEST_CASE("Softmax normalizes each image separately", "[activation]") {
  ActivationLayer layer(Activation::softmax);
  const Shape s{3, 4, 1, 1};
  Rng rng(8);
  const Tensor x = random_tensor(s, rng, -5.0f, 5.0f);
  Tensor out(s);
  layer.forward(x, out, false);
  for (int n = 0; n < 3; ++n) {
    double sum = 0;
    for (int c = 0; c < 4; ++c) sum += out.at(n, c, 0, 0);
    CHECK_THAT(sum, WithinAbs(1.0, 1e-6));
  }
}

TEST_CASE("ActivationLayer gradients match central differences", "[activation][grad]") {
  const GradCheckOptions opt;
  for (Activation act : {Activation::linear, Activation::relu, Activation::sigmoid,
                         Activation::tanh, Activation::softmax}) {
    INFO(activation_name(act));
    // Softmax needs a flat input; the others take any shape.
    const Shape s = act == Activation::softmax ? Shape{3, 6, 1, 1} : Shape{2, 3, 4, 5};
    Rng rng(6);
    Tensor x = random_tensor(s, rng, -2.0f, 2.0f);
    // ReLU's kink at 0: push every input at least 5h away from it.
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += std::copysign(5 * opt.h, x[i]);
    ActivationLayer layer(act);
    const auto errors = check_layer_gradients(layer, x, opt);
    REQUIRE(errors.size() == 1);  // the input only: no parameters
    require_gradients_match(errors);
  }
}

TEST_CASE("Softmax on a feature map is rejected", "[activation][errors]") {
  try {
    ActivationLayer(Activation::softmax).output_shape({1, 8, 4, 4});
    FAIL("expected Error(bad_shape)");
  } catch (const Error& e) {
    CHECK(e.code() == "bad_shape");
    CHECK_THAT(e.what(), Contains("(1, 8, 4, 4)"));
  }
  CHECK_THROWS_AS(parse_activation("swish"), Error);
}

TEST_CASE("The gradient checker catches a wrong gradient", "[grad]") {
  // The same Dense layer through the checker, once with its own gradients and once with
  // every gradient 5% too large. The tolerance must accept the first and reject the
  // second: a check that cannot fail would be worthless.
  const Shape in{3, 7, 1, 1};
  Dense dense(4, Activation::tanh);
  ParamBuffers b = bind_params(dense, in);
  Rng rng(1);
  const Tensor x = random_tensor(in, rng);

  ScaledBackward honest(dense, 1.0f);
  for (const auto& e : check_layer_gradients(honest, x)) {
    INFO(e.name << " error " << e.error);
    CHECK(e.error < kGradTolerance);
  }
  ScaledBackward wrong(dense, 1.05f);
  const auto errors = check_layer_gradients(wrong, x);
  REQUIRE(errors.size() == 3);  // input, kernel, bias
  for (const auto& e : errors) {
    INFO(e.name << " error " << e.error);
    // |1.05 a - a| / (1.05 |a|) = 0.05 / 1.05 = 0.0476 on the largest elements.
    CHECK_THAT(e.error, WithinAbs(0.05 / 1.05, 2e-3));
    CHECK(e.error > kGradTolerance);
  }

  // A gradient that is right in size but sent to the wrong element (swapped) is caught too.
  const std::vector<double> numeric = {1.0, -0.5, 0.25};
  const float swapped[] = {-0.5f, 1.0f, 0.25f};
  CHECK(compare_gradients("swapped", swapped, numeric).error > 1.0);
  const float right[] = {1.0f, -0.5f, 0.25f};
  CHECK(compare_gradients("right", right, numeric).error == 0.0);
}
