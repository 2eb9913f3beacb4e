// Writes the committed seed corpus, fuzz/corpus/<target>/, with the engine's own code:
//   build/asan/fuzz/make_corpus fuzz/corpus [MNIST_DIR]
// With MNIST_DIR, idx/ also gets the first 3 real test images and labels.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "convaula/model.h"
#include "convaula/weights.h"

using namespace convaula;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;

void write(const fs::path& path, const Bytes& b) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), b.size());
}
void write(const fs::path& path, const std::string& s) { write(path, Bytes(s.begin(), s.end())); }

Bytes read(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void put_be32(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
}

Bytes idx(std::initializer_list<uint32_t> header, const Bytes& body) {
  Bytes out;
  for (uint32_t v : header) put_be32(out, v);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// i16 width, i16 height, u8 mode, source bytes: the layout fuzz_digit.cpp reads.
Bytes digit(int16_t w, int16_t h, uint8_t mode, const Bytes& src) {
  Bytes out = {uint8_t(w), uint8_t(uint16_t(w) >> 8), uint8_t(h), uint8_t(uint16_t(h) >> 8), mode};
  out.insert(out.end(), src.begin(), src.end());
  return out;
}

Bytes floats(std::initializer_list<float> values) {
  Bytes out;
  for (float v : values) {
    uint8_t b[4];
    std::memcpy(b, &v, 4);
    out.insert(out.end(), b, b + 4);
  }
  return out;
}

const char* kTinySpec = R"({"name": "tiny", "input": [6, 6, 1],
  "layers": [{"type": "conv2d", "filters": 2, "kernel": 3, "activation": "relu"},
             {"type": "flatten"}, {"type": "dense", "units": 10, "activation": "softmax"}]})";

// Issue 15: 300 bytes asking for 2.9 GB (flatten -> dense 65,536 -> dense 10, Adam, batch 4000).
const char* kHugeSpec = R"({"input": [28, 28, 1], "layers": [{"type": "flatten"},
  {"type": "dense", "units": 65536, "activation": "relu"},
  {"type": "dense", "units": 10, "activation": "softmax"}], "optimizer": "adam", "batch_size": 4000})";

// A 28x28 model whose every parameter is 3e38: finite, but its output overflows to NaN.
const char* kHugeValuesSpec = R"({"name": "huge_values", "input": [28, 28, 1],
  "layers": [{"type": "conv2d", "filters": 1, "kernel": 28}, {"type": "flatten"},
             {"type": "dense", "units": 10, "activation": "softmax"}]})";

// `levels` nested arrays as a spec's layers: under the 64 KiB text limit for 30,000 levels,
// so only the depth limit stands between it and a recursion per level.
std::string deep_spec(int levels) {
  return R"({"layers": )" + std::string(levels, '[') + std::string(levels, ']') + "}";
}

// Specs that reach every layer option the parser knows.
const char* kSpecs[][2] = {
    {"tiny.json", kTinySpec},
    {"same_stride.json", R"({"input": [9, 7, 2], "layers": [
      {"type": "conv2d", "filters": 3, "kernel": 4, "stride": 2, "padding": "same", "activation": "tanh"},
      {"type": "max_pooling2d", "pool": 2, "stride": 1}, {"type": "dropout", "rate": 0.3},
      {"type": "flatten"}, {"type": "dense", "units": 4, "activation": "sigmoid"},
      {"type": "activation", "activation": "softmax"}],
      "optimizer": {"type": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": true},
      "batch_size": 8, "epochs": 2, "seed": 7})"},
    {"rmsprop.json", R"({"name": "m", "input": [4, 4, 1], "layers": [{"type": "flatten"},
      {"type": "dense", "units": 3, "activation": "softmax"}], "loss": "categorical_crossentropy",
      "optimizer": {"type": "rmsprop", "learning_rate": 0.01, "rho": 0.8, "epsilon": 1e-6}})"},
    {"adam_string.json", R"({"input": [5, 5, 3], "layers": [{"type": "max_pooling2d"},
      {"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}],
      "optimizer": "adam"})"},
    {"bad_kernel.json", R"({"input": [3, 3, 1], "layers": [{"type": "conv2d", "filters": 1,
      "kernel": 5}, {"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}]})"},
    {"huge_dense.json", kHugeSpec},
};

// Operation streams for fuzz_session.cpp (its opcodes and argument layout; a model's slot
// is the byte after the opcode: 0 principal, 1 experimento, 2 cuaderno-2, 3 and 4 invalid).
// A model in principal: spec kind 1 (built from sizes), 8x8 input, 2 filters of 3x3,
// 10 units, adam, batch 8, 1 epoch.
const Bytes kBuild = {0, 0, 1, 8, 2, 3, 10, 0, 8, 1};
// An IDX pair of n 8x8 images (labels i % 10), flaw 0 = none.
Bytes idx_op(uint8_t op, uint8_t n, uint8_t flaw = 0) {
  Bytes out = {op, n, 8, flaw};
  for (int i = 0; i < n * 64; ++i) out.push_back(uint8_t(i * 7));
  for (int i = 0; i < n; ++i) out.push_back(uint8_t(i % 10));
  return out;
}
Bytes ops(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 1;
  const fs::path root = argv[1];

  // IDX: two 2x3 images and their labels, plus real MNIST slices when asked.
  write(root / "idx/images_2x2x3.idx", idx({0x803, 2, 2, 3}, {0, 51, 255, 0, 0, 0, 255, 255, 255, 102, 0, 0}));
  write(root / "idx/labels_2.idx", idx({0x801, 2}, {7, 0}));
  write(root / "idx/truncated.idx", idx({0x803, 2, 28, 28}, {1, 2, 3}));
  if (argc > 2) {
    const Bytes images = read(fs::path(argv[2]) / "t10k-images-idx3-ubyte");
    const Bytes labels = read(fs::path(argv[2]) / "t10k-labels-idx1-ubyte");
    write(root / "idx/mnist_t10k_3.idx",
          idx({0x803, 3, 28, 28}, Bytes(images.begin() + 16, images.begin() + 16 + 3 * 784)));
    write(root / "idx/mnist_t10k_labels_3.idx",
          idx({0x801, 3}, Bytes(labels.begin() + 8, labels.begin() + 11)));
  }

  // Weights: the tiny model the fuzzer loads into, saved in both dtypes, and another model.
  Sequential tiny(ModelSpec::from_json(kTinySpec));
  write(root / "weights/tiny_f32.cvaw", tiny.save_weights(WeightsDtype::f32));
  write(root / "weights/tiny_f16.cvaw", tiny.save_weights(WeightsDtype::f16));
  Sequential other(ModelSpec::from_json(kSpecs[2][1]));
  write(root / "weights/other_model.cvaw", other.save_weights());

  // The huge model's spec with no parameters (300 bytes), and a spec nested 30,000 deep,
  // both with a valid CRC, so the embedded-spec path of load_model is reached.
  write(root / "weights/huge_model.cvaw", encode_weights(kHugeSpec, nullptr, 0));
  write(root / "weights/deep_spec.cvaw", encode_weights(deep_spec(30000), nullptr, 0));
  const ModelSpec huge_values = ModelSpec::from_json(kHugeValuesSpec);
  const std::vector<float> huge(Sequential(huge_values).param_count(), 3e38f);
  write(root / "weights/huge_values.cvaw", encode_weights(huge_values.to_json(), huge.data(), huge.size()));

  for (const auto& [name, text] : kSpecs) write(root / "spec" / name, std::string(text));
  write(root / "spec/deep_nesting.json", deep_spec(30000));
  for (const std::string& preset : preset_names())
    write(root / "spec" / (preset + ".json"), preset_spec(preset).to_json());

  // Digits: a byte ramp, an L shape, floats with NaN/inf, an out-of-range side, and RGBA.
  Bytes ramp(60);
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = uint8_t(i * 4);
  write(root / "digit/ramp_10x6.bin", digit(10, 6, 0, ramp));
  write(root / "digit/l_shape_5x5.bin", digit(5, 5, 0, {0, 255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 255,
                                                       0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0}));
  const float inf = std::numeric_limits<float>::infinity();
  write(root / "digit/nan_inf_3x3.bin",
        digit(3, 3, 1, floats({0.5f, std::numeric_limits<float>::quiet_NaN(), inf, -inf, 2.0f,
                               -1.0f, 1e-30f, 0.0f, 1.0f})));
  write(root / "digit/wide_4096x1.bin", digit(4096, 1, 0, {0, 0, 200, 0}));
  write(root / "digit/too_wide_4097x2.bin", digit(4097, 2, 0, {9}));
  write(root / "digit/zero_0x0.bin", digit(0, 0, 0, {}));
  write(root / "digit/mismatch_4x4.bin", digit(4, 4, 2, {128}));
  write(root / "digit/rgba_8x8.bin", digit(8, 8, 4 | 8, {0, 0, 0, 255, 255, 255, 255, 0, 30, 60, 90, 128}));

  // Sessions: train, score and predict; the same with failures mixed in; several slots.
  const Bytes train = {3, 0, 1, 8, 0, 0}, step = {4}, eval = {7, 0, 8, 8, 9};
  write(root / "session/train_eval_predict.bin",
        ops({kBuild, idx_op(1, 30), idx_op(2, 10), train, step, step, step, step, step, eval,
             {10, 0, 32, 128, 1}, {12, 0, 0, 0, 10, 0}, {13, 0, 0}, {14, 0, 0}, {15, 0, 0, 1, 0, 0, 4, 0}}));
  write(root / "session/failures.bin",
        ops({{3, 0, 1, 8, 0, 0}, kBuild, idx_op(1, 12, 2), idx_op(1, 12), {3, 0, 1, 8, 0xfb, 0}, train,
             kBuild, idx_op(2, 5, 4), step, {13, 0, 1}, {14, 0, 1, 3, 200},
             {11, 4, 4, 3, 9, 1}, {10, 0, 3, 0, 0}, {6}, {9}}));
  // principal snapshotted and copied; experimento trains while principal predicts, is
  // replaced by a copy and restored; the run's slot cannot be dropped; bad and missing slots.
  write(root / "session/slots.bin",
        ops({kBuild, {17, 0}, {16, 0, 1}, idx_op(1, 20), idx_op(2, 6), {3, 1, 1, 8, 0, 0}, step,
             {10, 0, 32, 128, 1}, {16, 1, 0}, step, {18, 0}, {19, 1}, {18, 1}, {16, 0, 2}, {6},
             {12, 1, 0, 0, 6, 0}, {19, 1}, {18, 2}, {17, 3}, {16, 4, 0}, {7, 2}, {8}, {9}}));
  // PGM: binary with a comment, ASCII, the header with no pixel data (issue 15), truncated.
  write(root / "pgm/p5_comment_4x3.pgm", std::string("P5\n# hand-made\n4 3\n255\n") +
                                            std::string{0, 64, char(128), char(255), 10, 20, 30,
                                                        40, char(250), 0, 0, 7});
  write(root / "pgm/p2_3x2.pgm", std::string("P2\n3 2\n15\n0 5 15\n# row\n7 7 0\n"));
  write(root / "pgm/no_pixels.pgm", std::string("P5 1 1 255"));
  write(root / "pgm/truncated_28x28.pgm", "P5\n28 28\n255\n" + std::string(100, char(200)));
  return 0;
}
