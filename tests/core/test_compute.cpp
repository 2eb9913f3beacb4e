// The compute budget: every model's forward flops per image are counted from its spec before
// anything is allocated and refused (too_slow) over the budget; the lesson's presets and every
// Práctica variant fit; scoring steps take about the same work whatever the model.
#include <catch2/catch.hpp>
#include <algorithm>
#include <numeric>
#include <string>

#include "convaula/error.h"
#include "convaula/flops.h"
#include "convaula/model.h"
#include "budget_guard.h"

using Catch::Matchers::Contains;
using namespace convaula;
using convaula::test::BudgetGuard;
using convaula::test::ComputeBudgetGuard;

namespace {

// web/js/leccion/variantes.js's variante(), as far as flops go: `extra` 32-filter 'same'
// convolutions after the preset's last one, every kernel 3 x 3 or 5 x 5.
ModelSpec variant(const std::string& preset, int extra, bool kernel5) {
  ModelSpec s = preset_spec(preset);
  std::size_t last = 0;
  for (std::size_t i = 0; i < s.layers.size(); ++i)
    if (s.layers[i].type == "conv2d") last = i;
  LayerSpec conv;
  conv.type = "conv2d", conv.filters = 32, conv.padding = "same", conv.activation = "relu";
  s.layers.insert(s.layers.begin() + long(last) + 1, extra, conv);
  for (LayerSpec& l : s.layers)
    if (l.type == "conv2d") l.kernel = kernel5 ? 5 : 3;
  return s;
}

double forward_flops(const ModelSpec& spec) {
  const auto layers = layer_flops(spec);
  return std::accumulate(layers.begin(), layers.end(), 0.0);
}

// 10.9 M parameters and 2.9 GFLOP an image in a file of 21.8 MB (float16), as a weights file
// from outside the class could be: wide 5 x 5 convolutions on a small image.
const char* kHeavySpec = R"({"input": [28, 28, 1], "layers": [
  {"type": "conv2d", "filters": 128, "kernel": 3, "activation": "relu"},
  {"type": "conv2d", "filters": 256, "kernel": 5, "activation": "relu"},
  {"type": "conv2d", "filters": 512, "kernel": 5, "activation": "relu"},
  {"type": "max_pooling2d", "pool": 2},
  {"type": "flatten"},
  {"type": "dense", "units": 164, "activation": "relu"},
  {"type": "dense", "units": 10, "activation": "softmax"}]})";

}  // namespace

TEST_CASE("a layer's flops are 2 per multiply-add, counted by hand", "[compute]") {
  // keras-mnist: conv 3x3x1 -> 32 on 26x26, conv 3x3x32 -> 64 on 24x24, dense 9216 -> 128 -> 10.
  const auto f = layer_flops(preset_spec("keras-mnist"));
  REQUIRE(f.size() == 8);
  CHECK(f[0] == 2.0 * 26 * 26 * 32 * 9);         //    389,376
  CHECK(f[1] == 2.0 * 24 * 24 * 64 * 9 * 32);    // 21,233,664
  CHECK(f[2] == 0);                              // max pooling: not counted
  CHECK(f[5] == 2.0 * 9216 * 128);               //  2,359,296
  CHECK(f[7] == 2.0 * 128 * 10);                 //      2,560
  CHECK(count_flops(preset_spec("keras-mnist")).forward == forward_flops(preset_spec("keras-mnist")));
}

TEST_CASE("the presets and every Práctica variant fit the default compute budget with room", "[compute]") {
  double largest = 0;
  for (const char* preset : {"keras-mnist", "classroom"})
    for (int extra = 0; extra <= 3; ++extra)
      for (bool kernel5 : {false, true}) {
        const ModelSpec s = variant(preset, extra, kernel5);
        INFO(preset << " +" << extra << " conv, kernel " << (kernel5 ? 5 : 3) << ": " << forward_flops(s));
        CHECK(forward_flops(s) < kDefaultComputeBudget / 2);
        CHECK_NOTHROW(Sequential(s));
        largest = std::max(largest, forward_flops(s));
      }
  CHECK(largest > kDefaultComputeBudget / 5);  // 0.125 GFLOP: the budget is not loose by orders of magnitude
}

TEST_CASE("a 10.9 M-parameter weights file is refused with too_slow before its model is built", "[compute]") {
  const ModelSpec heavy = ModelSpec::from_json(kHeavySpec);
  std::vector<uint8_t> file;
  {
    // Both budgets raised (the CLI's options) to make the file here: its memory estimate
    // (787 MiB on 2 threads) grows with the machine's threads.
    ComputeBudgetGuard raised(1e11);
    BudgetGuard memory(uint64_t(16) << 30);
    const Sequential model(heavy);
    CHECK(model.param_count() > 10'800'000u);
    CHECK(model.param_count() < 11'000'000u);
    file = model.save_weights(WeightsDtype::f16);
  }
  CHECK(forward_flops(heavy) > 5 * kDefaultComputeBudget);
  try {
    load_model(file.data(), file.size());
    FAIL("loaded a model over the compute budget");
  } catch (const Error& e) {
    CHECK(e.code() == errc::too_slow);
    CHECK_THAT(e.what(), Contains("GFLOP per image") && Contains("compute budget of 0.500 GFLOP"));
  }
  CHECK_THROWS_MATCHES(Sequential(heavy), Error, Catch::Matchers::Predicate<Error>(
      [](const Error& e) { return e.code() == errc::too_slow; }, "too_slow"));
}

TEST_CASE("a scoring step takes about the same work whatever the model", "[compute]") {
  const Sequential keras(preset_spec("keras-mnist")), classroom(preset_spec("classroom"));
  // 4e9 / 23,987,456 flops = 166.7: 166 images of keras-mnist; classroom's are capped at 256.
  CHECK(keras.scoring_batch() == 166);
  CHECK(classroom.scoring_batch() == kScoringBatch);
  ComputeBudgetGuard raised(1e11);
  BudgetGuard memory(uint64_t(16) << 30);
  CHECK(Sequential(ModelSpec::from_json(kHeavySpec)).scoring_batch() == 1);
}
