// Tests for the weights file: layout, round trips, float16 conversion, CRC-32 and corrupt files.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "convaula/error.h"
#include "convaula/weights.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;

namespace {

const std::string kSpec = R"({"name":"t"})";  // 12 bytes
const std::vector<float> kParams = {0.5f, -1.25f, 3.0e-3f, 12.0f};

std::vector<uint8_t> encode(WeightsDtype d = WeightsDtype::f32) {
  return encode_weights(kSpec, kParams.data(), kParams.size(), d);
}

WeightsFile decode(const std::vector<uint8_t>& b) { return decode_weights(b.data(), b.size()); }

void patch_le(std::vector<uint8_t>& b, std::size_t offset, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b[offset + i] = uint8_t(v >> (8 * i));
}

// Recomputes the trailing CRC so a test reaches the check after the checksum.
void reseal(std::vector<uint8_t>& b) {
  patch_le(b, b.size() - 4, crc32(b.data(), b.size() - 4), 4);
}

// Offsets in a file holding kSpec (L = 12): dtype at 12 + L, count at 16 + L, params at 24 + L.
constexpr std::size_t kSpecLenAt = 8, kDtypeAt = 24, kCountAt = 28, kParamsAt = 36;

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

}  // namespace

TEST_CASE("crc32 matches the standard check value", "[weights]") {
  const std::string s = "123456789";
  CHECK(crc32(reinterpret_cast<const uint8_t*>(s.data()), s.size()) == 0xCBF43926u);
  CHECK(crc32(nullptr, 0) == 0u);
}

TEST_CASE("encode_weights lays out the documented bytes", "[weights]") {
  const float p[] = {1.0f, -2.0f};
  const auto b = encode_weights("{}", p, 2);
  // 4 magic + 4 version + 4 length + 2 spec + 4 dtype + 8 count + 2*4 params + 4 crc = 38.
  REQUIRE(b.size() == 38);
  const std::vector<uint8_t> head = {'C', 'V', 'A', 'W', 1, 0, 0, 0, 2, 0, 0, 0, '{', '}', 0, 0, 0,
                                     0, 2, 0, 0, 0, 0, 0, 0, 0,
                                     // 1.0f = 0x3F800000, -2.0f = 0xC0000000, little-endian
                                     0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0};
  CHECK(std::vector<uint8_t>(b.begin(), b.end() - 4) == head);
  const uint32_t crc = crc32(b.data(), 34);
  CHECK(std::vector<uint8_t>(b.end() - 4, b.end()) ==
        std::vector<uint8_t>{uint8_t(crc), uint8_t(crc >> 8), uint8_t(crc >> 16),
                             uint8_t(crc >> 24)});

  // float16: dtype 1, 1.0 = 0x3C00, -2.0 = 0xC000; 38 - 2*2 = 34 bytes.
  const auto h = encode_weights("{}", p, 2, WeightsDtype::f16);
  REQUIRE(h.size() == 34);
  CHECK(h[14] == 1);
  CHECK(std::vector<uint8_t>(h.begin() + 26, h.begin() + 30) ==
        std::vector<uint8_t>{0x00, 0x3C, 0x00, 0xC0});
}

TEST_CASE("float32 round trip is exact", "[weights]") {
  const std::vector<float> p = {0.0f,        -0.0f,
                                1.0f / 3.0f, -1e-40f /* subnormal */,
                                3.4e38f,     std::numeric_limits<float>::min()};
  const WeightsFile f = decode(encode_weights(kSpec, p.data(), p.size()));
  CHECK(f.spec_json == kSpec);
  CHECK(f.dtype == WeightsDtype::f32);
  REQUIRE(f.params.size() == p.size());
  for (std::size_t i = 0; i < p.size(); ++i) CHECK(bits(f.params[i]) == bits(p[i]));
}

TEST_CASE("float16 round trip is within 1e-3 relative", "[weights]") {
  const WeightsFile f = decode(encode(WeightsDtype::f16));
  CHECK(f.dtype == WeightsDtype::f16);
  CHECK(f.spec_json == kSpec);
  REQUIRE(f.params.size() == kParams.size());
  // Half has 11 significant bits: relative error <= 2^-11 = 4.9e-4 for normal values.
  for (std::size_t i = 0; i < kParams.size(); ++i)
    CHECK_THAT(f.params[i], WithinRel(kParams[i], 1e-3f));
}

TEST_CASE("empty spec and no parameters round trip", "[weights]") {
  const auto b = encode_weights("", nullptr, 0);
  CHECK(b.size() == 28);
  const WeightsFile f = decode(b);
  CHECK(f.spec_json.empty());
  CHECK(f.params.empty());
}

TEST_CASE("half conversion of special values", "[weights][half]") {
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(float_to_half(1.0f) == 0x3C00);
  CHECK(float_to_half(-2.0f) == 0xC000);
  CHECK(float_to_half(65504.0f) == 0x7BFF);               // largest finite half
  CHECK(float_to_half(std::ldexp(1.0f, -24)) == 0x0001);  // smallest subnormal 2^-24
  CHECK(float_to_half(std::ldexp(1.0f, -14)) == 0x0400);  // smallest normal
  CHECK(float_to_half(inf) == 0x7C00);
  CHECK(float_to_half(-inf) == 0xFC00);
  const uint16_t nan = float_to_half(std::numeric_limits<float>::quiet_NaN());
  CHECK((nan & 0x7C00) == 0x7C00);
  CHECK((nan & 0x03FF) != 0);

  CHECK(half_to_float(0x3C00) == 1.0f);
  CHECK(half_to_float(0x7BFF) == 65504.0f);
  CHECK(half_to_float(0x0001) == std::ldexp(1.0f, -24));
  CHECK(half_to_float(0x03FF) == 1023 * std::ldexp(1.0f, -24));  // largest subnormal
  CHECK(half_to_float(0x7C00) == inf);
  CHECK(half_to_float(0xFC00) == -inf);
  CHECK(std::isnan(half_to_float(0x7E00)));
  CHECK(std::signbit(half_to_float(0x8000)));
}

TEST_CASE("half conversion rounds to nearest even", "[weights][half]") {
  // Near 1 the half spacing is 2^-10. 1 + 2^-11 is halfway between 0x3C00 (even) and
  // 0x3C01: stays 0x3C00. 1 + 3*2^-11 is halfway between 0x3C01 and 0x3C02 (even).
  CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);
  CHECK(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3C02);
  CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)) == 0x3C01);
  // 65520 is halfway between 65504 (0x7BFF, odd) and 65536 (= inf): rounds to inf.
  CHECK(float_to_half(65519.0f) == 0x7BFF);
  CHECK(float_to_half(65520.0f) == 0x7C00);
  // 2^-25 is halfway between 0 (even) and 2^-24: rounds to 0; 1.5 * 2^-25 rounds up.
  CHECK(float_to_half(std::ldexp(1.0f, -25)) == 0x0000);
  CHECK(float_to_half(1.5f * std::ldexp(1.0f, -25)) == 0x0001);
  // 2^-24 * 2.5 is halfway between subnormals 2 and 3: rounds to even 2.
  CHECK(float_to_half(2.5f * std::ldexp(1.0f, -24)) == 0x0002);
  // Largest subnormal + half a step carries into the smallest normal 0x0400.
  CHECK(float_to_half(1023.5f * std::ldexp(1.0f, -24)) == 0x0400);
  CHECK(float_to_half(1e-30f) == 0x0000);
  CHECK(float_to_half(-1e-30f) == 0x8000);
}

TEST_CASE("every non-NaN half survives half -> float -> half", "[weights][half]") {
  int mismatches = 0;
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    const bool is_nan = (h & 0x7C00) == 0x7C00 && (h & 0x03FF) != 0;
    if (!is_nan && float_to_half(half_to_float(uint16_t(h))) != h) ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("decode_weights rejects corrupt files", "[weights]") {
  auto b = encode();
  REQUIRE(b.size() == kParamsAt + 4 * kParams.size() + 4);

  SECTION("too short") {
    const std::vector<uint8_t> tiny(10, 0);
    REQUIRE_THROWS_AS(decode(tiny), Error);
    REQUIRE_THROWS_WITH(decode(tiny), Contains("is 10 bytes, shorter than the 28-byte minimum"));
  }
  SECTION("bad magic") {
    b[0] = 'X';
    REQUIRE_THROWS_WITH(decode(b), Contains("expected magic \"CVAW\""));
  }
  SECTION("unsupported version") {
    patch_le(b, 4, 2, 4);
    REQUIRE_THROWS_WITH(decode(b), Contains("version is 2, this build reads version 1"));
  }
  SECTION("spec length beyond the buffer") {
    patch_le(b, kSpecLenAt, 1000, 4);
    REQUIRE_THROWS_WITH(decode(b), Contains("spec_json length is 1000 bytes"));
  }
  SECTION("spec length 0xFFFFFFFF") {
    patch_le(b, kSpecLenAt, 0xFFFFFFFFu, 4);
    REQUIRE_THROWS_WITH(decode(b), Contains("spec_json length is 4294967295 bytes"));
  }
  SECTION("bad dtype") {
    patch_le(b, kDtypeAt, 7, 4);
    REQUIRE_THROWS_WITH(decode(b), Contains("dtype is 7, expected 0 (float32) or 1 (float16)"));
  }
  SECTION("huge u64 count cannot overflow the size check") {
    patch_le(b, kCountAt, 0xFFFFFFFFFFFFFFFFull, 8);
    REQUIRE_THROWS_WITH(decode(b), Contains("param count is 18446744073709551615"));
  }
  SECTION("count 2^62: times 4 would wrap to 0 in 64 bits") {
    patch_le(b, kCountAt, 1ull << 62, 8);
    REQUIRE_THROWS_WITH(decode(b), Contains("param count is 4611686018427387904"));
  }
  SECTION("truncated: last byte missing") {
    b.pop_back();
    REQUIRE_THROWS_WITH(decode(b), Contains("param count is 4 (4 bytes each), but only 15"));
  }
  SECTION("extra bytes") {
    b.push_back(0);
    b.push_back(0);
    REQUIRE_THROWS_WITH(decode(b), Contains("has 2 unexpected bytes after its 4 parameters"));
  }
  SECTION("one flipped bit") {
    b[kParamsAt + 5] ^= 0x10;
    REQUIRE_THROWS_WITH(decode(b), Contains("checksum is 0x") && Contains("contents hash to 0x"));
  }
  SECTION("NaN parameter, with a valid checksum") {
    patch_le(b, kParamsAt + 4 * 2, 0x7FC00000u, 4);  // quiet NaN as parameter 2
    reseal(b);
    REQUIRE_THROWS_WITH(decode(b), Contains("parameter 2 is nan, expected a finite number"));
  }
  SECTION("inf float16 parameter, with a valid checksum") {
    auto h = encode(WeightsDtype::f16);
    patch_le(h, kParamsAt + 2 * 3, 0x7C00u, 2);
    reseal(h);
    REQUIRE_THROWS_WITH(decode(h), Contains("parameter 3 is inf"));
  }
}

TEST_CASE("encode_weights refuses parameters that could not be loaded back", "[weights]") {
  const float nan[] = {1.0f, std::numeric_limits<float>::quiet_NaN()};
  REQUIRE_THROWS_WITH(encode_weights(kSpec, nan, 2), Contains("parameter 1 is nan"));
  const float big[] = {1e5f};  // beyond float16's 65504
  REQUIRE_THROWS_WITH(encode_weights(kSpec, big, 1, WeightsDtype::f16),
                      Contains("parameter 0 is 100000") && Contains("65504"));
}

TEST_CASE("half_to_float gives every half's value", "[weights][half]") {
  // All 65,536 halves against the definition: (-1)^s * 2^(e-15) * (1 + m/1024) for normals,
  // 2^-24 * m for subnormals, inf and NaN (payload kept) for e = 31.
  for (uint32_t h = 0; h <= 0xFFFFu; ++h) {
    const uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
    const float inf = std::numeric_limits<float>::infinity();
    const float magnitude = e == 0    ? std::ldexp(float(m), -24)
                            : e == 31 ? (m ? std::numeric_limits<float>::quiet_NaN() : inf)
                                      : std::ldexp(1.0f + float(m) / 1024.0f, int(e) - 15);
    const float expected = (h & 0x8000u) ? -magnitude : magnitude;
    const float got = half_to_float(uint16_t(h));
    INFO("half 0x" << std::hex << h);
    if (e == 31 && m != 0) {
      REQUIRE(std::isnan(got));
      REQUIRE((bits(got) & 0x7FFFFFu) == m << 13);  // the payload, in the top mantissa bits
      REQUIRE(std::signbit(got) == bool(h & 0x8000u));
    } else {
      REQUIRE(bits(got) == bits(expected));
    }
  }
}

TEST_CASE("crc32 matches a bit-at-a-time CRC at every length and alignment", "[weights]") {
  const auto slow = [](const uint8_t* p, std::size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) {
      c ^= p[i];
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
  };
  std::vector<uint8_t> b(80);
  uint32_t x = 12345;
  for (auto& v : b) v = uint8_t((x = x * 1103515245u + 12345u) >> 23);
  for (std::size_t start = 0; start < 4; ++start) {
    for (std::size_t n = 0; start + n <= b.size(); ++n) {
      INFO("bytes [" << start << ", " << start + n << ")");
      REQUIRE(crc32(b.data() + start, n) == slow(b.data() + start, n));
    }
  }
}
