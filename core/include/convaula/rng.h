// Rng: a small portable random generator, so the same seed gives the same
// weights, shuffles and dropout masks on every compiler and on wasm
// (std:: distributions are not specified bit-for-bit across libraries).
#pragma once

#include <cstdint>

namespace convaula {

// PCG32 (O'Neill, pcg-random.org): 64-bit state, 32-bit output, tiny and well tested.
class Rng {
 public:
  explicit Rng(uint64_t seed = 1, uint64_t stream = 0) { reseed(seed, stream); }

  void reseed(uint64_t seed, uint64_t stream = 0) {
    state_ = 0;
    inc_ = (stream << 1u) | 1u;
    next_u32();
    state_ += seed;
    next_u32();
  }

  uint32_t next_u32() {
    uint64_t old = state_;
    state_ = old * 6364136223846793005ULL + inc_;
    auto xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    auto rot = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
  }

  // Uniform in [0, 1) with 24 random bits: exactly representable as float.
  float uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

  // Uniform integer in [0, n), unbiased (Lemire's rejection method).
  uint32_t below(uint32_t n) {
    uint64_t m = static_cast<uint64_t>(next_u32()) * n;
    auto low = static_cast<uint32_t>(m);
    if (low < n) {
      uint32_t threshold = (0u - n) % n;
      while (low < threshold) {
        m = static_cast<uint64_t>(next_u32()) * n;
        low = static_cast<uint32_t>(m);
      }
    }
    return static_cast<uint32_t>(m >> 32);
  }

 private:
  uint64_t state_ = 0, inc_ = 1;
};

}  // namespace convaula
