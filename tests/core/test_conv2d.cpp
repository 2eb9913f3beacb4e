// Tests for Conv2D: the lesson's hand-computed edge detector, shapes and parameter counts,
// TensorFlow's 'same' padding, gradient checks and bad shapes.
#include <catch2/catch.hpp>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "convaula/error.h"
#include "convaula/layers/conv2d.h"
#include "convaula/parallel.h"
#include "grad_check.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;
using namespace convaula::test;

namespace {

// Sets the single filter's 3x3 kernel (C = 1) and its bias.
void set_kernel3(ParamBuffers& b, const float (&k)[9], float bias = 0.0f) {
  std::copy(k, k + 9, b.w.begin());
  b.w[9] = bias;
}

Tensor filled(Shape s, float v) {
  Tensor t(s);
  t.fill(v);
  return t;
}

}  // namespace

TEST_CASE("Conv2D detects the lesson's vertical edge", "[conv2d]") {
  // 6x6 image: columns 0-2 are 255 (bright), columns 3-5 are 0 (dark).
  // Kernel [[1,0,-1],[1,0,-1],[1,0,-1]] (cross-correlation, as Keras: not flipped).
  // Output is 4x4; at (i, j) the window spans columns j..j+2 and every row adds
  //   1*x[j] + 0*x[j+1] - 1*x[j+2]:
  //   j = 0: 255 - 255 = 0 per row          -> 0   (homogeneous bright patch)
  //   j = 1: 255 - 0   = 255 per row, x3    -> 765 (window straddles the edge)
  //   j = 2: 255 - 0   = 255 per row, x3    -> 765
  //   j = 3: 0 - 0                          -> 0   (homogeneous dark patch)
  Conv2D conv(1, 3, 1, Padding::valid, Activation::linear);
  const Shape in{1, 1, 6, 6};
  ParamBuffers b = bind_params(conv, in);
  set_kernel3(b, {1, 0, -1, 1, 0, -1, 1, 0, -1});
  Tensor x(in);
  for (int y = 0; y < 6; ++y)
    for (int c = 0; c < 3; ++c) x.at(0, 0, y, c) = 255.0f;
  Tensor out(conv.output_shape(in));
  REQUIRE(out.shape() == Shape{1, 1, 4, 4});
  conv.forward(x, out, false);
  CHECK_THAT(out.at(0, 0, 2, 1), WithinAbs(765.0, 0));  // the lesson's (i, j) = (2, 1)
  for (int i = 0; i < 4; ++i) {
    CHECK_THAT(out.at(0, 0, i, 0), WithinAbs(0.0, 0));
    CHECK_THAT(out.at(0, 0, i, 1), WithinAbs(765.0, 0));
    CHECK_THAT(out.at(0, 0, i, 2), WithinAbs(765.0, 0));
    CHECK_THAT(out.at(0, 0, i, 3), WithinAbs(0.0, 0));
  }
}

TEST_CASE("Conv2D adds its bias and applies its activation", "[conv2d]") {
  // Same edge image; the kernel keeps only its centre column, bias -100, ReLU.
  // Output (i, j) = relu(3 * x[j+1] - 100):
  //   j = 0, 1: columns 1, 2 are bright -> relu(3*255 - 100) = relu(665) = 665
  //   j = 2, 3: columns 3, 4 are dark   -> relu(0 - 100) = 0
  Conv2D conv(1, 3, 1, Padding::valid, Activation::relu);
  const Shape in{1, 1, 6, 6};
  ParamBuffers b = bind_params(conv, in);
  set_kernel3(b, {0, 1, 0, 0, 1, 0, 0, 1, 0}, -100.0f);
  Tensor x(in);
  for (int y = 0; y < 6; ++y)
    for (int c = 0; c < 3; ++c) x.at(0, 0, y, c) = 255.0f;
  Tensor out(conv.output_shape(in));
  conv.forward(x, out, false);
  CHECK_THAT(out.at(0, 0, 0, 0), WithinAbs(665.0, 0));
  CHECK_THAT(out.at(0, 0, 0, 1), WithinAbs(665.0, 0));
  CHECK_THAT(out.at(0, 0, 0, 2), WithinAbs(0.0, 0));
  CHECK_THAT(out.at(0, 0, 3, 3), WithinAbs(0.0, 0));
}

TEST_CASE("Conv2D output sizes and parameter counts of the lesson", "[conv2d]") {
  // A 10x15 image and one 3x3 kernel: (10-3+1) x (15-3+1) = 8 x 13 = 104 outputs,
  // all computed by the same 9 weights + 1 bias.
  const Shape in{1, 1, 10, 15};
  Conv2D one(1, 3, 1, Padding::valid, Activation::relu);
  const Shape o1 = one.output_shape(in);
  CHECK(o1 == Shape{1, 1, 8, 13});
  CHECK(o1.size() == 104);
  CHECK(one.param_count(in) == 10);

  // Four filters: four feature maps, (4, 8, 13); 4 * (9 + 1) = 40 parameters.
  Conv2D four(4, 3, 1, Padding::valid, Activation::relu);
  const Shape o4 = four.output_shape(in);
  CHECK(o4 == Shape{1, 4, 8, 13});
  CHECK(four.param_count(in) == 40);

  // A second 3x3 conv on those 4 maps sees 3*3*4 = 36 inputs per filter:
  // 8 filters hold 8*36 weights + 8 biases = 296.
  Conv2D second(8, 3, 1, Padding::valid, Activation::relu);
  CHECK(second.output_shape(o4) == Shape{1, 8, 6, 11});
  CHECK(second.param_count(o4) == 8 * 36 + 8);
}

TEST_CASE("Conv2D shapes with stride and TensorFlow 'same' padding", "[conv2d]") {
  struct Case {
    int size, kernel, stride;
    Padding padding;
    int expected;
  };
  // 'same': ceil(n / s); 'valid': floor((n - k) / s) + 1.
  const Case cases[] = {
      {28, 3, 1, Padding::same, 28},  {28, 3, 2, Padding::same, 14},
      {5, 3, 2, Padding::same, 3},    {7, 5, 3, Padding::same, 3},
      {1, 3, 1, Padding::same, 1},    {28, 3, 1, Padding::valid, 26},
      {28, 3, 2, Padding::valid, 13}, {5, 3, 2, Padding::valid, 2},
      {7, 1, 2, Padding::valid, 4},   {5, 5, 1, Padding::valid, 1},
  };
  for (const Case& c : cases) {
    INFO("n " << c.size << " k " << c.kernel << " s " << c.stride << " same "
              << (c.padding == Padding::same));
    Conv2D conv(2, c.kernel, c.stride, c.padding, Activation::linear);
    CHECK(conv.output_shape({3, 1, c.size, c.size}) == Shape{3, 2, c.expected, c.expected});
  }
}

TEST_CASE("Conv2D 'same' padding values", "[conv2d]") {
  // All-ones 5x5 image, all-ones 3x3 kernel, stride 2, 'same': output ceil(5/2) = 3,
  // total padding (3-1)*2 + 3 - 5 = 2, one row/column on each side. Each output counts
  // the image pixels under its window: corners 2*2 = 4, edges 2*3 = 6, centre 3*3 = 9.
  Conv2D conv(1, 3, 2, Padding::same, Activation::linear);
  const Shape in{1, 1, 5, 5};
  ParamBuffers b = bind_params(conv, in);
  set_kernel3(b, {1, 1, 1, 1, 1, 1, 1, 1, 1});
  Tensor out(conv.output_shape(in));
  conv.forward(filled(in, 1.0f), out, false);
  const float expected[3][3] = {{4, 6, 4}, {6, 9, 6}, {4, 6, 4}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) CHECK_THAT(out.at(0, 0, i, j), WithinAbs(expected[i][j], 0));
}

TEST_CASE("Conv2D 'same' puts the odd padding pixel bottom/right, as TensorFlow", "[conv2d]") {
  // 4x4 ones, 2x2 ones kernel, stride 1: total padding 1, top/left 0, bottom/right 1.
  // Output (0, 0) sees 4 pixels; output (3, 3) sees only the corner pixel: 1.
  Conv2D conv(1, 2, 1, Padding::same, Activation::linear);
  const Shape in{1, 1, 4, 4};
  ParamBuffers b = bind_params(conv, in);
  std::fill(b.w.begin(), b.w.begin() + 4, 1.0f);
  b.w[4] = 0.0f;
  Tensor out(conv.output_shape(in));
  REQUIRE(out.shape() == Shape{1, 1, 4, 4});
  conv.forward(filled(in, 1.0f), out, false);
  CHECK_THAT(out.at(0, 0, 0, 0), WithinAbs(4.0, 0));
  CHECK_THAT(out.at(0, 0, 0, 3), WithinAbs(2.0, 0));
  CHECK_THAT(out.at(0, 0, 3, 0), WithinAbs(2.0, 0));
  CHECK_THAT(out.at(0, 0, 3, 3), WithinAbs(1.0, 0));
}

TEST_CASE("Conv2D gradients match central differences", "[conv2d][grad]") {
  // Non-square input (6x7) so a swapped height/width shows; two images so the
  // batch accumulation of dweight is checked; two channels, three filters.
  const Shape in{2, 2, 6, 7};
  const GradCheckOptions opt;
  for (Padding padding : {Padding::valid, Padding::same})
    for (int stride : {1, 2})
      for (int kernel : {1, 3, 5})
        for (Activation act : {Activation::linear, Activation::relu, Activation::sigmoid,
                               Activation::tanh}) {
          INFO("same " << (padding == Padding::same) << " stride " << stride << " kernel "
                       << kernel << " " << activation_name(act));
          Conv2D conv(3, kernel, stride, padding, act);
          Conv2D linear(3, kernel, stride, padding, Activation::linear);  // sees the pre-activation
          const BoundInput b = bind_away_from_relu_kink(conv, linear, act == Activation::relu, in, opt.h);
          require_gradients_match(check_layer_gradients(conv, b.x, opt));
        }
}

TEST_CASE("Conv2D gives the same results on several threads", "[conv2d][threads]") {
  // Backward splits the batch across threads and sums their partial dweight in slot order.
  // The single-threaded wasm test build cannot start threads.
  if (ThreadPool::global().set_threads(3) < 3) {
    WARN("this build has no threads: skipped");
    return;
  }
  ThreadPool::global().set_threads(1);
  const Shape in{5, 2, 9, 8};
  Conv2D conv(4, 3, 1, Padding::same, Activation::tanh);
  ParamBuffers b = bind_params(conv, in);
  Rng rng(3);
  const Tensor x = random_tensor(in, rng);
  const Tensor r = random_tensor(conv.output_shape(in), rng);
  const auto run = [&](int threads, std::vector<float>& dw, Tensor& out, Tensor& din) {
    ThreadPool::global().set_threads(threads);
    std::fill(b.dw.begin(), b.dw.end(), std::numeric_limits<float>::quiet_NaN());  // overwritten
    out.resize(conv.output_shape(in));
    din.resize(in);
    conv.forward(x, out, true);
    Tensor dout = r;
    conv.backward(x, out, dout, &din);
    dw = b.dw;
  };
  std::vector<float> dw1, dw3;
  Tensor out1, out3, din1, din3;
  run(1, dw1, out1, din1);
  run(3, dw3, out3, din3);
  ThreadPool::global().set_threads(1);
  for (std::size_t i = 0; i < out1.size(); ++i) CHECK_THAT(out3[i], WithinAbs(out1[i], 0));
  for (std::size_t i = 0; i < din1.size(); ++i) CHECK_THAT(din3[i], WithinAbs(din1[i], 0));
  // Only the order of the per-image additions changes.
  for (std::size_t i = 0; i < dw1.size(); ++i) CHECK_THAT(dw3[i], WithinAbs(dw1[i], 1e-5));
}

TEST_CASE("Conv2D rejects a kernel larger than its input, naming the sizes", "[conv2d][errors]") {
  Conv2D conv(2, 5, 1, Padding::valid, Activation::relu);
  try {
    conv.output_shape({1, 1, 3, 4});
    FAIL("expected Error(bad_shape)");
  } catch (const Error& e) {
    CHECK(e.code() == "bad_shape");
    CHECK_THAT(e.what(), Contains("5x5") && Contains("3x4"));
  }
  // With 'same' padding the window may overhang: TensorFlow accepts it.
  Conv2D same(2, 5, 1, Padding::same, Activation::relu);
  CHECK(same.output_shape({1, 1, 3, 4}) == Shape{1, 2, 3, 4});
}

TEST_CASE("Conv2D rejects bad hyperparameters", "[conv2d][errors]") {
  const auto code_of = [](auto make) {
    try {
      make();
    } catch (const Error& e) {
      return e.code();
    }
    return std::string("no error");
  };
  CHECK(code_of([] { Conv2D(0, 3, 1, Padding::valid, Activation::relu); }) == "bad_spec");
  CHECK(code_of([] { Conv2D(2, 0, 1, Padding::valid, Activation::relu); }) == "bad_spec");
  CHECK(code_of([] { Conv2D(2, 3, 0, Padding::valid, Activation::relu); }) == "bad_spec");
  CHECK(code_of([] { Conv2D(2, 3, 1, Padding::valid, Activation::softmax); }) == "bad_spec");
}
