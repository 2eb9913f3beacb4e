// idx_bytes.h: MNIST IDX files built in memory (mnist.h's layout), for the parser and session tests.
#pragma once

#include <cstdint>
#include <vector>

namespace convaula::test {

inline void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
}

inline std::vector<uint8_t> idx_images(uint32_t magic, uint32_t count, uint32_t rows, uint32_t cols,
                                       const std::vector<uint8_t>& pixels) {
  std::vector<uint8_t> out;
  for (uint32_t v : {magic, count, rows, cols}) put_be32(out, v);
  out.insert(out.end(), pixels.begin(), pixels.end());
  return out;
}

inline std::vector<uint8_t> idx_labels(uint32_t magic, uint32_t count,
                                       const std::vector<uint8_t>& labels) {
  std::vector<uint8_t> out;
  put_be32(out, magic);
  put_be32(out, count);
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

}  // namespace convaula::test
