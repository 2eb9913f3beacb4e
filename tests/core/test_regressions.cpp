// Regressions found by the fuzz targets in fuzz/: each test replays the reproducer's bytes.
// The reproducers also live in fuzz/corpus/<target>/, replayed by the fuzz_corpus_* tests.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "convaula/error.h"
#include "convaula/model.h"

using Catch::Matchers::Contains;
using namespace convaula;

TEST_CASE("a spec with a number too large for a double is a bad_spec", "[regression][spec]") {
  // fuzz_spec, fuzz/corpus/spec/crash_number_overflow.json: nlohmann::json throws
  // out_of_range (not parse_error) for 1e3082, which escaped from_json as a foreign exception.
  const std::string reproducer = R"({"input": [9, 4, 2], "layers": [
      {"type": "conv2d", "filters": 3, "kernel": 4, "s4ride": 1e3082, "padding": "same", "activation": "tanh"},
      {"type": "max_pooling3d", "pool": 2, "stride": 1}, {"type": "dropout", "rate": 0.3},
      {"type": "flatten"}, {"type": "dense", "units": 4, "activation": "sigmoid"},
      {"type": "activation", "activation": "softmax"}],
      "#   mizer": {"type": "sgd", "lr": 1.1, "moment$m": 0.9, "nesterov": true},
      "batch_size": 8, "epochs": 2, "seed": 7})";
  try {
    ModelSpec::from_json(reproducer);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == errc::bad_spec);
    CHECK_THAT(e.what(), Contains("not valid JSON"));
  }
}

TEST_CASE("a model with the default pool size loads its own weights file", "[regression][spec]") {
  // fuzz_spec, fuzz/corpus/spec/adam_string.json: to_json wrote "pool": 0 for a pooling layer
  // whose size was left to the default, which from_json refuses, so load_weights failed.
  const std::string spec = R"({"input": [5, 5, 3], "layers": [{"type": "max_pooling2d"},
      {"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}],
      "optimizer": "adam"})";
  Sequential model(ModelSpec::from_json(spec));
  const auto file = model.save_weights();
  Sequential again(ModelSpec::from_json(spec));
  again.reset(99);
  again.load_weights(file.data(), file.size());
  CHECK(std::equal(model.params(), model.params() + model.param_count(), again.params()));
  CHECK(ModelSpec::from_json(model.spec().to_json()).layers[0].pool == 2);
}
