// ModelSpec: JSON parsing with field-naming errors, sane bounds, and the presets.
//
// Parsing is bounded before nlohmann sees the text: at most kMaxSpecBytes, nested at most
// kMaxSpecDepth deep (nlohmann parses iteratively, but copying, dump() and destruction of a
// value recurse once per level: 200,000 nested arrays overflowed the stack). Error messages
// quote at most kMaxQuote characters of the input (quote() in error.h).
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "convaula/error.h"
#include "convaula/model.h"

namespace convaula {

using nlohmann::json;

namespace {

// A spec needs 3 levels (spec -> layers -> layer); the rest is room for mistakes to be named.
constexpr int kMaxSpecDepth = 8;
constexpr std::size_t kMaxStringChars = 80;  // every string field: names, types, activations

[[noreturn]] void fail(const std::string& field, const std::string& what) {
  throw Error(errc::bad_spec, field + ": " + what);
}

// Every number's bounds, once: from_json checks them as it reads, validate() checks specs
// built in code against the same.
struct Bound {
  int lo, hi;
};
constexpr Bound kFilters{1, 1024}, kKernel{1, 64}, kStride{1, 64}, kPool{1, 64}, kUnits{1, 65536};
constexpr Bound kSide{1, 512}, kChannels{1, 16}, kBatchSize{1, 4096}, kEpochs{1, 1000};

void check_bound(int64_t x, Bound b, const std::string& field) {
  if (x < b.lo || x > b.hi)
    fail(field, "must be between " + std::to_string(b.lo) + " and " + std::to_string(b.hi) + ", got " +
                    std::to_string(x));
}

// Rejects text nested deeper than kMaxSpecDepth, scanning brackets outside strings,
// so nothing deep is ever built.
void check_depth(const std::string& text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxSpecDepth)
        fail("spec", "nested more than " + std::to_string(kMaxSpecDepth) +
                         " levels deep (at byte " + std::to_string(i) + ")");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

void reject_unknown(const json& obj, const std::string& path, const std::set<std::string>& known) {
  for (const auto& [key, _] : obj.items())
    if (!known.count(key)) fail(path + "." + quote(key), "unknown field");
}

void check_layer_count(std::size_t n) {
  if (n == 0) fail("layers", "must hold at least one layer");
  if (n > kMaxLayers) fail("layers", "at most " + std::to_string(kMaxLayers) + " layers, got " + std::to_string(n));
}

int get_int(const json& obj, const char* key, const std::string& path, Bound b, int def) {
  if (!obj.contains(key)) return def;
  const json& v = obj[key];
  const std::string field = path + key;
  if (!v.is_number_integer()) fail(field, "must be an integer, got " + quote(v.dump()));
  const auto x = v.get<int64_t>();
  check_bound(x, b, field);
  return static_cast<int>(x);
}

float get_float(const json& obj, const char* key, const std::string& path, float def) {
  if (!obj.contains(key)) return def;
  const json& v = obj[key];
  if (!v.is_number()) fail(path + key, "must be a number, got " + quote(v.dump()));
  const double x = v.get<double>();
  if (!std::isfinite(x)) fail(path + key, "must be finite");
  return static_cast<float>(x);
}

std::string get_string(const json& obj, const char* key, const std::string& path,
                       const std::string& def) {
  if (!obj.contains(key)) return def;
  const json& v = obj[key];
  if (!v.is_string()) fail(path + key, "must be a string, got " + quote(v.dump()));
  const auto& str = v.get_ref<const std::string&>();
  if (str.size() > kMaxStringChars)
    fail(path + key, "at most " + std::to_string(kMaxStringChars) + " characters, got " +
                         std::to_string(str.size()) + ": " + quote(str));
  return str;
}

LayerSpec parse_layer(const json& j, const std::string& path) {
  if (!j.is_object()) fail(path, "must be an object, got " + quote(j.dump()));
  reject_unknown(j, path, {"type", "filters", "kernel", "stride", "padding", "activation", "pool",
                           "units", "rate"});
  LayerSpec l;
  const std::string p = path + ".";
  if (!j.contains("type")) fail(path + ".type", "missing");
  l.type = get_string(j, "type", p, "");
  l.activation = get_string(j, "activation", p, "linear");
  l.padding = get_string(j, "padding", p, "valid");
  l.filters = get_int(j, "filters", p, kFilters, 0);
  l.kernel = get_int(j, "kernel", p, kKernel, 0);
  l.stride = get_int(j, "stride", p, kStride, 0);
  l.pool = get_int(j, "pool", p, kPool, 0);
  l.units = get_int(j, "units", p, kUnits, 0);
  l.rate = get_float(j, "rate", p, 0.0f);
  return l;
}

OptimizerSpec parse_optimizer(const json& j) {
  OptimizerSpec o;
  if (j.is_string()) {
    json wrapped{{"type", j}};
    o.type = get_string(wrapped, "type", "optimizer.", "");
  } else if (j.is_object()) {
    reject_unknown(j, "optimizer", {"type", "lr", "learning_rate", "momentum", "nesterov", "rho",
                                    "beta_1", "beta_2", "epsilon"});
    o.type = get_string(j, "type", "optimizer.", "adadelta");
    o.lr = get_float(j, "lr", "optimizer.", get_float(j, "learning_rate", "optimizer.", 0.0f));
    if (o.lr < 0.0f) fail("optimizer.lr", "must be > 0, got " + std::to_string(o.lr));
    o.momentum = get_float(j, "momentum", "optimizer.", 0.0f);
    if (j.contains("nesterov")) {
      if (!j["nesterov"].is_boolean()) fail("optimizer.nesterov", "must be true or false");
      o.nesterov = j["nesterov"].get<bool>();
    }
    o.rho = get_float(j, "rho", "optimizer.", 0.0f);
    o.beta_1 = get_float(j, "beta_1", "optimizer.", o.beta_1);
    o.beta_2 = get_float(j, "beta_2", "optimizer.", o.beta_2);
    o.epsilon = get_float(j, "epsilon", "optimizer.", o.epsilon);
  } else {
    fail("optimizer", "must be a name or an object, got " + quote(j.dump()));
  }
  for (auto& ch : o.type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  o.validate();
  return o;
}

json layer_json(const LayerSpec& l) {
  json j{{"type", l.type}};
  const LayerKind kind = l.kind();
  if (kind == LayerKind::conv2d) {
    j["filters"] = l.filters;
    j["kernel"] = l.kernel;
    if (l.stride > 1) j["stride"] = l.stride;
    if (l.padding != "valid") j["padding"] = l.padding;
  }
  if (kind == LayerKind::max_pooling2d || kind == LayerKind::average_pooling2d) {
    // pool 0 means "not given": write the size make_layer uses (2), since "pool": 0 would
    // not parse back and the model could not load its own weights file.
    j["pool"] = l.pool > 0 ? l.pool : 2;
    if (l.stride > 0 && l.stride != l.pool) j["stride"] = l.stride;
  }
  if (kind == LayerKind::dense) j["units"] = l.units;
  if (kind == LayerKind::dropout) j["rate"] = l.rate;
  if (kind == LayerKind::conv2d || kind == LayerKind::dense || kind == LayerKind::activation)
    j["activation"] = l.activation;
  return j;
}

json architecture(const ModelSpec& s) {
  json layers = json::array();
  for (const auto& l : s.layers) layers.push_back(layer_json(l));
  return json{{"input", {s.input_h, s.input_w, s.input_c}}, {"layers", layers}};
}

}  // namespace

ModelSpec ModelSpec::from_json(const std::string& text) {
  if (text.size() > kMaxSpecBytes)
    fail("spec", std::to_string(text.size()) + " bytes, more than the limit of " +
                     std::to_string(kMaxSpecBytes));
  check_depth(text);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    // nlohmann's message ends with the token last read, which may be a long string.
    throw Error(errc::bad_spec, "spec is not valid JSON: " + quote(e.what(), 200));
  }
  if (!j.is_object()) fail("spec", "must be a JSON object");
  reject_unknown(j, "spec", {"name", "input", "layers", "loss", "optimizer", "batch_size",
                             "epochs", "seed"});
  ModelSpec s;
  s.name = get_string(j, "name", "", "model");
  if (j.contains("input")) {
    const json& in = j["input"];
    if (!in.is_array() || in.size() != 3) fail("input", "must be [height, width, channels]");
    json wrapped{{"h", in[0]}, {"w", in[1]}, {"c", in[2]}};
    s.input_h = get_int(wrapped, "h", "input.", kSide, 0);
    s.input_w = get_int(wrapped, "w", "input.", kSide, 0);
    s.input_c = get_int(wrapped, "c", "input.", kChannels, 0);
  }
  if (!j.contains("layers") || !j["layers"].is_array()) fail("layers", "must be a list of layers");
  check_layer_count(j["layers"].size());  // before reading any of them
  for (std::size_t i = 0; i < j["layers"].size(); ++i)
    s.layers.push_back(parse_layer(j["layers"][i], "layers[" + std::to_string(i) + "]"));
  s.loss = get_string(j, "loss", "", s.loss);
  if (j.contains("optimizer")) s.optimizer = parse_optimizer(j["optimizer"]);
  s.batch_size = get_int(j, "batch_size", "", kBatchSize, s.batch_size);
  s.epochs = get_int(j, "epochs", "", kEpochs, s.epochs);
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) fail("seed", "must be a non-negative integer");
    s.seed = j["seed"].get<uint64_t>();
  }
  s.validate();
  return s;
}

void ModelSpec::validate() const {
  check_bound(input_h, kSide, "input.h");
  check_bound(input_w, kSide, "input.w");
  check_bound(input_c, kChannels, "input.c");
  check_layer_count(layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec& l = layers[i];
    const std::string path = "layers[" + std::to_string(i) + "]";
    // 0 means "not given"; from_json already bounds them, specs built in code must agree.
    // 0 means "not given"; from_json already bounds them, specs built in code must agree.
    if (l.stride != 0) check_bound(l.stride, kStride, path + ".stride");
    if (l.pool != 0) check_bound(l.pool, kPool, path + ".pool");
    LayerKind kind;
    try {
      kind = l.kind();
    } catch (const Error& e) {
      fail(path + ".type", e.what());
    }
    if (kind == LayerKind::conv2d) {
      check_bound(l.filters, kFilters, path + ".filters");
      check_bound(l.kernel, kKernel, path + ".kernel");
      if (l.padding != "valid" && l.padding != "same")
        fail(path + ".padding", "must be 'valid' or 'same', got '" + quote(l.padding) + "'");
    } else if (kind == LayerKind::dense) {
      check_bound(l.units, kUnits, path + ".units");
    } else if (kind == LayerKind::dropout) {
      if (!(l.rate >= 0.0f && l.rate < 1.0f))
        fail(path + ".rate", "must be in [0, 1), got " + std::to_string(l.rate));
    }
    try {
      parse_activation(l.activation);
    } catch (const Error& e) {
      fail(path + ".activation", e.what());
    }
  }
  if (loss != "categorical_crossentropy")
    fail("loss", "only 'categorical_crossentropy' is supported, got '" + quote(loss) + "'");
  const LayerSpec& last = layers.back();
  if ((last.kind() != LayerKind::dense && last.kind() != LayerKind::activation) || last.activation != "softmax")
    fail("layers[" + std::to_string(layers.size() - 1) + "]",
         "the last layer must end in a softmax (categorical_crossentropy compares probabilities)");
  optimizer.validate();
  check_bound(batch_size, kBatchSize, "batch_size");
  check_bound(epochs, kEpochs, "epochs");
}

std::string ModelSpec::to_json() const {
  json j = architecture(*this);
  j["name"] = name;
  j["loss"] = loss;
  json opt{{"type", optimizer.type}, {"lr", optimizer.effective_lr()}};
  if (optimizer.type == "sgd") {
    opt["momentum"] = optimizer.momentum;
    opt["nesterov"] = optimizer.nesterov;
  }
  j["optimizer"] = opt;
  j["batch_size"] = batch_size;
  j["epochs"] = epochs;
  j["seed"] = seed;
  return j.dump();
}

std::string ModelSpec::architecture_json() const { return architecture(*this).dump(); }

ModelSpec preset_spec(const std::string& name) {
  if (name == "keras-mnist")
    return ModelSpec::from_json(R"({
      "name": "keras-mnist", "input": [28, 28, 1],
      "layers": [
        {"type": "conv2d", "filters": 32, "kernel": 3, "activation": "relu"},
        {"type": "conv2d", "filters": 64, "kernel": 3, "activation": "relu"},
        {"type": "max_pooling2d", "pool": 2},
        {"type": "dropout", "rate": 0.25},
        {"type": "flatten"},
        {"type": "dense", "units": 128, "activation": "relu"},
        {"type": "dropout", "rate": 0.5},
        {"type": "dense", "units": 10, "activation": "softmax"}],
      "loss": "categorical_crossentropy", "optimizer": {"type": "adadelta"},
      "batch_size": 32, "epochs": 15, "seed": 1})");
  // Small enough to train an epoch in well under a minute in a browser, and still
  // above 97% on the test set after that one epoch.
  if (name == "classroom")
    return ModelSpec::from_json(R"({
      "name": "classroom", "input": [28, 28, 1],
      "layers": [
        {"type": "conv2d", "filters": 16, "kernel": 3, "activation": "relu"},
        {"type": "max_pooling2d", "pool": 2},
        {"type": "conv2d", "filters": 32, "kernel": 3, "activation": "relu"},
        {"type": "max_pooling2d", "pool": 2},
        {"type": "flatten"},
        {"type": "dense", "units": 64, "activation": "relu"},
        {"type": "dense", "units": 10, "activation": "softmax"}],
      "loss": "categorical_crossentropy", "optimizer": {"type": "adam"},
      "batch_size": 32, "epochs": 1, "seed": 1})");
  throw Error(errc::bad_argument, "unknown preset '" + name + "' (expected keras-mnist or classroom)");
}

std::vector<std::string> preset_names() { return {"keras-mnist", "classroom"}; }

}  // namespace convaula
