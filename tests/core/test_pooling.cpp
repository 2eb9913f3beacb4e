// Tests for MaxPool2D: hand values, Keras's 'valid' output sizes, gradient routing and a gradient check.
#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "convaula/error.h"
#include "convaula/layers/pooling.h"
#include "grad_check.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using namespace convaula;
using namespace convaula::test;

namespace {

// One 4x4 plane:      windows of 2x2, stride 2:
//   1 5 | 2 0           max{1, 5, 3, 4} = 5   max{2, 0, 8, 1} = 8
//   3 4 | 8 1
//   ----+----
//   0 2 | 7 6           max{0, 2, 9, 1} = 9   max{7, 6, 3, 5} = 7
//   9 1 | 3 5
Tensor example_plane() {
  const float v[16] = {1, 5, 2, 0, 3, 4, 8, 1, 0, 2, 7, 6, 9, 1, 3, 5};
  Tensor t({1, 1, 4, 4});
  std::copy(v, v + 16, t.data());
  return t;
}

}  // namespace

TEST_CASE("MaxPool2D 2x2 keeps each window's maximum", "[pooling]") {
  MaxPool2D pool(2, 2);
  const Tensor x = example_plane();
  Tensor out(pool.output_shape(x.shape()));
  REQUIRE(out.shape() == Shape{1, 1, 2, 2});
  pool.forward(x, out, false);
  CHECK_THAT(out[0], WithinAbs(5.0, 0));
  CHECK_THAT(out[1], WithinAbs(8.0, 0));
  CHECK_THAT(out[2], WithinAbs(9.0, 0));
  CHECK_THAT(out[3], WithinAbs(7.0, 0));
}

TEST_CASE("MaxPool2D backward sends each gradient only to its window's maximum", "[pooling]") {
  // dout = [1, 2; 3, 4] lands on the positions of 5 (0,1), 8 (1,2), 9 (3,0), 7 (2,2);
  // the other 12 inputs did not affect the output and get 0.
  MaxPool2D pool(2, 2);
  const Tensor x = example_plane();
  Tensor out(pool.output_shape(x.shape())), dout(out.shape()), din(x.shape());
  pool.forward(x, out, true);
  for (int i = 0; i < 4; ++i) dout[i] = static_cast<float>(i + 1);
  din.fill(123.0f);  // backward must overwrite, not add to, stale values
  pool.backward(x, out, dout, &din);
  std::vector<float> expected(16, 0.0f);
  expected[0 * 4 + 1] = 1;
  expected[1 * 4 + 2] = 2;
  expected[3 * 4 + 0] = 3;
  expected[2 * 4 + 2] = 4;
  for (int i = 0; i < 16; ++i) CHECK_THAT(din[i], WithinAbs(expected[i], 0));
}

TEST_CASE("MaxPool2D output sizes drop windows that do not fit (Keras 'valid')", "[pooling]") {
  MaxPool2D pool(2, 2);
  CHECK(pool.output_shape({8, 32, 26, 26}) == Shape{8, 32, 13, 13});  // 26 / 2 = 13
  CHECK(pool.output_shape({8, 64, 24, 24}) == Shape{8, 64, 12, 12});  // the lesson's 24 -> 12
  CHECK(pool.output_shape({1, 3, 25, 25}) == Shape{1, 3, 12, 12});    // floor((25 - 2) / 2) + 1
  CHECK(pool.output_shape({1, 1, 25, 26}) == Shape{1, 1, 12, 13});
  // 3x3 windows with stride 2 overlap: floor((7 - 3) / 2) + 1 = 3.
  CHECK(MaxPool2D(3, 2).output_shape({1, 1, 7, 7}) == Shape{1, 1, 3, 3});
}

TEST_CASE("MaxPool2D gradients match central differences", "[pooling][grad]") {
  // Distinct values 0.05 apart: a step of h = 0.01 never changes which input wins a
  // window, so central differences are exact away from max-pooling's kinks.
  const GradCheckOptions opt;
  struct Geometry {
    int pool, stride;
  };
  for (Geometry g : {Geometry{2, 2}, Geometry{3, 2}, Geometry{2, 1}}) {
    INFO("pool " << g.pool << " stride " << g.stride);
    const Shape in{2, 2, 7, 6};
    std::vector<int> order(in.size());
    std::iota(order.begin(), order.end(), 0);
    Rng rng(static_cast<uint64_t>(g.pool * 10 + g.stride));
    for (std::size_t i = order.size() - 1; i > 0; --i)
      std::swap(order[i], order[rng.below(static_cast<uint32_t>(i + 1))]);
    Tensor x(in);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.05f * static_cast<float>(order[i]) - 4.0f;
    REQUIRE(0.05f > 2 * opt.h);
    MaxPool2D pool(g.pool, g.stride);
    require_gradients_match(check_layer_gradients(pool, x, opt));
  }
}

TEST_CASE("MaxPool2D rejects a pool larger than its input", "[pooling][errors]") {
  try {
    MaxPool2D(3, 3).output_shape({1, 4, 2, 5});
    FAIL("expected Error(bad_shape)");
  } catch (const Error& e) {
    CHECK(e.code() == "bad_shape");
    CHECK_THAT(e.what(), Contains("2x5"));
  }
  try {
    MaxPool2D(0, 1);
    FAIL("expected Error(bad_spec)");
  } catch (const Error& e) {
    CHECK(e.code() == "bad_spec");
  }
}

// The same 4x4 plane, averaged:  (1+5+3+4)/4 = 3.25   (2+0+8+1)/4 = 2.75
//                                (0+2+9+1)/4 = 3      (7+6+3+5)/4 = 5.25
TEST_CASE("AveragePool2D 2x2 keeps each window's mean", "[pooling]") {
  AveragePool2D pool(2, 2);
  const Tensor x = example_plane();
  Tensor out(pool.output_shape(x.shape()));
  REQUIRE(out.shape() == Shape{1, 1, 2, 2});
  pool.forward(x, out, false);
  CHECK_THAT(out[0], WithinAbs(3.25, 0));
  CHECK_THAT(out[1], WithinAbs(2.75, 0));
  CHECK_THAT(out[2], WithinAbs(3.0, 0));
  CHECK_THAT(out[3], WithinAbs(5.25, 0));
  // Keras 'valid' sizes, as max pooling's: 25 -> 12, windows that do not fit are dropped.
  CHECK(pool.output_shape({1, 3, 25, 26}) == Shape{1, 3, 12, 13});
}

TEST_CASE("AveragePool2D backward gives every input of a window a quarter of its gradient", "[pooling]") {
  AveragePool2D pool(2, 2);
  const Tensor x = example_plane();
  Tensor out(pool.output_shape(x.shape())), dout(out.shape()), din(x.shape());
  pool.forward(x, out, true);
  for (int i = 0; i < 4; ++i) dout[i] = static_cast<float>(i + 1);
  din.fill(123.0f);  // backward must overwrite, not add to, stale values
  pool.backward(x, out, dout, &din);
  // dout [1 2; 3 4] spread over the four 2x2 quadrants.
  const float expected[16] = {0.25f, 0.25f, 0.5f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f,
                              0.75f, 0.75f, 1.0f, 1.0f, 0.75f, 0.75f, 1.0f, 1.0f};
  for (int i = 0; i < 16; ++i) CHECK_THAT(din[i], WithinAbs(expected[i], 0));
}

TEST_CASE("AveragePool2D gradients match central differences", "[pooling][grad]") {
  // Averaging has no kinks: any input will do, overlapping windows (pool 3, stride 2) included.
  struct Geometry {
    int pool, stride;
  };
  for (Geometry g : {Geometry{2, 2}, Geometry{3, 2}, Geometry{2, 1}}) {
    INFO("pool " << g.pool << " stride " << g.stride);
    Rng rng(static_cast<uint64_t>(g.pool * 10 + g.stride));
    AveragePool2D pool(g.pool, g.stride);
    require_gradients_match(check_layer_gradients(pool, random_tensor({2, 2, 7, 6}, rng), GradCheckOptions{}));
  }
}
