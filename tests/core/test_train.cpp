// Tests for training: a tiny CNN learns separable synthetic images, BatchLog and evaluate()
// report the right numbers, divergence is caught, and (with the data) a real MNIST run.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "convaula/error.h"
#include "convaula/loss.h"
#include "convaula/mnist.h"
#include "convaula/train.h"
#include "grad_check.h"
#include "synthetic_data.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;
using namespace convaula::test;

namespace {

// A classroom-like network shrunk to 8x8 images and two classes.
ModelSpec tiny_spec() {
  return ModelSpec::from_json(R"({
    "name": "tiny", "input": [8, 8, 1],
    "layers": [
      {"type": "conv2d", "filters": 4, "kernel": 3, "activation": "relu"},
      {"type": "max_pooling2d", "pool": 2},
      {"type": "flatten"},
      {"type": "dense", "units": 8, "activation": "relu"},
      {"type": "dense", "units": 2, "activation": "softmax"}],
    "optimizer": {"type": "adam", "lr": 0.01}, "batch_size": 16, "epochs": 3, "seed": 3})");
}

// 8x8 images: class 0 has its left half bright, class 1 its right half; noise on top.
Dataset halves(int n, uint64_t seed) {
  return labelled_images(n, 8, 2, seed, [](int label, int, int x, Rng& rng) {
    return ((x < 4) == (label == 0) ? 0.8f : 0.2f) + rng.uniform(-0.25f, 0.25f);
  });
}

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

TEST_CASE("A tiny CNN learns bright-left vs bright-right images", "[train]") {
  Sequential model(tiny_spec());
  const Dataset train = halves(200, 1), test = halves(100, 2);
  const EvalResult before = evaluate(model, test);
  const auto history = fit(model, train, &test);
  REQUIRE(history.size() == 3);
  const EvalResult after = evaluate(model, test);
  INFO("accuracy before " << before.accuracy << ", after " << after.accuracy);
  CHECK(after.accuracy > 0.95f);
  CHECK(after.loss < before.loss);
  CHECK(history.back().has_validation);
  CHECK_THAT(history.back().val_accuracy, WithinAbs(after.accuracy, 1e-6));
  CHECK_THAT(history.back().val_loss, WithinRel(after.loss, 1e-6f));
}

TEST_CASE("BatchLog holds running means over the epoch", "[train]") {
  // 200 images in batches of 16: ceil(200 / 16) = 13 batches, the last one of 8 images.
  Sequential model(tiny_spec());
  const Dataset train = halves(200, 1);
  Trainer trainer(model, train);
  REQUIRE(trainer.batches_per_epoch() == 13);
  double loss_sum = 0;
  int seen = 0;
  for (int b = 0; b < 13; ++b) {
    const BatchLog log = trainer.step();
    const int n = b < 12 ? 16 : 8;
    loss_sum += static_cast<double>(log.batch_loss) * n;
    seen += n;
    INFO("batch " << b);
    CHECK(log.epoch == 0);
    CHECK(log.batch == b);
    CHECK(log.batches == 13);
    CHECK_THAT(log.loss, WithinRel(static_cast<float>(loss_sum / seen), 1e-5f));
    // accuracy is correct / seen: times seen it is a whole number of images.
    const double correct = static_cast<double>(log.accuracy) * seen;
    CHECK_THAT(correct, WithinAbs(std::round(correct), 1e-3));
    CHECK(trainer.epoch_finished() == (b == 12));
  }
  CHECK(trainer.epoch() == 1);
  const EpochLog& epoch = trainer.last_epoch();
  CHECK_THAT(epoch.loss, WithinRel(static_cast<float>(loss_sum / 200), 1e-5f));
  CHECK_FALSE(epoch.has_validation);
}

TEST_CASE("evaluate's confusion matrix agrees with its accuracy and loss", "[train]") {
  Sequential model(tiny_spec());
  const Dataset train = halves(200, 1), test = halves(150, 4);
  fit(model, train, nullptr);
  const EvalResult r = evaluate(model, test, 64);  // 64, 64, 22: a partial last batch
  REQUIRE(r.classes == 2);
  REQUIRE(r.confusion.size() == 4);
  CHECK(r.count == 150);
  int total = 0, diagonal = 0;
  for (int t = 0; t < 2; ++t)
    for (int p = 0; p < 2; ++p) {
      total += r.confusion[t * 2 + p];
      if (t == p) diagonal += r.confusion[t * 2 + p];
    }
  CHECK(total == 150);
  CHECK_THAT(r.accuracy, WithinAbs(diagonal / 150.0, 1e-6));
  // Rows count the true labels.
  int label0 = 0;
  for (uint8_t l : test.labels) label0 += l == 0;
  CHECK(r.confusion[0] + r.confusion[1] == label0);
  // The loss is the mean cross-entropy of predict()'s probabilities.
  const Tensor p = predict(model, test.images, 32);
  const float loss = softmax_cross_entropy(p.data(), test.labels.data(), 150, 2, nullptr);
  CHECK_THAT(r.loss, WithinRel(loss, 1e-5f));
}

TEST_CASE("A huge learning rate on unnormalized inputs throws 'diverged'", "[train][errors]") {
  // SGD with lr 1000 on pixels scaled by 1e6, and no ReLU (dead units would only freeze
  // the logits): every update multiplies the weights' size by ~1e9 until the logits
  // overflow to inf and softmax computes inf - inf = NaN.
  Sequential model(ModelSpec::from_json(R"({
    "input": [8, 8, 1],
    "layers": [
      {"type": "conv2d", "filters": 4, "kernel": 3},
      {"type": "flatten"},
      {"type": "dense", "units": 2, "activation": "softmax"}],
    "optimizer": {"type": "sgd", "lr": 1000}, "batch_size": 16, "epochs": 5})"));
  Dataset train = halves(64, 1);
  for (std::size_t i = 0; i < train.images.size(); ++i) train.images[i] *= 1e6f;
  Trainer trainer(model, train);
  int steps = 0;
  try {
    for (; !trainer.done(); ++steps) trainer.step();
    FAIL("expected Error(diverged)");
  } catch (const Error& e) {
    INFO("diverged after " << steps << " steps");
    CHECK(e.code() == "diverged");
    CHECK_THAT(e.what(), Contains("learning rate"));
    CHECK(steps < 20);
  }
}

namespace {

// SGD at lr 1000 on the tiny network: the first update sends the logits to confidently wrong
// answers (a finite loss far above guessing's), as `convaula train --lr 1000` does on MNIST.
void check_short_run_diverges(int images, int batch_size, const char* where) {
  ModelSpec spec = tiny_spec();
  spec.optimizer = OptimizerSpec{"sgd"};
  spec.optimizer.lr = 1000;
  spec.batch_size = batch_size;
  spec.epochs = 1;
  Sequential model(spec);
  const Dataset train = halves(images, 1);
  Trainer trainer(model, train);
  try {
    while (!trainer.done()) trainer.step();
    FAIL("expected Error(diverged)");
  } catch (const Error& e) {
    CHECK(e.code() == "diverged");
    CHECK_THAT(e.what(), Contains(where));
  }
}

}  // namespace

TEST_CASE("An epoch shorter than the guard's warm-up is judged at its last batch", "[train][errors]") {
  check_short_run_diverges(48, 16, "epoch 1, batch 3: mean loss");  // 3 batches, warm-up 10
}

TEST_CASE("The run's last update is judged by the loss it gives", "[train][errors]") {
  check_short_run_diverges(16, 16, "epoch 1, batch 1: after the last update the loss is");
}

TEST_CASE("A NaN loss stops the step before the optimizer update", "[train][errors]") {
  // A NaN in the last layer's bias makes every probability NaN, hence the loss. The
  // step must throw and leave the other parameters and the optimizer as they were.
  Sequential model(tiny_spec());
  const Dataset train = halves(64, 1);
  Trainer trainer(model, train);
  trainer.step();  // a normal step first: the optimizer has state to protect
  const int64_t iterations = model.optimizer().iterations();
  const std::size_t poisoned = model.param_count() - 1;
  model.params()[poisoned] = NAN;
  const std::vector<float> before(model.params(), model.params() + model.param_count());
  try {
    trainer.step();
    FAIL("expected Error(diverged)");
  } catch (const Error& e) {
    CHECK(e.code() == "diverged");
  }
  CHECK(model.optimizer().iterations() == iterations);
  for (std::size_t i = 0; i < poisoned; ++i) {
    INFO("parameter " << i);
    REQUIRE(std::memcmp(&model.params()[i], &before[i], sizeof(float)) == 0);
  }
}

TEST_CASE("The classroom preset learns real MNIST in one epoch", "[train][data][slow]") {
  const char* dir = std::getenv("CONVAULA_MNIST_DIR");
  if (dir == nullptr) {
    WARN("CONVAULA_MNIST_DIR not set: skipping the real MNIST training run");
    SUCCEED();
    return;
  }
  const std::string d(dir);
  const auto load = [&](const char* images, const char* labels, int limit) {
    const auto img = read_all(d + "/" + images);
    const auto lab = read_all(d + "/" + labels);
    return make_dataset(parse_idx_images(img.data(), img.size()),
                        parse_idx_labels(lab.data(), lab.size()), limit);
  };
  const Dataset train = load("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 3000);
  const Dataset test = load("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 1000);
  REQUIRE(train.size() == 3000);
  REQUIRE(test.size() == 1000);
  Sequential model(preset_spec("classroom"));
  const auto history = fit(model, train, nullptr);
  REQUIRE(history.size() == 1);
  const EvalResult r = evaluate(model, test);
  INFO("test accuracy " << r.accuracy << ", loss " << r.loss);
  CHECK(r.accuracy > 0.80f);  // chance is 0.10
}

TEST_CASE("Validation is scored one batch per step after the epoch's last batch", "[train]") {
  // 40 training images in batches of 8 -> 5 training steps; 600 validation images in
  // batches of 256 -> 3 validation steps (256 + 256 + 88) before the epoch is finished.
  ModelSpec spec = tiny_spec();
  spec.batch_size = 8;
  spec.epochs = 1;
  Sequential model(spec);
  const Dataset train = halves(40, 1), val = halves(600, 2);
  Trainer trainer(model, train, &val);
  int training = 0, validating = 0;
  while (!trainer.done()) {
    const BatchLog log = trainer.step();
    (log.validating ? validating : training) += 1;
    CHECK(trainer.epoch_finished() == trainer.done());
  }
  CHECK(training == 5);
  CHECK(validating == 3);
  const EvalResult direct = evaluate(model, val);
  CHECK(trainer.last_epoch().has_validation);
  CHECK_THAT(trainer.last_epoch().val_accuracy, WithinAbs(direct.accuracy, 1e-6));
  CHECK_THAT(trainer.last_epoch().val_loss, WithinRel(direct.loss, 1e-5f));
  // fit() reports only the training batches to on_batch.
  Sequential again(spec);
  int reported = 0;
  fit(again, train, &val, {[&](const BatchLog& b) { CHECK_FALSE(b.validating); return ++reported > 0; }, {}});
  CHECK(reported == 5);
}
