// Tests for Rng: jumping ahead is the same as drawing.
#include <catch2/catch.hpp>
#include <cstdint>

#include "convaula/rng.h"

using namespace convaula;

TEST_CASE("Rng::advance(n) leaves the generator where n draws leave it", "[rng]") {
  for (const uint64_t n : {0ull, 1ull, 2ull, 3ull, 64ull, 1000ull, 123457ull, 1179648ull}) {
    Rng drawn(42, 7), jumped(42, 7);
    for (uint64_t i = 0; i < n; ++i) drawn.next_u32();
    jumped.advance(n);
    INFO("n = " << n);
    for (int k = 0; k < 4; ++k) CHECK(drawn.next_u32() == jumped.next_u32());
  }
}
