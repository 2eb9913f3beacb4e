// Rng: a small portable random generator, so the same seed gives the same
// weights, shuffles and dropout masks on every compiler and on wasm
// (std:: distributions are not specified bit-for-bit across libraries).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

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
    state_ = old * kMultiplier + inc_;
    auto xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    auto rot = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
  }

  // As `delta` calls of next_u32(), in O(log delta) steps: the LCG's jump ahead (O'Neill's
  // pcg32_advance, after Brown, "Random Number Generation with Arbitrary Strides", 1994).
  void advance(uint64_t delta) {
    uint64_t mult = kMultiplier, plus = inc_;  // one step: state * mult + plus
    uint64_t acc_mult = 1, acc_plus = 0;       // the steps taken so far, composed
    for (; delta > 0; delta >>= 1) {
      if (delta & 1u) {
        acc_mult *= mult;
        acc_plus = acc_plus * mult + plus;
      }
      plus = (mult + 1) * plus;  // two steps of (mult, plus) are one of (mult², (mult + 1)·plus)
      mult *= mult;
    }
    state_ = acc_mult * state_ + acc_plus;
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
  static constexpr uint64_t kMultiplier = 6364136223846793005ULL;
  uint64_t state_ = 0, inc_ = 1;
};

// Fisher-Yates over v[0..n) with our portable Rng: identical shuffles on every platform.
inline void shuffle(uint32_t* v, std::size_t n, Rng& rng) {
  for (std::size_t i = n; i > 1; --i) std::swap(v[i - 1], v[rng.below(static_cast<uint32_t>(i))]);
}

}  // namespace convaula
