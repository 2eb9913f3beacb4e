// Session: each operation, and each failure leaving the session exactly as it was.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <vector>

#include "convaula/explain.h"
#include "session_helpers.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using namespace convaula;
using namespace convaula::test;

TEST_CASE("Session: every operation names what it needs first", "[session]") {
  Session s;
  CHECK_FALSE(s.has(kPrincipal));
  check_code([&] { s.model(kPrincipal); }, errc::no_model);
  check_code([&] { s.predict(kPrincipal, image(1, 0), false); }, errc::no_model);
  check_code([&] { s.save_weights(kPrincipal, WeightsDtype::f32); }, errc::no_model);
  check_code([&] { s.train_begin(kPrincipal, {}); }, errc::no_model);
  check_code([&] { s.eval_begin(kPrincipal); }, errc::no_model);
  check_code([&] { s.test_images(0, 1); }, errc::no_data);
  check_code([&] { s.train_step(); }, errc::not_training);
  check_code([&] { s.eval_step(); }, errc::not_evaluating);
  check_code([&] { s.eval_result(); }, errc::not_evaluating);
  s.build(kPrincipal, tiny_spec());
  check_code([&] { s.train_begin(kPrincipal, {}); }, errc::no_data);
  check_code([&] { s.eval_begin(kPrincipal); }, errc::no_data);
  check_code([&] { s.test_predictions(kPrincipal, 0, 5); }, errc::no_data);
  s.train_end();  // no-ops without a run
  s.eval_end();
}

TEST_CASE("Session trains, carries weights over and learns", "[session]") {
  Session s;
  ready(s);
  const auto before = params_of(s);
  const int batches = s.train_begin(kPrincipal, run(8, 32, "", 64));
  CHECK(batches == 2);  // 64 images of the 96, 32 at a time
  CHECK(s.training());
  CHECK(s.model(kPrincipal).spec().epochs == 8);
  CHECK(s.model(kPrincipal).spec().batch_size == 32);
  int epochs = 0, validating = 0;
  for (bool done = false; !done;) {
    const TrainProgress p = s.train_step();
    epochs += p.epoch_finished;
    validating += p.batch.validating;
    if (p.epoch_finished) CHECK(p.epoch.has_validation);
    done = p.done;
  }
  CHECK(epochs == 8);
  CHECK(validating == 8);  // 40 test images: one validation batch of 256 each epoch
  s.train_end();
  CHECK_FALSE(s.training());
  CHECK(params_of(s) != before);  // what it learnt is kept
  CHECK(s.predict(kPrincipal, image(0.9f, 0.1f), false).digit == 0);
  CHECK(s.predict(kPrincipal, image(0.1f, 0.9f), false).digit == 1);
}

TEST_CASE("A failed train_begin leaves the session as it was, and a valid one then trains", "[session]") {
  // The bug of the page's old bindings: a bad limit cleared the training set first.
  Session s;
  ready(s);
  const auto before = params_of(s);
  check_code([&] { s.train_begin(kPrincipal, run(0, 0, "", -5)); }, errc::bad_argument);
  check_code([&] { s.train_begin(kPrincipal, run(0, 0, R"({"type": "nope"})", 0)); }, errc::bad_spec);
  check_code([&] { s.train_begin(kPrincipal, run(0, 0, "{not json", 0)); }, errc::bad_spec);
  check_code([&] { s.train_begin(kPrincipal, run(0, -1, "", 0)); }, errc::bad_spec);
  CHECK_FALSE(s.training());
  CHECK(params_of(s) == before);
  CHECK(s.model(kPrincipal).spec().epochs == 2);
  CHECK(s.train_size() == 96);
  s.train_begin(kPrincipal, run(1, 0, "", 32));
  CHECK(train_to_end(s) == 2 + 1);  // two batches, one validation batch
  CHECK(params_of(s) != before);
}

TEST_CASE("A failed load keeps the old model predicting identically", "[session]") {
  Session s;
  ready(s);
  const Prediction p = s.predict(kPrincipal, image(0.7f, 0.2f), false);
  // The weights magic, then garbage: as the page's "Cargar pesos" with a corrupt file.
  std::vector<uint8_t> garbage = {'C', 'V', 'A', 'W'};
  Rng rng(9);
  for (int i = 0; i < 100000; ++i) garbage.push_back(static_cast<uint8_t>(rng.below(256)));
  check_code([&] { s.load_weights(kPrincipal, garbage); }, errc::bad_weights);
  check_code([&] { s.load_weights(kPrincipal, {}); }, errc::bad_weights);
  CHECK(s.predict(kPrincipal, image(0.7f, 0.2f), false).probabilities == p.probabilities);
  // A good file replaces it, spec included.
  Session other;
  other.build(kPrincipal, preset_spec("classroom"));
  s.load_weights(kPrincipal, other.save_weights(kPrincipal, WeightsDtype::f32));
  CHECK(s.model(kPrincipal).spec().name == "classroom");
  CHECK(params_of(s) == params_of(other));
}

TEST_CASE("A failed data load keeps the old set", "[session]") {
  Session s;
  ready(s);
  const IdxPair more = halves(50, 4);
  auto bad_labels = more.labels;
  bad_labels.pop_back();  // one byte short
  check_code([&] { s.load_train(more.images, bad_labels); }, errc::bad_idx);
  check_code([&] { s.load_test(more.images, idx_labels(0x801, 49, std::vector<uint8_t>(49, 1))); },
             errc::bad_idx);  // paired: 50 images, 49 labels
  CHECK(s.train_size() == 96);
  CHECK(s.test_size() == 40);
  const TestImages t = s.test_images(38, 10);  // clamped to the set
  CHECK(t.count == 2);
  CHECK(t.values == 2u * kSide * kSide);
}

TEST_CASE("While a run is active the model and the data cannot be replaced", "[session]") {
  Session s;
  ready(s);
  s.train_begin(kPrincipal, run(1, 0, "", 0));
  s.train_step();
  const auto during = params_of(s);
  check_code([&] { s.build(kPrincipal, tiny_spec()); }, errc::busy);
  check_code([&] { s.load_weights(kPrincipal, s.save_weights(kPrincipal, WeightsDtype::f32)); }, errc::busy);
  const IdxPair more = halves(10, 5);
  check_code([&] { s.load_train(more.images, more.labels); }, errc::busy);
  check_code([&] { s.load_test(more.images, more.labels); }, errc::busy);
  check_code([&] { s.train_begin(kPrincipal, {}); }, errc::busy);
  check_code([&] { s.eval_begin(kPrincipal); }, errc::busy);
  CHECK(params_of(s) == during);
  CHECK(s.predict(kPrincipal, image(1, 0), true).activations.size() == 6);  // predictions are fine
  s.train_end();
  s.eval_begin(kPrincipal);
  check_code([&] { s.build(kPrincipal, tiny_spec()); }, errc::busy);
  check_code([&] { s.train_begin(kPrincipal, {}); }, errc::busy);
  s.eval_end();
  s.build(kPrincipal, tiny_spec());
}

TEST_CASE("A diverged run ends and puts back the model from before it", "[session]") {
  Session s;
  s.build(kPrincipal, ModelSpec::from_json(R"({"input": [8, 8, 1],
    "layers": [{"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}],
    "optimizer": {"type": "sgd", "lr": 1000}, "batch_size": 8, "epochs": 3})"));
  const IdxPair train = halves(96, 1, true);  // unlearnable, so the huge steps never settle
  s.load_train(train.images, train.labels);
  const auto before = params_of(s);
  s.train_begin(kPrincipal, {});
  try {
    for (int i = 0; i < 100; ++i) s.train_step();
    FAIL("expected Error(diverged)");
  } catch (const Error& e) {
    CHECK(e.code() == errc::diverged);
    CHECK_THAT(e.what(), Contains("epoch 1, batch"));
  }
  CHECK_FALSE(s.training());
  CHECK(params_of(s) == before);
  check_code([&] { s.train_step(); }, errc::not_training);
  s.train_begin(kPrincipal, run(0, 0, R"({"type": "sgd", "lr": 0.01})", 0));  // and it can train again
  CHECK(train_to_end(s) == 3 * 12);
}

TEST_CASE("Sliced scoring and test predictions agree with the model", "[session]") {
  Session s;
  ready(s);
  s.train_begin(kPrincipal, run(1, 0, "", 0));
  train_to_end(s);
  s.eval_begin(kPrincipal);
  CHECK(s.eval_result().count == 0);
  int steps = 1;
  while (!s.eval_step()) ++steps;
  CHECK(steps == 1);  // 40 images, one batch of 256
  const EvalResult r = s.eval_result();
  s.eval_end();
  CHECK(r.count == 40);
  const TestPredictions p = s.test_predictions(kPrincipal, 0, 1000);
  REQUIRE(p.count == 40);
  int correct = 0;
  const TestImages images = s.test_images(0, 40);
  for (int i = 0; i < p.count; ++i) {
    correct += p.predicted[i] == p.labels[i];
    const std::span<const float> one(images.pixels + i * kSide * kSide, kSide * kSide);
    const Prediction single = s.predict(kPrincipal, one, false);
    CHECK(single.digit == p.predicted[i]);
    CHECK_THAT(p.confidence[i], WithinAbs(single.probabilities[single.digit], 1e-6));
  }
  CHECK(correct == static_cast<int>(r.accuracy * 40 + 0.5f));
  CHECK(s.test_predictions(kPrincipal, -5, 3).count == 3);
  CHECK(s.test_predictions(kPrincipal, 39, 3).count == 1);
}

TEST_CASE("Validation after each epoch scores the test set, or its first val_limit images", "[session]") {
  Session s;
  ready(s);
  const IdxPair test = halves(600, 2);
  REQUIRE(s.load_test(test.images, test.labels) == 600);
  check_code([&] { s.train_begin(kPrincipal, run(1, 0, "", 0, -1)); }, errc::bad_argument);
  check_code([&] { s.eval_begin(kPrincipal, -1); }, errc::bad_argument);
  CHECK_FALSE(s.training());
  CHECK_FALSE(s.evaluating());

  // 300 of the 600 test images: two validation steps (batches of 256), 256 then 300 scored.
  s.train_begin(kPrincipal, run(1, 32, "", 0, 300));
  std::vector<int> validated;
  TrainProgress last;
  for (bool done = false; !done;) {
    last = s.train_step();
    CHECK(last.batch.val_images == 300);
    if (last.batch.validating) validated.push_back(last.batch.validated);
    done = last.done;
  }
  s.train_end();
  CHECK(validated == std::vector<int>{256, 300});
  REQUIRE(last.epoch_finished);
  REQUIRE(last.epoch.has_validation);

  // The same images scored by evaluate on the weights the run ended with (the validation ran
  // after the epoch's last update, so nothing changed in between).
  s.eval_begin(kPrincipal, 300);
  while (!s.eval_step()) {}
  const EvalResult part = s.eval_result();
  s.eval_end();
  CHECK(part.count == 300);
  CHECK_THAT(part.loss, WithinAbs(last.epoch.val_loss, 1e-6));
  CHECK_THAT(part.accuracy, WithinAbs(last.epoch.val_accuracy, 1e-6));

  // No limit: all 600, as Keras's validation_data; a limit above the set's size is the whole set.
  s.train_begin(kPrincipal, run(1, 32, "", 0, 0));
  validated.clear();
  for (bool done = false; !done;) {
    last = s.train_step();
    if (last.batch.validating) validated.push_back(last.batch.validated);
    done = last.done;
  }
  s.train_end();
  CHECK(validated == std::vector<int>{256, 512, 600});
  s.eval_begin(kPrincipal, 5000);
  int steps = 1;
  while (!s.eval_step()) ++steps;
  CHECK(steps == 3);
  CHECK(s.eval_result().count == 600);
  s.eval_end();
}

// Runs a training run to its end and returns each step's log.
static std::vector<TrainProgress> steps_to_end(Session& s) {
  std::vector<TrainProgress> steps;
  for (bool done = false; !done;) {
    steps.push_back(s.train_step());
    done = steps.back().done;
  }
  s.train_end();
  return steps;
}

TEST_CASE("A validation_split trains on the training set's first images and validates on the rest", "[session]") {
  Session s;
  ready(s);
  // 96 training images, split 0.25 as Keras's fit: int(96 * 0.75) = 72 to train on, the last 24
  // to validate on.
  const IdxPair head = halves(72, 1), tail = halves(24, 5);
  const IdxPair train = joined(head, tail);
  REQUIRE(s.load_train(train.images, train.labels) == 96);
  CHECK(s.train_begin(kPrincipal, run(1, 16, "", 0, 0, 0.25)) == 5);  // 72 / 16, the last batch partial
  std::vector<TrainProgress> steps = steps_to_end(s);
  std::vector<int> validated;
  for (const TrainProgress& p : steps) {
    CHECK(p.batch.val_images == 24);
    if (p.batch.validating) validated.push_back(p.batch.validated);
  }
  CHECK(validated == std::vector<int>{24});
  REQUIRE(steps.back().epoch.has_validation);

  // The held-out 24, scored as a test set on the weights the run ended with, give the epoch's
  // validation figures.
  REQUIRE(s.load_test(tail.images, tail.labels) == 24);
  s.eval_begin(kPrincipal);
  while (!s.eval_step()) {}
  CHECK_THAT(s.eval_result().loss, WithinAbs(steps.back().epoch.val_loss, 1e-6));
  CHECK_THAT(s.eval_result().accuracy, WithinAbs(steps.back().epoch.val_accuracy, 1e-6));
  s.eval_end();

  // limit counts among the first 72, val_limit among the last 24.
  CHECK(s.train_begin(kPrincipal, run(1, 16, "", 32, 10, 0.25)) == 2);
  validated.clear();
  for (const TrainProgress& p : steps_to_end(s))
    if (p.batch.validating) validated.push_back(p.batch.validated);
  CHECK(validated == std::vector<int>{10});
}

TEST_CASE("The images a validation_split holds out never reach training", "[session]") {
  // Two training sets with the same first 72 images and different last 24 (the second's labels
  // random): held out, the tails leave the learnt weights identical; trained on, they do not.
  const IdxPair head = halves(72, 1);
  const IdxPair a = joined(head, halves(24, 5)), b = joined(head, halves(24, 6, true));
  const auto learnt = [&](const IdxPair& train, double split) {
    Session s;
    ready(s);
    REQUIRE(s.load_train(train.images, train.labels) == 96);
    s.train_begin(kPrincipal, run(2, 16, "", 0, 0, split));
    train_to_end(s);
    return params_of(s);
  };
  CHECK(learnt(a, 0.25) == learnt(b, 0.25));
  CHECK(learnt(a, 0) != learnt(b, 0));
}

TEST_CASE("A validation_split below 0, at 1 or above, or one that leaves a side empty, is refused", "[session]") {
  Session s;
  ready(s);  // 96 training images
  const auto before = params_of(s);
  for (double split : {-0.1, 1.0, 1.5, std::nan("")})
    CHECK_THAT(error_of([&] { s.train_begin(kPrincipal, run(1, 0, "", 0, 0, split)); }), Contains("[0, 1)"));
  // 1e-20 rounds 1 - split to 1: nothing held out; 0.999 keeps int(0.096) = 0 images to train on.
  CHECK_THAT(error_of([&] { s.train_begin(kPrincipal, run(1, 0, "", 0, 0, 1e-20)); }), Contains("none to validate on"));
  CHECK_THAT(error_of([&] { s.train_begin(kPrincipal, run(1, 0, "", 0, 0, 0.999)); }), Contains("none to train on"));
  check_code([&] { s.train_begin(kPrincipal, run(1, 0, "", 0, 0, 0.999)); }, errc::bad_argument);
  CHECK_FALSE(s.training());
  CHECK(params_of(s) == before);
}

TEST_CASE("Test predictions refuse a test set of another image size", "[session][regression]") {
  // Found by the session fuzzer: 10x10 test images were copied into an 8x8 model's input.
  Session s;
  s.build(kPrincipal, tiny_spec());
  const std::vector<uint8_t> pixels(3 * 10 * 10, 128);
  s.load_test(idx_images(0x803, 3, 10, 10, pixels), idx_labels(0x801, 3, {1, 0, 1}));
  check_code([&] { s.test_predictions(kPrincipal, 0, 3); }, errc::bad_shape);
  check_code([&] { s.eval_begin(kPrincipal); }, errc::bad_shape);
  CHECK_FALSE(s.evaluating());
}

TEST_CASE("Session inference: bad images are refused, kernels and masks are read", "[session]") {
  Session s;
  ready(s);
  check_code([&] { s.predict(kPrincipal, std::vector<float>(63), false); }, errc::bad_image);
  check_code([&] { s.digit_steps(std::vector<uint8_t>(10), 2, 2, true); }, errc::bad_image);
  check_code([&] { s.digit_steps({}, 0, 0, true); }, errc::bad_image);
  check_code([&] { s.digit_steps(std::vector<uint8_t>(4), 65536, 65536, true); }, errc::bad_image);
  const DigitSteps d = s.digit_steps(std::vector<uint8_t>(16 * 16 * 4, 255), 16, 16, true);
  CHECK(d.empty);  // white paper, no ink
  const ConvKernels k = s.conv_kernels(kPrincipal, 0);
  CHECK(k.filters == 4);
  CHECK(k.channels == 1);
  CHECK(k.kernel == 3);
  check_code([&] { s.conv_kernels(kPrincipal, 1); }, errc::bad_argument);
  check_code([&] { s.conv_kernels(kPrincipal, 99); }, errc::bad_argument);
  CHECK(s.dropout_mask(kPrincipal, 2).n == 0);  // before any training step
  s.train_begin(kPrincipal, run(1, 0, "", 0));
  s.train_step();
  const DropoutMask m = s.dropout_mask(kPrincipal, 2);
  CHECK(m.n == 16);
  CHECK(m.c == 4);
  CHECK_THAT(m.rate, WithinAbs(0.25, 1e-6));
  check_code([&] { s.dropout_mask(kPrincipal, 0); }, errc::bad_argument);
}

TEST_CASE("The divergence guard also trips on a finite loss far above guessing", "[session][train]") {
  // Labels unrelated to the images, and a learning rate that makes every update overshoot
  // (logits move by ~80 a step): the loss stays finite, as the fused softmax cross-entropy
  // is computed stably, but soon averages above 3 ln 2 = 2.08.
  Session s;
  s.build(kPrincipal, ModelSpec::from_json(R"({"input": [8, 8, 1],
    "layers": [{"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}],
    "optimizer": {"type": "sgd", "lr": 5}, "batch_size": 4, "epochs": 5})"));
  const IdxPair train = halves(200, 6, true);
  s.load_train(train.images, train.labels);
  s.train_begin(kPrincipal, {});
  try {
    for (int i = 0; i < 250; ++i) s.train_step();
    FAIL("expected Error(diverged)");
  } catch (const Error& e) {
    CHECK(e.code() == errc::diverged);
    INFO(e.what());
    CHECK_THAT(e.what(), Contains("mean loss"));
  }
}

TEST_CASE("explain refuses arrays that do not match their dimensions", "[session][explain]") {
  const std::vector<float> nine(9, 1.0f), four(4, 1.0f);
  check_code([&] { conv_trace(four, 1, 3, 3, nine, 3, 0, 1, false, 0, 0); }, errc::bad_argument);
  check_code([&] { conv_trace(nine, 1, 3, 3, four, 3, 0, 1, false, 0, 0); }, errc::bad_argument);
  // 65536 x 65536 wraps to 0 in a 32-bit size_t: refused before anything is computed.
  check_code([&] { conv_feature_map({}, 1, 65536, 65536, nine, 3, 0, 1, false, nullptr, nullptr); },
             errc::bad_argument);
  check_code([&] { conv_feature_map({}, 4096, 4096, 2, nine, 3, 0, 1, false, nullptr, nullptr); },
             errc::bad_argument);
  check_code([&] { pool_trace(four, 2, 3, 2, 2, 0, 0); }, errc::bad_argument);
  check_code([&] { pool_trace(four, -2, -2, 2, 2, 0, 0); }, errc::bad_argument);
  check_code([&] { dropout_demo({}, 0.5f, 1, 0); }, errc::bad_argument);
  check_code([&] { dropout_demo(four, 0.5f, 1, -1); }, errc::bad_argument);
  check_code([&] { activation_curve("softmax", four); }, errc::bad_argument);
  check_code([&] { activation_curve("relu", {}); }, errc::bad_argument);
  const ActivationCurve c = activation_curve("relu", std::vector<float>{-1, 2});
  CHECK(c.y == std::vector<float>{0, 2});
  CHECK(c.dy == std::vector<float>{0, 1});
  const DropoutDemo d = dropout_demo(four, 0.5f, 1, 3);
  for (std::size_t i = 0; i < 4; ++i) CHECK(d.output[i] == d.mask[i]);  // inputs are 1
}
