// Weights file: the versioned binary format that stores a model's spec and parameters.
//
// Layout, all integers little-endian:
//   offset  size  field
//   0       4     magic "CVAW"
//   4       4     u32 version = 1
//   8       4     u32 L = byte length of the spec JSON
//   12      L     ModelSpec JSON, UTF-8
//   12+L    4     u32 dtype: 0 = float32, 1 = float16 (IEEE 754 binary16)
//   16+L    8     u64 P = parameter count
//   24+L    P*w   parameters, w = 4 (float32) or 2 (float16), little-endian
//   end-4   4     u32 CRC-32 (IEEE, polynomial 0xEDB88320) of every byte before it
// The spec travels with the numbers so a file can never be loaded into the wrong model
// without that being noticed; float16 halves the download for the web page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace convaula {

enum class WeightsDtype : uint32_t { f32 = 0, f16 = 1 };

inline constexpr uint32_t kWeightsVersion = 1;

// params is (count). Throws Error(errc::bad_weights) if a parameter is NaN/inf, or
// (for f16) too large for float16, since such a file could not be loaded back.
std::vector<uint8_t> encode_weights(const std::string& spec_json, const float* params,
                                    std::size_t count, WeightsDtype dtype = WeightsDtype::f32);

struct WeightsFile {
  std::string spec_json;
  std::vector<float> params;
  WeightsDtype dtype = WeightsDtype::f32;
};

// Throws Error(errc::bad_weights) saying what was expected and what was found.
WeightsFile decode_weights(const uint8_t* data, std::size_t size);

// decode_weights in two halves, for a caller that decodes the parameters straight into their
// final buffer (load_model: no second copy of a network's weights). read_weights checks the
// structure and the checksum; `raw` points into the caller's bytes, which must outlive it.
struct WeightsHeader {
  std::string spec_json;
  WeightsDtype dtype = WeightsDtype::f32;
  std::size_t count = 0;
  const uint8_t* raw = nullptr;
};
WeightsHeader read_weights(const uint8_t* data, std::size_t size);
// Writes the header's `count` parameters to out; throws Error(bad_weights) naming the first
// one that is not finite (out is then partly written).
void decode_params(const WeightsHeader& h, float* out);

// IEEE binary16 conversion; round-to-nearest-even, keeps subnormals, inf and NaN.
uint16_t float_to_half(float f);
float half_to_float(uint16_t h);

// Standard CRC-32 (as zlib's crc32 and PNG): reflected polynomial 0xEDB88320,
// initial value and final xor 0xFFFFFFFF. crc32("123456789") = 0xCBF43926.
uint32_t crc32(const uint8_t* data, std::size_t size);

}  // namespace convaula
