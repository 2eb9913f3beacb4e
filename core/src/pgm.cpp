// PGM decoding with every count checked against the bytes present.
#include "convaula/pgm.h"

#include "convaula/error.h"

namespace convaula {

namespace {

bool is_space(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

// Reads the header's tokens front to back; every read checks the room left first.
class PgmReader {
 public:
  PgmReader(const uint8_t* data, std::size_t size, const std::string& name)
      : data_(data), size_(data ? size : 0), name_(name) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(errc::bad_image, "'" + quote(name_) + "': " + what);
  }

  std::string magic() {
    if (size_ < 2 || data_[0] != 'P' || (data_[1] != '5' && data_[1] != '2'))
      fail("not a PGM file (expected \"P5\" or \"P2\" at the start)");
    pos_ = 2;
    return std::string(reinterpret_cast<const char*>(data_), 2);
  }

  // A decimal number in [lo, hi], after whitespace and '#' comments.
  long number(const std::string& what, long lo, long hi) {
    skip_space_and_comments();
    const std::size_t start = pos_;
    long v = 0;
    while (pos_ < size_ && is_digit(data_[pos_]) && pos_ - start < 9) v = v * 10 + (data_[pos_++] - '0');
    if (pos_ == start) fail(pos_ >= size_ ? "ends before its " + what : "bad " + what + " (not a number)");
    if (v < lo || v > hi || (pos_ < size_ && is_digit(data_[pos_])))
      fail(what + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return v;
  }

  // P5: exactly one whitespace byte separates maxval from the pixels, which must all follow.
  const uint8_t* binary_pixels(std::size_t count) {
    if (pos_ >= size_ || !is_space(data_[pos_])) fail("no whitespace after maxval, so no pixel data");
    ++pos_;
    if (size_ - pos_ < count)
      fail("the header announces " + std::to_string(count) + " pixels, but only " +
           std::to_string(size_ - pos_) + " bytes of pixel data follow");
    return data_ + pos_;
  }

 private:
  void skip_space_and_comments() {
    while (pos_ < size_) {
      if (is_space(data_[pos_])) {
        ++pos_;
      } else if (data_[pos_] == '#') {
        while (pos_ < size_ && data_[pos_] != '\n' && data_[pos_] != '\r') ++pos_;
      } else {
        break;
      }
    }
  }

  const uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  const std::string& name_;
};

}  // namespace

GrayImage parse_pgm(const uint8_t* data, std::size_t size, const std::string& name) {
  PgmReader in(data, size, name);
  const std::string magic = in.magic();
  GrayImage img;
  img.width = static_cast<int>(in.number("width", 1, kMaxImageSide));
  img.height = static_cast<int>(in.number("height", 1, kMaxImageSide));
  const long maxval = in.number("maxval", 1, 255);  // 8-bit only
  const std::size_t count = static_cast<std::size_t>(img.width) * img.height;
  const float scale = 1.0f / static_cast<float>(maxval);
  if (magic == "P5") {
    const uint8_t* px = in.binary_pixels(count);
    img.pixels.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      if (px[i] > maxval)
        in.fail("pixel " + std::to_string(i) + " is " + std::to_string(px[i]) + ", above maxval " +
                std::to_string(maxval));
      img.pixels[i] = px[i] * scale;
    }
  } else {
    img.pixels.reserve(count);  // bounded: both sides were checked
    for (std::size_t i = 0; i < count; ++i)
      img.pixels.push_back(in.number("pixel " + std::to_string(i), 0, maxval) * scale);
  }
  return img;
}

}  // namespace convaula
