// Tests for Dense: hand-computed forward, parameter counts, gradient checks, fused softmax, bad shapes.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "convaula/error.h"
#include "convaula/layers/dense.h"
#include "grad_check.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;
using namespace convaula::test;

namespace {

// 2 inputs -> 3 units. Keras layout: weight (inputs, units), then bias (units).
//   W = [[1, 2, 3],
//        [4, 5, 6]],  b = [0.5, -1, 4]
void set_example_params(ParamBuffers& b) {
  b.w = {1, 2, 3, 4, 5, 6, 0.5f, -1, 4};
}

}  // namespace

TEST_CASE("Dense hand-computed forward", "[dense]") {
  // x = [2, 1]:  x*W = [2*1 + 1*4, 2*2 + 1*5, 2*3 + 1*6] = [6, 9, 12]; + b = [6.5, 8, 16]
  // x = [1, -1]: x*W = [1 - 4, 2 - 5, 3 - 6] = [-3, -3, -3];        + b = [-2.5, -4, 1]
  for (Activation act : {Activation::linear, Activation::relu}) {
    Dense dense(3, act);
    const Shape in{2, 2, 1, 1};
    ParamBuffers b = bind_params(dense, in);
    set_example_params(b);
    dense.bind(in, b.w.data(), b.dw.data());  // set_example_params replaced the buffer
    Tensor x(in);
    x[0] = 2, x[1] = 1, x[2] = 1, x[3] = -1;
    Tensor out(dense.output_shape(in));
    REQUIRE(out.shape() == Shape{2, 3, 1, 1});
    dense.forward(x, out, false);
    const bool relu = act == Activation::relu;
    const float expected[6] = {6.5f, 8, 16, relu ? 0 : -2.5f, relu ? 0 : -4.0f, 1};
    for (int i = 0; i < 6; ++i) CHECK_THAT(out[i], WithinAbs(expected[i], 1e-6));
  }
}

TEST_CASE("Dense parameter counts", "[dense]") {
  // The lesson's dense layer: 12*12*64 = 9216 inputs, 128 units: 9216*128 + 128 = 1,179,776.
  Dense dense(128, Activation::relu);
  CHECK(dense.param_count({1, 9216, 1, 1}) == 1179776);
  CHECK(dense.output_shape({32, 9216, 1, 1}) == Shape{32, 128, 1, 1});
  // The output layer: 128*10 + 10 = 1290.
  CHECK(Dense(10, Activation::softmax).param_count({1, 128, 1, 1}) == 1290);
}

TEST_CASE("Dense gradients match central differences", "[dense][grad]") {
  const Shape in{3, 7, 1, 1};
  for (Activation act : {Activation::linear, Activation::relu, Activation::sigmoid,
                         Activation::tanh, Activation::softmax}) {
    INFO(activation_name(act));
    Dense dense(5, act);
    Dense linear(5, Activation::linear);  // sees the pre-activation
    const BoundInput b = bind_away_from_relu_kink(dense, linear, act == Activation::relu, in, GradCheckOptions{}.h);
    require_gradients_match(check_layer_gradients(dense, b.x));
  }
}

TEST_CASE("Dense backward overwrites the gradients and skips din when not asked", "[dense]") {
  const Shape in{4, 6, 1, 1};
  Dense dense(3, Activation::tanh);
  ParamBuffers b = bind_params(dense, in);
  Rng rng(2);
  const Tensor x = random_tensor(in, rng);
  const Tensor r = random_tensor(dense.output_shape(in), rng);
  Tensor out(dense.output_shape(in)), din(in);
  // Gradients are written, never read: whatever the buffer held (NaN here) is gone.
  std::fill(b.dw.begin(), b.dw.end(), std::numeric_limits<float>::quiet_NaN());
  dense.forward(x, out, true);
  Tensor dout = r;
  dense.backward(x, out, dout, &din);
  const std::vector<float> once = b.dw;
  for (float g : once) CHECK(std::isfinite(g));
  dout = r;  // backward folded tanh' into dout
  dense.backward(x, out, dout, nullptr);  // the first layer's call: no input gradient
  for (std::size_t i = 0; i < once.size(); ++i) CHECK(b.dw[i] == once[i]);  // not 2x: overwritten
}

TEST_CASE("Dense with a fused softmax takes dout w.r.t. the logits", "[dense]") {
  // The model fuses the last softmax with the cross-entropy: backward must then skip
  // the softmax derivative, so dweight = x^T * dout and dbias = column sums of dout.
  // x = [[1, 2]], dout = [[0.5, -0.5]] -> dW = [[0.5, -0.5], [1, -1]], db = [0.5, -0.5].
  Dense dense(2, Activation::softmax);
  dense.set_fused_softmax(true);
  const Shape in{1, 2, 1, 1};
  ParamBuffers b = bind_params(dense, in);
  std::fill(b.dw.begin(), b.dw.end(), 0.0f);
  Tensor x(in), out(dense.output_shape(in)), dout(dense.output_shape(in)), din(in);
  x[0] = 1, x[1] = 2;
  dense.forward(x, out, true);
  dout[0] = 0.5f, dout[1] = -0.5f;
  dense.backward(x, out, dout, &din);
  const float expected[6] = {0.5f, -0.5f, 1, -1, 0.5f, -0.5f};
  for (int i = 0; i < 6; ++i) CHECK_THAT(b.dw[i], WithinAbs(expected[i], 1e-7));
}

TEST_CASE("Dense rejects an unflattened input and zero units", "[dense][errors]") {
  Dense dense(4, Activation::relu);
  try {
    dense.output_shape({1, 64, 12, 12});
    FAIL("expected Error(bad_shape)");
  } catch (const Error& e) {
    CHECK(e.code() == "bad_shape");
    CHECK_THAT(e.what(), Contains("(1, 64, 12, 12)") && Contains("Flatten"));
  }
  try {
    Dense(0, Activation::relu);
    FAIL("expected Error(bad_spec)");
  } catch (const Error& e) {
    CHECK(e.code() == "bad_spec");
    CHECK_THAT(e.what(), Contains("units"));
  }
}
