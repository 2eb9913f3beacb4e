// Training and evaluation loops: Keras's fit / evaluate / predict, step by step.
//
// Trainer runs one batch per call to step(), so a host (the CLI's loop, the web
// worker between messages) decides when to report, pause or stop. fit() is the
// simple blocking loop on top of it, with per-batch and per-epoch callbacks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "convaula/mix_sampler.h"
#include "convaula/mnist.h"
#include "convaula/model.h"

namespace convaula {

struct BatchLog {
  int epoch = 0;          // 0-based
  int batch = 0;          // 0-based index inside the epoch
  int batches = 0;        // batches per epoch
  float loss = 0;         // running mean over the epoch so far (as Keras's progress bar)
  float accuracy = 0;     // running mean over the epoch so far
  float batch_loss = 0;   // this batch alone
  double seconds = 0;     // since the epoch started
  double images_per_second = 0;
  // True for the steps that score the validation set after an epoch's last batch
  // (the other fields then repeat that last batch's values).
  bool validating = false;
  int validated = 0;    // validation images scored so far (while validating)
  int val_images = 0;   // validation images per epoch (0 without validation)
};

struct EvalResult {
  float loss = 0, accuracy = 0;
  int count = 0;
  std::vector<int> confusion;  // (K, K): row = true class, column = predicted
  int classes = 0;
};

struct EpochLog {
  int epoch = 0;
  float loss = 0, accuracy = 0;  // training, over the whole epoch
  bool has_validation = false;
  float val_loss = 0, val_accuracy = 0;
  double seconds = 0;
  double images_per_second = 0;
};

// Scores `model` on `data` one batch per step(), so a host can interleave other work
// (the web worker answers messages between steps). Loss and accuracy as Keras's evaluate().
// It scores images [first, first + limit) of `data`; limit 0 (or one past the end) goes on to
// the set's end.
class Evaluator {
 public:
  Evaluator(Sequential& model, const Dataset& data, int batch_size = 256, int limit = 0, int first = 0);
  bool done() const { return next_ >= size_; }
  int size() const { return size_; }
  void step();
  // Complete once done(); before that, the figures of the images scored so far.
  EvalResult result() const;
  int scored() const { return next_; }

 private:
  Sequential& model_;
  const Dataset& data_;
  int batch_size_;
  int size_;
  int next_ = 0;
  double loss_sum_ = 0;
  int correct_ = 0;
  std::vector<int> confusion_;
  std::vector<uint32_t> idx_;
  Tensor x_;
  std::vector<uint8_t> y_;
};

// Runs `model` over all of `data` in inference mode (an Evaluator to the end).
EvalResult evaluate(Sequential& model, const Dataset& data, int batch_size = 256);

// Probabilities (N, K) for images (N, C, H, W), computed in batches.
Tensor predict(Sequential& model, const Tensor& images, int batch_size = 256);

// The divergence guard: a run has diverged when a batch's loss is NaN or infinite, when,
// from the kDivergenceWarmup-th batch of an epoch on (the last batch of a shorter epoch),
// the epoch's running mean loss exceeds kDivergenceFactor times that of guessing uniformly
// among the classes (ln K: ln 10 = 2.3 for MNIST), or when the run's last update leaves
// its batch's loss above that limit or not finite. A huge learning rate saturates cross-entropy at confidently wrong answers
// (loss near 13) long before, or instead of, producing NaN.
inline constexpr int kDivergenceWarmup = 10;
inline constexpr float kDivergenceFactor = 3.0f;

class Trainer {
 public:
  // Epochs and batch size come from the model's spec. Data are shuffled every
  // epoch from the spec's seed, so a run is reproducible. limit > 0 trains on the first
  // `limit` images of `train` only (all of them when there are fewer); val_limit > 0 likewise
  // validates on the first `val_limit` images of `validation`.
  // holdout > 0 keeps the last `holdout` images of `train` out of training and validates on
  // them instead of on `validation` (Keras's validation_split): `limit` then counts among the
  // images before them and `val_limit` among them.
  Trainer(Sequential& model, const Dataset& train, const Dataset* validation = nullptr,
          int limit = 0, int val_limit = 0, int holdout = 0);
  // Fine-tuning: batches come from `sampler` (mix_sampler.h: `own` images mixed with
  // replayed ones), an epoch is its images_per_epoch(); no validation. The sampler's batch
  // size must be the spec's.
  Trainer(Sequential& model, const Dataset& own, std::unique_ptr<MixSampler> sampler);

  bool done() const { return epoch_ >= epochs_; }
  int epoch() const { return epoch_; }
  int batches_per_epoch() const { return batches_; }
  int images() const { return images_; }  // training images per epoch
  // Trains one batch, or, after an epoch's last batch, scores one batch of the
  // validation set (BatchLog::validating). Throws Error(diverged), naming the epoch and
  // batch, when the guard above trips; on NaN/inf that batch's update is not applied, on a
  // mean loss that blew up the weights are already spoilt (the caller restores its own).
  BatchLog step();
  // True right after the step() that finished an epoch; last_epoch() then has its log.
  bool epoch_finished() const { return epoch_finished_; }
  const EpochLog& last_epoch() const { return last_epoch_; }

 private:
  void start_epoch();
  void finish_epoch();
  [[noreturn]] void diverged(const std::string& why) const;
  double divergence_limit() const;
  void check_last_update();
  BatchLog validate_step();

  Sequential& model_;
  const Dataset& train_;
  const Dataset* val_;
  int epochs_, batch_size_, images_, batches_, val_first_, val_limit_, val_images_;
  int epoch_ = 0, batch_ = 0;
  std::vector<uint32_t> order_;
  Rng shuffle_rng_;
  Tensor x_;
  std::vector<uint8_t> y_;
  double loss_sum_ = 0;
  int64_t correct_ = 0, seen_ = 0;
  double epoch_start_ = 0;
  bool epoch_finished_ = false;
  EpochLog last_epoch_;
  BatchLog last_batch_;
  std::unique_ptr<Evaluator> validation_;  // set while the validation set is being scored
  std::unique_ptr<MixSampler> sampler_;    // fine-tuning's batches, instead of order_
};

struct FitCallbacks {
  // Return false to stop training early.
  std::function<bool(const BatchLog&)> on_batch;
  std::function<bool(const EpochLog&)> on_epoch;
};

std::vector<EpochLog> fit(Sequential& model, const Dataset& train, const Dataset* validation,
                          const FitCallbacks& callbacks = {});

// Seconds from a monotonic clock.
double now_seconds();

}  // namespace convaula
