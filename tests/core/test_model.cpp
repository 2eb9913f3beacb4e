// Tests for Sequential: the lesson's Keras summary, parameter counts, a whole-model gradient
// check, determinism from the seed, and weights save/load (round trips and rejected files).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "convaula/error.h"
#include "convaula/explain.h"
#include "convaula/loss.h"
#include "convaula/model.h"
#include "convaula/train.h"
#include "grad_check.h"
#include "synthetic_data.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;
using namespace convaula::test;

namespace {

// 6x6 -> conv 3x3 (2 maps, 4x4) -> pool (2x2) -> flatten (8) -> dense 3 softmax.
// Dropout with rate 0 sits inside so the check covers its pass-through too.
const char* kTinySpec = R"({
  "name": "tiny", "input": [6, 6, 1],
  "layers": [
    {"type": "conv2d", "filters": 2, "kernel": 3, "activation": "tanh"},
    {"type": "max_pooling2d", "pool": 2},
    {"type": "dropout", "rate": 0.0},
    {"type": "flatten"},
    {"type": "dense", "units": 3, "activation": "softmax"}],
  "optimizer": {"type": "adam", "lr": 0.01}, "batch_size": 8, "epochs": 1, "seed": 5})";

std::vector<float> params_of(const Sequential& m) {
  return std::vector<float>(m.params(), m.params() + m.param_count());
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// n images of the tiny spec's shape with labels 0..2: the class is where a bright bar is.
Dataset bar_images(int n, uint64_t seed) {
  return labelled_images(n, 6, 3, seed, [](int label, int, int x, Rng& rng) {
    return (x / 2 == label ? 1.0f : 0.0f) + rng.uniform(-0.2f, 0.2f);
  });
}

// The Error's code when `f` throws one, else "no error".
template <class F>
std::string error_code(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "no error";
}

}  // namespace

TEST_CASE("Conv2D, AveragePooling2D, Flatten, Dense: Keras's summary, parameters and receptive field", "[model][pooling]") {
  const ModelSpec spec = ModelSpec::from_json(R"({"input": [28, 28, 1], "layers": [
      {"type": "conv2d", "filters": 32, "kernel": 3, "activation": "relu"},
      {"type": "average_pooling2d", "pool": 2}, {"type": "flatten"},
      {"type": "dense", "units": 10, "activation": "softmax"}]})");
  const Sequential model(spec);
  // conv2d:            28 - 3 + 1 = 26;  (3*3*1 + 1) * 32 = 320
  // average_pooling2d: 26 / 2 = 13, no parameters
  // flatten:           13 * 13 * 32 = 5,408
  // dense:             (5408 + 1) * 10 = 54,090
  const char* rows[][4] = {{"conv2d", "Conv2D", "(None, 26, 26, 32)", "320"},
                           {"average_pooling2d", "AveragePooling2D", "(None, 13, 13, 32)", "0"},
                           {"flatten", "Flatten", "(None, 5408)", "0"},
                           {"dense", "Dense", "(None, 10)", "54090"}};
  REQUIRE(model.summary().size() == 4);
  for (int i = 0; i < 4; ++i) {
    const SummaryRow& row = model.summary()[i];
    INFO("layer " << i);
    CHECK(row.name == rows[i][0]);
    CHECK(row.keras_class == rows[i][1]);
    CHECK(row.output.keras_str() == rows[i][2]);
    CHECK(std::to_string(row.params) == rows[i][3]);
  }
  // 320 + 54,090 = 54,410
  CHECK(model.param_count() == 54410);
  const std::string table = model.summary_table();
  CHECK_THAT(table, Contains("Total params: 54,410"));
  // Keras 2 cuts the label at column 29 and makes its last character a space.
  CHECK_THAT(table, Contains("\naverage_pooling2d (AveragePo (None, 13, 13, 32)        0         \n"));
  CHECK_THAT(table, Contains("\nconv2d (Conv2D)              (None, 26, 26, 32)        320       \n"));
  // Receptive field: 3 after the 3x3 convolution, 3 + (2 - 1) * 1 = 4 after the pooling,
  // whose outputs step 2 input pixels apart.
  const auto fields = receptive_fields(spec);
  CHECK(fields[0].size == 3);
  CHECK(fields[1].size == 4);
  CHECK(fields[1].jump == 2);
  // The spec writes itself back as it was read.
  CHECK(ModelSpec::from_json(spec.architecture_json()).architecture_json() == spec.architecture_json());
  CHECK_THAT(spec.architecture_json(), Contains(R"({"pool":2,"type":"average_pooling2d"})"));
}

TEST_CASE("keras-mnist summary matches Keras's model.summary()", "[model]") {
  Sequential model(preset_spec("keras-mnist"));
  const char* names[] = {"conv2d",  "conv2d_1", "max_pooling2d", "dropout",
                         "flatten", "dense",    "dropout_1",     "dense_1"};
  const char* shapes[] = {"(None, 26, 26, 32)", "(None, 24, 24, 64)", "(None, 12, 12, 64)",
                          "(None, 12, 12, 64)", "(None, 9216)",       "(None, 128)",
                          "(None, 128)",        "(None, 10)"};
  // conv2d:   (3*3*1 + 1) * 32   = 320
  // conv2d_1: (3*3*32 + 1) * 64  = 18,496
  // dense:    (9216 + 1) * 128   = 1,179,776   (9216 = 12*12*64)
  // dense_1:  (128 + 1) * 10     = 1,290
  const std::size_t params[] = {320, 18496, 0, 0, 0, 1179776, 0, 1290};
  REQUIRE(model.summary().size() == 8);
  for (int i = 0; i < 8; ++i) {
    const SummaryRow& row = model.summary()[i];
    INFO("layer " << i);
    CHECK(row.name == names[i]);
    CHECK(row.output.keras_str() == shapes[i]);
    CHECK(row.params == params[i]);
  }
  // 320 + 18,496 + 1,179,776 + 1,290 = 1,199,882
  CHECK(model.param_count() == 1199882);
  const std::string table = model.summary_table();
  CHECK_THAT(table, Contains("Total params: 1,199,882"));
  CHECK_THAT(table, Contains("conv2d_1 (Conv2D)"));
  CHECK_THAT(table, Contains("(None, 24, 24, 64)"));
}

TEST_CASE("Without pooling, the dense layer would hold 4,718,720 parameters", "[model]") {
  // The lesson's point: flattening 24x24x64 = 36,864 values into Dense(128) takes
  // 36,864 * 128 + 128 = 4,718,720 parameters, four times the pooled 1,179,776.
  ModelSpec spec = preset_spec("keras-mnist");
  spec.layers.erase(spec.layers.begin() + 2);  // the max_pooling2d
  spec.optimizer.type = "sgd";                 // no optimizer state for 4.7 M weights
  Sequential model(spec);
  REQUIRE(model.summary()[3].name == "flatten");
  CHECK(model.summary()[3].output.keras_str() == "(None, 36864)");
  CHECK(model.summary()[4].name == "dense");
  CHECK(model.summary()[4].params == 4718720);
}

TEST_CASE("The classroom preset builds and ends in a softmax over 10 classes", "[model]") {
  Sequential model(preset_spec("classroom"));
  CHECK(model.classes() == 10);
  CHECK(model.summary().back().output.keras_str() == "(None, 10)");
  CHECK(model.layer(model.layer_count() - 1).activation() == Activation::softmax);
  Rng rng(1);
  const Tensor x = random_tensor({3, 1, 28, 28}, rng, 0.0f, 1.0f);
  const Tensor& p = model.forward(x, false);
  REQUIRE(p.shape() == Shape{3, 10, 1, 1});
  for (int n = 0; n < 3; ++n) {
    double sum = 0;
    for (int k = 0; k < 10; ++k) sum += p.at(n, k, 0, 0);
    CHECK_THAT(sum, WithinAbs(1.0, 1e-5));
  }
}

TEST_CASE("Whole-model gradients match central differences of the loss", "[model][grad]") {
  // backward() gives d(mean cross-entropy)/d(every parameter) through the fused softmax,
  // dense, flatten, dropout (rate 0), pooling and the tanh convolution.
  Sequential model(ModelSpec::from_json(kTinySpec));
  const uint8_t labels[] = {0, 2};
  const float h = GradCheckOptions{}.h;
  Tensor x;
  // Max-pooling's kink: a step of h on a weight moves each conv output by at most
  // |x| * h * tanh' <= h, so a window's top two must be more than 2h apart.
  for (uint64_t seed = 1;; ++seed) {
    REQUIRE(seed < 1000);
    model.reset(seed);
    Rng rng(seed);
    x = random_tensor({2, 1, 6, 6}, rng);
    model.forward(x, false);
    const Tensor& conv = model.activation(0);  // (2, 2, 4, 4)
    float min_gap = INFINITY;
    for (int p = 0; p < 4; ++p)  // 2 images x 2 maps, contiguous
      for (int oy = 0; oy < 2; ++oy)
        for (int ox = 0; ox < 2; ++ox) {
          float v[4];
          for (int k = 0; k < 4; ++k) v[k] = conv.image(0)[p * 16 + (2 * oy + k / 2) * 4 + 2 * ox + k % 2];
          std::sort(v, v + 4);
          min_gap = std::min(min_gap, v[3] - v[2]);
        }
    if (min_gap > 3 * h) break;
  }
  model.zero_grad();
  model.forward(x, true);
  model.backward(labels);
  const std::vector<float> analytic(model.grads(), model.grads() + model.param_count());
  const auto numeric = numeric_gradient(model.params(), model.param_count(), h, [&] {
    const Tensor& p = model.forward(x, false);
    return static_cast<double>(softmax_cross_entropy(p.data(), labels, 2, 3, nullptr));
  });
  // Parameter layout: conv kernel 18, conv bias 2, dense kernel 24, dense bias 3.
  REQUIRE(model.param_count() == 47);
  const std::size_t begin[] = {0, 18, 20, 44, 47};
  const char* names[] = {"conv kernel", "conv bias", "dense kernel", "dense bias"};
  std::vector<GradError> errors;
  for (int t = 0; t < 4; ++t)
    errors.push_back(compare_gradients(
        names[t], analytic.data() + begin[t],
        std::vector<double>(numeric.begin() + begin[t], numeric.begin() + begin[t + 1])));
  require_gradients_match(errors);
}

TEST_CASE("The same spec and seed give the same model, before and after training",
          "[model][determinism]") {
  const ModelSpec spec = ModelSpec::from_json(kTinySpec);
  Sequential a(spec), b(spec);
  CHECK(same_bits(params_of(a), params_of(b)));
  ModelSpec other = spec;
  other.seed = 6;
  Sequential c(other);
  CHECK_FALSE(same_bits(params_of(a), params_of(c)));

  // 160 images in batches of 8: one epoch is 20 batches.
  const Dataset data = bar_images(160, 3);
  for (Sequential* m : {&a, &b, &c}) {
    Trainer t(*m, data);
    REQUIRE(t.batches_per_epoch() == 20);
    while (!t.done()) t.step();
  }
  CHECK(same_bits(params_of(a), params_of(b)));
  CHECK_FALSE(same_bits(params_of(a), params_of(c)));
  CHECK_FALSE(same_bits(params_of(a), params_of(Sequential(spec))));  // training moved them
}

TEST_CASE("Weights save and load round trip", "[model][weights]") {
  const ModelSpec spec = ModelSpec::from_json(kTinySpec);
  Sequential model(spec);
  const std::vector<float> original = params_of(model);
  const std::vector<uint8_t> f32 = model.save_weights(WeightsDtype::f32);
  const std::vector<uint8_t> f16 = model.save_weights(WeightsDtype::f16);
  CHECK(f16.size() < f32.size());

  Sequential other(spec);
  other.reset(99);
  REQUIRE_FALSE(same_bits(params_of(other), original));
  other.load_weights(f32.data(), f32.size());
  CHECK(same_bits(params_of(other), original));

  other.reset(99);
  other.load_weights(f16.data(), f16.size());
  // float16 keeps 11 significant bits: relative error <= 2^-11 = 4.9e-4.
  for (std::size_t i = 0; i < original.size(); ++i)
    CHECK_THAT(other.params()[i], WithinAbs(original[i], 4.9e-4 * std::fabs(original[i]) + 1e-7));

  // Training settings are not architecture: a file from a differently trained run loads.
  ModelSpec retrained = spec;
  retrained.name = "renamed";
  retrained.optimizer.type = "sgd";
  retrained.epochs = 3;
  Sequential third(retrained);
  third.load_weights(f32.data(), f32.size());
  CHECK(same_bits(params_of(third), original));
}

TEST_CASE("A model loaded from its file trains exactly as the model it was saved from",
          "[model][weights][determinism]") {
  // load_model() builds the model without drawing initial weights (it overwrites them all), and
  // must still seed the dropout streams as a model that drew them: the same masks, so the same
  // training. A dropout after each layer with weights: each one's draws are skipped exactly.
  const ModelSpec spec = ModelSpec::from_json(R"({
    "name": "tiny-dropout", "input": [6, 6, 1],
    "layers": [
      {"type": "conv2d", "filters": 2, "kernel": 3, "activation": "relu"},
      {"type": "dropout", "rate": 0.5},
      {"type": "max_pooling2d", "pool": 2},
      {"type": "flatten"},
      {"type": "dense", "units": 6, "activation": "relu"},
      {"type": "dropout", "rate": 0.5},
      {"type": "dense", "units": 3, "activation": "softmax"}],
    "optimizer": {"type": "adam", "lr": 0.01}, "batch_size": 8, "epochs": 1, "seed": 5})");
  Sequential saved(spec);
  const std::vector<uint8_t> file = saved.save_weights(WeightsDtype::f32);
  const std::unique_ptr<Sequential> loaded = load_model(file.data(), file.size());
  REQUIRE(same_bits(params_of(*loaded), params_of(saved)));

  const Dataset data = bar_images(160, 3);
  for (Sequential* m : {&saved, loaded.get()}) {
    Trainer t(*m, data);
    while (!t.done()) t.step();
  }
  CHECK(same_bits(params_of(*loaded), params_of(saved)));
}

TEST_CASE("Weights for another model or corrupt files are refused, params unchanged",
          "[model][weights]") {
  const ModelSpec spec = ModelSpec::from_json(kTinySpec);
  Sequential model(spec);
  const std::vector<float> before = params_of(model);

  ModelSpec wider = spec;
  wider.layers[0].filters = 3;
  const std::vector<uint8_t> foreign = Sequential(wider).save_weights();
  try {
    model.load_weights(foreign.data(), foreign.size());
    FAIL("expected Error(bad_weights)");
  } catch (const Error& e) {
    CHECK(e.code() == "bad_weights");
  }
  CHECK(same_bits(params_of(model), before));

  // Same parameter count, different architecture (tanh -> relu): still refused.
  ModelSpec relu = spec;
  relu.layers[0].activation = "relu";
  const std::vector<uint8_t> relu_file = Sequential(relu).save_weights();
  CHECK(error_code([&] { model.load_weights(relu_file.data(), relu_file.size()); }) == "bad_weights");
  CHECK(same_bits(params_of(model), before));

  Sequential donor(spec);
  donor.reset(42);
  const std::vector<uint8_t> good = donor.save_weights();
  // One flipped byte anywhere (spec text, a parameter, the checksum) fails the CRC.
  for (std::size_t at : {std::size_t{20}, good.size() - 30, good.size() - 1}) {
    INFO("flipped byte " << at);
    std::vector<uint8_t> bad = good;
    bad[at] ^= 0x5A;
    CHECK(error_code([&] { model.load_weights(bad.data(), bad.size()); }) == "bad_weights");
    CHECK(same_bits(params_of(model), before));
  }
  std::vector<uint8_t> truncated(good.begin(), good.end() - 9);
  CHECK(error_code([&] { model.load_weights(truncated.data(), truncated.size()); }) == "bad_weights");
  CHECK(same_bits(params_of(model), before));
}

TEST_CASE("Sequential rejects an input of the wrong shape", "[model][errors]") {
  Sequential model(ModelSpec::from_json(kTinySpec));
  const Tensor x({1, 1, 7, 6});
  try {
    model.forward(x, false);
    FAIL("expected Error(bad_shape)");
  } catch (const Error& e) {
    CHECK(e.code() == "bad_shape");
    CHECK_THAT(e.what(), Contains("(1, 1, 7, 6)"));
  }
}
