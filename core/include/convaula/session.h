// Session: the engine as the page drives it (through wasm/bindings.cpp) and the CLI trains with.
//
// One Session holds a model, the MNIST training and test sets, and at most one activity at a
// time: a training run (stepped a batch at a time, so the host can answer messages between
// steps) or a sliced scoring pass over the test set. Hosts call it; it never calls them.
//
// Every operation gives the strong guarantee: when it throws, the session is exactly as it
// was before the call. New objects are built on the side and swapped in only once nothing
// can fail any more. A training run is one long operation in that sense: a step that fails
// (divergence, out of memory) ends the run and puts back the model from before train_begin().
//
// What needs what (each throws an Error with a stable code, see error.h):
//   no_model  predict, kernels, save_weights, train_begin, eval_begin, ... before a model exists
//   no_data   train_begin without a training set, eval_begin or test_* without a test set
//   busy      replacing the model or the data, or starting a run, while a run is active
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "convaula/digit.h"
#include "convaula/mnist.h"
#include "convaula/model.h"
#include "convaula/train.h"

namespace convaula {

// A window into the test set: `count` images (count, C, H, W) and their labels. The pointers
// stay valid until the test set is replaced.
struct TestImages {
  const float* pixels = nullptr;
  std::size_t values = 0;  // count * C * H * W
  const uint8_t* labels = nullptr;
  int count = 0;
};

// The model's answer for test images [start, start + count).
struct TestPredictions {
  std::vector<uint8_t> predicted;
  std::vector<float> confidence;  // probability of the predicted class
  const uint8_t* labels = nullptr;  // `count` true labels, into the test set
  int count = 0;
};

// One layer's output for the last prediction, (C, H, W); data points into the model's buffers
// and stays valid until the next forward pass.
struct LayerActivation {
  std::string name, keras_class;
  int c = 0, h = 0, w = 0;
  const float* data = nullptr;
};

struct Prediction {
  int digit = 0;
  std::vector<float> probabilities;
  std::vector<LayerActivation> activations;  // empty unless asked for
};

// A Conv2D layer's kernels (filters, C, K, K) and biases (filters); pointers into the model.
struct ConvKernels {
  int filters = 0, channels = 0, kernel = 0;
  const float* weights = nullptr;
  const float* bias = nullptr;
};

// A Dropout layer's mask from the last training step: 0 for dropped values, 1/(1 - rate) for
// kept ones, (n, C, H, W); n = 0 before any training step.
struct DropoutMask {
  float rate = 0;
  int n = 0, c = 0, h = 0, w = 0;
  const float* mask = nullptr;
};

// What may change between runs without touching the layers: 0 or "" keeps the model's own
// value. optimizer_json is a ModelSpec "optimizer" value ("adam", {"type": "sgd", "lr": 0.1}).
// limit > 0 trains on the first `limit` training images only; val_limit > 0 validates on the
// first `val_limit` test images only (short runs in tests; Keras validates on all of them).
struct TrainSettings {
  int epochs = 0;
  int batch_size = 0;
  std::string optimizer_json;
  int limit = 0;
  int val_limit = 0;
};

// One step of a run: the batch's log, the epoch's log when that step ended an epoch, and
// whether the run is complete.
struct TrainProgress {
  BatchLog batch;
  bool epoch_finished = false;
  EpochLog epoch;
  bool done = false;
};

class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // ---- model ----------------------------------------------------------------------------
  // A fresh model (weights from the spec's seed). busy while a run is active.
  void build(const ModelSpec& spec);
  // The model a weights file describes, with its weights (load_model in model.h).
  void load_weights(std::span<const uint8_t> file);
  std::vector<uint8_t> save_weights(WeightsDtype dtype) const;
  bool has_model() const { return model_ != nullptr; }
  const Sequential& model() const;

  // ---- data -----------------------------------------------------------------------------
  // MNIST IDX files (images, labels); both parse before anything is replaced. Return the count.
  int load_train(std::span<const uint8_t> images, std::span<const uint8_t> labels);
  int load_test(std::span<const uint8_t> images, std::span<const uint8_t> labels);
  // Data already in memory (the CLI reads its files itself).
  void set_train(Dataset data);
  void set_test(Dataset data);
  int train_size() const;
  int test_size() const;
  // Test images [start, start + count), clamped to the set.
  TestImages test_images(int start, int count) const;

  // ---- training -------------------------------------------------------------------------
  // Starts a run on the current model's weights (Keras's fit goes on from where the model
  // is), with the model's spec changed by `settings`; validation on the test set when there
  // is one. Returns the batches per epoch.
  int train_begin(const TrainSettings& settings);
  bool training() const { return trainer_ != nullptr; }
  // One batch (or one validation batch after an epoch's last). Throws not_training without a
  // run. Any failure, divergence included, ends the run and restores the model from before
  // train_begin(), then rethrows.
  TrainProgress train_step();
  // Ends the run keeping what it learnt (also after done). No-op without a run.
  void train_end();

  // ---- scoring the test set in slices (Keras's evaluate) ----------------------------------
  // limit > 0 scores the first `limit` test images only.
  void eval_begin(int limit = 0);
  bool evaluating() const { return evaluator_ != nullptr; }
  // Scores one batch; true once the whole set is scored. Throws not_evaluating without a pass.
  bool eval_step();
  EvalResult eval_result() const;
  void eval_end();

  // ---- inference ------------------------------------------------------------------------
  // pixels: one input image (C, H, W) of the model's input shape.
  Prediction predict(std::span<const float> pixels, bool activations);
  // A drawing (RGBA as getImageData gives it) through digit.h's steps; steps.placed is
  // what predict() takes.
  DigitSteps digit_steps(std::span<const uint8_t> rgba, int width, int height, bool dark_ink) const;
  // The model's answer for test images [start, start + count), clamped, in chunks of a
  // thousand images.
  TestPredictions test_predictions(int start, int count);
  ConvKernels conv_kernels(int layer) const;
  DropoutMask dropout_mask(int layer) const;

 private:
  Sequential& model_ref() const;
  const Dataset& test_ref() const;
  void refuse_if_busy(const char* what) const;

  std::unique_ptr<Sequential> model_;
  std::unique_ptr<Dataset> train_, test_;
  std::unique_ptr<Trainer> trainer_;
  std::unique_ptr<Sequential> before_run_;  // the model train_begin() replaced
  std::unique_ptr<Evaluator> evaluator_;
};

}  // namespace convaula
