// Session: the engine as the page drives it (through wasm/bindings.cpp) and the CLI trains with.
//
// One Session holds named models ("slots": "principal" is the page's network; a feature makes
// others on demand, "experimento", "cuaderno", ...), the MNIST training and test sets, which
// every slot shares, and at most one run at a time: a training run on one slot (stepped a
// batch at a time, so the host can answer messages between steps) or a sliced scoring pass
// over the test set. Models are copied, snapshotted and restored here: weights never leave
// the engine to protect or copy a model. Hosts call it; it never calls them.
//
// Every operation gives the strong guarantee: when it throws, the session is exactly as it
// was before the call. New objects are built on the side and swapped in only once nothing
// can fail any more. A training run is one long operation in that sense: a step that fails
// (divergence, out of memory) ends the run and puts back the slot's model from before
// train_begin().
//
// While a run is active, everything else stays allowed between its steps, on any slot
// (predictions, kernels, copying from any slot, building into another one), except changing
// what the run reads: replacing, restoring or dropping its slot, or replacing a data set.
//
// Memory: one budget (model.h's memory_budget(), 1 GiB by default) for all the session
// holds: each slot between runs (weights and gradients, scratch and one image's activations;
// once it has trained, also optimizer state and its last dropout masks), the snapshots, the
// data sets and the active run (its batch buffers and the model from before it). Anything
// that would go over is refused with too_large before it allocates, touching nothing.
//
// What needs what (each throws an Error with a stable code, see error.h):
//   bad_argument  a slot name that is not 1-32 characters of [a-z0-9-]
//   no_model      an operation on a slot that holds no model (the message names it)
//   no_data       train_begin without a training set, eval_begin or test_* without a test set
//   busy          starting a second run; changing the run's slot or the data during a run
//   too_large     anything that would take the session over its memory budget
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
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
// first `val_limit` validation images only (short runs in tests; Keras validates on all of them).
// Validation is on the test set (Keras's validation_data=(X_test, y_test)) unless
// validation_split, in [0, 1), holds out the training set's last fraction as Keras's
// fit(validation_split=) does: the run then validates on those images and trains on the ones
// before them (limit counts among these), and the test set stays unseen until it is scored.
struct TrainSettings {
  int epochs = 0;
  int batch_size = 0;
  std::string optimizer_json;
  int limit = 0;
  int val_limit = 0;
  double validation_split = 0;
};

// A fine-tuning run ("ajuste fino"): a few epochs over a student's own digits, each drawn
// augmented (augment.h), mixed with a replayed share of the training set (mix_sampler.h).
// 0 keeps the default. Everything follows from the seed: the same seed and data give the
// same weights, bit for bit.
// The defaults, measured on 50 drawings of a new script (README, «Enséñale a la red»): 10 epochs
// of batches of 8 with a fresh Adam at lr 0.003 (whatever optimizer the slot was trained with)
// read the held-out drawings at 90-100 % in a few seconds; lr 0.001 moved too little.
inline constexpr int kTuneEpochs = 10, kTuneBatch = 8;
inline constexpr const char* kTuneOptimizer = R"({"type": "adam", "lr": 0.003})";
struct TuneSettings {
  int epochs = 0;               // 0: kTuneEpochs
  int batch_size = 0;           // 0: kTuneBatch
  float replay_fraction = 0;    // 0..kMaxReplayFraction of each batch from the training set
  uint64_t seed = 1;
  std::string optimizer_json;   // "": kTuneOptimizer; else as TrainSettings's
};

// One step of a run: the batch's log, the epoch's log when that step ended an epoch, and
// whether the run is complete.
struct TrainProgress {
  BatchLog batch;
  bool epoch_finished = false;
  EpochLog epoch;
  bool done = false;
};

// The page's network, the slot a host uses when it names none.
inline constexpr const char* kPrincipal = "principal";

// What the session holds, in bytes, by part (Session::memory()).
struct SessionMemory {
  uint64_t slots = 0;      // every slot's model between runs (the run's slot: see run)
  uint64_t snapshots = 0;  // snapshot() copies
  uint64_t run = 0;        // the active run: its model at batch size, the model from before it
  uint64_t data = 0;       // the training and test sets
  uint64_t total() const { return slots + snapshots + run + data; }
  std::string str() const;  // "412.3 MiB (models 30.1 MiB, snapshots ..., run ..., data ...)"
};

class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // ---- models (slots) -------------------------------------------------------------------
  // A fresh model in `slot` (weights from the spec's seed), replacing what it held.
  void build(const std::string& slot, const ModelSpec& spec);
  // The model a weights file describes, with its weights (load_model in model.h).
  void load_weights(const std::string& slot, std::span<const uint8_t> file);
  std::vector<uint8_t> save_weights(const std::string& slot, WeightsDtype dtype) const;
  // `to` becomes a model of `from`'s spec with its weights (bitwise: same predictions).
  void copy(const std::string& from, const std::string& to);
  // Keeps a copy of the slot's spec and weights (one per slot, replacing the last);
  // restore() puts it back as the slot's model. The snapshot stays until drop().
  void snapshot(const std::string& slot);
  void restore(const std::string& slot);
  bool has_snapshot(const std::string& slot) const;
  // Removes the slot's model and its snapshot.
  void drop(const std::string& slot);
  bool has(const std::string& slot) const;
  std::vector<std::string> slots() const;  // sorted
  const Sequential& model(const std::string& slot) const;

  // ---- data (shared by every slot) ------------------------------------------------------
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
  // Starts a run on the slot's current weights (Keras's fit goes on from where the model
  // is), with the model's spec changed by `settings`; validation on the held-out part of the
  // training set with a validation_split, else on the test set when there is one. Returns the
  // batches per epoch. A validation_split outside [0, 1), or one that holds out no image or
  // every image, is bad_argument.
  int train_begin(const std::string& slot, const TrainSettings& settings);
  // A fine-tuning run on the slot's current weights over own images (make_user_dataset's
  // layout: 28x28 uint8 pixels, labels 0..9) mixed with the training set; needs the training
  // set only when settings.replay_fraction > 0. No validation: score the test set after.
  // Stepped and ended as a training run. Returns the batches per epoch.
  int tune_begin(const std::string& slot, std::span<const uint8_t> pixels, std::span<const uint8_t> labels,
                 const TuneSettings& settings);
  bool training() const { return trainer_ != nullptr; }
  // The slot of the active run (training or scoring), "" without one.
  const std::string& run_slot() const { return run_slot_; }
  // One batch (or one validation batch after an epoch's last). Throws not_training without a
  // run. Any failure, divergence included, ends the run and restores the slot's model from
  // before train_begin(), then rethrows.
  TrainProgress train_step();
  // Ends the run keeping what it learnt (also after done). No-op without a run.
  void train_end();

  // ---- scoring the test set in slices (Keras's evaluate) ----------------------------------
  // limit > 0 scores the first `limit` test images only.
  void eval_begin(const std::string& slot, int limit = 0);
  bool evaluating() const { return evaluator_ != nullptr; }
  // Scores one batch; true once the whole set is scored. Throws not_evaluating without a pass.
  bool eval_step();
  EvalResult eval_result() const;
  void eval_end();

  // ---- inference ------------------------------------------------------------------------
  // pixels: one input image (C, H, W) of the slot's model's input shape. Activations point
  // into the model and stay valid until the next operation on the slot.
  Prediction predict(const std::string& slot, std::span<const float> pixels, bool activations);
  // A drawing (RGBA as getImageData gives it) through digit.h's steps; steps.placed is
  // what predict() takes.
  DigitSteps digit_steps(std::span<const uint8_t> rgba, int width, int height, bool dark_ink) const;
  // The model's answer for test images [start, start + count), clamped, in chunks of a
  // thousand images.
  TestPredictions test_predictions(const std::string& slot, int start, int count);
  ConvKernels conv_kernels(const std::string& slot, int layer) const;
  DropoutMask dropout_mask(const std::string& slot, int layer) const;

  // ---- memory ---------------------------------------------------------------------------
  SessionMemory memory() const;

 private:
  struct Snapshot {
    ModelSpec spec;
    std::vector<float> params;
  };
  struct Slot {
    std::unique_ptr<Sequential> model;
    bool trained = false;  // it has optimizer state and dropout masks (MemoryEstimate::idle)
    std::unique_ptr<Snapshot> snapshot;
  };

  Slot& slot_ref(const std::string& name) const;
  Sequential& model_ref(const std::string& name) const { return *slot_ref(name).model; }
  const Dataset& test_ref() const;
  void refuse_if_running(const char* what) const;
  void refuse_if_run_slot(const std::string& name, const char* what) const;
  // Throws too_large when `extra` more bytes would take the session over its budget.
  void check_memory(uint64_t extra, const std::string& what) const;
  // Puts `model` into `name` (a new slot, or replacing its model; its snapshot stays).
  void put(const std::string& name, std::unique_ptr<Sequential> model);
  uint64_t slot_bytes(const std::string& name, const Slot& slot) const;
  // Makes `trainer`, training `next`, the slot's run (nothing in it throws).
  int start_run(Slot& s, const std::string& slot, std::unique_ptr<Sequential> next, std::unique_ptr<Trainer> trainer);
  // Frees the batch-size buffers of a model no run is using any more.
  void release(const std::string& name);

  mutable std::map<std::string, Slot> slots_;
  std::unique_ptr<Dataset> train_, test_;
  std::string run_slot_;
  std::unique_ptr<Trainer> trainer_;
  std::unique_ptr<Dataset> tune_own_;  // a fine-tuning run's own images
  Slot before_run_;  // the model train_begin() replaced in run_slot_
  std::unique_ptr<Evaluator> evaluator_;
};

}  // namespace convaula
