// The engine session: model, data sets and one activity at a time, each change all-or-nothing.
#include "convaula/session.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "convaula/error.h"
#include "convaula/layers/conv2d.h"
#include "convaula/layers/dropout.h"
#include "convaula/loss.h"

namespace convaula {

namespace {

// Keeps [start, start + count) inside [0, size).
void clamp_range(int size, int& start, int& count) {
  start = std::clamp(start, 0, size);
  count = std::clamp(count, 0, size - start);
}

template <typename L>
const L& layer_as(const Sequential& m, int layer, const char* what) {
  const auto* l = layer >= 0 && layer < m.layer_count() ? dynamic_cast<const L*>(&m.layer(layer)) : nullptr;
  if (!l) throw Error(errc::bad_argument, "layer " + std::to_string(layer) + " is not a " + what + " layer");
  return *l;
}

// The spec of a run: the model's own, with the settings that are given.
ModelSpec run_spec(const ModelSpec& current, const TrainSettings& s) {
  constexpr std::size_t kMaxOptimizerJson = 4096;
  if (s.optimizer_json.size() > kMaxOptimizerJson)
    throw Error(errc::bad_spec, "optimizer: longer than " + std::to_string(kMaxOptimizerJson) + " characters");
  nlohmann::json j = nlohmann::json::parse(current.to_json());
  if (s.epochs != 0) j["epochs"] = s.epochs;
  if (s.batch_size != 0) j["batch_size"] = s.batch_size;
  if (!s.optimizer_json.empty()) {
    const auto opt = nlohmann::json::parse(s.optimizer_json, nullptr, false);
    if (opt.is_discarded()) throw Error(errc::bad_spec, "optimizer: not valid JSON");
    j["optimizer"] = opt;
  }
  return ModelSpec::from_json(j.dump());
}

// Both files are parsed and paired on the side: a bad labels file leaves the old set in place.
Dataset parse_dataset(std::span<const uint8_t> images, std::span<const uint8_t> labels) {
  return make_dataset(parse_idx_images(images.data(), images.size()),
                      parse_idx_labels(labels.data(), labels.size()));
}

}  // namespace

Session::Session() = default;
Session::~Session() = default;

// ---- model ------------------------------------------------------------------------------

const Sequential& Session::model() const { return model_ref(); }

Sequential& Session::model_ref() const {
  if (!model_) throw Error(errc::no_model, "no model: build one or load a weights file first");
  return *model_;
}

const Dataset& Session::test_ref() const {
  if (!test_) throw Error(errc::no_data, "no test set: load MNIST first");
  return *test_;
}

void Session::refuse_if_busy(const char* what) const {
  if (trainer_) throw Error(errc::busy, std::string("cannot ") + what + " while training");
  if (evaluator_) throw Error(errc::busy, std::string("cannot ") + what + " while scoring the test set");
}

void Session::build(const ModelSpec& spec) {
  refuse_if_busy("replace the model");
  model_ = std::make_unique<Sequential>(spec);
}

void Session::load_weights(std::span<const uint8_t> file) {
  refuse_if_busy("replace the model");
  auto model = load_model(file.data(), file.size());
  check_output_finite(*model);
  model_ = std::move(model);
}

std::vector<uint8_t> Session::save_weights(WeightsDtype dtype) const {
  return model_ref().save_weights(dtype);
}

// ---- data -------------------------------------------------------------------------------

int Session::load_train(std::span<const uint8_t> images, std::span<const uint8_t> labels) {
  refuse_if_busy("replace the training set");
  Dataset next = parse_dataset(images, labels);
  set_train(std::move(next));
  return train_size();
}

int Session::load_test(std::span<const uint8_t> images, std::span<const uint8_t> labels) {
  refuse_if_busy("replace the test set");
  Dataset next = parse_dataset(images, labels);
  set_test(std::move(next));
  return test_size();
}

void Session::set_train(Dataset data) {
  refuse_if_busy("replace the training set");
  auto next = std::make_unique<Dataset>(std::move(data));
  train_ = std::move(next);
}

void Session::set_test(Dataset data) {
  refuse_if_busy("replace the test set");
  auto next = std::make_unique<Dataset>(std::move(data));
  test_ = std::move(next);
}

int Session::train_size() const { return train_ ? train_->size() : 0; }
int Session::test_size() const { return test_ ? test_->size() : 0; }

TestImages Session::test_images(int start, int count) const {
  const Dataset& test = test_ref();
  clamp_range(test.size(), start, count);
  const std::size_t per = test.images.shape().per_image();
  return {count ? test.images.image(start) : nullptr, per * count, test.labels.data() + start, count};
}

// ---- training ---------------------------------------------------------------------------

int Session::train_begin(const TrainSettings& settings) {
  refuse_if_busy("start training");
  const Sequential& current = model_ref();
  if (!train_) throw Error(errc::no_data, "no training set: load MNIST first");
  // Epochs, batch size and optimizer live in the spec, so the run trains a model built from
  // the changed spec, with the current weights carried over.
  auto next = std::make_unique<Sequential>(run_spec(current.spec(), settings));
  std::copy(current.params(), current.params() + current.param_count(), next->params());
  auto trainer = std::make_unique<Trainer>(*next, *train_, test_.get(), settings.limit, settings.val_limit);
  const int batches = trainer->batches_per_epoch();
  before_run_ = std::move(model_);  // nothing below throws
  model_ = std::move(next);
  trainer_ = std::move(trainer);
  return batches;
}

TrainProgress Session::train_step() {
  if (!trainer_) throw Error(errc::not_training, "no training run in progress");
  try {
    TrainProgress p;
    p.batch = trainer_->step();
    p.epoch_finished = trainer_->epoch_finished();
    if (p.epoch_finished) p.epoch = trainer_->last_epoch();
    p.done = trainer_->done();
    return p;
  } catch (...) {
    trainer_.reset();
    model_ = std::move(before_run_);
    throw;
  }
}

void Session::train_end() {
  trainer_.reset();
  before_run_.reset();
}

// ---- scoring ----------------------------------------------------------------------------

void Session::eval_begin(int limit) {
  refuse_if_busy("score the test set");
  Sequential& model = model_ref();  // named first: no_model before no_data
  evaluator_ = std::make_unique<Evaluator>(model, test_ref(), 256, limit);
}

bool Session::eval_step() {
  if (!evaluator_) throw Error(errc::not_evaluating, "no scoring pass in progress");
  evaluator_->step();
  return evaluator_->done();
}

EvalResult Session::eval_result() const {
  if (!evaluator_) throw Error(errc::not_evaluating, "no scoring pass in progress");
  return evaluator_->result();
}

void Session::eval_end() { evaluator_.reset(); }

// ---- inference --------------------------------------------------------------------------

Prediction Session::predict(std::span<const float> pixels, bool activations) {
  Sequential& m = model_ref();
  Tensor x(m.input_shape());
  if (pixels.size() != x.size())
    throw Error(errc::bad_image, "the image has " + std::to_string(pixels.size()) +
                                     " values, the model needs " + std::to_string(x.size()));
  std::copy(pixels.begin(), pixels.end(), x.data());
  const Tensor& probs = m.forward(x, false);
  Prediction p;
  p.probabilities.assign(probs.data(), probs.data() + probs.size());
  p.digit = argmax(probs.data(), static_cast<int>(probs.size()));
  if (!activations) return p;
  for (int i = 0; i < m.layer_count(); ++i) {
    const Tensor& a = m.activation(i);
    const SummaryRow& row = m.summary()[i];
    p.activations.push_back({row.name, row.keras_class, a.shape().c, a.shape().h, a.shape().w, a.data()});
  }
  return p;
}

DigitSteps Session::digit_steps(std::span<const uint8_t> rgba, int width, int height,
                                bool dark_ink) const {
  if (width < 1 || height < 1 || width > kMaxImageSide || height > kMaxImageSide ||
      rgba.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4)
    throw Error(errc::bad_image, "rgba has " + std::to_string(rgba.size()) + " bytes for a " + std::to_string(width) +
                                     "x" + std::to_string(height) + " image (sides 1.." +
                                     std::to_string(kMaxImageSide) + ", 4 bytes a pixel)");
  return preprocess_digit(from_rgba(rgba.data(), width, height, dark_ink));
}

TestPredictions Session::test_predictions(int start, int count) {
  Sequential& m = model_ref();
  const Dataset& test = test_ref();
  clamp_range(test.size(), start, count);
  const Shape want = m.input_shape(), have = test.images.shape();
  if (have.c != want.c || have.h != want.h || have.w != want.w)
    throw Error(errc::bad_shape, "test images are " + have.str() + " but the model expects " + want.str());
  TestPredictions out;
  out.predicted.resize(count);
  out.confidence.resize(count);
  out.labels = test.labels.data() + start;
  out.count = count;
  const std::size_t per = test.images.shape().per_image();
  constexpr int kChunk = 1000;  // images copied and scored at a time
  for (int b = 0; b < count; b += kChunk) {
    const int n = std::min(kChunk, count - b);
    Shape sh = m.input_shape();
    sh.n = n;
    Tensor images(sh);
    std::copy(test.images.image(start + b), test.images.image(start + b) + per * n, images.data());
    const Tensor probs = convaula::predict(m, images);
    const int k = probs.shape().per_image();
    for (int i = 0; i < n; ++i) {
      const int best = argmax(probs.image(i), k);
      out.predicted[b + i] = static_cast<uint8_t>(best);
      out.confidence[b + i] = probs.image(i)[best];
    }
  }
  return out;
}

ConvKernels Session::conv_kernels(int layer) const {
  const auto& conv = layer_as<Conv2D>(model_ref(), layer, "Conv2D");
  return {conv.filters(), conv.geom().c, conv.kernel(), conv.weight(), conv.bias()};
}

DropoutMask Session::dropout_mask(int layer) const {
  const auto& d = layer_as<Dropout>(model_ref(), layer, "Dropout");
  const Tensor& mask = d.mask();
  if (mask.data() == nullptr) return {d.rate(), 0, 0, 0, 0, nullptr};
  const Shape s = mask.shape();
  return {d.rate(), s.n, s.c, s.h, s.w, mask.data()};
}

}  // namespace convaula
