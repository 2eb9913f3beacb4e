// PGM decoding: P5 and P2 read as stored, every header count checked against the bytes present.
#include <catch2/catch.hpp>
#include <string>

#include "convaula/error.h"
#include "convaula/pgm.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using namespace convaula;

namespace {

GrayImage parse(const std::string& bytes) {
  return parse_pgm(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "x.pgm");
}

void check_refused(const std::string& bytes, const std::string& text) {
  try {
    parse(bytes);
    FAIL("accepted: " << bytes);
  } catch (const Error& e) {
    INFO(e.what());
    CHECK(e.code() == errc::bad_image);
    CHECK_THAT(e.what(), Contains("'x.pgm': ") && Contains(text));
  }
}

}  // namespace

TEST_CASE("a binary PGM with comments reads as stored", "[pgm]") {
  // 3x2, maxval 200: 0 -> 0, 100 -> 0.5, 200 -> 1.
  const std::string bytes = std::string("P5\n# made by hand\n3 2 # w h\n200\n") +
                            std::string{0, 100, char(200), char(200), 100, 0} + "trailing";
  const GrayImage img = parse(bytes);
  CHECK(img.width == 3);
  CHECK(img.height == 2);
  REQUIRE(img.pixels.size() == 6);
  CHECK_THAT(img.pixels[1], WithinAbs(0.5, 1e-6));
  CHECK_THAT(img.pixels[2], WithinAbs(1.0, 1e-6));
  CHECK_THAT(img.pixels[5], WithinAbs(0.0, 1e-6));
}

TEST_CASE("an ASCII PGM reads as stored", "[pgm]") {
  const GrayImage img = parse("P2 2 2 4\n0 1\n# row 2\n2 4\n");
  REQUIRE(img.pixels.size() == 4);
  CHECK_THAT(img.pixels[1], WithinAbs(0.25, 1e-6));
  CHECK_THAT(img.pixels[3], WithinAbs(1.0, 1e-6));
}

TEST_CASE("a PGM header with no pixel data is refused", "[pgm]") {
  // A past reproducer: `printf 'P5 1 1 255'` predicted a digit, reading before the buffer.
  check_refused("P5 1 1 255", "no whitespace after maxval, so no pixel data");
  check_refused("P5 1 1 255\n", "announces 1 pixels, but only 0 bytes of pixel data follow");
  check_refused("P5 28 28 255\n" + std::string(783, 'a'), "announces 784 pixels, but only 783");
  check_refused("P2 2 2 255\n1 2 3", "ends before its pixel 3");
}

TEST_CASE("malformed PGM headers are refused naming the field", "[pgm]") {
  check_refused("", "not a PGM file");
  check_refused("P6 1 1 255\n\xFF\xFF\xFF", "not a PGM file");
  check_refused("P5", "ends before its width");
  check_refused("P5 0 1 255\n\x01", "width must be between 1 and 4096");
  check_refused("P5 1 4097 255\n", "height must be between 1 and 4096");
  check_refused("P5 1 1 65535\n\x01\x01", "maxval must be between 1 and 255");
  check_refused("P5 1 1 99999999999999999999\n", "maxval must be between 1 and 255");
  check_refused("P5 2 x 255\n", "bad height (not a number)");
  check_refused("P5 1 1 100\n\xC8", "pixel 0 is 200, above maxval 100");
  check_refused("P2 1 1 10\n11", "pixel 0 must be between 0 and 10");
}
