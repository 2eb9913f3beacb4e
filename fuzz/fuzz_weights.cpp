// libFuzzer target: load_model (decode, parse the embedded spec, plan it, compare parameter
// counts and the memory budget, build the model the file describes) and
// Sequential::load_weights into a fixed tiny model (all-or-nothing).
//
// A mutated file almost never keeps a valid CRC-32, so each input is also tried with its last
// four bytes replaced by the right checksum: that lets mutations reach the spec JSON and the
// parameter values instead of dying at the checksum.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "convaula/error.h"
#include "convaula/model.h"
#include "convaula/weights.h"

using namespace convaula;

namespace {

// The model of fuzz/corpus/weights/tiny*.cvaw (made by fuzz/make_corpus.cpp).
Sequential& tiny_model() {
  static Sequential model(ModelSpec::from_json(R"({"name": "tiny", "input": [6, 6, 1],
    "layers": [{"type": "conv2d", "filters": 2, "kernel": 3, "activation": "relu"},
               {"type": "flatten"}, {"type": "dense", "units": 10, "activation": "softmax"}]})"));
  return model;
}

// A model the file describes is built only once its parameter count matched the file's, so
// its size is bounded by the input's; forward runs on the small ones.
constexpr std::size_t kMaxRunParams = 1u << 16;

void check_own_model(const uint8_t* data, std::size_t size) {
  std::unique_ptr<Sequential> model;
  try {
    model = load_model(data, size);
  } catch (const Error& e) {
    // A file is corrupt, for no buildable model, or too large; nothing else.
    if (e.code() != errc::bad_weights && e.code() != errc::too_large) __builtin_trap();
    return;
  }
  const WeightsFile f = decode_weights(data, size);
  if (model->param_count() != f.params.size()) __builtin_trap();
  if (!std::equal(f.params.begin(), f.params.end(), model->params())) __builtin_trap();
  if (model->param_count() <= kMaxRunParams) {
    Tensor x(model->input_shape());
    model->forward(x, false);
  }
}

void try_load(const uint8_t* data, std::size_t size) {
  check_own_model(data, size);
  Sequential& model = tiny_model();
  const std::vector<float> before(model.params(), model.params() + model.param_count());
  try {
    model.load_weights(data, size);
  } catch (const Error&) {
    // All-or-nothing: a refused file must leave the weights exactly as they were.
    if (!std::equal(before.begin(), before.end(), model.params())) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  // A smaller budget than the page's keeps each input fast; the check is the same code.
  set_memory_budget(uint64_t{256} << 20);
  try_load(data, size);
  if (size >= 4) {
    std::vector<uint8_t> sealed(data, data + size);
    const uint32_t crc = crc32(sealed.data(), size - 4);
    for (int i = 0; i < 4; ++i) sealed[size - 4 + i] = uint8_t(crc >> (8 * i));
    try_load(sealed.data(), sealed.size());
  }
  return 0;
}
