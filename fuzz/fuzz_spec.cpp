// libFuzzer target: ModelSpec::from_json, then building, running and re-serializing what validates.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "convaula/error.h"
#include "convaula/model.h"

using namespace convaula;

namespace {

// Forward/backward only on models this small, so one huge (valid) spec cannot slow the
// fuzzer to a crawl; construction itself is always exercised, with the engine's own limits.
constexpr std::size_t kMaxRunParams = 1u << 20;

void train_one_image(Sequential& model) {
  const Shape in = model.input_shape();
  Tensor x(in);
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = float(i % 7) / 7.0f;
  model.forward(x, true);
  const uint8_t label = 0;
  model.backward(&label);
  model.optimizer().step({model.params(), model.grads(), model.param_count()});
  model.forward(x, false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  // A smaller budget than the page's keeps each input fast; the check is the same code.
  set_memory_budget(uint64_t{256} << 20);
  const std::string text(reinterpret_cast<const char*>(data), size);
  ModelSpec spec;
  try {
    spec = ModelSpec::from_json(text);
  } catch (const Error&) {
    return 0;
  }
  // A spec that validates must survive its own serialization: save_weights writes to_json()
  // and load_weights parses it back.
  const ModelSpec again = ModelSpec::from_json(spec.to_json());
  if (again.architecture_json() != spec.architecture_json()) __builtin_trap();
  try {
    Sequential model(spec);
    if (model.param_count() <= kMaxRunParams) train_one_image(model);
  } catch (const Error& e) {
    // Shapes that do not fit and sizes over the limits are a bad spec, a model over the
    // memory budget is too large; nothing else.
    if (e.code() != errc::bad_spec && e.code() != errc::too_large) __builtin_trap();
  }
  return 0;
}
