// libFuzzer target: random sequences of Session operations with fuzz-chosen arguments, bad
// ones included, checking the strong guarantee: an operation that throws leaves the session
// exactly as it was (its model slots, their weights and snapshots, the data sets, the run). A
// failed training step is the one documented exception: it ends the run.
//
// Input: a stream of operations, each an opcode byte followed by the argument bytes it reads
// (a byte that is missing reads as 0). Models are small (inputs up to 10x10) so that an input
// runs in milliseconds.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "convaula/error.h"
#include "convaula/session.h"

using namespace convaula;

namespace {

class Bytes {
 public:
  Bytes(const uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  bool empty() const { return p_ >= end_; }
  uint8_t u8() { return empty() ? 0 : *p_++; }
  int i8() { return static_cast<int8_t>(u8()); }
  int i16() {
    const int lo = u8();  // two statements: the order of reads must not depend on the compiler
    return static_cast<int16_t>(lo | (u8() << 8));
  }
  std::string text(std::size_t n) {
    const std::size_t k = std::min<std::size_t>(n, end_ - p_);
    std::string s(reinterpret_cast<const char*>(p_), k);
    p_ += k;
    return s;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// Everything an operation could change, to compare before and after a failure.
struct Observed {
  std::vector<std::string> slots;  // each: name, snapshot or not, spec, FNV-1a of the weights
  int train = 0, test = 0;
  bool training = false, evaluating = false;
  std::string run_slot;
  bool operator==(const Observed&) const = default;
};

Observed observe(const Session& s) {
  Observed o{{}, s.train_size(), s.test_size(), s.training(), s.evaluating(), s.run_slot()};
  for (const std::string& name : s.slots()) {
    const Sequential& m = s.model(name);
    uint64_t h = 1469598103934665603ull;
    const auto* b = reinterpret_cast<const uint8_t*>(m.params());
    for (std::size_t i = 0; i < m.param_count() * sizeof(float); ++i) h = (h ^ b[i]) * 1099511628211ull;
    o.slots.push_back(name + (s.has_snapshot(name) ? " +" : " -") + m.spec().to_json() + std::to_string(h));
  }
  return o;
}

// A slot name: three valid ones, and two a slot cannot have.
std::string slot_name(Bytes& in) {
  const char* names[] = {"principal", "experimento", "cuaderno-2", "Mayus", ""};
  return names[in.u8() % 5];
}

// A small spec with fuzz-chosen sizes (some invalid), or raw fuzz text as the spec.
std::string spec_json(Bytes& in) {
  const uint8_t kind = in.u8();
  if (kind % 8 == 0) return in.text(in.u8());
  // One declaration per read: the order of reads must not depend on the compiler.
  const int side = in.u8() % 12;
  const int filters = in.i8() % 6;
  const int kernel = in.u8() % 6;
  const int units = in.i8() % 20;
  const char* opts[] = {R"("adam")", R"({"type": "sgd", "lr": 0.05})", R"("adadelta")",
                        R"({"type": "rmsprop", "lr": 1000})", R"({"type": "sgd", "lr": -1})"};
  const char* opt = opts[in.u8() % 5];
  const int batch = in.i8();
  const int epochs = in.u8() % 3;
  return R"({"input": [)" + std::to_string(side) + ", " + std::to_string(side) +
         R"(, 1], "layers": [{"type": "conv2d", "filters": )" + std::to_string(filters) +
         R"(, "kernel": )" + std::to_string(kernel) + R"(, "activation": "relu"},
         {"type": "dropout", "rate": 0.25}, {"type": "flatten"},
         {"type": "dense", "units": )" + std::to_string(units) + R"(, "activation": "softmax"}],
         "optimizer": )" + opt + R"(, "batch_size": )" + std::to_string(batch) +
         R"(, "epochs": )" + std::to_string(epochs) + "}";
}

// An IDX pair of n images side x side, labels 0..9, made corrupt on request.
void idx_pair(Bytes& in, std::vector<uint8_t>& images, std::vector<uint8_t>& labels) {
  const int n = in.u8() % 40;
  const int side = in.u8() % 11;
  const int flaw = in.u8();
  auto be32 = [](std::vector<uint8_t>& v, uint32_t x) {
    for (int s = 24; s >= 0; s -= 8) v.push_back(uint8_t(x >> s));
  };
  images.clear();
  labels.clear();
  be32(images, flaw == 1 ? 0x801 : 0x803);
  be32(images, n);
  be32(images, side);
  be32(images, side);
  for (int i = 0; i < n * side * side; ++i) images.push_back(in.u8());
  be32(labels, 0x801);
  be32(labels, flaw == 2 ? n + 1 : n);
  for (int i = 0; i < n; ++i) labels.push_back(flaw == 3 ? 77 : in.u8() % 10);
  if (flaw == 4 && !images.empty()) images.pop_back();
}

constexpr int kOps = 20;
bool is_train_step(int op) { return op == 4 || op == 5; }

void run(int op, Session& s, Bytes& in, std::vector<uint8_t>& saved) {
  std::vector<uint8_t> a, b;
  switch (op) {
    case 0: {
      const std::string slot = slot_name(in);
      s.build(slot, ModelSpec::from_json(spec_json(in)));
      break;
    }
    case 1: idx_pair(in, a, b); s.load_train(a, b); break;
    case 2: idx_pair(in, a, b); s.load_test(a, b); break;
    case 3: {
      const std::string slot = slot_name(in);
      const int epochs = in.i8() % 4;
      const int batch = in.i8();
      const int limit = in.i8();
      const char* opts[] = {"", R"("sgd")", R"({"type": "adam", "lr": 0.5})", "{bad", R"({"type": "x"})"};
      const double split = in.i8() / 100.0;  // some outside [0, 1)
      s.train_begin(slot, {epochs, batch, opts[in.u8() % 5], limit, 0, split});
      break;
    }
    case 4:
    case 5: s.train_step(); break;
    case 6: s.train_end(); break;
    case 7: s.eval_begin(slot_name(in)); break;
    case 8: s.eval_step(); break;
    case 9: s.eval_result(), s.eval_end(); break;
    case 10: {
      const std::string slot = slot_name(in);
      const int n = in.u8() * 2;
      const std::vector<float> px(n, in.u8() / 255.0f);
      const bool activations = in.u8() & 1;
      s.predict(slot, px, activations);
      break;
    }
    case 11: {
      const int w = in.i8();
      const int h = in.i8();
      const std::size_t n = in.u8() * 4u;
      const std::vector<uint8_t> rgba(n, in.u8());
      const bool dark = in.u8() & 1;
      s.digit_steps(rgba, w, h, dark);
      break;
    }
    case 12: {
      const std::string slot = slot_name(in);
      const int start = in.i16();
      s.test_predictions(slot, start, in.i16());
      break;
    }
    case 13: {
      const std::string slot = slot_name(in);
      saved = s.save_weights(slot, in.u8() & 1 ? WeightsDtype::f16 : WeightsDtype::f32);
      break;
    }
    case 14: {
      const std::string slot = slot_name(in);
      if (!saved.empty() && in.u8() & 1) {
        const std::size_t at = in.u8() % saved.size();
        saved[at] ^= 1 + in.u8() % 255;
      }
      s.load_weights(slot, saved);
      break;
    }
    case 15: {
      const std::string slot = slot_name(in);
      const int layer = in.i8() % 8;
      if (in.u8() & 1) s.conv_kernels(slot, layer); else s.dropout_mask(slot, layer);
      const int start = in.i16();
      s.test_images(start, in.i16());
      break;
    }
    case 16: {
      const std::string from = slot_name(in);
      s.copy(from, slot_name(in));
      break;
    }
    case 17: s.snapshot(slot_name(in)); break;
    case 18: s.restore(slot_name(in)); break;
    case 19: s.drop(slot_name(in)); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  Session s;
  std::vector<uint8_t> saved;
  for (int ops = 0; ops < 64 && !in.empty(); ++ops) {
    const Observed before = observe(s);
    const int op = in.u8() % kOps;
    try {
      run(op, s, in, saved);
    } catch (const Error&) {
      // A failed training step ends the run (the session's one documented exception);
      // any other failure must leave no trace.
      if (is_train_step(op) ? s.training() : observe(s) != before) __builtin_trap();
    }
  }
  return 0;
}
