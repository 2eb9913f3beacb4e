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
inline constexpr const char* diverged = "diverged";        // loss became NaN/inf while training
}  // namespace errc

}  // namespace convaula
