// libFuzzer target: parse_pgm (the CLI's --image) on any bytes, then the digit pipeline on
// what it accepts, as `convaula predict` does.
#include <cstddef>
#include <cstdint>

#include "convaula/digit.h"
#include "convaula/error.h"
#include "convaula/pgm.h"

using namespace convaula;

namespace {

// Accepted images larger than this skip the (milliseconds-long) digit pipeline.
constexpr std::size_t kMaxPipelinePixels = 1 << 16;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  GrayImage img;
  try {
    img = parse_pgm(data, size, "fuzz.pgm");
  } catch (const Error&) {
    return 0;
  }
  // Whatever is accepted has the announced pixels, all in [0, 1], and came from the input:
  // P5 needs one byte per pixel, P2 at least two ("0 ").
  if (img.width < 1 || img.height < 1 || img.width > kMaxImageSide || img.height > kMaxImageSide)
    __builtin_trap();
  const std::size_t count = std::size_t(img.width) * img.height;
  if (img.pixels.size() != count || count > size) __builtin_trap();
  for (float v : img.pixels)
    if (!(v >= 0.0f && v <= 1.0f)) __builtin_trap();
  if (count <= kMaxPipelinePixels) {
    try {
      const DigitSteps steps = preprocess_digit(img);
      if (steps.placed.pixels.size() != std::size_t(kDigitSide * kDigitSide)) __builtin_trap();
    } catch (const Error&) {
    }
  }
  return 0;
}
