// Batches mixing a student's own digits with replayed MNIST images, augmented on the fly.
#include "convaula/mix_sampler.h"

#include <cmath>
#include <cstring>
#include <numeric>
#include <string>

#include "convaula/error.h"

namespace convaula {

namespace {

// Rng streams, so the source picks, the augmentation and each shuffle draw apart.
constexpr uint64_t kPickStream = 1, kAugmentStream = 2, kOwnStream = 3, kReplayStream = 4;

void check_set(const Dataset& data, const char* what) {
  if (data.size() == 0 || data.images.shape().n != data.size())
    throw Error(errc::bad_argument, std::string(what) + " has " +
                                        std::to_string(data.images.shape().n) + " images and " +
                                        std::to_string(data.size()) +
                                        " labels, expected as many of each and at least 1");
}

void check_options(const Dataset& own, const Dataset* replay, const MixOptions& o) {
  check_set(own, "own set");
  if (!(o.replay_fraction >= 0 && o.replay_fraction <= kMaxReplayFraction))
    throw Error(errc::bad_argument, "replay_fraction is " + std::to_string(o.replay_fraction) +
                                        ", expected 0.." + std::to_string(kMaxReplayFraction));
  if (o.batch_size < 1)
    throw Error(errc::bad_argument, "batch_size is " + std::to_string(o.batch_size) + ", expected at least 1");
  if (o.augment) check_augment_spec(o.augment_spec);
  if (o.replay_fraction > 0 && replay == nullptr)
    throw Error(errc::bad_argument, "replay_fraction is " + std::to_string(o.replay_fraction) +
                                        " but there is no replay set");
  if (replay == nullptr) return;
  check_set(*replay, "replay set");
  const Shape a = own.images.shape(), b = replay->images.shape();
  if (a.c != b.c || a.h != b.h || a.w != b.w)
    throw Error(errc::bad_shape, "own images are " + a.str() + " but replayed images are " + b.str());
}

}  // namespace

uint32_t MixSampler::Source::draw() {
  if (next == order.size()) {
    shuffle(order.data(), order.size(), rng);
    next = 0;
  }
  return order[next++];
}

MixSampler::MixSampler(const Dataset& own, const Dataset* replay, const MixOptions& options)
    : options_(options),
      pick_rng_(options.seed, kPickStream),
      augment_rng_(options.seed, kAugmentStream) {
  check_options(own, replay, options);
  const auto init = [&](Source& s, const Dataset* data, uint64_t stream) {
    if (data == nullptr) return;
    s.data = data;
    s.order.resize(data->size());
    std::iota(s.order.begin(), s.order.end(), 0u);
    s.next = s.order.size();  // the first draw shuffles
    s.rng.reseed(options.seed, stream);
  };
  init(own_, &own, kOwnStream);
  init(replay_, replay, kReplayStream);
  images_per_epoch_ = static_cast<int>(std::ceil(own.size() / (1.0 - options.replay_fraction)));
  const Shape s = own.images.shape();
  tmp_.resize(static_cast<std::size_t>(s.h) * s.w);
}

int MixSampler::batches_per_epoch() const {
  return (images_per_epoch_ + options_.batch_size - 1) / options_.batch_size;
}

void MixSampler::copy_sample(const Dataset& data, uint32_t index, bool augment, float* out) {
  const Shape s = data.images.shape();
  const float* in = data.images.image(static_cast<int>(index));
  if (!augment) {
    std::memcpy(out, in, s.per_image() * sizeof(float));
    return;
  }
  // One draw per sample whatever its channels, so the params do not depend on C.
  const AugmentParams p = fit_in_frame(in, s.c, s.h, s.w, draw_augment(options_.augment_spec, augment_rng_));
  const std::size_t plane = static_cast<std::size_t>(s.h) * s.w;
  for (int c = 0; c < s.c; ++c) augment_image_ref(in + c * plane, s.h, s.w, p, tmp_.data(), out + c * plane);
}

int MixSampler::next_batch(Tensor& x, std::vector<uint8_t>& y, int n) {
  if (n < 0) throw Error(errc::bad_argument, "batch of " + std::to_string(n) + " images, expected >= 0");
  if (n == 0) n = options_.batch_size;
  Shape s = own_.data->images.shape();
  s.n = n;
  x.resize(s);
  y.resize(n);
  int replayed = 0;
  for (int i = 0; i < n; ++i) {
    const bool from_replay = pick_rng_.uniform() < options_.replay_fraction;
    Source& src = from_replay ? replay_ : own_;
    const uint32_t index = src.draw();
    const bool augment = options_.augment && (!from_replay || options_.augment_replay);
    copy_sample(*src.data, index, augment, x.image(i));
    y[i] = src.data->labels[index];
    replayed += from_replay;
  }
  return replayed;
}

}  // namespace convaula
