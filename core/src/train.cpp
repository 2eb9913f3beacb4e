// fit / evaluate / predict over Datasets, one batch at a time.
#include "convaula/train.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>

#include "convaula/error.h"
#include "convaula/loss.h"

namespace convaula {

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

namespace {

// Copies images idx[0..n) of `data` into x (n, C, H, W) and their labels into y.
void gather(const Dataset& data, const uint32_t* idx, int n, Tensor& x, std::vector<uint8_t>& y) {
  Shape s = data.images.shape();
  s.n = n;
  x.resize(s);
  y.resize(n);
  const std::size_t per = s.per_image();
  for (int i = 0; i < n; ++i) {
    std::memcpy(x.image(i), data.images.image(static_cast<int>(idx[i])), per * sizeof(float));
    y[i] = data.labels[idx[i]];
  }
}

int count_correct(const Tensor& probs, const uint8_t* labels) {
  const int n = probs.shape().n, k = probs.shape().c;
  int correct = 0;
  for (int i = 0; i < n; ++i) correct += argmax(probs.data() + static_cast<long>(i) * k, k) == labels[i];
  return correct;
}

// A batch size of 0 would never advance the loop; one above max_batch() is split further.
int checked_batch(const Sequential& model, int batch_size) {
  if (batch_size < 1)
    throw Error(errc::bad_argument, "batch_size is " + std::to_string(batch_size) + ", expected at least 1");
  return std::min(batch_size, model.max_batch());
}

void check_input(const Sequential& model, const Dataset& data, const char* what) {
  const Shape s = data.images.shape();
  const Shape want = model.input_shape();
  if (s.c != want.c || s.h != want.h || s.w != want.w)
    throw Error(errc::bad_shape, std::string(what) + " images are " + s.str() + " but the model expects " +
                                     want.str());
  if (data.size() != s.n)
    throw Error(errc::bad_shape, std::string(what) + " has " + std::to_string(s.n) + " images and " +
                                     std::to_string(data.size()) + " labels");
  for (uint8_t label : data.labels)
    if (label >= model.classes())
      throw Error(errc::bad_shape, std::string(what) + " has label " + std::to_string(label) +
                                       " but the model has " + std::to_string(model.classes()) + " classes");
}

// A limit below 0 is a caller's mistake, named; 0 means the whole set.
int checked_limit(int limit, int size, const char* what) {
  if (limit < 0) throw Error(errc::bad_argument, std::string(what) + " is " + std::to_string(limit) + ", expected >= 0");
  return limit > 0 ? std::min(limit, size) : size;
}

}  // namespace

Evaluator::Evaluator(Sequential& model, const Dataset& data, int batch_size, int limit, int first)
    : model_(model),
      data_(data),
      batch_size_(checked_batch(model, batch_size)),
      size_(0),
      confusion_(static_cast<std::size_t>(model.classes()) * model.classes(), 0) {
  if (first < 0 || first > data.size())
    throw Error(errc::bad_argument, "first image " + std::to_string(first) + " is outside a set of " +
                                        std::to_string(data.size()));
  size_ = checked_limit(limit, data.size() - first, "limit");
  check_input(model, data, "evaluation data");
  idx_.resize(size_);
  std::iota(idx_.begin(), idx_.end(), static_cast<uint32_t>(first));
}

void Evaluator::step() {
  if (done()) return;
  const int k = model_.classes();
  const int n = std::min(batch_size_, size_ - next_);
  gather(data_, idx_.data() + next_, n, x_, y_);
  const Tensor& p = model_.forward(x_, false);
  loss_sum_ += static_cast<double>(softmax_cross_entropy(p.data(), y_.data(), n, k, nullptr)) * n;
  for (int i = 0; i < n; ++i) {
    const int pred = argmax(p.data() + static_cast<long>(i) * k, k);
    correct_ += pred == y_[i];
    ++confusion_[static_cast<std::size_t>(y_[i]) * k + pred];
  }
  next_ += n;
}

EvalResult Evaluator::result() const {
  EvalResult r;
  r.classes = model_.classes();
  r.count = next_;
  r.confusion = confusion_;
  if (next_ > 0) {
    r.loss = static_cast<float>(loss_sum_ / next_);
    r.accuracy = static_cast<float>(correct_) / next_;
  }
  return r;
}

EvalResult evaluate(Sequential& model, const Dataset& data, int batch_size) {
  Evaluator e(model, data, batch_size);
  while (!e.done()) e.step();
  return e.result();
}

Tensor predict(Sequential& model, const Tensor& images, int batch_size) {
  const Shape s = images.shape();
  batch_size = checked_batch(model, batch_size);
  Tensor out(Shape{s.n, model.classes(), 1, 1});
  Tensor x;
  for (int start = 0; start < s.n; start += batch_size) {
    const int n = std::min(batch_size, s.n - start);
    x.resize({n, s.c, s.h, s.w});
    std::memcpy(x.data(), images.image(start), x.size() * sizeof(float));
    const Tensor& p = model.forward(x, false);
    std::memcpy(out.image(start), p.data(), p.size() * sizeof(float));
  }
  return out;
}

Trainer::Trainer(Sequential& model, const Dataset& train, const Dataset* validation, int limit,
                 int val_limit, int holdout)
    : model_(model),
      train_(train),
      val_(holdout > 0 ? &train : validation),
      epochs_(model.spec().epochs),
      batch_size_(model.spec().batch_size),
      shuffle_rng_(model.spec().seed, 0x5eed) {
  check_input(model, train, "training data");
  if (val_ && val_ != &train) check_input(model, *val_, "validation data");
  if (holdout < 0 || (holdout > 0 && holdout >= train.size()))
    throw Error(errc::bad_argument, "holding out " + std::to_string(holdout) + " of " + std::to_string(train.size()) +
                                        " training images leaves none to train on");
  val_first_ = holdout > 0 ? train.size() - holdout : 0;
  images_ = checked_limit(limit, train.size() - holdout, "limit");
  val_limit_ = val_limit;
  val_images_ = val_ ? checked_limit(val_limit, val_->size() - val_first_, "val_limit") : 0;
  if (images_ == 0) throw Error(errc::bad_argument, "training data is empty");
  batches_ = (images_ + batch_size_ - 1) / batch_size_;  // the last batch may be partial
  order_.resize(images_);
  std::iota(order_.begin(), order_.end(), 0u);
}

Trainer::Trainer(Sequential& model, const Dataset& own, std::unique_ptr<MixSampler> sampler)
    : Trainer(model, own) {
  if (sampler->batch_size() != batch_size_)
    throw Error(errc::bad_argument, "the sampler's batch size is " + std::to_string(sampler->batch_size()) +
                                        ", the model's " + std::to_string(batch_size_));
  images_ = sampler->images_per_epoch();
  batches_ = sampler->batches_per_epoch();
  order_.clear();
  sampler_ = std::move(sampler);
}

void Trainer::start_epoch() {
  shuffle(order_.data(), order_.size(), shuffle_rng_);
  loss_sum_ = 0;
  correct_ = seen_ = 0;
  epoch_start_ = now_seconds();
}

BatchLog Trainer::step() {
  if (done()) throw Error(errc::bad_argument, "training already finished");
  if (validation_) return validate_step();
  if (batch_ == 0) start_epoch();
  epoch_finished_ = false;
  const int start = batch_ * batch_size_;
  const int n = std::min(batch_size_, images_ - start);
  if (sampler_)
    sampler_->next_batch(x_, y_, n);
  else
    gather(train_, order_.data() + start, n, x_, y_);

  const Tensor& probs = model_.forward(x_, true);
  const int correct = count_correct(probs, y_.data());
  const float loss = model_.backward(y_.data());
  if (!std::isfinite(loss)) diverged("loss is " + std::to_string(loss));
  model_.optimizer().step({model_.params(), model_.grads(), model_.param_count()});

  loss_sum_ += static_cast<double>(loss) * n;
  correct_ += correct;
  seen_ += n;
  const double mean = loss_sum_ / seen_;
  // An epoch shorter than the warm-up is judged at its last batch.
  if (batch_ + 1 >= std::min(kDivergenceWarmup, batches_) && mean > divergence_limit())
    diverged("mean loss " + std::to_string(mean) + " is over " + std::to_string(divergence_limit()) +
             ", three times that of guessing");
  if (batch_ + 1 == batches_ && epoch_ + 1 == epochs_) check_last_update();
  BatchLog log;
  log.epoch = epoch_;
  log.batch = batch_;
  log.batches = batches_;
  log.batch_loss = loss;
  log.loss = static_cast<float>(loss_sum_ / seen_);
  log.accuracy = static_cast<float>(correct_) / static_cast<float>(seen_);
  log.val_images = val_images_;
  log.seconds = now_seconds() - epoch_start_;
  log.images_per_second = log.seconds > 0 ? seen_ / log.seconds : 0;
  last_batch_ = log;
  if (++batch_ == batches_) {
    if (val_)
      validation_ = std::make_unique<Evaluator>(model_, *val_, 256, val_limit_, val_first_);
    else
      finish_epoch();
  }
  return log;
}

double Trainer::divergence_limit() const {
  return kDivergenceFactor * std::log(static_cast<double>(model_.classes()));
}

// A batch's loss is measured before its update: the run's last update is judged by the loss
// it gives on that same batch.
void Trainer::check_last_update() {
  const Tensor& probs = model_.forward(x_, false);
  const double loss = softmax_cross_entropy(probs.data(), y_.data(), probs.shape().n, model_.classes(), nullptr);
  if (!std::isfinite(loss) || loss > divergence_limit())
    diverged("after the last update the loss is " + std::to_string(loss) + ", over " +
             std::to_string(divergence_limit()) + ", three times that of guessing");
}

void Trainer::diverged(const std::string& why) const {
  char lr[32];
  std::snprintf(lr, sizeof lr, "%g", model_.optimizer().lr());
  throw Error(errc::diverged, "training diverged at epoch " + std::to_string(epoch_ + 1) + ", batch " +
                                  std::to_string(batch_ + 1) + ": " + why + " (learning rate " + lr +
                                  " is probably too high)");
}

BatchLog Trainer::validate_step() {
  validation_->step();
  BatchLog log = last_batch_;
  log.validating = true;
  log.validated = validation_->scored();
  if (validation_->done()) finish_epoch();
  return log;
}

void Trainer::finish_epoch() {
  last_epoch_ = {};
  last_epoch_.epoch = epoch_;
  last_epoch_.loss = static_cast<float>(loss_sum_ / seen_);
  last_epoch_.accuracy = static_cast<float>(correct_) / static_cast<float>(seen_);
  // Training time only: the validation pass after the last batch is not counted.
  last_epoch_.seconds = last_batch_.seconds;
  last_epoch_.images_per_second = last_batch_.images_per_second;
  if (validation_) {
    const EvalResult v = validation_->result();
    last_epoch_.has_validation = true;
    last_epoch_.val_loss = v.loss;
    last_epoch_.val_accuracy = v.accuracy;
    validation_.reset();
  }
  batch_ = 0;
  ++epoch_;
  epoch_finished_ = true;
}

std::vector<EpochLog> fit(Sequential& model, const Dataset& train, const Dataset* validation,
                          const FitCallbacks& callbacks) {
  Trainer trainer(model, train, validation);
  std::vector<EpochLog> history;
  while (!trainer.done()) {
    const BatchLog log = trainer.step();
    bool go_on = log.validating || !callbacks.on_batch || callbacks.on_batch(log);
    if (trainer.epoch_finished()) {
      history.push_back(trainer.last_epoch());
      go_on = go_on && (!callbacks.on_epoch || callbacks.on_epoch(history.back()));
    }
    if (!go_on) break;
  }
  return history;
}

}  // namespace convaula
