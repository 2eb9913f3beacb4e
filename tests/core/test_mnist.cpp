// Tests for MNIST IDX parsing, dataset assembly, normalization and one-hot labels.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "convaula/digit.h"
#include "convaula/error.h"
#include "convaula/mnist.h"
#include "idx_bytes.h"
#include "mnist_files.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;
using namespace convaula::test;

namespace {

// Two 2x3 images: 16-byte header + 2*2*3 = 12 pixels = 28 bytes.
const std::vector<uint8_t> kPixels = {0, 51, 255, 0, 0, 0, 255, 255, 255, 102, 0, 0};

IdxImages parse_images(const std::vector<uint8_t>& b) {
  return parse_idx_images(b.data(), b.size());
}
IdxLabels parse_labels(const std::vector<uint8_t>& b) {
  return parse_idx_labels(b.data(), b.size());
}

}  // namespace

TEST_CASE("parse_idx_images reads big-endian header and pixels", "[mnist]") {
  const auto bytes = idx_images(0x803, 2, 2, 3, kPixels);
  REQUIRE(bytes.size() == 28);
  const IdxImages img = parse_images(bytes);
  CHECK(img.count == 2);
  CHECK(img.rows == 2);
  CHECK(img.cols == 3);
  CHECK(img.pixels == kPixels);
}

TEST_CASE("parse_idx_labels reads labels", "[mnist]") {
  const IdxLabels l = parse_labels(idx_labels(0x801, 3, {7, 2, 1}));
  CHECK(l.labels == std::vector<uint8_t>{7, 2, 1});
}

TEST_CASE("parse_idx_images rejects bad files", "[mnist]") {
  SECTION("wrong magic (a labels file)") {
    REQUIRE_THROWS_WITH(parse_images(idx_images(0x801, 2, 2, 3, kPixels)),
                        Contains("magic 0x00000801, expected 0x00000803"));
  }
  SECTION("shorter than the header") {
    const std::vector<uint8_t> b(10, 0);
    REQUIRE_THROWS_AS(parse_images(b), Error);
    REQUIRE_THROWS_WITH(parse_images(b), Contains("10 bytes, shorter than its 16-byte header"));
  }
  SECTION("truncated: one pixel missing, 27 of 28 bytes") {
    auto b = idx_images(0x803, 2, 2, 3, kPixels);
    b.pop_back();
    REQUIRE_THROWS_WITH(parse_images(b),
                        Contains("should be 28 bytes") && Contains("is 27 (truncated)"));
  }
  SECTION("extra bytes") {
    auto b = idx_images(0x803, 2, 2, 3, kPixels);
    b.push_back(0);
    REQUIRE_THROWS_WITH(parse_images(b), Contains("is 29 (extra bytes at the end)"));
  }
  SECTION("zero rows") {
    REQUIRE_THROWS_WITH(parse_images(idx_images(0x803, 2, 0, 3, {})), Contains("rows is 0"));
  }
  SECTION("absurd cols") {
    REQUIRE_THROWS_WITH(parse_images(idx_images(0x803, 2, 2, 100000, kPixels)),
                        Contains("cols is 100000, expected 1..1024"));
  }
  SECTION("zero count") {
    REQUIRE_THROWS_WITH(parse_images(idx_images(0x803, 0, 2, 3, {})), Contains("count is 0"));
  }
  SECTION("count beyond int") {
    REQUIRE_THROWS_WITH(parse_images(idx_images(0x803, 0xFFFFFFFF, 28, 28, kPixels)),
                        Contains("count is 4294967295"));
  }
  SECTION("huge count with a tiny file: 16 + 2e9*28*28 bytes expected, no overflow") {
    REQUIRE_THROWS_WITH(parse_images(idx_images(0x803, 2000000000, 28, 28, kPixels)),
                        Contains("should be 1568000000016 bytes"));
  }
}

TEST_CASE("parse_idx_labels rejects bad files", "[mnist]") {
  SECTION("wrong magic") {
    REQUIRE_THROWS_WITH(parse_labels(idx_labels(0x803, 1, {1})),
                        Contains("magic 0x00000803, expected 0x00000801"));
  }
  SECTION("label 10") {
    REQUIRE_THROWS_WITH(parse_labels(idx_labels(0x801, 3, {7, 10, 1})),
                        Contains("index 1 is 10, expected 0..9"));
  }
  SECTION("truncated: 8 + 3 = 11 bytes expected, 10 given") {
    REQUIRE_THROWS_WITH(parse_labels(idx_labels(0x801, 3, {7, 2})),
                        Contains("should be 11 bytes") && Contains("truncated"));
  }
  SECTION("extra bytes") {
    REQUIRE_THROWS_WITH(parse_labels(idx_labels(0x801, 1, {7, 2})), Contains("extra bytes"));
  }
}

TEST_CASE("make_dataset normalizes to (N,1,rows,cols) and honours limit", "[mnist]") {
  const IdxImages img = parse_images(idx_images(0x803, 2, 2, 3, kPixels));
  const IdxLabels lab = parse_labels(idx_labels(0x801, 2, {7, 2}));

  const Dataset all = make_dataset(img, lab);
  CHECK(all.size() == 2);
  CHECK(all.images.shape() == Shape{2, 1, 2, 3});
  // 51/255 = 0.2, 102/255 = 0.4, 255/255 = 1.
  CHECK_THAT(all.images.at(0, 0, 0, 1), WithinRel(0.2f, 1e-6f));
  CHECK_THAT(all.images.at(0, 0, 0, 2), WithinRel(1.0f, 1e-6f));
  CHECK_THAT(all.images.at(1, 0, 1, 0), WithinRel(0.4f, 1e-6f));
  CHECK_THAT(all.images.at(1, 0, 1, 2), WithinAbs(0.0f, 0.0));

  const Dataset first = make_dataset(img, lab, 1);
  CHECK(first.size() == 1);
  CHECK(first.images.shape() == Shape{1, 1, 2, 3});
  CHECK(first.labels == std::vector<uint8_t>{7});

  CHECK(make_dataset(img, lab, 50).size() == 2);  // a limit above the count keeps all
  REQUIRE_THROWS_WITH(make_dataset(img, lab, -1), Contains("limit is -1"));
}

TEST_CASE("make_dataset rejects counts that disagree", "[mnist]") {
  const IdxImages img = parse_images(idx_images(0x803, 2, 2, 3, kPixels));
  const IdxLabels lab = parse_labels(idx_labels(0x801, 3, {7, 2, 1}));
  REQUIRE_THROWS_WITH(make_dataset(img, lab),
                      Contains("images count 2 differs from labels count 3"));
}

TEST_CASE("normalize_images divides by 255", "[mnist]") {
  const uint8_t px[] = {0, 51, 255};
  float out[3];
  normalize_images(px, 3, out);
  CHECK_THAT(out[0], WithinAbs(0.0f, 0.0));
  CHECK_THAT(out[1], WithinRel(0.2f, 1e-6f));
  CHECK_THAT(out[2], WithinRel(1.0f, 1e-6f));
}

TEST_CASE("one_hot writes one 1 per row", "[mnist]") {
  const uint8_t labels[] = {2, 0};
  float out[6];
  one_hot(labels, 2, 3, out);
  const float expected[] = {0, 0, 1, 1, 0, 0};
  for (int i = 0; i < 6; ++i) CHECK_THAT(out[i], WithinAbs(expected[i], 0.0));

  const uint8_t bad[] = {1, 3};
  REQUIRE_THROWS_WITH(one_hot(bad, 2, 3, out), Contains("index 1 is 3, expected 0..2"));
  REQUIRE_THROWS_WITH(one_hot(labels, 2, 0, out), Contains("classes is 0"));
}

TEST_CASE("the real MNIST test set parses", "[mnist][data]") {
  const std::optional<Dataset> ds = load_mnist_test_set();
  if (!ds) return;
  REQUIRE(ds->size() == 10000);
  CHECK(ds->images.shape() == Shape{10000, 1, 28, 28});
  CHECK(ds->labels[0] == 7);  // the lesson's test image 0 is a 7
  // Class counts of the MNIST test set, as published with the dataset.
  const int expected[10] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
  int counts[10] = {};
  for (uint8_t l : ds->labels) ++counts[l];
  for (int d = 0; d < 10; ++d) CHECK(counts[d] == expected[d]);
}

// MNIST digits already went through the recipe digit.h implements (20-pixel box, centre
// of mass at pixel (14, 14)), so running it again must give them back; only pixels at or
// below the ink threshold (0.05, i.e. <= 12/255) outside the ink's box may be lost.
TEST_CASE("preprocess_digit gives real MNIST digits back unchanged", "[digit][data]") {
  const std::optional<Dataset> ds = load_mnist_test_set();
  if (!ds) return;
  int changed = 0;
  for (int n = 0; n < 1000; ++n) {
    const float* px = ds->images.image(n);
    const DigitSteps s = preprocess_digit(GrayImage{28, 28, std::vector<float>(px, px + 784)});
    float worst = 0;
    for (int i = 0; i < 784; ++i) worst = std::max(worst, std::abs(s.placed.pixels[i] - px[i]));
    if (worst > 0.05f) ++changed;
  }
  CHECK(changed == 0);
}

TEST_CASE("a student's own digits become a dataset", "[mnist][user]") {
  // Two 28x28 images: the first all 0 but pixel 1 = 51 (0.2), the second all 255.
  std::vector<uint8_t> pixels(2 * 784, 0);
  pixels[1] = 51;
  std::fill(pixels.begin() + 784, pixels.end(), 255);
  const std::vector<uint8_t> labels = {3, 9};
  const Dataset ds = make_user_dataset(pixels.data(), pixels.size(), labels.data(), labels.size());
  REQUIRE(ds.size() == 2);
  CHECK(ds.images.shape() == Shape{2, 1, 28, 28});
  CHECK_THAT(ds.images.image(0)[1], WithinAbs(0.2, 1e-6));
  CHECK_THAT(ds.images.image(1)[783], WithinAbs(1.0, 0.0));
  CHECK(ds.labels == labels);
}

TEST_CASE("bad arrays of a student's digits are refused with their code", "[mnist][user]") {
  const std::vector<uint8_t> pixels(3 * 784, 0);
  const std::vector<uint8_t> labels = {1, 2, 3};
  const auto code_of = [](std::size_t n_pixels, const std::vector<uint8_t>& l,
                          const std::vector<uint8_t>& p) {
    try {
      make_user_dataset(p.data(), n_pixels, l.data(), l.size());
    } catch (const Error& e) {
      return e.code();
    }
    return std::string("accepted");
  };
  CHECK(code_of(3 * 784 - 1, labels, pixels) == errc::bad_image);   // a pixel short
  CHECK(code_of(0, {}, pixels) == errc::bad_argument);              // no images
  CHECK(code_of(3 * 784, {1, 2}, pixels) == errc::bad_argument);    // fewer labels
  CHECK(code_of(3 * 784, {1, 10, 3}, pixels) == errc::bad_argument);  // label above 9
  CHECK(code_of(3 * 784, labels, pixels) == "accepted");
  REQUIRE_THROWS_WITH(make_user_dataset(pixels.data(), pixels.size(), std::vector<uint8_t>{1, 10, 3}.data(), 3),
                      Contains("index 1 is 10, expected 0..9"));
  const std::size_t over = std::size_t(kMaxUserImages) + 1;
  const std::vector<uint8_t> big(over * 784, 0), big_labels(over, 0);
  CHECK(code_of(big.size(), big_labels, big) == errc::too_large);
}
