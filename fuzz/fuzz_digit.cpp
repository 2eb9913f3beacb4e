// libFuzzer target: the digit preprocessor on images of any size and any float values
// (NaN, inf, negative), and from_rgba on any bytes.
//
// Input layout: i16 width, i16 height (little-endian, so 0, negative and > 4096 all occur),
// u8 mode, then the pixel source bytes, repeated to fill the image.
//   mode bit 0: pixels are raw float32 (NaN/inf included), else bytes / 255
//   mode bit 1: the pixel buffer gets one value too few (a size mismatch)
//   mode bit 2: also run from_rgba on the source bytes
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "convaula/digit.h"
#include "convaula/error.h"

using namespace convaula;

namespace {

// Valid images beyond this many pixels are skipped: each would take milliseconds, and the
// 4096-side bound is still reached by long thin images (4096x1).
constexpr long kMaxPixels = 1 << 18;

// The model sees `placed`: it must always be 28x28 with every value a number in [0, 1].
void check_placed(const DigitSteps& s) {
  if (s.placed.width != kDigitSide || s.placed.height != kDigitSide) __builtin_trap();
  if (s.placed.pixels.size() != std::size_t(kDigitSide * kDigitSide)) __builtin_trap();
  for (float v : s.placed.pixels)
    if (!(v >= 0.0f && v <= 1.0f)) __builtin_trap();
}

std::vector<float> fill_pixels(const uint8_t* src, std::size_t n_src, std::size_t count,
                               bool raw_floats) {
  std::vector<float> px(count, 0.0f);
  if (n_src == 0) return px;
  for (std::size_t i = 0; i < count; ++i) {
    if (raw_floats && n_src >= 4) {
      uint8_t b[4];
      for (int k = 0; k < 4; ++k) b[k] = src[(4 * i + k) % n_src];
      std::memcpy(&px[i], b, 4);
    } else {
      px[i] = src[i % n_src] / 255.0f;
    }
  }
  return px;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const int w = int16_t(data[0] | (data[1] << 8));
  const int h = int16_t(data[2] | (data[3] << 8));
  const uint8_t mode = data[4];
  const uint8_t* src = data + 5;
  const std::size_t n_src = size - 5;
  const bool valid_side = w >= 1 && h >= 1 && w <= kMaxImageSide && h <= kMaxImageSide;
  if (valid_side && long(w) * h > kMaxPixels) return 0;

  // Out-of-range sides get a small buffer: the check must refuse them before reading it.
  std::size_t count = valid_side ? std::size_t(w) * h : n_src % 64;
  if ((mode & 2) && count > 0) --count;
  GrayImage img{w, h, fill_pixels(src, n_src, count, mode & 1)};
  try {
    check_placed(preprocess_digit(img));
  } catch (const Error&) {
  }
  if ((mode & 4) && valid_side && n_src > 0) {
    std::vector<uint8_t> rgba(std::size_t(w) * h * 4);
    for (std::size_t i = 0; i < rgba.size(); ++i) rgba[i] = src[i % n_src];
    try {
      const GrayImage g = from_rgba(rgba.data(), w, h, mode & 8);
      for (float v : g.pixels)
        if (!(v >= 0.0f && v <= 1.0f)) __builtin_trap();
      check_placed(preprocess_digit(g));
    } catch (const Error&) {
    }
  }
  return 0;
}
