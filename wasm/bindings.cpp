// bindings.cpp: the Embind layer between web/worker.js and the engine's Session; conversions only. The worker
// owns one engine: one static Session (core/include/convaula/session.h); every model-scoped function takes the
// slot name first. Errors cross as values ({ok: true, value} or {ok: false, code, message}; the worker throws in
// JS): a C++ exception thrown into JS would unwind past Embind's cleanup and leak the call's argument copies.
// Arrays go out as fresh typed arrays, come in as Uint8Array or Float32Array copied into a std::vector.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <initializer_list>
#include <new>
#include <span>
#include <string>
#include <type_traits>

#include "convaula/bench.h"
#include "convaula/error.h"
#include "convaula/explain.h"
#include "convaula/parallel.h"
#include "convaula/session.h"

using namespace convaula;
using emscripten::val;

namespace {

Session session;

// ---- conversions ------------------------------------------------------------------------
template <typename T>
val typed(const char* type, const T* p, std::size_t n) {
  return val::global(type).new_(emscripten::typed_memory_view(n, p));
}
val f32(const float* p, std::size_t n) { return typed("Float32Array", p, n); }
val f32(const std::vector<float>& v) { return f32(v.data(), v.size()); }
val u8(const uint8_t* p, std::size_t n) { return typed("Uint8Array", p, n); }
std::vector<float> floats(const val& a) { return emscripten::convertJSArrayToNumberVector<float>(a); }
// A Uint8Array copied in with one TypedArray.set (a memcpy): Embind's std::string copies it
// element by element in JS (40-180 ms for the 2.4 MB pretrained weights, 10-48 ms per frame
// for a drawing's 313,600 RGBA bytes).
std::vector<uint8_t> byte_vector(const val& array) {
  std::vector<uint8_t> out(array["length"].as<std::size_t>());
  // No allocation between the view and the copy: the heap cannot move under the view.
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", array);
  return out;
}
// [to_js(item), ...] and {key: value, ...} in one expression.
template <typename T, typename F = val (*)(const T&)>
val map_array(const std::vector<T>& items, F to_js = [](const T& x) { return val(x); }) {
  val a = val::array();
  for (const T& item : items) a.call<void>("push", to_js(item));
  return a;
}
val ints(std::vector<int> v) { return map_array(v); }
val obj(std::initializer_list<std::pair<const char*, val>> fields, val o = val::object()) {
  for (const auto& [key, value] : fields) o.set(key, value);
  return o;
}
// Keras's view of a shape: [h, w, c] for images, [units] for vectors.
val keras_shape(const Shape& s) { return s.h == 1 && s.w == 1 ? ints({s.c}) : ints({s.h, s.w, s.c}); }
val gray(const GrayImage& g) { return obj({{"width", val(g.width)}, {"height", val(g.height)}, {"pixels", f32(g.pixels)}}); }
ModelSpec spec_or_current(const std::string& slot, const std::string& json) {
  return json.empty() ? session.model(slot).spec() : ModelSpec::from_json(json);
}
using Slot = std::string;  // every model-scoped function names its slot first
// A Session method bound as it is, taking A...: void answers undefined, a value its val.
template <auto M, typename... A>
val method(A... args) {
  if constexpr (std::is_void_v<decltype((session.*M)(args...))>) return (session.*M)(args...), val::undefined();
  else return val((session.*M)(args...));
}

// ---- models -----------------------------------------------------------------------------
val summary(Slot slot) {
  const Sequential& m = session.model(slot);
  const val rows = map_array(m.summary(), [](const SummaryRow& r) {
    return obj({{"name", val(r.name)}, {"kerasClass", val(r.keras_class)},
                {"output", keras_shape(r.output)}, {"params", val(double(r.params))}});
  });
  return obj({{"summary", rows}, {"totalParams", val(double(m.param_count()))}, {"scoringBatch", val(m.scoring_batch())},
              {"flopsPerImage", val(m.flops_per_image())}, {"specJson", val(m.spec().to_json())}});
}
val presets() { return map_array(preset_names()); }
val preset(std::string name) { return val(preset_spec(name).to_json()); }
val build(Slot slot, std::string spec) { return session.build(slot, ModelSpec::from_json(spec)), summary(slot); }
val load_weights(Slot slot, val file) { return session.load_weights(slot, byte_vector(file)), summary(slot); }
val save_weights(Slot slot, bool f16) {
  const auto b = session.save_weights(slot, f16 ? WeightsDtype::f16 : WeightsDtype::f32);
  return u8(b.data(), b.size());
}
val copy_model(Slot from, Slot to) { return session.copy(from, to), summary(to); }
val restore_model(Slot slot) { return session.restore(slot), summary(slot); }
val model_slots() { return map_array(session.slots()); }
val set_threads(int n) { return ThreadPool::global().set_threads(n), val(ThreadPool::global().threads()); }
// bench/chromium.mjs: the engine's speed in this browser.
val bench(std::string preset, int batches, int threads) { return val(run_benchmark(preset, batches, threads)); }
// Bytes malloc holds and the heap's size (tests/web's leak checks).
val memory() {
  return obj({{"inUse", val(double(mallinfo().uordblks))}, {"heap", val(double(__builtin_wasm_memory_size(0)) * 65536)}});
}

// ---- data -------------------------------------------------------------------------------
val load_train(val im, val lb) { return val(session.load_train(byte_vector(im), byte_vector(lb))); }
val load_test(val im, val lb) { return val(session.load_test(byte_vector(im), byte_vector(lb))); }
val test_images(int start, int count) {
  const TestImages t = session.test_images(start, count);
  return obj({{"pixels", f32(t.pixels, t.values)}, {"labels", u8(t.labels, t.count)}});
}

// ---- training and scoring ---------------------------------------------------------------
val train_begin(Slot slot, int epochs, int batch_size, std::string optimizer, int limit, int val_limit, double split) {
  return val(session.train_begin(slot, {epochs, batch_size, optimizer, limit, val_limit, split}));
}
val tune_begin(Slot slot, val pixels, val labels, int epochs, int batch_size, float replay, unsigned seed, std::string opt) {
  return val(session.tune_begin(slot, byte_vector(pixels), byte_vector(labels), {epochs, batch_size, replay, seed, opt}));
}
val eval_result() {
  const EvalResult r = session.eval_result();
  return obj({{"loss", val(r.loss)}, {"accuracy", val(r.accuracy)}, {"classes", val(r.classes)},
              {"confusion", typed("Int32Array", r.confusion.data(), r.confusion.size())}});
}

// ---- inference --------------------------------------------------------------------------
val digit_steps(val rgba, int width, int height, bool dark_ink) {
  const DigitSteps d = session.digit_steps(byte_vector(rgba), width, height, dark_ink);
  return obj({{"box", val(d.box)}, {"cropped", gray(d.cropped)}, {"fitted", gray(d.fitted)},
              {"placed", f32(d.placed.pixels)}, {"empty", val(d.empty)}});
}
val predict_one(Slot slot, val pixels, bool activations) {
  const Prediction p = session.predict(slot, floats(pixels), activations);
  val o = obj({{"digit", val(p.digit)}, {"probabilities", f32(p.probabilities)}});
  if (activations)
    o.set("activations", map_array(p.activations, [](const LayerActivation& a) {
            return obj({{"name", val(a.name)}, {"kerasClass", val(a.keras_class)},
                        {"shape", ints({a.c, a.h, a.w})}, {"data", f32(a.data, std::size_t(a.c) * a.h * a.w)}});
          }));
  return o;
}
val test_predictions(Slot slot, int start, int count) {
  const TestPredictions t = session.test_predictions(slot, start, count);
  return obj({{"predicted", u8(t.predicted.data(), t.count)}, {"confidence", f32(t.confidence)},
              {"labels", u8(t.labels, t.count)}});
}
val kernels(Slot slot, int layer) {
  const ConvKernels k = session.conv_kernels(slot, layer);
  return obj({{"shape", ints({k.filters, k.channels, k.kernel, k.kernel})},
              {"data", f32(k.weights, std::size_t(k.filters) * k.channels * k.kernel * k.kernel)},
              {"bias", f32(k.bias, k.filters)}});
}
val dropout_mask(Slot slot, int layer) {
  const DropoutMask d = session.dropout_mask(slot, layer);
  return obj({{"rate", val(d.rate)}, {"shape", ints({d.n, d.c, d.h, d.w})},
              {"mask", f32(d.mask, std::size_t(d.n) * d.c * d.h * d.w)}});
}

// ---- explain.h --------------------------------------------------------------------------
val conv(val input, int channels, int height, int width, val weights, int kernel, float bias,
         int stride, bool same, int row, int col) {
  const ConvTrace t = conv_trace(floats(input), channels, height, width, floats(weights), kernel,
                                 bias, stride, same, row, col);
  return obj({{"inputs", f32(t.inputs)}, {"weights", f32(t.weights)}, {"products", f32(t.products)}}, val(t));
}
val conv_map(val input, int channels, int height, int width, val weights, int kernel,
             float bias, int stride, bool same) {
  int oh = 0, ow = 0;
  const auto map = conv_feature_map(floats(input), channels, height, width, floats(weights),
                                    kernel, bias, stride, same, &oh, &ow);
  return obj({{"height", val(oh)}, {"width", val(ow)}, {"data", f32(map)}});
}
val pool(val plane, int height, int width, int size, int stride, int row, int col) {
  const PoolTrace t = pool_trace(floats(plane), height, width, size, stride, row, col);
  return obj({{"window", f32(t.window)}}, val(t));
}
val receptive(Slot slot, std::string spec) { return map_array(receptive_fields(spec_or_current(slot, spec))); }
val window(Slot slot, std::string spec, int layer, int row, int col) {
  return val(receptive_window(spec_or_current(slot, spec), layer, row, col));
}
val params(Slot slot, std::string spec) {
  return map_array(param_counts(spec_or_current(slot, spec)),
                   [](const ParamCount& p) { return obj({{"output", keras_shape(p.output)}}, val(p)); });
}
val dropout(val values, float rate, int seed, int step) {
  const DropoutDemo d = dropout_demo(floats(values), rate, static_cast<uint64_t>(seed), step);
  return obj({{"mask", f32(d.mask)}, {"output", f32(d.output)}});
}
val curve(std::string name, val xs) {
  const ActivationCurve c = activation_curve(name, floats(xs));
  return obj({{"y", f32(c.y)}, {"dy", f32(c.dy)}});
}

// ---- errors as values -------------------------------------------------------------------
val failure(const std::string& code, const char* message) {
  return obj({{"ok", val(false)}, {"code", val(code)}, {"message", val(std::string(message))}});
}
template <auto F>
struct Guarded;
template <typename... A, val (*F)(A...)>
struct Guarded<F> {
  static val call(A... args) {
    try {
      return obj({{"ok", val(true)}, {"value", F(std::move(args)...)}});
    } catch (const Error& e) { return failure(e.code(), e.what());
    } catch (const std::bad_alloc&) { return failure(errc::out_of_memory, "out of memory");
    } catch (const std::exception& e) { return failure(errc::internal, e.what()); }
  }
};
template <auto F>
void bind(const char* name) { emscripten::function(name, &Guarded<F>::call); }

}  // namespace

EMSCRIPTEN_BINDINGS(convaula) {
  using emscripten::value_object;
// In each block T is the struct described. F: a field under its C++ name; N: under a JS name.
#define F(m) .field(#m, &T::m)
#define N(js, m) .field(js, &T::m)
  { using T = BenchFigures; value_object<T>("BenchFigures") F(preset) F(threads) N("batchSize", batch_size)
      N("forwardFlops", forward_flops) N("trainFlops", train_flops) N("peakGflops1t", peak_gflops_1t) N("layerUsB1", layer_us_b1)
      N("trainIps1t", train_ips_1t) N("trainIpsNt", train_ips_nt) N("inferMsB1", infer_ms_b1) N("inferMsB11t", infer_ms_b1_1t)
      N("inferIpsB256", infer_ips_b256) N("inferIpsB256Nt", infer_ips_b256_nt); }
  { using T = BatchLog; value_object<T>("BatchLog") F(epoch) F(batch) F(batches) F(loss) F(accuracy)
      N("batchLoss", batch_loss) F(seconds) N("imagesPerSecond", images_per_second) F(validating)
      F(validated) N("valImages", val_images); }
  { using T = EpochLog; value_object<T>("EpochLog") F(epoch) F(loss) F(accuracy) F(val_loss)
      F(val_accuracy) F(seconds) N("imagesPerSecond", images_per_second); }
  { using T = TrainProgress; value_object<T>("TrainProgress") F(batch) F(epoch) N("epochFinished", epoch_finished) F(done); }
  { using T = BoundingBox; value_object<T>("BoundingBox") F(x0) F(y0) F(x1) F(y1) F(empty); }
  { using T = ConvTrace; value_object<T>("ConvTrace") F(row) F(col) F(top) F(left) F(channels) F(kernel) F(bias) F(sum); }
  { using T = PoolTrace; value_object<T>("PoolTrace") F(row) F(col) F(top) F(left) F(pool) F(winner) F(max)
      N("discardedFraction", discarded_fraction); }
  { using T = ReceptiveField; value_object<T>("ReceptiveField") F(layer) F(size) F(jump) F(offset); }
  { using T = Window; value_object<T>("Window") F(y0) F(x0) F(y1) F(x1); }
  { using T = ParamCount; value_object<T>("ParamCount") F(layer) N("kerasClass", keras_class) F(weights)
      F(biases) F(total) F(neurons) N("inputsPerNeuron", inputs_per_neuron) F(formula); }
  bind<presets>("presetNames"), bind<preset>("presetSpec"), bind<build>("build");
  bind<summary>("summary"), bind<load_weights>("loadWeights"), bind<save_weights>("saveWeights");
  bind<set_threads>("setThreads"), bind<bench>("bench"), bind<memory>("memory");
  bind<load_train>("loadTrain"), bind<load_test>("loadTest"), bind<test_images>("testImages");
  bind<train_begin>("trainBegin"), bind<method<&Session::train_step>>("trainStep");
  bind<method<&Session::train_end>>("trainEnd"), bind<method<&Session::eval_begin, Slot, int>>("evalBegin");
  bind<method<&Session::eval_step>>("evalStep"), bind<eval_result>("evalResult");
  bind<method<&Session::eval_end>>("evalEnd"), bind<digit_steps>("digitSteps"), bind<predict_one>("predict");
  bind<kernels>("kernels"), bind<dropout_mask>("dropoutMask"), bind<test_predictions>("testPredictions");
  bind<conv>("convTrace"), bind<conv_map>("convFeatureMap"), bind<pool>("poolTrace");
  bind<receptive>("receptiveFields"), bind<window>("receptiveWindow"), bind<params>("paramCounts");
  bind<dropout>("dropoutDemo"), bind<curve>("activationCurve"), bind<copy_model>("copyModel");
  bind<method<&Session::snapshot, Slot>>("snapshotModel"), bind<restore_model>("restoreModel");
  bind<method<&Session::drop, Slot>>("dropModel"), bind<model_slots>("modelSlots"), bind<tune_begin>("tuneBegin");
  emscripten::function("trap", +[] { __builtin_trap(); });  // tests: a real wasm trap (worker.js)
}
