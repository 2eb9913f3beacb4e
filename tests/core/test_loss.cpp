// Tests for softmax + categorical cross-entropy: hand values, Keras's clipping, and the fused
// gradient (p - onehot) / N against central differences through the softmax.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "convaula/loss.h"
#include "grad_check.h"
#include "kernels.h"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;
using namespace convaula::test;

TEST_CASE("Cross-entropy hand values", "[loss]") {
  // One image, probabilities [0.7, 0.2, 0.1], true class 0: -ln(0.7) = 0.3566749.
  const float p[] = {0.7f, 0.2f, 0.1f};
  const uint8_t label0[] = {0};
  CHECK_THAT(softmax_cross_entropy(p, label0, 1, 3, nullptr), WithinRel(0.3566749, 1e-6));
  // Batch of two: the mean. Second image [0.25, 0.25, 0.5], class 2: -ln(0.5) = 0.6931472.
  //   (0.3566749 + 0.6931472) / 2 = 0.5249111
  const float p2[] = {0.7f, 0.2f, 0.1f, 0.25f, 0.25f, 0.5f};
  const uint8_t labels[] = {0, 2};
  std::vector<float> d(6);
  CHECK_THAT(softmax_cross_entropy(p2, labels, 2, 3, d.data()), WithinRel(0.5249111, 1e-6));
  // Fused gradient (p - onehot) / N with N = 2:
  //   image 0: [(0.7 - 1)/2, 0.2/2, 0.1/2] = [-0.15, 0.1, 0.05]
  //   image 1: [0.25/2, 0.25/2, (0.5 - 1)/2] = [0.125, 0.125, -0.25]
  const float expected[] = {-0.15f, 0.1f, 0.05f, 0.125f, 0.125f, -0.25f};
  for (int i = 0; i < 6; ++i) CHECK_THAT(d[i], WithinAbs(expected[i], 1e-7));
}

TEST_CASE("Cross-entropy clips probabilities to 1e-7 .. 1 - 1e-7 like Keras", "[loss]") {
  // p = 0 for the true class would be -ln(0) = inf; clipped: -ln(1e-7) = 16.118096.
  const float wrong[] = {0.0f, 1.0f};
  const uint8_t label0[] = {0};
  CHECK_THAT(softmax_cross_entropy(wrong, label0, 1, 2, nullptr), WithinRel(16.118096, 1e-6));
  // p = 1 is clipped to 1 - 1e-7 (0.99999988 in float): a tiny positive loss, -ln of it = 1.19e-7.
  const float right[] = {1.0f, 0.0f};
  const float loss = softmax_cross_entropy(right, label0, 1, 2, nullptr);
  CHECK(loss > 0.0f);
  CHECK_THAT(loss, WithinAbs(1.1920929e-7, 1e-8));
}

TEST_CASE("The fused gradient equals d loss(softmax(z)) / dz", "[loss][grad]") {
  const int n = 3, k = 5;
  Rng rng(21);
  std::vector<float> z(n * k);
  for (auto& v : z) v = rng.uniform(-2.0f, 2.0f);
  const uint8_t labels[] = {4, 0, 2};
  std::vector<float> probs(z.size());
  const auto softmax = [&] {
    probs = z;
    kernels::bias_act_cols_ref(kernels::Act::softmax, probs.data(), nullptr, n, k);
  };
  softmax();
  std::vector<float> dz(z.size());
  softmax_cross_entropy(probs.data(), labels, n, k, dz.data());
  const auto numeric = numeric_gradient(z.data(), z.size(), 1e-2f, [&] {
    softmax();
    return static_cast<double>(softmax_cross_entropy(probs.data(), labels, n, k, nullptr));
  });
  require_gradients_match({compare_gradients("logits", dz.data(), numeric)});
}

TEST_CASE("argmax returns the first of equal maxima, like numpy", "[loss]") {
  const float v[] = {0.1f, 0.4f, 0.4f, 0.1f};
  CHECK(argmax(v, 4) == 1);
  const float one[] = {-3.0f};
  CHECK(argmax(one, 1) == 0);
}
