// Sequential: layers built from a ModelSpec over one flat parameter buffer.
#include <algorithm>
#include <atomic>
#include <climits>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "convaula/error.h"
#include "convaula/layers/activation.h"
#include "convaula/layers/conv2d.h"
#include "convaula/layers/dense.h"
#include "convaula/layers/dropout.h"
#include "convaula/layers/pooling.h"
#include "convaula/layers/reshape.h"
#include "convaula/loss.h"
#include "convaula/model.h"
#include "convaula/parallel.h"

namespace convaula {

namespace {

// Beyond these the model would not fit a browser tab; refused before allocating.
constexpr std::size_t kMaxParams = 64u << 20;              // 64 M floats (256 MB)
constexpr std::size_t kMaxActivationsPerImage = 4u << 20;  // 4 M floats per image
constexpr std::size_t kMaxBatchActivations = 256u << 20;   // 256 M floats (1 GB) per batch
constexpr uint64_t kMaxIm2colPerImage = 16u << 20;         // conv scratch, 16 M floats (64 MB)
// gemm's packing buffers, one set per thread: (MC + NC) x KC floats (kernels_simd.cpp).
constexpr uint64_t kGemmPackFloats = (96 + 1536) * 256;

[[noreturn]] void refuse(std::size_t layer, const std::string& field, const std::string& what) {
  throw Error(errc::bad_spec, "layers[" + std::to_string(layer) + "]" + field + ": " + what);
}

std::string side_str(int h, int w) { return std::to_string(h) + "x" + std::to_string(w); }

int pool_size(const LayerSpec& l) { return l.pool > 0 ? l.pool : 2; }

std::unique_ptr<Layer> make_layer(const LayerSpec& l) {
  const Activation act = parse_activation(l.activation);
  const int stride = l.stride > 0 ? l.stride : 1, pool = pool_size(l), pool_stride = l.stride > 0 ? l.stride : pool;
  switch (l.kind()) {
    case LayerKind::conv2d:
      return std::make_unique<Conv2D>(l.filters, l.kernel, stride, l.padding == "same" ? Padding::same : Padding::valid, act);
    case LayerKind::max_pooling2d: return std::make_unique<MaxPool2D>(pool, pool_stride);
    case LayerKind::average_pooling2d: return std::make_unique<AveragePool2D>(pool, pool_stride);
    case LayerKind::dropout: return std::make_unique<Dropout>(l.rate);
    case LayerKind::flatten: return std::make_unique<Flatten>();
    case LayerKind::dense: return std::make_unique<Dense>(l.units, act);
    case LayerKind::activation: return std::make_unique<ActivationLayer>(act);
  }
  throw Error(errc::bad_spec, "unknown layer kind");
}

std::string with_commas(std::size_t v) {
  const std::string digits = std::to_string(v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// One layer of a model planned from its spec: its (empty) object and its shapes (n = 1).
struct LayerPlan {
  std::unique_ptr<Layer> layer;
  Shape in, out;
  std::size_t params = 0;
  double flops = 0;  // forward, per image
};

struct ModelPlan {
  std::vector<LayerPlan> layers;
  std::size_t params = 0;          // all layers'
  std::size_t acts_per_image = 0;  // sum of every layer's output size for one image
  double flops = 0;                // forward, per image
};

int batch_limit(std::size_t acts_per_image) {
  return static_cast<int>(std::min<std::size_t>(INT_MAX, kMaxBatchActivations / acts_per_image));
}

// Validates `spec` and walks its shapes, checking the per-item limits on the way. Builds
// the layer objects but no parameter or activation buffer: this is what decides, before
// anything large is allocated, whether a spec (from the CLI, the page or a weights file)
// can be built at all.
ModelPlan plan_model(const ModelSpec& spec) {
  spec.validate();
  ModelPlan plan;
  Shape shape{1, spec.input_c, spec.input_h, spec.input_w};
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& l = spec.layers[i];
    LayerPlan lp{make_layer(l), shape, {}, 0};
    // A kernel wider than its input would mostly multiply padding (Conv2D itself allows it).
    const bool conv = l.kind() == LayerKind::conv2d;
    if (conv && (l.kernel > shape.h || l.kernel > shape.w))
      refuse(i, ".kernel", std::to_string(l.kernel) + " is larger than the layer's input " +
                               side_str(shape.h, shape.w));
    try {
      shape = lp.layer->output_shape(shape);
    } catch (const Error& e) {
      refuse(i, "", e.what());
    }
    lp.out = shape;
    // im2col holds C*K*K values for every output pixel of one image.
    const uint64_t im2col = uint64_t(lp.in.c) * l.kernel * l.kernel * uint64_t(shape.h) * shape.w;
    if (conv && im2col > kMaxIm2colPerImage)
      refuse(i, ".kernel", std::to_string(l.kernel) + "x" + std::to_string(l.kernel) + " over " +
                               std::to_string(lp.in.c) + " channels needs " + with_commas(im2col) +
                               " scratch values per image, more than the limit " +
                               with_commas(kMaxIm2colPerImage));
    // Compared before adding: a saturated count must not wrap the running total.
    lp.params = lp.layer->param_count(lp.in);
    if (lp.params > kMaxParams - plan.params)
      refuse(i, "", "the model would have more than " + with_commas(kMaxParams) +
                        " parameters (this layer alone has " + with_commas(lp.params) + ")");
    plan.params += lp.params;
    // Conv2D and Dense: every weight (all parameters but one bias per output channel) is used
    // once per output pixel.
    if (lp.params > 0) lp.flops = 2.0 * double(lp.params - shape.c) * shape.h * shape.w;
    plan.flops += lp.flops;
    plan.acts_per_image += shape.per_image();
    if (plan.acts_per_image > kMaxActivationsPerImage)
      refuse(i, "", "activations too large for one image (" + with_commas(plan.acts_per_image) +
                        " values, the limit is " + with_commas(kMaxActivationsPerImage) + ")");
    plan.layers.push_back(std::move(lp));
  }
  if (shape.h != 1 || shape.w != 1)
    throw Error(errc::bad_spec, "layers: the model must end with a flat (dense) output, got " +
                                    shape.keras_str());
  if (spec.batch_size > batch_limit(plan.acts_per_image))
    throw Error(errc::bad_spec, "batch_size: " + std::to_string(spec.batch_size) +
                                    " images of " + with_commas(plan.acts_per_image) +
                                    " activation values each exceed the limit of " +
                                    with_commas(kMaxBatchActivations) + " per batch");
  return plan;
}

// What plan_model's model will allocate, in bytes; see MemoryEstimate in model.h.
MemoryEstimate estimate(const ModelSpec& spec, const ModelPlan& plan, int threads) {
  const uint64_t f = sizeof(float), t = std::max(threads, 1);
  const uint64_t train = spec.batch_size;
  const uint64_t scoring = std::max<uint64_t>(train, std::min(kScoringBatch, batch_limit(plan.acts_per_image)));
  // Values per image. Forward (sized by the larger of the two batches, since buffers keep
  // their high-water mark): the input, every output, pooling's argmax. Training adds the
  // trainer's own input batch, every output's gradient and dropout's masks.
  const uint64_t input = uint64_t(spec.input_c) * spec.input_h * spec.input_w;
  uint64_t forward = input + plan.acts_per_image, training = input + plan.acts_per_image;
  uint64_t per_thread = kGemmPackFloats, partial_grads = 0, per_layer = 0, masks = 0;
  for (const LayerPlan& lp : plan.layers) {
    const LayerKind kind = lp.layer->kind();
    if (kind == LayerKind::max_pooling2d) forward += lp.out.per_image();  // int32 argmax per output
    if (kind == LayerKind::dropout) masks += lp.in.per_image();
    if (kind == LayerKind::conv2d) {
      // im2col and its gradient (or Winograd's tiles) for one image, per thread; slots >= 1
      // sum partial gradients.
      const Conv2D::ScratchSize s = static_cast<const Conv2D&>(*lp.layer).scratch_size(lp.in);
      per_thread += s.per_slot;
      per_layer += s.shared;
      partial_grads += lp.params;
    }
  }
  MemoryEstimate m;
  m.forward_per_image = f * forward;
  m.masks_per_image = f * masks;
  m.batch_size = spec.batch_size;
  m.params = plan.params;
  m.weights = m.gradients = f * plan.params;
  m.optimizer = f * plan.params * spec.optimizer.state_per_param();
  m.activations = f * (scoring * forward + train * (training + masks));
  m.scratch = f * (t * per_thread + (t - 1) * partial_grads + per_layer);
  return m;
}

std::atomic<uint64_t> g_memory_budget{kDefaultMemoryBudget};
std::atomic<double> g_compute_budget{kDefaultComputeBudget};

std::string format_gflop(double flops) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f GFLOP", flops / 1e9);
  return buf;
}

}  // namespace

uint64_t MemoryEstimate::total() const { return weights + gradients + optimizer + activations + scratch; }

uint64_t MemoryEstimate::idle(bool trained) const {
  const uint64_t learnt = trained ? optimizer + masks_per_image * batch_size : 0;
  return weights + gradients + scratch + forward_per_image + learnt;
}

std::string MemoryEstimate::str() const {
  return format_mib(total()) + " (weights " + format_mib(weights) + ", gradients " +
         format_mib(gradients) + ", optimizer state " + format_mib(optimizer) + ", activations " +
         format_mib(activations) + ", per-thread scratch " + format_mib(scratch) + ")";
}

std::string format_mib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

MemoryEstimate estimate_memory(const ModelSpec& spec, int threads) {
  return estimate(spec, plan_model(spec), threads);
}

void set_memory_budget(uint64_t bytes) { g_memory_budget = bytes; }
uint64_t memory_budget() { return g_memory_budget; }

std::vector<double> layer_flops(const ModelSpec& spec) {
  std::vector<double> out;
  for (const LayerPlan& lp : plan_model(spec).layers) out.push_back(lp.flops);
  return out;
}

void set_compute_budget(double flops) { g_compute_budget = flops; }
double compute_budget() { return g_compute_budget; }

void check_compute_budget(double flops_per_image) {
  if (flops_per_image <= compute_budget()) return;
  throw Error(errc::too_slow, "the model needs " + format_gflop(flops_per_image) +
                                  " per image, over the compute budget of " + format_gflop(compute_budget()));
}

void check_memory_budget(const MemoryEstimate& m) {
  if (m.total() <= memory_budget()) return;
  throw Error(errc::too_large, "the model needs an estimated " + m.str() +
                                   ", over the memory budget of " + format_mib(memory_budget()));
}

Sequential::Sequential(ModelSpec spec, InitialWeights weights) : spec_(std::move(spec)) {
  ModelPlan plan = plan_model(spec_);
  // Compute first: a far too heavy network is refused for that whatever the machine's threads.
  check_compute_budget(plan.flops);
  check_memory_budget(estimate(spec_, plan, ThreadPool::global().threads()));
  std::map<std::string, int> seen;
  for (LayerPlan& lp : plan.layers) {
    const int k = seen[lp.layer->keras_name()]++;
    const std::string name = std::string(lp.layer->keras_name()) + (k ? "_" + std::to_string(k) : "");
    summary_.push_back({name, lp.layer->keras_class(), lp.out, lp.params});
    layers_.push_back(std::move(lp.layer));
  }
  acts_per_image_ = plan.acts_per_image;
  flops_per_image_ = plan.flops;
  param_count_ = plan.params;
  params_.reset(new float[param_count_]);
  grads_.reset(new float[param_count_]);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->bind(plan.layers[i].in, params_.get() + offset, grads_.get() + offset);
    offset += summary_[i].params;
  }
  layers_.back()->set_fused_softmax(true);
  acts_.resize(layers_.size());
  dacts_.resize(layers_.size());
  if (weights == InitialWeights::glorot) {
    std::fill_n(params_.get(), param_count_, 0.0f);  // what a layer's init() leaves
    reset(spec_.seed);
    return;
  }
  Rng rng(spec_.seed);
  for (auto& l : layers_) l->init_streams(rng);
  set_optimizer(spec_.optimizer);
}

void Sequential::reset(uint64_t seed) {
  Rng rng(seed);
  for (auto& l : layers_) l->init(rng);
  set_optimizer(spec_.optimizer);
}

void Sequential::set_optimizer(const OptimizerSpec& spec) {
  optimizer_ = make_optimizer(spec, param_count_);
  spec_.optimizer = spec;
}

int Sequential::max_batch() const { return batch_limit(acts_per_image_); }

int Sequential::scoring_batch() const {
  const double images = std::floor(kScoringStepFlops / std::max(flops_per_image_, 1.0));
  return static_cast<int>(std::clamp(images, 1.0, double(std::min(kScoringBatch, max_batch()))));
}

void Sequential::zero_grad() {
  // Not needed before backward(), which writes every gradient; 4.8 MB for keras-mnist.
  const long n = static_cast<long>(param_count_);
  ThreadPool::global().parallel_for(static_cast<int>((n + 65535) / 65536), [&](int b, int e, int) {
    std::fill(grads_.get() + b * 65536L, grads_.get() + std::min<long>(n, e * 65536L), 0.0f);
  });
}

const Tensor& Sequential::forward(const Tensor& x, bool training) {
  const Shape in = x.shape();
  if (in.c != spec_.input_c || in.h != spec_.input_h || in.w != spec_.input_w || in.n < 1)
    throw Error(errc::bad_shape, "model '" + spec_.name + "' expects input (N, " +
                                     std::to_string(spec_.input_c) + ", " +
                                     std::to_string(spec_.input_h) + ", " +
                                     std::to_string(spec_.input_w) + "), got " + in.str());
  if (in.n > max_batch())
    throw Error(errc::bad_shape, "model '" + spec_.name + "' takes at most " +
                                     std::to_string(max_batch()) + " images per forward pass, got " +
                                     std::to_string(in.n));
  input_ = &x;
  // A small batch starts with layers on the calling thread (one image); the workers wake
  // meanwhile, for the first layer that splits it.
  ThreadPool::global().wake();
  const Tensor* cur = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    Shape out = summary_[i].output;
    out.n = in.n;
    acts_[i].resize(out);
    layers_[i]->forward(*cur, acts_[i], training);
    cur = &acts_[i];
  }
  return acts_.back();
}

float Sequential::backward(const uint8_t* labels) {
  const Tensor& probs = acts_.back();
  const int n = probs.shape().n, k = probs.shape().c;
  Tensor& dlogits = dacts_.back();
  dlogits.resize(probs.shape());
  const float loss = softmax_cross_entropy(probs.data(), labels, n, k, dlogits.data());
  for (int i = static_cast<int>(layers_.size()) - 1; i >= 0; --i) {
    const Tensor& in = i > 0 ? acts_[i - 1] : *input_;
    Tensor* din = nullptr;
    if (i > 0) {
      dacts_[i - 1].resize(in.shape());
      din = &dacts_[i - 1];
    }
    layers_[i]->backward(in, acts_[i], dacts_[i], din);
  }
  return loss;
}

void Sequential::release_batch_buffers() {
  for (auto* buffers : {&acts_, &dacts_})
    for (Tensor& t : *buffers) t = Tensor();
  for (auto& l : layers_) l->release_batch();
  input_ = nullptr;
}

namespace {

// One row as Keras 2's print_row writes it: each field cut at its column's end (29, 55 and
// 65 of a 65-character line), the last character before the next field made a space. A
// label longer than its column is cut: "average_pooling2d (AveragePo (None, 13, 13, 32)".
std::string keras_row(const std::vector<std::string>& fields) {
  static constexpr std::size_t kEnds[] = {29, 55, 65};
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.back() = ' ';
    line = (line + fields[i]).substr(0, kEnds[i]);
    line.resize(kEnds[i], ' ');
  }
  return line;
}

}  // namespace

std::string Sequential::summary_table() const {
  std::ostringstream os;
  const std::string rule(65, '_'), thick(65, '=');
  os << "Model: \"sequential\"\n" << rule << "\n";
  os << keras_row({"Layer (type)", "Output Shape", "Param #"}) << "\n" << thick << "\n";
  for (std::size_t i = 0; i < summary_.size(); ++i) {
    const auto& r = summary_[i];
    os << keras_row({r.name + " (" + r.keras_class + ")", r.output.keras_str(), std::to_string(r.params)}) << "\n"
       << (i + 1 < summary_.size() ? rule : thick) << "\n";
  }
  os << "Total params: " << with_commas(param_count_) << "\n"
     << "Trainable params: " << with_commas(param_count_) << "\n"
     << "Non-trainable params: 0\n"
     << rule << "\n";
  return os.str();
}

std::vector<uint8_t> Sequential::save_weights(WeightsDtype dtype) const {
  return encode_weights(spec_.to_json(), params_.get(), param_count_, dtype);
}

void Sequential::load_weights(const uint8_t* data, std::size_t size) {
  WeightsFile f = decode_weights(data, size);
  ModelSpec theirs;
  try {
    theirs = ModelSpec::from_json(f.spec_json);
  } catch (const Error& e) {
    throw Error(errc::bad_weights, std::string("weights file holds an invalid model spec: ") + e.what());
  }
  if (theirs.architecture_json() != spec_.architecture_json())
    throw Error(errc::bad_weights, "weights are for model '" + quote(theirs.name) + "' " +
                                       quote(theirs.architecture_json(), 2 * kMaxQuote) +
                                       ", not for '" + quote(spec_.name) + "' " +
                                       quote(spec_.architecture_json(), 2 * kMaxQuote));
  if (f.params.size() != param_count_)
    throw Error(errc::bad_weights, "weights file has " + std::to_string(f.params.size()) +
                                       " parameters, the model needs " +
                                       std::to_string(param_count_));
  std::copy(f.params.begin(), f.params.end(), params_.get());
}

void check_output_finite(Sequential& model) {
  Tensor x(model.input_shape());
  std::fill(x.data(), x.data() + x.size(), 1.0f);
  const Tensor& p = model.forward(x, false);
  if (!std::all_of(p.data(), p.data() + p.size(), [](float v) { return std::isfinite(v); }))
    throw Error(errc::bad_weights, "weights make the model's output infinite or NaN (parameters too large)");
}

std::unique_ptr<Sequential> load_model(const uint8_t* data, std::size_t size,
                                       const std::function<void(const MemoryEstimate&)>& check) {
  // The page's first answer waits for this: the parameters are decoded once, straight into
  // the model's buffer (no second copy), and its gradients and optimizer state stay unwritten.
  const WeightsHeader f = read_weights(data, size);
  // The embedded spec is checked as far as it can be without building it: parsed (bounded),
  // planned, its parameter count compared with the file's, its memory estimated.
  ModelSpec spec;
  MemoryEstimate need;
  double flops = 0;
  try {
    spec = ModelSpec::from_json(f.spec_json);
    need = estimate_memory(spec, ThreadPool::global().threads());
    for (const double layer : layer_flops(spec)) flops += layer;
  } catch (const Error& e) {
    throw Error(errc::bad_weights, std::string("weights file holds an invalid model spec: ") + e.what());
  }
  if (need.params != f.count)
    throw Error(errc::bad_weights, "weights file has " + with_commas(f.count) +
                                       " parameters, but its model '" + quote(spec.name) +
                                       "' needs " + with_commas(need.params));
  check_compute_budget(flops);
  try {
    check(need);
  } catch (const Error& e) {
    throw Error(errc::too_large, std::string("weights file's model: ") + e.what());
  }
  auto model = std::make_unique<Sequential>(std::move(spec), InitialWeights::unwritten);
  decode_params(f, model->params());
  return model;
}

}  // namespace convaula
