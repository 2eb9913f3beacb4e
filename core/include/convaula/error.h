// Error: the one exception type for bad input (specs, files, shapes, hyperparameters).
//
// `code` is stable and machine-readable (the web page maps it to a Spanish message);
// `what()` is an English sentence that names the field and the offending values.
// Kernels never throw: they only assert on invariants the layers already checked.
#pragma once

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
inline constexpr const char* no_model = "no_model";        // an operation needs a model first
inline constexpr const char* no_data = "no_data";          // an operation needs MNIST loaded first
inline constexpr const char* busy = "busy";                // refused while training or scoring runs
inline constexpr const char* not_training = "not_training";      // no training run to step
inline constexpr const char* not_evaluating = "not_evaluating";  // no scoring pass to step
inline constexpr const char* out_of_memory = "out_of_memory";    // std::bad_alloc
inline constexpr const char* internal = "internal";        // any other exception (a bug)
}  // namespace errc

}  // namespace convaula
