// Tests for Dropout: the dropped fraction, inverted scaling, inference identity, mask reuse and seeding.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "convaula/error.h"
#include "convaula/layers/dropout.h"
#include "grad_check.h"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;
using namespace convaula::test;

namespace {

constexpr int kValues = 100000;

Dropout seeded_dropout(float rate, uint64_t seed) {
  Dropout d(rate);
  Rng rng(seed);
  d.init(rng);
  return d;
}

}  // namespace

TEST_CASE("Dropout in training drops `rate` of the values and scales the rest", "[dropout]") {
  for (float rate : {0.25f, 0.5f}) {
    INFO("rate " << rate);
    Dropout d = seeded_dropout(rate, 3);
    Tensor x({1, kValues, 1, 1}), out(x.shape());
    x.fill(1.0f);
    d.forward(x, out, true);
    const float keep = 1.0f / (1.0f - rate);  // 4/3 for 0.25, 2 for 0.5
    int dropped = 0;
    double sum = 0;
    bool only_two_values = true;
    for (int i = 0; i < kValues; ++i) {
      dropped += out[i] == 0.0f;
      sum += out[i];
      only_two_values = only_two_values && (out[i] == 0.0f || out[i] == keep);
    }
    CHECK(only_two_values);
    // Binomial(1e5, rate): one standard deviation is at most 0.0016 of the count.
    CHECK_THAT(static_cast<double>(dropped) / kValues, WithinAbs(rate, 0.01));
    // Inverted dropout keeps the expectation: mean of the outputs stays 1.
    CHECK_THAT(sum / kValues, WithinAbs(1.0, 0.02));
  }
}

TEST_CASE("Dropout in inference passes values through unchanged", "[dropout]") {
  Dropout d = seeded_dropout(0.5f, 3);
  Rng rng(1);
  const Tensor x = random_tensor({2, 3, 5, 5}, rng);
  Tensor out(x.shape());
  d.forward(x, out, false);
  for (std::size_t i = 0; i < x.size(); ++i) CHECK_THAT(out[i], WithinAbs(x[i], 0));
}

TEST_CASE("Dropout backward applies the forward pass's mask", "[dropout]") {
  Dropout d = seeded_dropout(0.4f, 9);
  Rng rng(2);
  const Tensor x = random_tensor({4, 50, 1, 1}, rng);
  Tensor out(x.shape());
  d.forward(x, out, true);
  const Tensor dout = random_tensor(x.shape(), rng);
  Tensor dout_copy = dout, din(x.shape());
  d.backward(x, out, dout_copy, &din);
  const float keep = 1.0f / 0.6f;
  int dropped = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const bool was_dropped = out[i] == 0.0f;
    dropped += was_dropped;
    // d out / d x is the mask itself: 0 or 1/(1 - rate).
    CHECK_THAT(din[i], WithinAbs(was_dropped ? 0.0f : dout[i] * keep, 1e-6));
  }
  CHECK(dropped > 0);
  CHECK(dropped < static_cast<int>(x.size()));
}

TEST_CASE("Dropout masks follow the seed", "[dropout]") {
  Tensor x({1, 1000, 1, 1}), out(x.shape());
  x.fill(1.0f);
  const auto mask_of = [&](Dropout& d) {
    d.forward(x, out, true);
    return std::vector<float>(d.mask().data(), d.mask().data() + d.mask().size());
  };
  Dropout a = seeded_dropout(0.5f, 42), b = seeded_dropout(0.5f, 42), c = seeded_dropout(0.5f, 43);
  const auto ma = mask_of(a);
  CHECK(ma == mask_of(b));
  CHECK(ma != mask_of(c));
  CHECK(ma != mask_of(a));  // each training pass draws a fresh mask
}

TEST_CASE("Dropout with rate 0 is the identity, also in training", "[dropout]") {
  Dropout d = seeded_dropout(0.0f, 1);
  Rng rng(4);
  const Tensor x = random_tensor({2, 10, 1, 1}, rng);
  Tensor out(x.shape()), dout = x, din(x.shape());
  d.forward(x, out, true);
  d.backward(x, out, dout, &din);
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK_THAT(out[i], WithinAbs(x[i], 0));
    CHECK_THAT(din[i], WithinAbs(x[i], 0));
  }
}

TEST_CASE("Dropout rejects rates below 0 or from 1 up", "[dropout][errors]") {
  for (float rate : {1.0f, -0.1f, 1.5f, NAN}) {
    INFO("rate " << rate);
    try {
      Dropout d(rate);
      FAIL("expected Error(bad_spec)");
    } catch (const Error& e) {
      CHECK(e.code() == "bad_spec");
    }
  }
}
