// Tests for MixSampler: reproducible batches, the replay share, every own image once per
// pass, augmentation only where asked, and bad options refused.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <set>
#include <vector>

#include "convaula/error.h"
#include "convaula/mix_sampler.h"

using namespace convaula;

namespace {

// n 28x28 images, image i a 6x6 square of value (i + 1) / 1000 in the middle so it can be
// told apart, all with label `label`.
Dataset marked_set(int n, uint8_t label) {
  Dataset ds;
  ds.images = Tensor(Shape{n, 1, 28, 28});
  for (int i = 0; i < n; ++i)
    for (int y = 11; y < 17; ++y)
      for (int x = 11; x < 17; ++x) ds.images.image(i)[y * 28 + x] = (i + 1) / 1000.0f;
  ds.labels.assign(n, label);
  return ds;
}

bool same(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// The next `count` batches of a sampler.
std::vector<Tensor> batches(MixSampler& sampler, int count) {
  std::vector<Tensor> out(count);
  std::vector<uint8_t> y;
  for (Tensor& x : out) sampler.next_batch(x, y);
  return out;
}

}  // namespace

TEST_CASE("the same seed gives the same batches, another seed other ones", "[mix]") {
  const Dataset own = marked_set(20, 3), replay = marked_set(100, 7);
  MixOptions o;
  o.replay_fraction = 0.5f;
  o.batch_size = 8;
  o.seed = 42;
  MixSampler a(own, &replay, o), b(own, &replay, o);
  o.seed = 43;
  MixSampler c(own, &replay, o);
  const std::vector<Tensor> xa = batches(a, 10), xb = batches(b, 10), xc = batches(c, 10);
  int equal_to_b = 0, equal_to_c = 0;
  for (int i = 0; i < 10; ++i) {
    equal_to_b += same(xa[i], xb[i]);
    equal_to_c += same(xa[i], xc[i]);
  }
  CHECK(equal_to_b == 10);
  CHECK(equal_to_c == 0);
}

TEST_CASE("the replay share holds over an epoch", "[mix]") {
  const Dataset own = marked_set(200, 3), replay = marked_set(1000, 7);
  for (float f : {0.0f, 0.3f, 0.5f, 0.9f}) {
    MixOptions o;
    o.replay_fraction = f;
    o.batch_size = 32;
    o.seed = 5;
    o.augment = false;
    MixSampler sampler(own, &replay, o);
    const int n = sampler.images_per_epoch();
    CHECK(n == static_cast<int>(std::ceil(200 / (1.0 - f))));
    Tensor x;
    std::vector<uint8_t> y;
    int replayed = 0, drawn = 0, sevens = 0;
    for (int b = 0; b < sampler.batches_per_epoch(); ++b) {
      const int size = std::min(o.batch_size, n - drawn);
      replayed += sampler.next_batch(x, y, size);
      sevens += static_cast<int>(std::count(y.begin(), y.end(), 7));
      drawn += size;
    }
    REQUIRE(drawn == n);
    CHECK(sevens == replayed);  // the count returned is where the labels came from
    // Binomial(n, f): 4 standard deviations either side of n f (f = 0.9: n = 2000,
    // mean 1800, sd 13.4; f = 0.3: n = 286, mean 85.8, sd 7.8).
    const double sd = std::sqrt(n * f * (1 - f));
    INFO("replay fraction " << f << ": " << replayed << " of " << n);
    CHECK(std::abs(replayed - n * f) <= 4 * sd);
  }
}

TEST_CASE("without replay each own image comes once per pass", "[mix]") {
  const Dataset own = marked_set(37, 3);
  MixOptions o;
  o.batch_size = 10;
  o.augment = false;
  MixSampler sampler(own, nullptr, o);
  REQUIRE(sampler.images_per_epoch() == 37);
  Tensor x;
  std::vector<uint8_t> y;
  for (int pass = 0; pass < 2; ++pass) {
    std::multiset<float> seen;
    for (int drawn = 0; drawn < 37; drawn += 10) {
      sampler.next_batch(x, y, std::min(10, 37 - drawn));
      for (int i = 0; i < x.shape().n; ++i) seen.insert(x.image(i)[14 * 28 + 14]);
    }
    CHECK(seen.size() == 37);
    CHECK(std::set<float>(seen.begin(), seen.end()).size() == 37);
  }
}

TEST_CASE("own images are augmented and replayed ones kept as they are", "[mix]") {
  const Dataset own = marked_set(10, 3), replay = marked_set(10, 7);
  MixOptions o;
  o.replay_fraction = 0.5f;
  o.batch_size = 200;
  MixSampler sampler(own, &replay, o);
  Tensor x;
  std::vector<uint8_t> y;
  sampler.next_batch(x, y);
  int own_changed = 0, replay_changed = 0, own_count = 0;
  for (int i = 0; i < 200; ++i) {
    // An unchanged image equals one of its set's exactly; any warp blurs or moves it.
    const Dataset& from = y[i] == 7 ? replay : own;
    bool unchanged = false;
    for (int k = 0; k < from.size() && !unchanged; ++k)
      unchanged = std::memcmp(x.image(i), from.images.image(k), 28 * 28 * sizeof(float)) == 0;
    if (y[i] == 7) {
      replay_changed += !unchanged;
    } else {
      ++own_count;
      own_changed += !unchanged;
    }
  }
  CHECK(replay_changed == 0);
  CHECK(own_count > 0);
  CHECK(own_changed == own_count);
}

TEST_CASE("bad mixing options are refused with their code", "[mix]") {
  const Dataset own = marked_set(4, 3), replay = marked_set(4, 7);
  const auto code_of = [&](const Dataset& a, const Dataset* b, MixOptions o) {
    try {
      MixSampler s(a, b, o);
    } catch (const Error& e) {
      return e.code();
    }
    return std::string("accepted");
  };
  MixOptions o;
  CHECK(code_of(own, &replay, o) == "accepted");
  o.replay_fraction = 0.95f;
  CHECK(code_of(own, &replay, o) == errc::bad_argument);
  o.replay_fraction = 0.5f;
  CHECK(code_of(own, nullptr, o) == errc::bad_argument);  // replay asked for, none given
  o.replay_fraction = 0;
  o.batch_size = 0;
  CHECK(code_of(own, &replay, o) == errc::bad_argument);
  o.batch_size = 8;
  o.augment_spec.max_rotation = 90;
  CHECK(code_of(own, &replay, o) == errc::bad_argument);
  o.augment_spec = {};
  CHECK(code_of(Dataset{}, &replay, o) == errc::bad_argument);  // empty own set
  Dataset wide;
  wide.images = Tensor(Shape{1, 1, 28, 30});
  wide.labels = {7};
  CHECK(code_of(own, &wide, o) == errc::bad_shape);
}
