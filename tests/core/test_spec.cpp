// Tests for ModelSpec JSON: a valid spec parses, each bad input is rejected naming its field,
// and to_json / from_json round-trip the architecture.
#include <catch2/catch.hpp>
#include <string>

#include "convaula/error.h"
#include "convaula/model.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
using namespace convaula;

namespace {

const char* kValid = R"({
  "name": "tiny", "input": [8, 10, 2],
  "layers": [
    {"type": "conv2d", "filters": 4, "kernel": 3, "stride": 1, "padding": "same", "activation": "relu"},
    {"type": "max_pooling2d", "pool": 2},
    {"type": "dropout", "rate": 0.25},
    {"type": "flatten"},
    {"type": "dense", "units": 3, "activation": "softmax"}],
  "loss": "categorical_crossentropy",
  "optimizer": {"type": "SGD", "lr": 0.05, "momentum": 0.9, "nesterov": true},
  "batch_size": 16, "epochs": 2, "seed": 7})";

// A spec with one layer list, as text; `layers` is the JSON array's content.
std::string with_layers(const std::string& layers, const std::string& input = "[8, 8, 1]") {
  return R"({"input": )" + input + R"(, "layers": [)" + layers + "]}";
}

const std::string kHead = R"({"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"})";

// The message of the Error(bad_spec) that parsing (and building) `json` throws.
std::string spec_error(const std::string& json) {
  try {
    Sequential model(ModelSpec::from_json(json));
  } catch (const Error& e) {
    CHECK(e.code() == "bad_spec");
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("ModelSpec parses a valid spec", "[spec]") {
  const ModelSpec s = ModelSpec::from_json(kValid);
  CHECK(s.name == "tiny");
  // "input" is Keras's [height, width, channels].
  CHECK(s.input_h == 8);
  CHECK(s.input_w == 10);
  CHECK(s.input_c == 2);
  REQUIRE(s.layers.size() == 5);
  CHECK(s.layers[0].type == "conv2d");
  CHECK(s.layers[0].filters == 4);
  CHECK(s.layers[0].kernel == 3);
  CHECK(s.layers[0].padding == "same");
  CHECK(s.layers[0].activation == "relu");
  CHECK(s.layers[1].pool == 2);
  CHECK_THAT(s.layers[2].rate, WithinRel(0.25f, 1e-7f));
  CHECK(s.layers[4].units == 3);
  CHECK(s.optimizer.type == "sgd");  // names are case-insensitive, as Keras's strings
  CHECK_THAT(s.optimizer.lr, WithinRel(0.05f, 1e-7f));
  CHECK_THAT(s.optimizer.momentum, WithinRel(0.9f, 1e-7f));
  CHECK(s.optimizer.nesterov);
  CHECK(s.batch_size == 16);
  CHECK(s.epochs == 2);
  CHECK(s.seed == 7);
  Sequential model(s);
  CHECK(model.summary().back().output.keras_str() == "(None, 3)");
}

TEST_CASE("ModelSpec accepts Keras's spellings and defaults", "[spec]") {
  const ModelSpec s = ModelSpec::from_json(
      R"({"layers": [{"type": "flatten"}, {"type": "dense", "units": 10, "activation": "softmax"}],
          "optimizer": {"type": "adam", "learning_rate": 0.002}})");
  CHECK(s.input_h == 28);  // MNIST's default input
  CHECK_THAT(s.optimizer.lr, WithinRel(0.002f, 1e-7f));
  CHECK(ModelSpec::from_json(with_layers(kHead)).optimizer.type == "adadelta");  // the lesson's
  CHECK(ModelSpec::from_json(
            R"({"layers": [{"type": "flatten"}, {"type": "dense", "units": 10, "activation": "softmax"}],
                "optimizer": "RMSprop"})")
            .optimizer.type == "rmsprop");
}

TEST_CASE("ModelSpec rejects bad inputs, naming the field", "[spec][errors]") {
  struct Case {
    const char* what;
    std::string json;
    const char* field;
  };
  const std::string conv = R"({"type": "conv2d", "filters": 4, "kernel": 3, "activation": "relu"}, )";
  const Case cases[] = {
      {"invalid JSON", R"({"layers": [)", "JSON"},
      {"not an object", "[1, 2]", "spec"},
      {"unknown layer type", with_layers(R"({"type": "flatten"}, {"type": "conv3d"}, )" + kHead),
       "layers[1].type"},
      {"filters 0", with_layers(R"({"type": "conv2d", "filters": 0, "kernel": 3}, )" + kHead),
       "layers[0].filters"},
      {"filters 10000", with_layers(R"({"type": "conv2d", "filters": 10000, "kernel": 3}, )" + kHead),
       "layers[0].filters"},
      {"filters not an integer",
       with_layers(R"({"type": "conv2d", "filters": 2.5, "kernel": 3}, )" + kHead), "layers[0].filters"},
      {"kernel larger than input", with_layers(conv + R"({"type": "conv2d", "filters": 2, "kernel": 7}, )" + kHead),
       "layers[1]"},
      {"pool larger than its input",
       with_layers(R"({"type": "max_pooling2d", "pool": 5}, )" + kHead, "[4, 4, 1]"), "layers[0]"},
      {"padding", with_layers(R"({"type": "conv2d", "filters": 2, "kernel": 3, "padding": "full"}, )" + kHead),
       "layers[0].padding"},
      {"dropout rate 1", with_layers(R"({"type": "dropout", "rate": 1.0}, )" + kHead), "layers[0].rate"},
      {"unknown field", with_layers(R"({"type": "conv2d", "filter": 4, "kernel": 3}, )" + kHead),
       "layers[0].filter"},
      {"unknown top-level field", R"({"layer": [], "layers": [)" + kHead + "]}", "spec.layer"},
      {"last layer not softmax",
       with_layers(R"({"type": "flatten"}, {"type": "dense", "units": 2, "activation": "relu"})"),
       "layers[1]"},
      {"missing layers", R"({"input": [8, 8, 1]})", "layers"},
      {"empty layers", R"({"input": [8, 8, 1], "layers": []})", "layers"},
      {"input with two numbers", with_layers(kHead, "[28, 28]"), "input"},
      {"input height 0", with_layers(kHead, "[0, 28, 1]"), "input.h"},
      {"batch_size 0", R"({"batch_size": 0, "layers": [)" + kHead + "]}", "batch_size"},
      {"epochs 0", R"({"epochs": 0, "layers": [)" + kHead + "]}", "epochs"},
      {"negative seed", R"({"seed": -1, "layers": [)" + kHead + "]}", "seed"},
      {"negative lr", R"({"optimizer": {"type": "sgd", "lr": -0.1}, "layers": [)" + kHead + "]}",
       "optimizer.lr"},
      // NaN is not JSON: a page could still send the string "NaN".
      {"lr NaN", R"({"optimizer": {"type": "sgd", "lr": "NaN"}, "layers": [)" + kHead + "]}",
       "optimizer.lr"},
      {"lr too large", R"({"optimizer": {"type": "sgd", "lr": 5000}, "layers": [)" + kHead + "]}",
       "optimizer.lr"},
      {"unknown optimizer", R"({"optimizer": "adagrad", "layers": [)" + kHead + "]}",
       "optimizer.type"},
      {"loss", R"({"loss": "mse", "layers": [)" + kHead + "]}", "loss"},
  };
  for (const Case& c : cases) {
    INFO(c.what << ": " << c.json);
    CHECK_THAT(spec_error(c.json), Contains(c.field));
  }
}

TEST_CASE("ModelSpec names the layer of an unknown activation", "[spec][errors]") {
  const std::string json =
      with_layers(R"({"type": "conv2d", "filters": 2, "kernel": 3, "activation": "swish"}, )" + kHead);
  const std::string message = spec_error(json);
  CHECK_THAT(message, Contains("swish"));
  CHECK_THAT(message, Contains("layers[0].activation"));
}

TEST_CASE("ModelSpec to_json / from_json round-trips the architecture", "[spec]") {
  for (const std::string& name : preset_names()) {
    INFO(name);
    const ModelSpec s = preset_spec(name);
    const ModelSpec back = ModelSpec::from_json(s.to_json());
    CHECK(back.architecture_json() == s.architecture_json());
    CHECK(back.to_json() == s.to_json());
    CHECK(back.name == s.name);
    CHECK(back.optimizer.type == s.optimizer.type);
    CHECK(back.batch_size == s.batch_size);
    CHECK(back.seed == s.seed);
  }
  // Defaults left out of the JSON (pool size, stride, padding) must survive the trip,
  // since a weights file stores to_json() and is checked against architecture_json().
  const ModelSpec s = ModelSpec::from_json(with_layers(
      R"({"type": "conv2d", "filters": 2, "kernel": 3, "stride": 2, "padding": "same"},
         {"type": "max_pooling2d"}, {"type": "activation", "activation": "tanh"}, )" + kHead,
      "[12, 12, 1]"));
  const ModelSpec back = ModelSpec::from_json(s.to_json());
  CHECK(back.architecture_json() == s.architecture_json());
  CHECK(Sequential(back).param_count() == Sequential(s).param_count());
  const ModelSpec v = ModelSpec::from_json(kValid);
  CHECK(ModelSpec::from_json(v.to_json()).architecture_json() == v.architecture_json());
}

TEST_CASE("Presets are known and an unknown preset is an argument error", "[spec]") {
  CHECK(preset_names().size() == 2);
  try {
    preset_spec("lenet");
    FAIL("expected Error(bad_argument)");
  } catch (const Error& e) {
    CHECK(e.code() == "bad_argument");
    CHECK_THAT(e.what(), Contains("lenet"));
  }
}
