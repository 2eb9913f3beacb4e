// session_helpers.h: a tiny two-class model and data set, and the small acts the session tests share.
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "convaula/error.h"
#include "convaula/rng.h"
#include "convaula/session.h"
#include "idx_bytes.h"

namespace convaula::test {

// 8x8 images, two classes: class 0 bright on the left half, class 1 on the right.
inline constexpr int kSide = 8;

inline ModelSpec tiny_spec(const std::string& optimizer = R"({"type": "adam", "lr": 0.01})") {
  return ModelSpec::from_json(R"({
    "name": "tiny", "input": [8, 8, 1],
    "layers": [
      {"type": "conv2d", "filters": 4, "kernel": 3, "activation": "relu"},
      {"type": "max_pooling2d", "pool": 2},
      {"type": "dropout", "rate": 0.25},
      {"type": "flatten"},
      {"type": "dense", "units": 8, "activation": "relu"},
      {"type": "dense", "units": 2, "activation": "softmax"}],
    "optimizer": )" + optimizer + R"(, "batch_size": 16, "epochs": 2, "seed": 3})");
}

// An IDX pair (images, labels) of n such images.
struct IdxPair {
  std::vector<uint8_t> images, labels;
};
// random_labels: labels drawn apart from the images, so nothing can be learnt.
inline IdxPair halves(int n, uint64_t seed, bool random_labels = false) {
  Rng rng(seed), other(seed + 100);
  std::vector<uint8_t> pixels, labels;
  for (int i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng.below(2));
    labels.push_back(static_cast<uint8_t>(random_labels ? other.below(2) : label));
    for (int y = 0; y < kSide; ++y)
      for (int x = 0; x < kSide; ++x)
        pixels.push_back(((x < kSide / 2) == (label == 0) ? 200 : 50) + static_cast<int>(rng.below(40)));
  }
  return {idx_images(0x803, n, kSide, kSide, pixels), idx_labels(0x801, n, labels)};
}

// a's images, then b's, as one IDX pair.
inline IdxPair joined(const IdxPair& a, const IdxPair& b) {
  constexpr std::size_t kImagesHeader = 16, kLabelsHeader = 8;
  std::vector<uint8_t> pixels(a.images.begin() + kImagesHeader, a.images.end());
  pixels.insert(pixels.end(), b.images.begin() + kImagesHeader, b.images.end());
  std::vector<uint8_t> labels(a.labels.begin() + kLabelsHeader, a.labels.end());
  labels.insert(labels.end(), b.labels.begin() + kLabelsHeader, b.labels.end());
  const auto n = static_cast<uint32_t>(labels.size());
  return {idx_images(0x803, n, kSide, kSide, pixels), idx_labels(0x801, n, labels)};
}

// A session with the tiny model in principal, 96 training and 40 test images.
inline void ready(Session& s) {
  s.build(kPrincipal, tiny_spec());
  const IdxPair train = halves(96, 1), test = halves(40, 2);
  REQUIRE(s.load_train(train.images, train.labels) == 96);
  REQUIRE(s.load_test(test.images, test.labels) == 40);
}

inline std::vector<float> params_of(const Session& s, const std::string& slot = kPrincipal) {
  const Sequential& m = s.model(slot);
  return {m.params(), m.params() + m.param_count()};
}

inline std::vector<float> image(float left, float right) {
  std::vector<float> x(kSide * kSide);
  for (int i = 0; i < kSide * kSide; ++i) x[i] = i % kSide < kSide / 2 ? left : right;
  return x;
}

// TrainSettings with every field given (GCC 12 warns about designated initializers that skip one).
inline TrainSettings run(int epochs, int batch_size, std::string optimizer_json, int limit, int val_limit = 0,
                         double validation_split = 0) {
  return {epochs, batch_size, std::move(optimizer_json), limit, val_limit, validation_split};
}

inline int train_to_end(Session& s) {
  int steps = 0;
  for (bool done = false; !done; ++steps) done = s.train_step().done;
  s.train_end();
  return steps;
}

// The error an operation throws, as "code: message" ("" when it does not throw).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code() + ": " + e.what();
  }
  return "";
}

inline void check_code(const std::function<void()>& f, const std::string& code) {
  try {
    f();
    FAIL("expected Error(" << code << ")");
  } catch (const Error& e) {
    CHECK(e.code() == code);
  }
}

}  // namespace convaula::test
