// The engine session: named models, data sets and one run at a time, each change all-or-nothing.
#include "convaula/session.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "convaula/error.h"
#include "convaula/layers/conv2d.h"
#include "convaula/layers/dropout.h"
#include "convaula/loss.h"
#include "convaula/parallel.h"
#include "convaula/weights.h"

namespace convaula {

namespace {

// Keeps [start, start + count) inside [0, size).
void clamp_range(int size, int& start, int& count) {
  start = std::clamp(start, 0, size);
  count = std::clamp(count, 0, size - start);
}

// Layer `layer` as the class of `kind`: one class per kind, so the kind says which class it
// is (no RTTI).
template <typename L>
const L& layer_as(const Sequential& m, int layer, LayerKind kind) {
  if (layer < 0 || layer >= m.layer_count() || m.layer(layer).kind() != kind)
    throw Error(errc::bad_argument, "layer " + std::to_string(layer) + " is not a " +
                                        layer_kind_info(kind).keras_class + " layer");
  return static_cast<const L&>(m.layer(layer));
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

// The training images a validation_split holds out, counted as Keras's fit() splits its
// arrays: training gets the first int(n * (1 - split)), validation the rest.
int held_out(double split, int n) {
  if (!(split >= 0 && split < 1))
    throw Error(errc::bad_argument, "validation_split is " + std::to_string(split) + ", expected in [0, 1)");
  if (split == 0) return 0;
  const int holdout = n - static_cast<int>(n * (1 - split));
  if (holdout == 0 || holdout == n)
    throw Error(errc::bad_argument, "validation_split " + std::to_string(split) + " of " + std::to_string(n) +
                                        " training images leaves " + (holdout == 0 ? "none to validate on" : "none to train on"));
  return holdout;
}

// test_predictions()'s chunk.
constexpr int kPredictChunk = 1000;

// The model's answers for test images [start, start + count), a chunk at a time.
void predict_range(Sequential& m, const Dataset& test, int start, int count, TestPredictions& out) {
  out.predicted.resize(count);
  out.confidence.resize(count);
  const std::size_t per = test.images.shape().per_image();
  for (int b = 0; b < count; b += kPredictChunk) {
    const int n = std::min(kPredictChunk, count - b);
    Shape sh = m.input_shape();
    sh.n = n;
    Tensor images(sh);
    std::copy(test.images.image(start + b), test.images.image(start + b) + per * n, images.data());
    const Tensor probs = convaula::predict(m, images, kScoringBatch);
    const int k = probs.shape().per_image();
    for (int i = 0; i < n; ++i) {
      const int best = argmax(probs.image(i), k);
      out.predicted[b + i] = static_cast<uint8_t>(best);
      out.confidence[b + i] = probs.image(i)[best];
    }
  }
}

// An upper bound of a data set's size before it is parsed: a float per byte of the images
// file (its header's too), a byte per byte of the labels file.
uint64_t parsed_bytes(std::span<const uint8_t> images, std::span<const uint8_t> labels) {
  return images.size() * sizeof(float) + labels.size();
}

// Both files are parsed and paired on the side: a bad labels file leaves the old set in place.
Dataset parse_dataset(std::span<const uint8_t> images, std::span<const uint8_t> labels) {
  return make_dataset(parse_idx_images(images.data(), images.size()),
                      parse_idx_labels(labels.data(), labels.size()));
}

// A slot name: 1-32 characters of [a-z0-9-] (the page's protocol passes them through).
void check_name(const std::string& name) {
  constexpr std::size_t kMaxName = 32;
  const bool ok = !name.empty() && name.size() <= kMaxName &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                  });
  if (!ok) throw Error(errc::bad_argument, "model slot '" + quote(name) + "': 1 to " +
                                               std::to_string(kMaxName) + " characters of a-z, 0-9 and -");
}

MemoryEstimate estimate_of(const ModelSpec& spec) {
  return estimate_memory(spec, ThreadPool::global().threads());
}

uint64_t dataset_bytes(const std::unique_ptr<Dataset>& d) {
  return d ? d->images.size() * sizeof(float) + d->labels.size() : 0;
}

// A model of `spec` holding `params` (count checked by the caller), built without drawing
// weights it would overwrite.
std::unique_ptr<Sequential> with_params(const ModelSpec& spec, const float* params) {
  auto m = std::make_unique<Sequential>(spec, InitialWeights::unwritten);
  std::copy(params, params + m->param_count(), m->params());
  return m;
}

}  // namespace

std::string SessionMemory::str() const {
  return format_mib(total()) + " (models " + format_mib(slots) + ", snapshots " + format_mib(snapshots) +
         ", run " + format_mib(run) + ", data " + format_mib(data) + ")";
}

Session::Session() = default;
Session::~Session() = default;

// ---- models -----------------------------------------------------------------------------

Session::Slot& Session::slot_ref(const std::string& name) const {
  check_name(name);
  const auto it = slots_.find(name);
  if (it == slots_.end() || !it->second.model)
    throw Error(errc::no_model, "no model in slot '" + name + "': build one or load a weights file first");
  return it->second;
}

bool Session::has(const std::string& slot) const {
  check_name(slot);
  return slots_.count(slot) > 0;
}

std::vector<std::string> Session::slots() const {
  std::vector<std::string> names;
  for (const auto& [name, slot] : slots_) names.push_back(name);
  return names;
}

const Sequential& Session::model(const std::string& slot) const { return model_ref(slot); }

const Dataset& Session::test_ref() const {
  if (!test_) throw Error(errc::no_data, "no test set: load MNIST first");
  return *test_;
}

void Session::refuse_if_running(const char* what) const {
  if (trainer_) throw Error(errc::busy, std::string("cannot ") + what + " while training");
  if (evaluator_) throw Error(errc::busy, std::string("cannot ") + what + " while scoring the test set");
}

void Session::refuse_if_run_slot(const std::string& name, const char* what) const {
  check_name(name);
  if (name == run_slot_)
    throw Error(errc::busy, std::string("cannot ") + what + " model '" + name + "' while " +
                                (trainer_ ? "it trains" : "it scores the test set"));
}

uint64_t Session::slot_bytes(const std::string& name, const Slot& slot) const {
  const MemoryEstimate e = estimate_of(slot.model->spec());
  if (name != run_slot_) return e.idle(slot.trained);
  // The run's model at its largest, and the order of the images it visits: the training
  // set's shuffled and the test set's (validation or scoring).
  const uint64_t test_order = sizeof(uint32_t) * uint64_t(test_size());
  if (trainer_) return e.total() + sizeof(uint32_t) * uint64_t(train_size()) + test_order;
  return e.idle(slot.trained) + e.forward_per_image * kScoringBatch + test_order;
}

SessionMemory Session::memory() const {
  SessionMemory m;
  for (const auto& [name, slot] : slots_) {
    (name == run_slot_ ? m.run : m.slots) += slot_bytes(name, slot);
    if (slot.snapshot) m.snapshots += sizeof(float) * slot.snapshot->params.size();
  }
  if (before_run_.model) m.run += estimate_of(before_run_.model->spec()).idle(before_run_.trained);
  m.data = dataset_bytes(train_) + dataset_bytes(test_) + dataset_bytes(tune_own_);
  return m;
}

void Session::check_memory(uint64_t extra, const std::string& what) const {
  const SessionMemory m = memory();
  if (m.total() + extra <= memory_budget()) return;
  throw Error(errc::too_large, what + " needs " + format_mib(extra) + " more; the session holds " + m.str() +
                                   " of its memory budget of " + format_mib(memory_budget()));
}

void Session::put(const std::string& name, std::unique_ptr<Sequential> model) {
  Slot& slot = slots_[name];  // may throw bad_alloc: nothing changed yet
  slot.model = std::move(model);
  slot.trained = false;
}

void Session::release(const std::string& name) {
  const auto it = slots_.find(name);
  if (it != slots_.end() && it->second.model && name != run_slot_) it->second.model->release_batch_buffers();
}

void Session::build(const std::string& slot, const ModelSpec& spec) {
  refuse_if_run_slot(slot, "replace");
  check_memory(estimate_of(spec).idle(false), "model '" + slot + "'");
  put(slot, std::make_unique<Sequential>(spec));
}

void Session::load_weights(const std::string& slot, std::span<const uint8_t> file) {
  refuse_if_run_slot(slot, "replace");
  auto model = load_model(file.data(), file.size(), [&](const MemoryEstimate& need) {
    check_memory_budget(need);
    check_memory(need.idle(false), "model '" + slot + "'");
  });
  check_output_finite(*model);
  put(slot, std::move(model));
}

std::vector<uint8_t> Session::save_weights(const std::string& slot, WeightsDtype dtype) const {
  return model_ref(slot).save_weights(dtype);
}

void Session::copy(const std::string& from, const std::string& to) {
  const Sequential& source = model_ref(from);
  refuse_if_run_slot(to, "replace");
  check_memory(estimate_of(source.spec()).idle(false), "copying model '" + from + "' to '" + to + "'");
  put(to, with_params(source.spec(), source.params()));
}

void Session::snapshot(const std::string& slot) {
  Slot& s = slot_ref(slot);
  const Sequential& m = *s.model;
  check_memory(sizeof(float) * m.param_count(), "a snapshot of model '" + slot + "'");
  s.snapshot = std::make_unique<Snapshot>(Snapshot{m.spec(), {m.params(), m.params() + m.param_count()}});
}

bool Session::has_snapshot(const std::string& slot) const { return slot_ref(slot).snapshot != nullptr; }

void Session::restore(const std::string& slot) {
  Slot& s = slot_ref(slot);
  refuse_if_run_slot(slot, "restore");
  if (!s.snapshot) throw Error(errc::no_model, "model '" + slot + "' has no snapshot to restore");
  check_memory(estimate_of(s.snapshot->spec).idle(false), "restoring model '" + slot + "'");
  s.model = with_params(s.snapshot->spec, s.snapshot->params.data());
  s.trained = false;
}

void Session::drop(const std::string& slot) {
  slot_ref(slot);
  refuse_if_run_slot(slot, "drop");
  slots_.erase(slot);
}

// ---- data -------------------------------------------------------------------------------

// Data sets are parsed on the side, next to the ones they replace: the budget counts both.
int Session::load_train(std::span<const uint8_t> images, std::span<const uint8_t> labels) {
  refuse_if_running("replace the training set");
  check_memory(parsed_bytes(images, labels), "the training set");
  set_train(parse_dataset(images, labels));
  return train_size();
}

int Session::load_test(std::span<const uint8_t> images, std::span<const uint8_t> labels) {
  refuse_if_running("replace the test set");
  check_memory(parsed_bytes(images, labels), "the test set");
  set_test(parse_dataset(images, labels));
  return test_size();
}

void Session::set_train(Dataset data) {
  refuse_if_running("replace the training set");
  auto next = std::make_unique<Dataset>(std::move(data));
  check_memory(dataset_bytes(next), "the training set");
  train_ = std::move(next);
}

void Session::set_test(Dataset data) {
  refuse_if_running("replace the test set");
  auto next = std::make_unique<Dataset>(std::move(data));
  check_memory(dataset_bytes(next), "the test set");
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

int Session::train_begin(const std::string& slot, const TrainSettings& settings) {
  Slot& s = slot_ref(slot);
  refuse_if_running("start training");
  if (!train_) throw Error(errc::no_data, "no training set: load MNIST first");
  const int holdout = held_out(settings.validation_split, train_size());
  const Sequential& current = *s.model;
  // Epochs, batch size and optimizer live in the spec, so the run trains a model built from
  // the changed spec, with the current weights carried over; the current one stays aside.
  const ModelSpec spec = run_spec(current.spec(), settings);
  const uint64_t orders = sizeof(uint32_t) * (uint64_t(train_size()) + test_size());
  check_memory(estimate_of(spec).total() + orders, "training model '" + slot + "'");
  auto next = with_params(spec, current.params());
  auto trainer = std::make_unique<Trainer>(*next, *train_, test_.get(), settings.limit, settings.val_limit, holdout);
  return start_run(s, slot, std::move(next), std::move(trainer));
}

int Session::tune_begin(const std::string& slot, std::span<const uint8_t> pixels, std::span<const uint8_t> labels,
                        const TuneSettings& settings) {
  Slot& s = slot_ref(slot);
  refuse_if_running("start fine-tuning");
  if (settings.replay_fraction > 0 && !train_)
    throw Error(errc::no_data, "no training set to replay: load MNIST first");
  const int epochs = settings.epochs ? settings.epochs : kTuneEpochs;
  const int batch = settings.batch_size ? settings.batch_size : kTuneBatch;
  const std::string optimizer = settings.optimizer_json.empty() ? kTuneOptimizer : settings.optimizer_json;
  const ModelSpec spec = run_spec(s.model->spec(), {epochs, batch, optimizer, 0, 0});
  check_memory(pixels.size() * sizeof(float) + labels.size(), "the own images");
  auto own = std::make_unique<Dataset>(make_user_dataset(pixels.data(), pixels.size(), labels.data(), labels.size()));
  const uint64_t orders = sizeof(uint32_t) * (uint64_t(train_size()) + own->size());
  check_memory(estimate_of(spec).total() + orders + dataset_bytes(own), "fine-tuning model '" + slot + "'");
  MixOptions mix;
  mix.replay_fraction = settings.replay_fraction;
  mix.batch_size = spec.batch_size;
  mix.seed = settings.seed;
  auto sampler = std::make_unique<MixSampler>(*own, mix.replay_fraction > 0 ? train_.get() : nullptr, mix);
  auto next = with_params(spec, s.model->params());
  auto trainer = std::make_unique<Trainer>(*next, *own, std::move(sampler));
  const int batches = start_run(s, slot, std::move(next), std::move(trainer));
  tune_own_ = std::move(own);  // the trainer reads it where it is
  return batches;
}

int Session::start_run(Slot& s, const std::string& slot, std::unique_ptr<Sequential> next,
                       std::unique_ptr<Trainer> trainer) {
  const int batches = trainer->batches_per_epoch();
  std::string name = slot;  // the last allocation: nothing below throws
  run_slot_.swap(name);
  before_run_.model = std::move(s.model);
  before_run_.trained = s.trained;
  s.model = std::move(next);
  s.trained = true;
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
    Slot& s = slots_.at(run_slot_);
    trainer_.reset();
    tune_own_.reset();
    s.model = std::move(before_run_.model);
    s.trained = before_run_.trained;
    run_slot_.clear();
    throw;
  }
}

void Session::train_end() {
  if (!trainer_) return;
  trainer_.reset();
  tune_own_.reset();
  before_run_.model.reset();
  const std::string name = std::move(run_slot_);
  run_slot_.clear();
  release(name);
}

// ---- scoring ----------------------------------------------------------------------------

void Session::eval_begin(const std::string& slot, int limit) {
  Sequential& model = model_ref(slot);  // named first: no_model before no_data
  refuse_if_running("score the test set");
  const Dataset& test = test_ref();
  check_memory(estimate_of(model.spec()).forward_per_image * kScoringBatch + sizeof(uint32_t) * test.size(),
               "scoring model '" + slot + "'");
  std::string name = slot;
  evaluator_ = std::make_unique<Evaluator>(model, test, model.scoring_batch(), limit);
  run_slot_.swap(name);
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

void Session::eval_end() {
  if (!evaluator_) return;
  evaluator_.reset();
  const std::string name = std::move(run_slot_);
  run_slot_.clear();
  release(name);
}

// ---- inference --------------------------------------------------------------------------

Prediction Session::predict(const std::string& slot, std::span<const float> pixels, bool activations) {
  Sequential& m = model_ref(slot);
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

TestPredictions Session::test_predictions(const std::string& slot, int start, int count) {
  Sequential& m = model_ref(slot);
  const Dataset& test = test_ref();
  clamp_range(test.size(), start, count);
  const Shape want = m.input_shape(), have = test.images.shape();
  if (have.c != want.c || have.h != want.h || have.w != want.w)
    throw Error(errc::bad_shape, "test images are " + have.str() + " but the model expects " + want.str());
  // A chunk, predict()'s batch and the chunk's probabilities, the model's forward buffers.
  const uint64_t image = sizeof(float) * want.per_image();
  const uint64_t chunk = std::min(kPredictChunk, count), batch = std::min(kScoringBatch, count);
  check_memory(chunk * (image + sizeof(float) * m.classes()) +
                   batch * (image + estimate_of(m.spec()).forward_per_image),
               "predicting the test set with model '" + slot + "'");
  TestPredictions out;
  out.labels = test.labels.data() + start;
  out.count = count;
  try {
    predict_range(m, test, start, count, out);
  } catch (...) {
    release(slot);
    throw;
  }
  release(slot);
  return out;
}

ConvKernels Session::conv_kernels(const std::string& slot, int layer) const {
  const auto& conv = layer_as<Conv2D>(model_ref(slot), layer, LayerKind::conv2d);
  return {conv.filters(), conv.geom().c, conv.kernel(), conv.weight(), conv.bias()};
}

DropoutMask Session::dropout_mask(const std::string& slot, int layer) const {
  const auto& d = layer_as<Dropout>(model_ref(slot), layer, LayerKind::dropout);
  const Tensor& mask = d.mask();
  if (mask.data() == nullptr) return {d.rate(), 0, 0, 0, 0, nullptr};
  const Shape s = mask.shape();
  return {d.rate(), s.n, s.c, s.h, s.w, mask.data()};
}

}  // namespace convaula
