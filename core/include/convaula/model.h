// ModelSpec (the JSON description shared by CLI, tests and page) and Sequential,
// the model built from it.
//
// ModelSpec JSON, with Keras's vocabulary:
//   {"name": "keras-mnist", "input": [28, 28, 1],
//    "layers": [{"type": "conv2d", "filters": 32, "kernel": 3, "activation": "relu"},
//               {"type": "max_pooling2d", "pool": 2}, {"type": "dropout", "rate": 0.25},
//               {"type": "flatten"}, {"type": "dense", "units": 10, "activation": "softmax"}],
//    "loss": "categorical_crossentropy",
//    "optimizer": {"type": "adadelta", "lr": 1.0},
//    "batch_size": 32, "epochs": 15, "seed": 1}
// Layer types: conv2d (filters, kernel, stride=1, padding valid|same, activation),
// max_pooling2d (pool=2, stride=pool), dropout (rate), flatten,
// dense (units, activation), activation (activation).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "convaula/layer.h"
#include "convaula/optimizer.h"
#include "convaula/tensor.h"
#include "convaula/weights.h"

namespace convaula {

// Bounds checked while parsing, before anything is built: a spec's JSON text, and its layers.
inline constexpr std::size_t kMaxSpecBytes = 64 * 1024;
inline constexpr std::size_t kMaxLayers = 64;

struct LayerSpec {
  std::string type;
  int filters = 0, kernel = 0, stride = 0, pool = 0, units = 0;  // 0: not given / default
  std::string padding = "valid";
  std::string activation = "linear";
  float rate = 0.0f;

  // The kind `type` names; throws Error(bad_spec) for an unknown one.
  LayerKind kind() const { return parse_layer_kind(type); }
};

struct ModelSpec {
  std::string name = "model";
  int input_h = 28, input_w = 28, input_c = 1;
  std::vector<LayerSpec> layers;
  std::string loss = "categorical_crossentropy";
  OptimizerSpec optimizer;
  int batch_size = 32;
  int epochs = 1;
  uint64_t seed = 1;

  // Parses and validates; throws Error(bad_spec) naming the field (e.g. "layers[2].filters").
  static ModelSpec from_json(const std::string& json);
  std::string to_json() const;
  // The part that fixes the parameter layout: input and layers (not training settings).
  std::string architecture_json() const;
  // Sane-bound checks on every number (before anything is allocated).
  void validate() const;
};

// Built-in specs: "keras-mnist" (the lesson's network, exactly) and "classroom"
// (a small fast network for a lesson's minutes).
ModelSpec preset_spec(const std::string& name);
std::vector<std::string> preset_names();

struct SummaryRow {
  std::string name;         // "conv2d_1"
  std::string keras_class;  // "Conv2D"
  Shape output;             // n = 1
  std::size_t params;
};

// How a new Sequential's weights start.
enum class InitialWeights {
  glorot,  // glorot_uniform weights and zero biases from spec.seed (see reset)
  // Unwritten, for a caller that writes every one of them next (load_model): no zero fill and
  // no 1.2 M draws before the file's values. The dropout streams are seeded as with glorot.
  unwritten,
};

class Sequential {
 public:
  explicit Sequential(ModelSpec spec, InitialWeights weights = InitialWeights::glorot);

  const ModelSpec& spec() const { return spec_; }
  int layer_count() const { return static_cast<int>(layers_.size()); }
  Layer& layer(int i) { return *layers_[i]; }
  const Layer& layer(int i) const { return *layers_[i]; }
  const std::vector<SummaryRow>& summary() const { return summary_; }
  // Keras's model.summary() text.
  std::string summary_table() const;
  Shape input_shape() const { return {1, spec_.input_c, spec_.input_h, spec_.input_w}; }
  int classes() const { return summary_.back().output.c; }
  // The most images forward() takes at once: their activations must stay within the
  // engine's per-batch memory limit. evaluate() and predict() split their batches by it.
  int max_batch() const;
  // Flops of one image's forward pass (2 per multiply-add of its conv and dense layers).
  double flops_per_image() const { return flops_per_image_; }
  // How many images one step of a scoring pass (Evaluator, test predictions) takes: about
  // kScoringStepFlops of work, so that a heavy model's step stays as short as a light one's
  // (a page answers a prediction between two steps), and at most kScoringBatch images.
  int scoring_batch() const;

  // One flat buffer for all parameters (Keras order: each layer's kernel then bias).
  std::size_t param_count() const { return param_count_; }
  float* params() { return params_.get(); }
  const float* params() const { return params_.get(); }
  // Written by backward(), undefined before the first one (or zero_grad()).
  float* grads() { return grads_.get(); }
  void zero_grad();
  // Re-initializes the weights (glorot_uniform, zero bias), dropout streams and
  // the optimizer state (allocated at its first step) from `seed`.
  void reset(uint64_t seed);

  // x (N, C, H, W) -> probabilities (N, K). Activations stay readable until the
  // next call. Buffers grow once to the largest batch seen and are then reused.
  const Tensor& forward(const Tensor& x, bool training);
  const Tensor& output() const { return acts_.back(); }
  const Tensor& activation(int layer) const { return acts_[layer]; }

  // Backward pass of the fused softmax + cross-entropy for the last forward
  // (which must have been a training one); writes every gradient of grads() (no
  // zero_grad needed before it). Returns the loss.
  float backward(const uint8_t* labels);
  Optimizer& optimizer() { return *optimizer_; }
  // Replaces the optimizer (new state) from a spec.
  void set_optimizer(const OptimizerSpec& spec);

  // Frees the buffers sized by the largest batch seen (activations, their gradients,
  // pooling's winners); the next forward() plans them again. Dropout masks stay readable.
  void release_batch_buffers();

  std::vector<uint8_t> save_weights(WeightsDtype dtype = WeightsDtype::f32) const;
  // All-or-nothing: a file for another architecture, or corrupt, throws
  // Error(bad_weights) and leaves the current weights untouched.
  void load_weights(const uint8_t* data, std::size_t size);

 private:
  ModelSpec spec_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<SummaryRow> summary_;
  // Allocated without being written: the pages of a buffer nobody writes are never mapped
  // (keras-mnist's 4.8 MB of gradients, when its network is only drawn on).
  std::size_t param_count_ = 0;
  std::unique_ptr<float[]> params_, grads_;
  std::unique_ptr<Optimizer> optimizer_;
  const Tensor* input_ = nullptr;  // the last forward's input, read again by backward
  std::vector<Tensor> acts_;       // acts_[i] = output of layer i
  std::vector<Tensor> dacts_;      // dacts_[i] = gradient w.r.t. acts_[i]
  std::size_t acts_per_image_ = 0;  // sum of every layer's output size for one image
  double flops_per_image_ = 0;
};

inline constexpr int kScoringBatch = 256;
inline constexpr double kScoringStepFlops = 4e9;  // keras-mnist: 163 images

// Forward flops per image of each layer, in order (0 for layers without weights), from the
// spec alone: nothing is allocated. Throws Error(bad_spec) as Sequential would.
std::vector<double> layer_flops(const ModelSpec& spec);

// One compute budget for the engine's models: a Sequential whose forward pass needs more flops
// per image than this is refused before anything is allocated, as one over the memory budget
// is: every prediction and every step of a scoring pass must stay short on a classroom laptop.
// The default admits every preset and every Práctica variant (the largest, keras-mnist with
// three extra 5 x 5 layers, needs 0.125 GFLOP) with room to spare; the CLI can raise it
// (--compute-budget).
inline constexpr double kDefaultComputeBudget = 5e8;
void set_compute_budget(double flops);
double compute_budget();
// Throws Error(too_slow) naming the model's flops per image and the budget.
void check_compute_budget(double flops_per_image);

// What a model needs in memory, in bytes, estimated from its spec alone (nothing is
// allocated): training batches of spec.batch_size and scoring batches of up to 256 images
// (evaluate / predict), with `threads` threads. The MNIST data itself is not included.
struct MemoryEstimate {
  std::size_t params = 0;    // parameter count (not bytes)
  uint64_t weights = 0;      // the flat parameter buffer
  uint64_t gradients = 0;    // its gradient
  uint64_t optimizer = 0;    // the optimizer's state (Adam: m and v)
  uint64_t activations = 0;  // inputs, every layer's outputs and their gradients, masks, argmax
  uint64_t scratch = 0;      // per thread: im2col or Winograd tiles, partial gradients, GEMM packing; per layer: Winograd weights
  // The parts a Session adds up (the bytes above are those of a model at its largest).
  uint64_t forward_per_image = 0;  // an input copy, every output, pooling's argmax
  uint64_t masks_per_image = 0;    // dropout's masks
  int batch_size = 0;              // the training batch
  uint64_t total() const;
  // A model between runs (Sequential::release_batch_buffers): its weights and gradient
  // buffers (allocated with it: in wasm's heap, unwritten memory counts too), scratch and one
  // image's forward buffers; once it has trained, also its optimizer state and the last
  // training batch's dropout masks.
  uint64_t idle(bool trained) const;
  std::string str() const;  // "2917.3 MiB (weights 199.2 MiB, gradients ...)"
};
std::string format_mib(uint64_t bytes);  // "1024.0 MiB"
// Throws Error(bad_spec) for a spec that cannot be built (as Sequential would).
MemoryEstimate estimate_memory(const ModelSpec& spec, int threads);

// One memory budget for the engine's model: a Sequential whose estimate (with the global
// ThreadPool's threads) exceeds it is refused before anything is allocated. The default
// leaves room in wasm's 2 GiB heap for MNIST (220 MB as floats) and the page; natively the
// CLI can raise it (--memory-budget).
inline constexpr uint64_t kDefaultMemoryBudget = uint64_t{1} << 30;  // 1 GiB
void set_memory_budget(uint64_t bytes);
uint64_t memory_budget();
// Throws Error(too_large) naming the estimate, its parts and the budget.
void check_memory_budget(const MemoryEstimate& need);


// The model a weights file describes (its embedded spec), with the file's weights loaded.
// Throws Error(bad_weights) for a corrupt file, an invalid embedded spec or a parameter
// count that does not match it, Error(too_slow) for a model over the compute budget,
// Error(too_large) for one over the memory budget;
// nothing is allocated for the model before all of that has been checked.
// `check` runs on the model's estimate before anything is allocated (a Session adds what it
// already holds); it throws to refuse.
std::unique_ptr<Sequential> load_model(
    const uint8_t* data, std::size_t size,
    const std::function<void(const MemoryEstimate&)>& check = check_memory_budget);

// Throws Error(bad_weights) unless the model's output for one image of full ink is finite:
// finite but huge parameters (3e38) overflow on the way. Run on a file's weights before they
// replace a model (one forward pass: its activations are the first prediction's anyway).
void check_output_finite(Sequential& model);

}  // namespace convaula
