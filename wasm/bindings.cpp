// bindings.cpp: the Embind layer between web/worker.js and the engine; each function is one core
// call.
//
// The worker owns exactly one engine, so the state (model, data, trainer) is one static
// Session here rather than JS-managed C++ objects that could leak or dangle.
// Errors: every binding runs inside Guarded<>, which turns a C++ exception into a JS
// Error with a stable `.code` (error.h's codes, plus out_of_memory and internal).
// Arrays go out as fresh JS typed arrays (copied from wasm memory at once) and come in
// as Uint8Array (Embind's std::string) or Float32Array (copied into a std::vector).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <memory>
#include <new>
#include <string>

#include "convaula/bench.h"
#include "convaula/digit.h"
#include "convaula/error.h"
#include "convaula/explain.h"
#include "convaula/layers/activation.h"
#include "convaula/layers/conv2d.h"
#include "convaula/layers/dropout.h"
#include "convaula/mnist.h"
#include "convaula/model.h"
#include "convaula/parallel.h"
#include "convaula/train.h"

using namespace convaula;
using emscripten::val;

namespace {

struct Session {
  std::unique_ptr<Sequential> model;
  IdxImages train_images, test_images;
  IdxLabels train_labels, test_labels;
  Dataset train, test;
  int train_limit = -1;  // limit `train` was made with; -1: not made yet
  std::unique_ptr<Trainer> trainer;
  std::unique_ptr<Evaluator> evaluator;  // a sliced scoring of `test` (evalBegin .. evalEnd)
};
Session s;

Sequential& model() {
  if (!s.model) throw Error("no_model", "no model: call build() first");
  return *s.model;
}

void need_data() {
  if (s.test.size() == 0) throw Error("no_data", "no MNIST data: call loadData() first");
}

// ---- conversions ----------------------------------------------------------------------
val f32_array(const float* p, std::size_t n) {
  return val::global("Float32Array").new_(emscripten::typed_memory_view(n, p));
}
val f32_array(const std::vector<float>& v) { return f32_array(v.data(), v.size()); }
// Plain JS array of numbers, strings or value_objects.
template <typename T>
val js_array(const std::vector<T>& items) {
  val a = val::array();
  for (const T& item : items) a.call<void>("push", val(item));
  return a;
}
std::vector<float> to_floats(const val& typed) {
  return emscripten::convertJSArrayToNumberVector<float>(typed);
}
const uint8_t* bytes(const std::string& b) { return reinterpret_cast<const uint8_t*>(b.data()); }
ModelSpec spec_or_current(const std::string& json) {
  return json.empty() ? model().spec() : ModelSpec::from_json(json);
}
val gray_image(const GrayImage& g) {
  val o = val::object();
  o.set("width", g.width);
  o.set("height", g.height);
  o.set("pixels", f32_array(g.pixels));
  return o;
}
// Keras's view of a shape: [h, w, c] for images, [units] for vectors.
val keras_shape(const Shape& sh) {
  val a = val::array();
  if (sh.h == 1 && sh.w == 1) {
    a.call<void>("push", sh.c);
  } else {
    a.call<void>("push", sh.h);
    a.call<void>("push", sh.w);
    a.call<void>("push", sh.c);
  }
  return a;
}

// ---- model --------------------------------------------------------------------------
val presets() { return js_array(preset_names()); }
std::string preset(const std::string& name) { return preset_spec(name).to_json(); }

val summary() {
  val rows = val::array();
  for (const SummaryRow& r : model().summary()) {
    val row = val::object();
    row.set("name", r.name);
    row.set("kerasClass", r.keras_class);
    row.set("output", keras_shape(r.output));
    row.set("params", static_cast<double>(r.params));
    rows.call<void>("push", row);
  }
  val o = val::object();
  o.set("summary", rows);
  o.set("totalParams", static_cast<double>(model().param_count()));
  o.set("specJson", model().spec().to_json());
  return o;
}

val build(const std::string& spec_json) {
  s.trainer.reset();  // they refer to the model being replaced
  s.evaluator.reset();
  s.model = std::make_unique<Sequential>(ModelSpec::from_json(spec_json));
  return summary();
}

// A weights file carries its own spec, so loading it builds that model. All-or-nothing:
// the current model stays if anything is wrong with the file.
val load_weights(const std::string& file) {
  auto next = std::make_unique<Sequential>(
      ModelSpec::from_json(decode_weights(bytes(file), file.size()).spec_json));
  next->load_weights(bytes(file), file.size());
  s.trainer.reset();
  s.evaluator.reset();
  s.model = std::move(next);
  return summary();
}

val save_weights(bool f16) {
  const auto b = model().save_weights(f16 ? WeightsDtype::f16 : WeightsDtype::f32);
  return val::global("Uint8Array").new_(emscripten::typed_memory_view(b.size(), b.data()));
}

void set_threads(int n) { ThreadPool::global().set_threads(n); }

// bench/chromium.mjs: the engine's speed in this browser (leaves 1 thread set).
BenchFigures bench(const std::string& preset, int batches, int threads) {
  const int before = ThreadPool::global().threads();
  BenchFigures f = run_benchmark(preset, batches, threads);
  ThreadPool::global().set_threads(before);
  return f;
}

// ---- data -----------------------------------------------------------------------------
int load_train(const std::string& images, const std::string& labels) {
  s.train_images = parse_idx_images(bytes(images), images.size());
  s.train_labels = parse_idx_labels(bytes(labels), labels.size());
  s.train_limit = -1;
  return s.train_images.count;
}

int load_test(const std::string& images, const std::string& labels) {
  s.trainer.reset();
  s.evaluator.reset();
  s.test_images = parse_idx_images(bytes(images), images.size());
  s.test_labels = parse_idx_labels(bytes(labels), labels.size());
  s.test = make_dataset(s.test_images, s.test_labels);
  return s.test.size();
}

val test_images(int start, int count) {
  need_data();
  start = std::clamp(start, 0, s.test.size());
  count = std::clamp(count, 0, s.test.size() - start);
  const std::size_t per = s.test.images.shape().per_image();
  val o = val::object();
  o.set("pixels", f32_array(s.test.images.image(start), per * count));
  o.set("labels", val::global("Uint8Array")
                      .new_(emscripten::typed_memory_view(count, s.test.labels.data() + start)));
  return o;
}

// ---- training: the worker calls step() in slices, between its messages ------------------
// Epochs, batch size and optimizer live in the spec, so training with other settings
// rebuilds the model from the changed spec and carries its weights over.
int train_begin(const std::string& spec_json, int limit) {
  need_data();
  Sequential& old = model();
  auto next = std::make_unique<Sequential>(ModelSpec::from_json(spec_json));
  if (next->spec().architecture_json() != old.spec().architecture_json())
    throw Error(errc::bad_argument, "train() cannot change the model's layers; call build()");
  std::copy(old.params(), old.params() + old.param_count(), next->params());
  if (limit != s.train_limit) {
    s.train = Dataset{};  // free the old copy first: the full set is 188 MB of floats
    s.train = make_dataset(s.train_images, s.train_labels, limit);
    s.train_limit = limit;
  }
  s.trainer.reset();
  s.evaluator.reset();
  s.model = std::move(next);
  s.trainer = std::make_unique<Trainer>(*s.model, s.train, &s.test);
  return s.trainer->batches_per_epoch();
}

Trainer& trainer() {
  if (!s.trainer) throw Error("not_training", "no training in progress");
  return *s.trainer;
}
BatchLog train_step() { return trainer().step(); }
bool train_epoch_finished() { return trainer().epoch_finished(); }
EpochLog train_last_epoch() { return trainer().last_epoch(); }
bool train_done() { return trainer().done(); }
void train_end() { s.trainer.reset(); }

// Keras's evaluate() on the test set, in slices: evalBegin, evalStep (one batch of 256)
// until it returns true, evalResult, evalEnd. The worker answers other requests between
// slices, as it does between training batches.
void eval_begin() {
  need_data();
  s.evaluator = std::make_unique<Evaluator>(model(), s.test);
}

Evaluator& evaluator() {
  if (!s.evaluator) throw Error("not_evaluating", "no evaluation in progress");
  return *s.evaluator;
}
bool eval_step() {
  evaluator().step();
  return evaluator().done();
}
void eval_end() { s.evaluator.reset(); }

val eval_result() {
  const EvalResult r = evaluator().result();
  val o = val::object();
  o.set("loss", r.loss);
  o.set("accuracy", r.accuracy);
  o.set("classes", r.classes);
  o.set("confusion",
        val::global("Int32Array")
            .new_(emscripten::typed_memory_view(r.confusion.size(), r.confusion.data())));
  return o;
}

// ---- inference ----------------------------------------------------------------------
val digit_steps(const std::string& rgba, int width, int height, bool dark_ink) {
  if (rgba.size() != static_cast<std::size_t>(width) * height * 4)
    throw Error(errc::bad_image,
                "rgba has " + std::to_string(rgba.size()) + " bytes, expected width*height*4");
  const DigitSteps d = preprocess_digit(from_rgba(bytes(rgba), width, height, dark_ink));
  val box = val::object();
  box.set("x0", d.box.x0);
  box.set("y0", d.box.y0);
  box.set("x1", d.box.x1);
  box.set("y1", d.box.y1);
  box.set("empty", d.box.empty);
  val o = val::object();
  o.set("box", box);
  o.set("cropped", gray_image(d.cropped));
  o.set("fitted", gray_image(d.fitted));
  o.set("placed", f32_array(d.placed.pixels));
  o.set("empty", d.empty);
  return o;
}

val predict_one(const val& pixels, bool activations) {
  Sequential& m = model();
  Tensor x(m.input_shape());
  const std::vector<float> in = to_floats(pixels);
  if (in.size() != x.size())
    throw Error(errc::bad_image, "pixels has " + std::to_string(in.size()) +
                                     " values, the model needs " + std::to_string(x.size()));
  std::copy(in.begin(), in.end(), x.data());
  const Tensor& probs = m.forward(x, false);
  val o = val::object();
  o.set("probabilities", f32_array(probs.data(), probs.size()));
  if (!activations) return o;
  val layers = val::array();
  for (int i = 0; i < m.layer_count(); ++i) {
    const Tensor& a = m.activation(i);
    val l = val::object();
    l.set("name", m.summary()[i].name);
    l.set("kerasClass", m.summary()[i].keras_class);
    l.set("shape", js_array(std::vector<int>{a.shape().c, a.shape().h, a.shape().w}));
    l.set("data", f32_array(a.data(), a.size()));
    layers.call<void>("push", l);
  }
  o.set("activations", layers);
  return o;
}

val conv_kernels(int layer) {
  Sequential& m = model();
  const auto* conv = layer >= 0 && layer < m.layer_count()
                         ? dynamic_cast<const Conv2D*>(&m.layer(layer))
                         : nullptr;
  if (!conv)
    throw Error(errc::bad_argument, "layer " + std::to_string(layer) + " is not a Conv2D layer");
  const int f = conv->filters(), c = conv->geom().c, k = conv->kernel();
  val o = val::object();
  o.set("shape", js_array(std::vector<int>{f, c, k, k}));
  o.set("data", f32_array(conv->weight(), static_cast<std::size_t>(f) * c * k * k));
  o.set("bias", f32_array(conv->bias(), f));
  return o;
}

// ---- lesson widgets: dropout, activations, test-set predictions -------------------------
// The mask of a Dropout layer from the last training step: 0 for dropped values, 1/(1-rate)
// for kept ones, for every image of that batch. Empty (n = 0) before any training step.
val dropout_mask(int layer) {
  Sequential& m = model();
  const auto* d = layer >= 0 && layer < m.layer_count()
                      ? dynamic_cast<const Dropout*>(&m.layer(layer))
                      : nullptr;
  if (!d)
    throw Error(errc::bad_argument, "layer " + std::to_string(layer) + " is not a Dropout layer");
  const Tensor& mask = d->mask();
  const bool empty = mask.data() == nullptr;
  const Shape sh = mask.shape();
  val o = val::object();
  o.set("rate", d->rate());
  o.set("shape", js_array(std::vector<int>{empty ? 0 : sh.n, sh.c, sh.h, sh.w}));
  o.set("mask", f32_array(mask.data(), empty ? 0 : mask.size()));
  return o;
}

// The engine's Dropout layer on its own, in training mode: `values` go through `step` + 1
// training steps of a layer seeded with `seed`, and the last step's mask and output return.
val dropout_demo(const val& values, float rate, int seed, int step) {
  const std::vector<float> in_values = to_floats(values);
  if (in_values.empty() || step < 0 || step > 100000)
    throw Error(errc::bad_argument, "dropoutDemo needs values and 0 <= step <= 100000");
  Dropout layer(rate);
  Rng rng(static_cast<uint64_t>(seed));
  layer.init(rng);
  Tensor in(Shape{1, static_cast<int>(in_values.size()), 1, 1}), out(in.shape());
  std::copy(in_values.begin(), in_values.end(), in.data());
  for (int i = 0; i <= step; ++i) layer.forward(in, out, true);
  val o = val::object();
  o.set("mask", f32_array(layer.mask().data(), layer.mask().size()));
  o.set("output", f32_array(out.data(), out.size()));
  return o;
}

// f(x) and f'(x) of an activation (relu, sigmoid, tanh, linear) at each x, through the
// engine's own forward and backward of an Activation layer.
val activation_curve(const std::string& name, const val& xs) {
  const std::vector<float> x = to_floats(xs);
  if (x.empty()) throw Error(errc::bad_argument, "activationCurve needs at least one x");
  const Activation act = parse_activation(name);
  if (act == Activation::softmax)
    throw Error(errc::bad_argument, "softmax is not an element-wise activation");
  ActivationLayer layer(act);
  Tensor in(Shape{1, static_cast<int>(x.size()), 1, 1}), out(in.shape()), dout(in.shape()),
      din(in.shape());
  std::copy(x.begin(), x.end(), in.data());
  layer.forward(in, out, false);
  dout.fill(1.0f);
  layer.backward(in, out, dout, &din);
  val o = val::object();
  o.set("y", f32_array(out.data(), out.size()));
  o.set("dy", f32_array(din.data(), din.size()));
  return o;
}

// The predicted class and its probability for test images [start, start + count), in chunks
// so that only a thousand images are copied at a time.
val test_predictions(int start, int count) {
  need_data();
  Sequential& m = model();
  start = std::clamp(start, 0, s.test.size());
  count = std::clamp(count, 0, s.test.size() - start);
  std::vector<uint8_t> predicted(count);
  std::vector<float> confidence(count);
  const std::size_t per = s.test.images.shape().per_image();
  constexpr int kChunk = 1000;
  for (int b = 0; b < count; b += kChunk) {
    const int n = std::min(kChunk, count - b);
    Shape sh = m.input_shape();
    sh.n = n;
    Tensor images(sh);
    std::copy(s.test.images.image(start + b), s.test.images.image(start + b) + per * n,
              images.data());
    const Tensor probs = predict(m, images);
    const int k = probs.shape().per_image();
    for (int i = 0; i < n; ++i) {
      const float* p = probs.image(i);
      const int best = static_cast<int>(std::max_element(p, p + k) - p);
      predicted[b + i] = static_cast<uint8_t>(best);
      confidence[b + i] = p[best];
    }
  }
  val o = val::object();
  o.set("predicted",
        val::global("Uint8Array").new_(emscripten::typed_memory_view(count, predicted.data())));
  o.set("confidence", f32_array(confidence));
  o.set("labels", val::global("Uint8Array")
                      .new_(emscripten::typed_memory_view(count, s.test.labels.data() + start)));
  return o;
}

// ---- explain.h ----------------------------------------------------------------------
// Value objects carry the scalars; the float vectors are added as Float32Arrays.
val conv(const val& input, int channels, int height, int width, const val& weights, int kernel,
         float bias, int stride, bool same, int row, int col) {
  const ConvTrace t = conv_trace(to_floats(input).data(), channels, height, width,
                                 to_floats(weights).data(), kernel, bias, stride, same, row, col);
  val o(t);
  o.set("inputs", f32_array(t.inputs));
  o.set("weights", f32_array(t.weights));
  o.set("products", f32_array(t.products));
  return o;
}

val conv_map(const val& input, int channels, int height, int width, const val& weights, int kernel,
             float bias, int stride, bool same) {
  int oh = 0, ow = 0;
  const auto map =
      conv_feature_map(to_floats(input).data(), channels, height, width, to_floats(weights).data(),
                       kernel, bias, stride, same, &oh, &ow);
  val o = val::object();
  o.set("height", oh);
  o.set("width", ow);
  o.set("data", f32_array(map));
  return o;
}

val pool(const val& plane, int height, int width, int size, int stride, int row, int col) {
  const PoolTrace t = pool_trace(to_floats(plane).data(), height, width, size, stride, row, col);
  val o(t);
  o.set("window", f32_array(t.window));
  return o;
}

val receptive(const std::string& spec) { return js_array(receptive_fields(spec_or_current(spec))); }
Window window(const std::string& spec, int layer, int row, int col) {
  return receptive_window(spec_or_current(spec), layer, row, col);
}
val params(const std::string& spec) {
  val rows = val::array();
  for (const ParamCount& p : param_counts(spec_or_current(spec))) {
    val row(p);
    row.set("output", keras_shape(p.output));
    rows.call<void>("push", row);
  }
  return rows;
}

// ---- errors ---------------------------------------------------------------------------
// Catch inside, throw the JS error once the C++ handler has finished (so the C++
// exception object is released before the JS exception unwinds the wasm frames).
template <auto F>
struct Guarded;
template <typename R, typename... A, R (*F)(A...)>
struct Guarded<F> {
  static R call(A... args) {
    std::string code, message;
    try {
      return F(args...);
    } catch (const Error& e) {
      code = e.code(), message = e.what();
    } catch (const std::bad_alloc&) {
      code = "out_of_memory", message = "out of memory";
    } catch (const std::exception& e) {
      code = "internal", message = e.what();
    }
    val err = val::global("Error").new_(val(message));
    err.set("code", code);
    err.throw_();
  }
};

}  // namespace

EMSCRIPTEN_BINDINGS(convaula) {
  using namespace emscripten;
  value_object<BenchFigures>("BenchFigures")
      .field("preset", &BenchFigures::preset)
      .field("batchSize", &BenchFigures::batch_size)
      .field("threads", &BenchFigures::threads)
      .field("forwardFlops", &BenchFigures::forward_flops)
      .field("trainFlops", &BenchFigures::train_flops)
      .field("peakGflops1t", &BenchFigures::peak_gflops_1t)
      .field("trainIps1t", &BenchFigures::train_ips_1t)
      .field("trainIpsNt", &BenchFigures::train_ips_nt)
      .field("inferMsB1", &BenchFigures::infer_ms_b1)
      .field("inferIpsB256", &BenchFigures::infer_ips_b256)
      .field("inferIpsB256Nt", &BenchFigures::infer_ips_b256_nt);
  value_object<BatchLog>("BatchLog")
      .field("epoch", &BatchLog::epoch)
      .field("batch", &BatchLog::batch)
      .field("batches", &BatchLog::batches)
      .field("loss", &BatchLog::loss)
      .field("accuracy", &BatchLog::accuracy)
      .field("batchLoss", &BatchLog::batch_loss)
      .field("seconds", &BatchLog::seconds)
      .field("imagesPerSecond", &BatchLog::images_per_second)
      .field("validating", &BatchLog::validating);
  value_object<EpochLog>("EpochLog")
      .field("epoch", &EpochLog::epoch)
      .field("loss", &EpochLog::loss)
      .field("accuracy", &EpochLog::accuracy)
      .field("val_loss", &EpochLog::val_loss)
      .field("val_accuracy", &EpochLog::val_accuracy)
      .field("seconds", &EpochLog::seconds)
      .field("imagesPerSecond", &EpochLog::images_per_second);
  value_object<ConvTrace>("ConvTrace")
      .field("row", &ConvTrace::row)
      .field("col", &ConvTrace::col)
      .field("top", &ConvTrace::top)
      .field("left", &ConvTrace::left)
      .field("channels", &ConvTrace::channels)
      .field("kernel", &ConvTrace::kernel)
      .field("bias", &ConvTrace::bias)
      .field("sum", &ConvTrace::sum);
  value_object<PoolTrace>("PoolTrace")
      .field("row", &PoolTrace::row)
      .field("col", &PoolTrace::col)
      .field("top", &PoolTrace::top)
      .field("left", &PoolTrace::left)
      .field("pool", &PoolTrace::pool)
      .field("winner", &PoolTrace::winner)
      .field("max", &PoolTrace::max)
      .field("discardedFraction", &PoolTrace::discarded_fraction);
  value_object<ReceptiveField>("ReceptiveField")
      .field("layer", &ReceptiveField::layer)
      .field("size", &ReceptiveField::size)
      .field("jump", &ReceptiveField::jump)
      .field("offset", &ReceptiveField::offset);
  value_object<Window>("Window")
      .field("y0", &Window::y0)
      .field("x0", &Window::x0)
      .field("y1", &Window::y1)
      .field("x1", &Window::x1);
  value_object<ParamCount>("ParamCount")
      .field("layer", &ParamCount::layer)
      .field("kerasClass", &ParamCount::keras_class)
      .field("weights", &ParamCount::weights)
      .field("biases", &ParamCount::biases)
      .field("total", &ParamCount::total)
      .field("neurons", &ParamCount::neurons)
      .field("inputsPerNeuron", &ParamCount::inputs_per_neuron)
      .field("formula", &ParamCount::formula);

  function("presetNames", &Guarded<presets>::call);
  function("presetSpec", &Guarded<preset>::call);
  function("build", &Guarded<build>::call);
  function("summary", &Guarded<summary>::call);
  function("loadWeights", &Guarded<load_weights>::call);
  function("saveWeights", &Guarded<save_weights>::call);
  function("setThreads", &Guarded<set_threads>::call);
  function("bench", &Guarded<bench>::call);
  function("loadTrain", &Guarded<load_train>::call);
  function("loadTest", &Guarded<load_test>::call);
  function("testImages", &Guarded<test_images>::call);
  function("trainBegin", &Guarded<train_begin>::call);
  function("trainStep", &Guarded<train_step>::call);
  function("trainEpochFinished", &Guarded<train_epoch_finished>::call);
  function("trainLastEpoch", &Guarded<train_last_epoch>::call);
  function("trainDone", &Guarded<train_done>::call);
  function("trainEnd", &Guarded<train_end>::call);
  function("evalBegin", &Guarded<eval_begin>::call);
  function("evalStep", &Guarded<eval_step>::call);
  function("evalResult", &Guarded<eval_result>::call);
  function("evalEnd", &Guarded<eval_end>::call);
  function("digitSteps", &Guarded<digit_steps>::call);
  function("predict", &Guarded<predict_one>::call);
  function("kernels", &Guarded<conv_kernels>::call);
  function("convTrace", &Guarded<conv>::call);
  function("convFeatureMap", &Guarded<conv_map>::call);
  function("poolTrace", &Guarded<pool>::call);
  function("receptiveFields", &Guarded<receptive>::call);
  function("receptiveWindow", &Guarded<window>::call);
  function("paramCounts", &Guarded<params>::call);
  function("dropoutMask", &Guarded<dropout_mask>::call);
  function("dropoutDemo", &Guarded<dropout_demo>::call);
  function("activationCurve", &Guarded<activation_curve>::call);
  function("testPredictions", &Guarded<test_predictions>::call);
}
