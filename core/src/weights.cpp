// Weights file encoding and strict decoding, float16 conversion and CRC-32.
#include "convaula/weights.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "convaula/error.h"

namespace convaula {

namespace {

constexpr uint8_t kMagic[4] = {'C', 'V', 'A', 'W'};
constexpr std::size_t kCrcBytes = 4;
// magic + version + spec length + dtype + param count + CRC, with an empty spec and no params.
constexpr std::size_t kMinSize = 4 + 4 + 4 + 4 + 8 + kCrcBytes;

// std::bit_cast without <bit>: the libc++ of Debian's Emscripten 3.1.6 lacks it.
template <class To, class From>
To bit_copy(const From& from) {
  static_assert(sizeof(To) == sizeof(From));
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(v));
  return buf;
}

std::string float_str(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
  return buf;
}

void put_le(std::vector<uint8_t>& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t get_le(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

std::size_t dtype_width(WeightsDtype d) { return d == WeightsDtype::f16 ? 2 : 4; }

// What a parameter becomes once stored: float16 rounds it, float32 keeps it.
float stored_value(float v, WeightsDtype d) {
  return d == WeightsDtype::f16 ? half_to_float(float_to_half(v)) : v;
}

void check_finite_param(std::size_t i, float original, float stored, const char* context) {
  if (std::isfinite(stored)) return;
  throw Error(errc::bad_weights,
              std::string(context) + " parameter " + std::to_string(i) + " is " +
                  float_str(original) + ", expected a finite number" +
                  (std::isfinite(original) ? " within float16's range (|x| <= 65504)" : ""));
}

// Reads the body (everything the CRC covers) front to back; callers check room first.
struct Cursor {
  const uint8_t* data;
  std::size_t size;
  std::size_t pos = 0;

  std::size_t remaining() const { return size - pos; }
  uint64_t uint(int bytes) {
    const uint64_t v = get_le(data + pos, bytes);
    pos += bytes;
    return v;
  }
  const uint8_t* take(std::size_t n) {
    const uint8_t* p = data + pos;
    pos += n;
    return p;
  }
};

void check_size_and_magic(const uint8_t* data, std::size_t size) {
  if (size < kMinSize || data == nullptr) {
    throw Error(errc::bad_weights, "weights file is " + std::to_string(size) +
                                       " bytes, shorter than the " + std::to_string(kMinSize) +
                                       "-byte minimum (header and checksum)");
  }
  if (!std::equal(kMagic, kMagic + 4, data)) {
    throw Error(errc::bad_weights, "weights file starts with " + hex32(uint32_t(get_le(data, 4))) +
                                       " (little-endian), expected magic \"CVAW\"");
  }
}

std::string read_spec(Cursor& in) {
  const uint64_t length = in.uint(4);
  // dtype (4) and param count (8) must still follow the spec.
  const std::size_t room = in.remaining() - 12;
  if (length > room) {
    throw Error(errc::bad_weights, "weights file spec_json length is " + std::to_string(length) +
                                       " bytes, but only " + std::to_string(room) +
                                       " bytes are available for it");
  }
  const uint8_t* p = in.take(length);
  return std::string(reinterpret_cast<const char*>(p), length);
}

WeightsDtype read_dtype(Cursor& in) {
  const uint64_t d = in.uint(4);
  if (d != uint32_t(WeightsDtype::f32) && d != uint32_t(WeightsDtype::f16)) {
    throw Error(errc::bad_weights, "weights file dtype is " + std::to_string(d) +
                                       ", expected 0 (float32) or 1 (float16)");
  }
  return static_cast<WeightsDtype>(d);
}

// Returns a pointer to the raw parameter bytes; the count is checked by division so a
// huge u64 cannot overflow the multiplication (size_t is 32 bits in wasm).
const uint8_t* take_params(Cursor& in, uint64_t count, WeightsDtype dtype) {
  const std::size_t width = dtype_width(dtype);
  if (count > in.remaining() / width) {
    throw Error(errc::bad_weights, "weights file param count is " + std::to_string(count) + " (" +
                                       std::to_string(width) + " bytes each), but only " +
                                       std::to_string(in.remaining()) +
                                       " bytes of parameters are present");
  }
  const uint8_t* p = in.take(count * width);
  if (in.remaining() != 0) {
    throw Error(errc::bad_weights, "weights file has " + std::to_string(in.remaining()) +
                                       " unexpected bytes after its " + std::to_string(count) +
                                       " parameters, expected only the 4-byte checksum");
  }
  return p;
}

void check_crc(const uint8_t* data, std::size_t size) {
  const std::size_t body = size - kCrcBytes;
  const uint32_t stored = uint32_t(get_le(data + body, 4));
  const uint32_t computed = crc32(data, body);
  if (stored != computed) {
    throw Error(errc::bad_weights, "weights file checksum is " + hex32(stored) +
                                       ", but its contents hash to " + hex32(computed) +
                                       " (file corrupted)");
  }
}

// t[0] is the byte-at-a-time table; t[k][n] is n's CRC advanced by k more zero bytes.
constexpr std::array<std::array<uint32_t, 256>, 4> make_crc_tables() {
  std::array<std::array<uint32_t, 256>, 4> t{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[0][n] = c;
  }
  for (int k = 1; k < 4; ++k)
    for (uint32_t n = 0; n < 256; ++n) t[k][n] = (t[k - 1][n] >> 8) ^ t[0][t[k - 1][n] & 0xFFu];
  return t;
}

}  // namespace

std::vector<uint8_t> encode_weights(const std::string& spec_json, const float* params,
                                    std::size_t count, WeightsDtype dtype) {
  if (spec_json.size() > UINT32_MAX) {
    throw Error(errc::bad_weights, "spec_json is " + std::to_string(spec_json.size()) +
                                       " bytes, more than a u32 length can hold");
  }
  const std::size_t width = dtype_width(dtype);
  std::vector<uint8_t> out;
  out.reserve(kMinSize + spec_json.size() + count * width);
  out.insert(out.end(), kMagic, kMagic + 4);
  put_le(out, kWeightsVersion, 4);
  put_le(out, spec_json.size(), 4);
  out.insert(out.end(), spec_json.begin(), spec_json.end());
  put_le(out, uint32_t(dtype), 4);
  put_le(out, count, 8);
  for (std::size_t i = 0; i < count; ++i) {
    check_finite_param(i, params[i], stored_value(params[i], dtype), "encode_weights:");
    const uint64_t bits =
        dtype == WeightsDtype::f16 ? float_to_half(params[i]) : bit_copy<uint32_t>(params[i]);
    put_le(out, bits, int(width));
  }
  put_le(out, crc32(out.data(), out.size()), 4);
  return out;
}

WeightsHeader read_weights(const uint8_t* data, std::size_t size) {
  check_size_and_magic(data, size);
  Cursor in{data, size - kCrcBytes, 4};
  const uint64_t version = in.uint(4);
  if (version != kWeightsVersion) {
    throw Error(errc::bad_weights, "weights file version is " + std::to_string(version) +
                                       ", this build reads version " +
                                       std::to_string(kWeightsVersion));
  }
  WeightsHeader h;
  h.spec_json = read_spec(in);
  h.dtype = read_dtype(in);
  const uint64_t count = in.uint(8);
  h.raw = take_params(in, count, h.dtype);
  h.count = std::size_t(count);
  // Structure first (its errors say more), then integrity; the values when decoded.
  check_crc(data, size);
  return h;
}

void decode_params(const WeightsHeader& h, float* out) {
  // Branch-free conversions the compiler vectorizes (a network's 1.2 M parameters are decoded
  // on the page's way to its first answer); one finiteness check per block of values.
  constexpr std::size_t kBlock = 4096;
  for (std::size_t b = 0; b < h.count; b += kBlock) {
    const std::size_t e = std::min(h.count, b + kBlock);
    if (h.dtype == WeightsDtype::f16) {
      for (std::size_t i = b; i < e; ++i) out[i] = half_to_float(uint16_t(get_le(h.raw + 2 * i, 2)));
    } else {
      for (std::size_t i = b; i < e; ++i) out[i] = bit_copy<float>(uint32_t(get_le(h.raw + 4 * i, 4)));
    }
    bool finite = true;
    for (std::size_t i = b; i < e; ++i) finite &= std::isfinite(out[i]);
    if (finite) continue;
    for (std::size_t i = b; i < e; ++i) check_finite_param(i, out[i], out[i], "weights file");
  }
}

WeightsFile decode_weights(const uint8_t* data, std::size_t size) {
  const WeightsHeader h = read_weights(data, size);
  WeightsFile f;
  f.spec_json = h.spec_json;
  f.dtype = h.dtype;
  f.params.resize(h.count);
  decode_params(h, f.params.data());
  return f;
}

uint16_t float_to_half(float f) {
  const uint32_t x = bit_copy<uint32_t>(f);
  const uint16_t sign = uint16_t((x >> 16) & 0x8000u);
  const uint32_t abs = x & 0x7FFFFFFFu;
  if (abs >= 0x7F800000u) {
    // inf stays inf; NaN keeps its top payload bits and is forced quiet so it stays NaN.
    const uint16_t nan_bits = abs > 0x7F800000u ? uint16_t(0x200u | ((abs >> 13) & 0x3FFu)) : 0;
    return uint16_t(sign | 0x7C00u | nan_bits);
  }
  const int exp = int(abs >> 23) - 127 + 15;  // rebiased exponent
  if (exp >= 31) return uint16_t(sign | 0x7C00u);
  // The significand with its implicit 1 is shifted right by `shift` bits: 13 for normals
  // (23 -> 10 mantissa bits), more for subnormals, whose unit is 2^-24.
  const uint32_t mant = (abs & 0x7FFFFFu) | 0x800000u;
  const int shift = exp >= 1 ? 13 : 14 - exp;
  if (shift > 24) return sign;  // below half the smallest subnormal: rounds to zero
  uint32_t h = exp >= 1 ? (uint32_t(exp) << 10) | ((mant >> 13) & 0x3FFu) : mant >> shift;
  const uint32_t rem = mant & ((1u << shift) - 1);
  const uint32_t halfway = 1u << (shift - 1);
  // A carry out of the mantissa correctly bumps the exponent (and 65520+ becomes inf).
  if (rem > halfway || (rem == halfway && (h & 1u))) ++h;
  return uint16_t(sign | h);
}

float half_to_float(uint16_t h) {
  // The 15 bits below the sign, moved to a float's exponent and mantissa positions, read as
  // 2^-112 times the half's magnitude: normals and subnormals alike (the float is then
  // subnormal itself), so one multiply rescales both. Exponent 31 (inf, NaN) maps to 255.
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  const uint32_t magnitude = uint32_t(h & 0x7FFFu) << 13;
  const float scaled = bit_copy<float>(magnitude) * 0x1p112f;
  const uint32_t bits = magnitude >= (0x7C00u << 13) ? 0x7F800000u | magnitude : bit_copy<uint32_t>(scaled);
  return bit_copy<float>(sign | bits);
}

uint32_t crc32(const uint8_t* data, std::size_t size) {
  // Slicing by 4: four table lookups per 4 bytes instead of one per byte.
  static constexpr std::array<std::array<uint32_t, 256>, 4> t = make_crc_tables();
  uint32_t c = 0xFFFFFFFFu;
  std::size_t i = 0;
  for (; i + 4 <= size; i += 4) {
    c ^= uint32_t(data[i]) | uint32_t(data[i + 1]) << 8 | uint32_t(data[i + 2]) << 16 | uint32_t(data[i + 3]) << 24;
    c = t[3][c & 0xFFu] ^ t[2][(c >> 8) & 0xFFu] ^ t[1][(c >> 16) & 0xFFu] ^ t[0][c >> 24];
  }
  for (; i < size; ++i) c = t[0][(c ^ data[i]) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace convaula
