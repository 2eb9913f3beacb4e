// Tests for digit preprocessing: bounds, crop, anti-aliased fit, centre of mass and placement.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "convaula/digit.h"
#include "convaula/error.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;

namespace {

GrayImage image(int w, int h, std::vector<float> pixels) {
  return GrayImage{w, h, std::move(pixels)};
}

GrayImage blank(int w, int h) { return image(w, h, std::vector<float>(std::size_t(w) * h, 0.0f)); }

void fill_rect(GrayImage& img, int x0, int y0, int x1, int y1, float v = 1.0f) {
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) img.pixels[std::size_t(y) * img.width + x] = v;
}

double ink(const GrayImage& img) {
  return std::accumulate(img.pixels.begin(), img.pixels.end(), 0.0);
}

void check_pixels(const GrayImage& img, const std::vector<float>& expected) {
  REQUIRE(img.pixels.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    CHECK_THAT(img.pixels[i], WithinAbs(expected[i], 1e-6));
}

}  // namespace

TEST_CASE("ink_bounds ignores faint pixels and is half-open", "[digit]") {
  GrayImage img = blank(5, 4);
  img.pixels[0] = 0.04f;         // (0,0) below the 0.05 threshold
  img.pixels[2 * 5 + 1] = 1.0f;  // (1,2)
  img.pixels[1 * 5 + 3] = 0.5f;  // (3,1)
  const BoundingBox b = ink_bounds(img);
  CHECK_FALSE(b.empty);
  CHECK(b.x0 == 1);
  CHECK(b.y0 == 1);
  CHECK(b.x1 == 4);  // last ink column 3, exclusive end 4
  CHECK(b.y1 == 3);
  CHECK(ink_bounds(blank(3, 3)).empty);
}

TEST_CASE("crop copies the box and rejects boxes outside the image", "[digit]") {
  const GrayImage img = image(3, 2, {1, 2, 3, 4, 5, 6});
  const GrayImage c = crop(img, BoundingBox{1, 0, 3, 2, false});
  CHECK(c.width == 2);
  CHECK(c.height == 2);
  check_pixels(c, {2, 3, 5, 6});
  REQUIRE_THROWS_WITH(crop(img, BoundingBox{1, 0, 4, 2, false}),
                      Contains("x 1..4, y 0..2 does not fit inside the image 3x2"));
  REQUIRE_THROWS_WITH(crop(img, BoundingBox{}), Contains("is empty"));
}

TEST_CASE("fit_box area-averages when shrinking", "[digit]") {
  SECTION("integer factor 2: each output pixel is the mean of a 2x2 block") {
    // 1 0 | 1 0      (1+0+0+0)/4 = 0.25, (1+0+1+1)/4 = 0.75
    // 0 0 | 1 1
    const GrayImage f = fit_box(image(4, 2, {1, 0, 1, 0, 0, 0, 1, 1}), 2);
    CHECK(f.width == 2);
    CHECK(f.height == 1);
    check_pixels(f, {0.25f, 0.75f});
  }
  SECTION("factor 1.5 splits a source pixel between two outputs") {
    // 3 -> 2: output 0 covers [0, 1.5), output 1 covers [1.5, 3).
    // row [1, 0, 1]: out0 = (1*1 + 0*0.5)/1.5 = 2/3, out1 = (0*0.5 + 1*1)/1.5 = 2/3.
    // row [0, 1, 0]: out0 = (0 + 0.5)/1.5 = 1/3,     out1 = (0.5 + 0)/1.5 = 1/3.
    // The height 2 becomes round(2 * 2/3) = 1, so both rows average: 0.5, 0.5.
    const GrayImage f = fit_box(image(3, 2, {1, 0, 1, 0, 1, 0}), 2);
    CHECK(f.width == 2);
    CHECK(f.height == 1);
    check_pixels(f, {0.5f, 0.5f});
  }
}

TEST_CASE("fit_box is bilinear when enlarging", "[digit]") {
  // [0, 1] -> 4 wide: output centre o+0.5 maps to (o+0.5)/2 - 0.5 = -0.25, 0.25, 0.75, 1.25,
  // clamped to [0, 1]: values 0, 0.25, 0.75, 1. The height 1 -> 2 repeats the row.
  const GrayImage f = fit_box(image(2, 1, {0, 1}), 4);
  CHECK(f.width == 4);
  CHECK(f.height == 2);
  check_pixels(f, {0, 0.25f, 0.75f, 1, 0, 0.25f, 0.75f, 1});
}

TEST_CASE("centre_of_mass weights pixel indices by ink", "[digit]") {
  // Row [0, 1, 3]: x = (0*0 + 1*1 + 3*2) / 4 = 7/4 = 1.75; y = 0 (single row).
  const Point c = centre_of_mass(image(3, 1, {0, 1, 3}));
  CHECK_THAT(c.x, WithinAbs(1.75, 1e-6));
  CHECK_THAT(c.y, WithinAbs(0.0, 1e-6));
  // No ink: the middle of a 4x6 image, ((4-1)/2, (6-1)/2) = (1.5, 2.5).
  const Point empty = centre_of_mass(blank(4, 6));
  CHECK_THAT(empty.x, WithinAbs(1.5, 1e-6));
  CHECK_THAT(empty.y, WithinAbs(2.5, 1e-6));
}

TEST_CASE("a 100x60 rectangle becomes a centred 20x12 block", "[digit]") {
  GrayImage canvas = blank(200, 150);
  fill_rect(canvas, 30, 40, 130, 100);  // 100 wide, 60 tall
  const DigitSteps s = preprocess_digit(canvas);
  REQUIRE_FALSE(s.empty);
  CHECK(s.box.x0 == 30);
  CHECK(s.box.y0 == 40);
  CHECK(s.box.x1 == 130);
  CHECK(s.box.y1 == 100);
  CHECK(s.cropped.width == 100);
  CHECK(s.cropped.height == 60);
  // Longer side 100 -> 20, so the factor is 5 and 60 -> 12.
  CHECK(s.fitted.width == 20);
  CHECK(s.fitted.height == 12);
  // Ink x area: 100*60 = 6000 = sum(fitted) * 5 * 5 = 240 * 25.
  CHECK_THAT(ink(s.fitted) * 25.0, WithinRel(6000.0, 1e-5));
  REQUIRE(s.placed.width == 28);
  REQUIRE(s.placed.height == 28);
  // The block's centre of mass is (9.5, 5.5); shifts round(14 - 9.5) = 5 and
  // round(14 - 5.5) = 9 (halves away from zero) put it at (14.5, 14.5).
  const Point c = centre_of_mass(s.placed);
  CHECK_THAT(c.x, WithinAbs(14.0, 0.5));
  CHECK_THAT(c.y, WithinAbs(14.0, 0.5));
  CHECK_THAT(ink(s.placed), WithinRel(240.0, 1e-5));  // nothing clipped
}

TEST_CASE("shrinking conserves ink times the area ratio for uneven shapes", "[digit]") {
  // A ring on a 137x91 image with grey levels: fitted is 20 x round(91*20/137 = 13.28) = 13.
  GrayImage img = blank(137, 91);
  for (int y = 0; y < 91; ++y) {
    for (int x = 0; x < 137; ++x) {
      const double r = std::hypot((x - 68.0) / 68.0, (y - 45.0) / 45.0);
      img.pixels[std::size_t(y) * 137 + x] = r > 0.6 && r < 0.9 ? float(x % 7) / 6.0f : 0.0f;
    }
  }
  const GrayImage f = fit_box(img);
  REQUIRE(f.width == 20);
  REQUIRE(f.height == 13);
  const double area_ratio = (137.0 / 20.0) * (91.0 / 13.0);
  CHECK_THAT(ink(f) * area_ratio, WithinRel(ink(img), 1e-4));
}

TEST_CASE("an off-centre L-shaped blob lands centred by mass, not by box", "[digit]") {
  GrayImage canvas = blank(280, 280);
  fill_rect(canvas, 20, 200, 30, 260);  // vertical bar 10x60
  fill_rect(canvas, 20, 250, 60, 260);  // foot 40x10: the mass sits low-left of the box centre
  const DigitSteps s = preprocess_digit(canvas);
  const Point c = centre_of_mass(s.placed);
  CHECK_THAT(c.x, WithinAbs(14.0, 0.5));
  CHECK_THAT(c.y, WithinAbs(14.0, 0.5));
  CHECK_THAT(ink(s.placed), WithinRel(ink(s.fitted), 1e-5));
}

TEST_CASE("placement clips ink that falls outside the field", "[digit]") {
  // A 10x1 row whose ink is all at x = 9: placed in 4x4 with shift 4/2 - 9 = -7, so it lands
  // at x = 2 and the other nine columns fall off the left edge.
  GrayImage row = blank(10, 1);
  row.pixels[9] = 1.0f;
  const GrayImage p = place_by_centre_of_mass(row, 4);
  CHECK(p.width == 4);
  const Point c = centre_of_mass(p);
  CHECK_THAT(c.x, WithinAbs(2.0, 1e-6));
  CHECK_THAT(c.y, WithinAbs(2.0, 1e-6));
  CHECK_THAT(ink(p), WithinAbs(1.0, 1e-6));
}

TEST_CASE("an empty drawing gives an all-zero 28x28", "[digit]") {
  GrayImage canvas = blank(50, 40);
  canvas.pixels[3] = 0.01f;  // a smudge below the threshold
  const DigitSteps s = preprocess_digit(canvas);
  CHECK(s.empty);
  CHECK(s.box.empty);
  CHECK(s.cropped.pixels.empty());
  REQUIRE(s.placed.width == 28);
  REQUIRE(s.placed.height == 28);
  CHECK(ink(s.placed) == 0.0);
}

TEST_CASE("preprocess_digit clamps values to [0, 1]", "[digit]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const DigitSteps s = preprocess_digit(image(2, 2, {2.0f, -1.0f, nan, 0.5f}));
  check_pixels(s.input, {1.0f, 0.0f, 0.0f, 0.5f});
}

TEST_CASE("preprocess_digit rejects unusable images", "[digit]") {
  REQUIRE_THROWS_AS(preprocess_digit(image(0, 10, {})), Error);
  REQUIRE_THROWS_WITH(preprocess_digit(image(0, 10, {})),
                      Contains("drawing is 0x10, expected each side in 1..4096"));
  REQUIRE_THROWS_WITH(preprocess_digit(blank(4097, 1)), Contains("drawing is 4097x1"));
  REQUIRE_THROWS_WITH(preprocess_digit(image(10, 10, std::vector<float>(99))),
                      Contains("needs 100 pixels, but has 99"));
  try {
    preprocess_digit(image(-3, 2, {}));
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(e.code() == errc::bad_image);
  }
}

TEST_CASE("from_rgba composites over the background of the chosen mode", "[digit]") {
  // Pixels: transparent, opaque black, opaque white, black at alpha 128.
  const uint8_t rgba[] = {0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 128};
  // Dark ink on white paper: ink = 1 - shown, shown = luma*a + 1*(1-a).
  // Half-alpha black: shown = 1 - 128/255, so ink = 128/255 = 0.50196.
  check_pixels(from_rgba(rgba, 4, 1, true), {0.0f, 1.0f, 0.0f, 128.0f / 255.0f});
  // Light ink on black: ink = shown = luma*a, so only the white pixel is ink.
  check_pixels(from_rgba(rgba, 4, 1, false), {0.0f, 0.0f, 1.0f, 0.0f});
  REQUIRE_THROWS_WITH(from_rgba(rgba, 0, 1, true), Contains("RGBA image is 0x1"));
}
