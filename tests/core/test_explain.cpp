// explain.h: the lesson's numbers, computed by the engine's own layers.
#include <catch2/catch.hpp>

#include "convaula/error.h"
#include "convaula/explain.h"
#include "convaula/flops.h"

using namespace convaula;
using Catch::Matchers::WithinAbs;

namespace {

// The lesson's 6x6 image: a vertical edge, bright (255) on the left three
// columns and dark (0) on the right three.
std::vector<float> edge_image() {
  std::vector<float> img(36);
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 6; ++x) img[y * 6 + x] = x < 3 ? 255.0f : 0.0f;
  return img;
}

// [[1, 0, -1], [1, 0, -1], [1, 0, -1]]: a vertical-edge detector.
const std::vector<float> kVertical = {1, 0, -1, 1, 0, -1, 1, 0, -1};

ModelSpec spec_of(const std::string& layers, const std::string& input = "[10, 15, 1]") {
  return ModelSpec::from_json(R"({"input": )" + input + R"(, "layers": [)" + layers +
                              R"(, {"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}]})");
}

}  // namespace

TEST_CASE("conv_trace reproduces the lesson's 765 at (2, 1) and 0 on a flat patch", "[explain]") {
  const auto img = edge_image();
  // Window rows 2..4, columns 1..3: each row is 255*1 + 255*0 + 0*(-1) = 255; 3 rows -> 765.
  const ConvTrace t = conv_trace(img, 1, 6, 6, kVertical, 3, 0.0f, 1, false, 2, 1);
  CHECK(t.top == 2);
  CHECK(t.left == 1);
  REQUIRE(t.products.size() == 9);
  CHECK(t.products[0] == 255.0f);
  CHECK(t.products[1] == 0.0f);
  CHECK(t.products[2] == 0.0f);  // 0 * -1
  CHECK(t.sum == 765.0f);
  // Columns 0..2 are all 255: 255 - 255 per row -> 0. Columns 3..5 all 0 -> 0.
  CHECK(conv_trace(img, 1, 6, 6, kVertical, 3, 0.0f, 1, false, 0, 0).sum == 0.0f);
  CHECK(conv_trace(img, 1, 6, 6, kVertical, 3, 0.0f, 1, false, 3, 3).sum == 0.0f);
}

TEST_CASE("conv_trace agrees with the Conv2D feature map at every position", "[explain]") {
  std::vector<float> img(2 * 7 * 9), w(2 * 9);
  Rng rng(3);
  for (auto& v : img) v = rng.uniform(-1, 1);
  for (auto& v : w) v = rng.uniform(-1, 1);
  for (bool same : {false, true})
    for (int stride : {1, 2}) {
      int oh = 0, ow = 0;
      const auto map = conv_feature_map(img, 2, 7, 9, w, 3, 0.25f, stride, same, &oh, &ow);
      REQUIRE(map.size() == static_cast<std::size_t>(oh * ow));
      for (int r = 0; r < oh; ++r)
        for (int c = 0; c < ow; ++c)
          CHECK_THAT(conv_trace(img, 2, 7, 9, w, 3, 0.25f, stride, same, r, c).sum,
                     WithinAbs(map[r * ow + c], 1e-5));
    }
}

TEST_CASE("conv_trace refuses positions outside the output", "[explain]") {
  const auto img = edge_image();
  CHECK_THROWS_WITH(conv_trace(img, 1, 6, 6, kVertical, 3, 0, 1, false, 4, 0),
                    Catch::Matchers::Contains("outside the 4x4 output"));
}

TEST_CASE("pool_trace keeps the maximum and discards 75% of a 2x2 window", "[explain]") {
  // plane (4, 4); window (1, 0) covers rows 2..3, columns 0..1: {5, 1, 2, 9} -> 9.
  const std::vector<float> plane = {0, 1, 2, 3, 4, 5, 6, 7, 5, 1, 0, 0, 2, 9, 0, 0};
  const PoolTrace t = pool_trace(plane, 4, 4, 2, 2, 1, 0);
  CHECK(t.window == std::vector<float>{5, 1, 2, 9});
  CHECK(t.winner == 3);
  CHECK(t.max == 9.0f);
  CHECK(t.discarded_fraction == 0.75f);
}

TEST_CASE("10x15 input, 3x3 kernel: 8x13 = 104 neurons sharing 9 weights", "[explain][lesson]") {
  const auto counts = param_counts(spec_of(R"({"type": "conv2d", "filters": 1, "kernel": 3})"));
  CHECK(counts[0].output.h == 8);
  CHECK(counts[0].output.w == 13);
  CHECK(counts[0].neurons == 104);
  CHECK(counts[0].weights == 9);
  CHECK(counts[0].inputs_per_neuron == 9);
}

TEST_CASE("four kernels give a 4x8x13 tensor, and a second 3x3 layer has 36 inputs and a 5x5 field",
          "[explain][lesson]") {
  const ModelSpec spec = spec_of(R"({"type": "conv2d", "filters": 4, "kernel": 3},
                                    {"type": "conv2d", "filters": 8, "kernel": 3})");
  const auto counts = param_counts(spec);
  CHECK(counts[0].output.c == 4);
  CHECK(counts[0].output.h == 8);
  CHECK(counts[0].output.w == 13);
  CHECK(counts[1].inputs_per_neuron == 36);  // 4 channels * 3 * 3
  CHECK(counts[1].total == (36 + 1) * 8);
  CHECK(counts[1].output.h == 6);  // the lesson's 8x6x11 tensor
  CHECK(counts[1].output.w == 11);
  const auto fields = receptive_fields(spec);
  CHECK(fields[0].size == 3);
  CHECK(fields[1].size == 5);
  const Window win = receptive_window(spec, 1, 2, 3);  // output (2, 3) sees rows 2..6, columns 3..7
  CHECK(win.y0 == 2);
  CHECK(win.x0 == 3);
  CHECK(win.y1 == 6);
  CHECK(win.x1 == 7);
}

TEST_CASE("the Keras model's parameter counts, and 4,718,720 weights without pooling",
          "[explain][lesson]") {
  const auto counts = param_counts(preset_spec("keras-mnist"));
  CHECK(counts[0].formula == "(3*3*1 + 1) * 32 = 320");
  CHECK(counts[1].formula == "(3*3*32 + 1) * 64 = 18496");
  CHECK(counts[5].formula == "(9216 + 1) * 128 = 1179776");
  const auto no_pool = param_counts(ModelSpec::from_json(R"({"input": [28, 28, 1], "layers": [
      {"type": "conv2d", "filters": 32, "kernel": 3, "activation": "relu"},
      {"type": "conv2d", "filters": 64, "kernel": 3, "activation": "relu"},
      {"type": "flatten"}, {"type": "dense", "units": 128, "activation": "relu"},
      {"type": "dense", "units": 10, "activation": "softmax"}]})"));
  CHECK(no_pool[2].output.c == 36864);  // 64 * 24 * 24
  CHECK(no_pool[3].total == 4718720);   // (36864 + 1) * 128
}

TEST_CASE("flop counts of the lesson's network", "[explain]") {
  // conv2d: 2 * 26*26*32 * 9 = 389,376; conv2d_1: 2 * 24*24*64 * 288 = 21,233,664;
  // dense: 2 * 128 * 9216 = 2,359,296; dense_1: 2 * 10 * 128 = 2,560.
  const FlopCount f = count_flops(preset_spec("keras-mnist"));
  CHECK(f.forward == 389376.0 + 21233664.0 + 2359296.0 + 2560.0);
  // Training: 2x the first layer (no input gradient), 3x the others.
  CHECK(f.train == 2 * 389376.0 + 3 * (21233664.0 + 2359296.0 + 2560.0));
}
