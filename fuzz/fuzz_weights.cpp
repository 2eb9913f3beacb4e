// libFuzzer target: decode_weights and Sequential::load_weights (decode + spec parse + layout check).
//
// A mutated file almost never keeps a valid CRC-32, so each input is also tried with its last
// four bytes replaced by the right checksum: that lets mutations reach the spec JSON and the
// parameter values instead of dying at the checksum.
#include <algorithm>
#include <cstddef>
#include <cstdint>
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

void try_load(const uint8_t* data, std::size_t size) {
  try {
    decode_weights(data, size);
  } catch (const Error&) {
  }
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
  try_load(data, size);
  if (size >= 4) {
    std::vector<uint8_t> sealed(data, data + size);
    const uint32_t crc = crc32(sealed.data(), size - 4);
    for (int i = 0; i < 4; ++i) sealed[size - 4 + i] = uint8_t(crc >> (8 * i));
    try_load(sealed.data(), sealed.size());
  }
  return 0;
}
