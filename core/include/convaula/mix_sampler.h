// MixSampler: training batches drawn from a student's own digits mixed with replayed ones.
//
// Fine-tuning on a few dozen drawings alone makes a network forget what it knew; replaying
// a fraction of the original training images (MNIST) in every batch limits that. Each draw
// comes from the replay set with probability replay_fraction and from the own set
// otherwise; within each set images come in a shuffled order that is reshuffled once used
// up, so every own image is seen once per pass. Own images are augmented as they are drawn
// (replayed ones too when augment_replay is set). Everything follows from the seed: the
// same seed gives the same batches, bit for bit, on every platform.
#pragma once

#include <cstdint>
#include <vector>

#include "convaula/augment.h"
#include "convaula/mnist.h"
#include "convaula/rng.h"

namespace convaula {

inline constexpr float kMaxReplayFraction = 0.9f;

struct MixOptions {
  float replay_fraction = 0;  // 0..kMaxReplayFraction
  int batch_size = 32;
  uint64_t seed = 1;
  bool augment = true;
  bool augment_replay = false;
  AugmentSpec augment_spec;
};

class MixSampler {
 public:
  // `own` and `replay` must outlive the sampler. `replay` may be null only when
  // replay_fraction is 0. Throws Error(bad_argument) for options out of range, an empty
  // set or a missing replay set, and Error(bad_shape) when the two sets' images differ in
  // shape.
  MixSampler(const Dataset& own, const Dataset* replay, const MixOptions& options);

  // Draws per epoch: enough that the own share (1 - replay_fraction) covers the own set
  // once, ceil(own.size() / (1 - replay_fraction)).
  int images_per_epoch() const { return images_per_epoch_; }
  int batches_per_epoch() const;
  int batch_size() const { return options_.batch_size; }

  // Fills x (n, C, H, W) and y (n) with the next n draws (n = batch_size unless given)
  // and returns how many of them came from the replay set.
  int next_batch(Tensor& x, std::vector<uint8_t>& y, int n = 0);

 private:
  // One source: its data and the shuffled order it is read in.
  struct Source {
    const Dataset* data = nullptr;
    std::vector<uint32_t> order;
    std::size_t next = 0;
    Rng rng;
    uint32_t draw();
  };
  void copy_sample(const Dataset& data, uint32_t index, bool augment, float* out);

  MixOptions options_;
  Source own_, replay_;
  Rng pick_rng_, augment_rng_;
  int images_per_epoch_ = 0;
  std::vector<float> tmp_;
};

}  // namespace convaula
