// synthetic_data.h: small labelled data sets drawn from a seed, for the training and model tests.
#pragma once

#include <cstdint>

#include "convaula/rng.h"
#include "convaula/mnist.h"

namespace convaula::test {

// n single-channel side x side images: each label drawn uniformly from 0..classes-1, then each
// pixel (row by row) from pixel(label, y, x, rng), all from one Rng seeded with `seed`.
template <class Pixel>
Dataset labelled_images(int n, int side, int classes, uint64_t seed, Pixel pixel) {
  Dataset d;
  d.images.resize({n, 1, side, side});
  d.labels.resize(n);
  Rng rng(seed);
  for (int i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng.below(static_cast<uint32_t>(classes)));
    d.labels[i] = static_cast<uint8_t>(label);
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x) d.images.at(i, 0, y, x) = pixel(label, y, x, rng);
  }
  return d;
}

}  // namespace convaula::test
