// Sane bounds: specs and hyperparameters outside them are refused with Error(bad_spec) naming
// the field, before the model allocates anything.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "convaula/error.h"
#include "convaula/model.h"
#include "convaula/train.h"

using Catch::Matchers::Contains;
using namespace convaula;

namespace {

// A valid spec around `layers` (JSON list items); `extra` adds top-level fields.
std::string spec_json(const std::string& input, const std::string& layers,
                      const std::string& extra = "") {
  return R"({"input": )" + input + R"(, "layers": [)" + layers + "]" + extra + "}";
}

const std::string kHead = R"({"type": "flatten"}, {"type": "dense", "units": 10, "activation": "softmax"})";

// Parses and builds; returns the refusal, failing the test if the spec was accepted.
Error refusal(const std::string& json) {
  try {
    Sequential model(ModelSpec::from_json(json));
  } catch (const Error& e) {
    return e;
  }
  FAIL("accepted: " << json);
  return Error("", "");
}

void check_refused(const std::string& json, const std::string& field) {
  const Error e = refusal(json);
  INFO(e.what());
  CHECK(e.code() == errc::bad_spec);
  CHECK_THAT(e.what(), Contains(field));
}

}  // namespace

TEST_CASE("hyperparameters out of range name their field", "[limits]") {
  const std::string conv = R"({"type": "conv2d", "filters": 4, "kernel": 3}, )";
  const std::string input = "[28, 28, 1]";
  check_refused(spec_json(input, R"({"type": "conv2d", "filters": 10000, "kernel": 3}, )" + kHead),
                "layers[0].filters");
  check_refused(spec_json(input, conv + kHead, R"(, "batch_size": 0)"), "batch_size");
  check_refused(spec_json(input, conv + kHead, R"(, "epochs": 0)"), "epochs");
  check_refused(spec_json(input, conv + kHead, R"(, "optimizer": {"type": "sgd", "lr": -0.1})"),
                "optimizer.lr");
  check_refused(spec_json(input, R"({"type": "flatten"}, {"type": "dense", "units": 1000000, "activation": "softmax"})"),
                "layers[1].units");
  check_refused(spec_json("[0, 0, 1]", kHead), "input.h");
  check_refused(spec_json("[28, 0, 1]", kHead), "input.w");
}

TEST_CASE("more than 64 layers are refused", "[limits]") {
  std::string layers;
  for (int i = 0; i < 64; ++i) layers += R"({"type": "activation", "activation": "relu"}, )";
  check_refused(spec_json("[4, 4, 1]", layers + kHead), "layers");
}

TEST_CASE("a kernel larger than its input is refused with either padding", "[limits]") {
  for (const char* padding : {"valid", "same"}) {
    INFO(padding);
    check_refused(spec_json("[28, 28, 1]",
                            R"({"type": "conv2d", "filters": 2, "kernel": 3}, {"type": "max_pooling2d", "pool": 8},
                               {"type": "conv2d", "filters": 2, "kernel": 5, "padding": ")" +
                                std::string(padding) + R"("}, )" + kHead),
                  "layers[2].kernel");  // 28 -> 26 -> 3x3 after the pooling
  }
}

TEST_CASE("stride and pool out of range are refused also in specs built in code", "[limits]") {
  ModelSpec spec = preset_spec("classroom");
  spec.layers[1].pool = 1000;
  CHECK_THROWS_WITH(spec.validate(), Contains("layers[1].pool"));
  spec = preset_spec("classroom");
  spec.layers[0].stride = -3;
  CHECK_THROWS_WITH(Sequential(spec), Contains("layers[0].stride"));
}

TEST_CASE("models over the parameter limit are refused before allocating", "[limits]") {
  // 512*512 inputs into 65536 units: 17 G parameters (a flatten of 262,144 values).
  check_refused(spec_json("[512, 512, 1]", R"({"type": "flatten"}, {"type": "dense", "units": 65536, "activation": "softmax"})"),
                "parameters");
  // 1024 * 1024 * 64 * 64 + 1024 = 2^32 + 1024 weights: in wasm's 32-bit size_t this used to
  // wrap to 1024 and pass the limit, then the layer wrote far past its slice of the buffer.
  check_refused(spec_json("[64, 64, 1]", R"({"type": "conv2d", "filters": 1024, "kernel": 1},
                                          {"type": "conv2d", "filters": 1024, "kernel": 64}, )" + kHead),
                "parameters");
}

TEST_CASE("convolutions whose scratch or activations would not fit are refused", "[limits]") {
  // im2col of a 64x64 kernel over 16 channels at 512x512: 16*4096*262144 = 2^34 values.
  check_refused(spec_json("[512, 512, 16]", R"({"type": "conv2d", "filters": 1, "kernel": 64, "padding": "same"},
                                            {"type": "max_pooling2d", "pool": 64}, )" + kHead),
                "layers[0].kernel");
  // 512*512*32 = 8 M activation values for one image, over the 4 M limit.
  check_refused(spec_json("[512, 512, 1]", R"({"type": "conv2d", "filters": 32, "kernel": 1},
                                           {"type": "max_pooling2d", "pool": 64}, )" + kHead),
                "activations");
}

TEST_CASE("batches whose activations would not fit are refused", "[limits]") {
  // 512*512*15 = 3,932,160 activation values per image (+ 960 + 960 + 10 after it):
  // 4096 images would need 16 G values, over the 256 M per-batch limit.
  const std::string layers = R"({"type": "conv2d", "filters": 15, "kernel": 1},
                                {"type": "max_pooling2d", "pool": 64}, )" + kHead;
  check_refused(spec_json("[512, 512, 1]", layers, R"(, "batch_size": 4096)"), "batch_size");

  // Scoring 68 such images needs 1.1 GiB, over the default memory budget: raised here, as
  // the CLI's --memory-budget does, to reach the per-forward limit.
  set_memory_budget(uint64_t(4) << 30);
  Sequential model(ModelSpec::from_json(spec_json("[512, 512, 1]", layers, R"(, "batch_size": 8)")));
  set_memory_budget(kDefaultMemoryBudget);
  CHECK(model.max_batch() == (256 << 20) / (3932160 + 960 + 960 + 10));  // 68
  Tensor too_many(Shape{model.max_batch() + 1, 1, 512, 512});
  try {
    model.forward(too_many, false);
    FAIL("forward accepted " << too_many.shape().n << " images");
  } catch (const Error& e) {
    CHECK(e.code() == errc::bad_shape);
    CHECK_THAT(e.what(), Contains("at most 68 images"));
  }
}

TEST_CASE("evaluate and predict refuse a batch size below 1 instead of looping forever", "[limits]") {
  Sequential model(ModelSpec::from_json(spec_json("[4, 4, 1]", kHead)));
  Dataset data;
  data.images = Tensor(Shape{2, 1, 4, 4});
  data.labels = {1, 2};
  CHECK_THROWS_WITH(evaluate(model, data, 0), Contains("batch_size"));
  CHECK_THROWS_WITH(predict(model, data.images, -1), Contains("batch_size"));
}

TEST_CASE("spec text is bounded before it is parsed", "[limits][spec]") {
  // A past reproducer: 200,000 nested arrays (400 KB) made dump() and copies recurse
  // until the stack overflowed; now the size alone refuses it.
  const std::string deep = R"({"layers": )" + std::string(200000, '[') + std::string(200000, ']') + "}";
  CHECK_THAT(refusal(deep).what(), Contains("400012 bytes, more than the limit of 65536"));
  // Under the size limit, the depth limit refuses 30,000 levels before nlohmann builds any.
  const std::string nested = R"({"layers": )" + std::string(30000, '[') + std::string(30000, ']') + "}";
  CHECK_THAT(refusal(nested).what(), Contains("nested more than 8 levels deep (at byte 18)"));
  // Brackets inside strings do not count.
  CHECK_NOTHROW(ModelSpec::from_json(spec_json("[4, 4, 1]", kHead, R"(, "name": "[[[[[[[[[[")")));
}

TEST_CASE("the layer cap is checked before any layer is parsed", "[limits][spec]") {
  // 10,000 copies of a bad layer: the count is refused, not the first layer.
  std::string layers = "1";
  for (int i = 1; i < 10000; ++i) layers += ",1";
  check_refused(spec_json("[4, 4, 1]", layers), "layers: at most 64 layers, got 10000");
}

TEST_CASE("error messages quote at most ~80 characters of the input", "[limits][spec]") {
  const std::string long_text(60000, 'x');
  const std::vector<std::string> inputs = {
      spec_json("[4, 4, 1]", R"({"type": ")" + long_text + R"("}, )" + kHead),
      spec_json("[4, 4, 1]", R"({"type": "dense", "units": [")" + long_text + R"("]}, )" + kHead),
      spec_json("[4, 4, 1]", kHead, R"(, ")" + long_text + R"(": 1)"),
      spec_json("[4, 4, 1]", kHead, R"(, "optimizer": ")" + long_text + R"(")"),
      R"({"layers": [")" + long_text,  // not JSON: nlohmann's message quotes the last token
  };
  for (const std::string& json : inputs) {
    const Error e = refusal(json);
    INFO(e.what());
    CHECK(e.code() == errc::bad_spec);
    CHECK(std::string(e.what()).size() < 300);
  }
  CHECK(quote(std::string(100, 'a')) == std::string(80, 'a') + "...");
  CHECK(quote("\xC3\xB1" + std::string(79, 'a'), 2) == "\xC3\xB1...");   // not cut inside a character
  CHECK(quote("a\xC3\xB1" + std::string(79, 'a'), 2) == "a...");
}
