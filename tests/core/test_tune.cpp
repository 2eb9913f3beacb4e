// Tests for fine-tuning a slot on a student's own digits (Session::tune_begin): reproducible
// from its seed, replaying the training set only when asked, and all-or-nothing.
#include <catch2/catch.hpp>
#include <vector>

#include "convaula/session.h"
#include "session_helpers.h"

using namespace convaula;
using namespace convaula::test;

namespace {

// A small 28x28 two-class model: fine-tuning takes make_user_dataset's 28x28 images.
ModelSpec small_spec() {
  return ModelSpec::from_json(R"({
    "name": "small", "input": [28, 28, 1],
    "layers": [
      {"type": "conv2d", "filters": 4, "kernel": 3, "activation": "relu"},
      {"type": "max_pooling2d", "pool": 4},
      {"type": "flatten"},
      {"type": "dense", "units": 2, "activation": "softmax"}],
    "optimizer": {"type": "adam", "lr": 0.01}, "batch_size": 16, "epochs": 1, "seed": 5})");
}

// n own drawings as the page sends them: 28x28 bytes, class 0 a bar at the top, class 1 at
// the bottom.
struct OwnSet {
  std::vector<uint8_t> pixels, labels;
};
OwnSet own_set(int n) {
  OwnSet o;
  for (int i = 0; i < n; ++i) {
    const int label = i % 2, top = label == 0 ? 6 : 18;
    o.labels.push_back(static_cast<uint8_t>(label));
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x) o.pixels.push_back(y >= top && y < top + 4 && x > 5 + i % 3 && x < 22 ? 255 : 0);
  }
  return o;
}

// A 28x28 training set of n images of `value` everywhere, labelled 1 (nothing like the own set).
Dataset flat_set(int n, float value) {
  Dataset d;
  d.images = Tensor(Shape{n, 1, 28, 28});
  for (std::size_t i = 0; i < d.images.size(); ++i) d.images.data()[i] = value;
  d.labels.assign(n, 1);
  return d;
}

// principal built from small_spec, copied to "mi-letra", and fine-tuned to the end.
std::vector<float> tuned(Session& s, const OwnSet& own, TuneSettings settings) {
  if (!s.has(kPrincipal)) s.build(kPrincipal, small_spec());
  s.copy(kPrincipal, "mi-letra");
  s.tune_begin("mi-letra", own.pixels, own.labels, settings);
  train_to_end(s);
  return params_of(s, "mi-letra");
}

TuneSettings tune(float replay, uint64_t seed) { return {3, 8, replay, seed, ""}; }

}  // namespace

TEST_CASE("fine-tuning changes only its slot, the same seed giving the same weights", "[tune]") {
  const OwnSet own = own_set(20);
  Session a, b, c;
  for (Session* s : {&a, &b, &c}) s->set_train(flat_set(50, 0.5f));
  const std::vector<float> wa = tuned(a, own, tune(0.5f, 7)), wb = tuned(b, own, tune(0.5f, 7));
  const std::vector<float> wc = tuned(c, own, tune(0.5f, 8));
  CHECK(wa == wb);
  CHECK(wa != wc);
  CHECK(wa != params_of(a, kPrincipal));
  CHECK_FALSE(a.training());
}

TEST_CASE("fine-tuning learns the own digits", "[tune]") {
  const OwnSet own = own_set(20);
  Session s;
  tuned(s, own, {6, 8, 0, 1, R"({"type": "adam", "lr": 0.01})"});
  int right = 0;
  for (int i = 0; i < 20; ++i) {
    std::vector<float> x(own.pixels.begin() + i * 784, own.pixels.begin() + (i + 1) * 784);
    for (float& v : x) v /= 255;
    right += s.predict("mi-letra", x, false).digit == own.labels[i];
  }
  CHECK(right == 20);
}

TEST_CASE("replay 0 reads only the own images, and a replayed share reads the training set", "[tune]") {
  const OwnSet own = own_set(20);
  Session without, one, other;
  one.set_train(flat_set(50, 0.2f));
  other.set_train(flat_set(50, 0.9f));
  const std::vector<float> none = tuned(without, own, tune(0, 3));
  CHECK(tuned(one, own, tune(0, 3)) == none);
  CHECK(tuned(other, own, tune(0, 3)) == none);
  CHECK(tuned(one, own, tune(0.5f, 3)) != tuned(other, own, tune(0.5f, 3)));
}

TEST_CASE("a bad own set or a missing replay set starts nothing and changes nothing", "[tune]") {
  Session s;
  s.build(kPrincipal, small_spec());
  const std::vector<float> before = params_of(s);
  OwnSet own = own_set(4);
  check_code([&] { s.tune_begin(kPrincipal, own.pixels, own.labels, tune(0.5f, 1)); }, errc::no_data);
  own.labels.pop_back();
  check_code([&] { s.tune_begin(kPrincipal, own.pixels, own.labels, tune(0, 1)); }, errc::bad_argument);
  own.pixels.pop_back();
  check_code([&] { s.tune_begin(kPrincipal, own.pixels, own.labels, tune(0, 1)); }, errc::bad_image);
  CHECK_FALSE(s.training());
  CHECK(s.memory().run == 0);
  CHECK(params_of(s) == before);
}

TEST_CASE("a fine-tuning run is a training run: one at a time, its epochs as asked", "[tune]") {
  Session s;
  s.build(kPrincipal, small_spec());
  const OwnSet own = own_set(20);
  // 20 own images, no replay: ceil(20 / 8) = 3 batches of the asked size 8.
  CHECK(s.tune_begin(kPrincipal, own.pixels, own.labels, tune(0, 1)) == 3);
  CHECK(s.run_slot() == kPrincipal);
  check_code([&] { s.tune_begin(kPrincipal, own.pixels, own.labels, tune(0, 1)); }, errc::busy);
  CHECK(train_to_end(s) == 3 * 3);
  CHECK(s.memory().data == 0);
}
