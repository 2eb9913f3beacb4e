// Error: the one exception type for bad input (specs, files, shapes, hyperparameters).
//
// `code` is stable and machine-readable (the web page maps it to a Spanish message);
// `what()` is an English sentence that names the field and the offending values.
// Kernels never throw: they only assert on invariants the layers already checked.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace convaula {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// Error messages quote outside input (a spec value, a layer type) through quote(): at most
// `max` bytes, cut at a UTF-8 character boundary and marked with "...", so a 60 KB string
// in a spec cannot become a 60 KB message.
inline constexpr std::size_t kMaxQuote = 80;
inline std::string quote(const std::string& text, std::size_t max = kMaxQuote) {
  if (text.size() <= max) return text;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

// Stable codes. Keep in sync with web/js/textos.js.
namespace errc {
inline constexpr const char* bad_spec = "bad_spec";        // ModelSpec JSON invalid or out of range
inline constexpr const char* bad_shape = "bad_shape";      // tensor shapes that do not fit a layer
inline constexpr const char* bad_idx = "bad_idx";          // MNIST IDX file corrupt or inconsistent
inline constexpr const char* bad_weights = "bad_weights";  // weights file corrupt or for another model
inline constexpr const char* bad_image = "bad_image";      // drawn or PGM image unusable
inline constexpr const char* bad_argument = "bad_argument";  // API/CLI argument out of range
inline constexpr const char* io = "io";                    // file missing or unreadable
inline constexpr const char* diverged = "diverged";        // loss NaN/inf or far above guessing
inline constexpr const char* too_large = "too_large";      // a model or input over the memory budget
inline constexpr const char* too_slow = "too_slow";        // a model over the compute budget (flops per image)
inline constexpr const char* no_model = "no_model";        // an operation needs a model first
inline constexpr const char* no_data = "no_data";          // an operation needs MNIST loaded first
inline constexpr const char* busy = "busy";                // refused while training or scoring runs
inline constexpr const char* not_training = "not_training";      // no training run to step
inline constexpr const char* not_evaluating = "not_evaluating";  // no scoring pass to step
inline constexpr const char* out_of_memory = "out_of_memory";    // std::bad_alloc
inline constexpr const char* internal = "internal";        // any other exception (a bug)
}  // namespace errc

}  // namespace convaula
