// SGD, Adadelta, Adam and RMSprop, following tf.keras's formulas (see optimizer.h).
#include "convaula/optimizer.h"

#include <algorithm>
#include <cmath>

#include "convaula/error.h"
#include "convaula/parallel.h"
#include "kernels.h"

namespace convaula {

namespace {

void check_range(const char* field, float v, float lo, float hi, bool lo_open) {
  const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
  if (!ok)
    throw Error(errc::bad_spec, std::string("optimizer.") + field + " must be in " +
                                    (lo_open ? "(" : "[") + std::to_string(lo) + ", " +
                                    std::to_string(hi) + "], got " + std::to_string(v));
}

class Sgd : public Optimizer {
 public:
  explicit Sgd(const OptimizerSpec& s) : momentum_(s.momentum), nesterov_(s.nesterov) {
    lr_ = s.effective_lr();
  }
  const char* name() const override { return "SGD"; }
  void allocate(std::size_t n) override { v_.assign(momentum_ > 0 ? n : 0, 0.0f); }
  void update(const ParamView& p, std::size_t begin, std::size_t end) override {
    if (momentum_ == 0.0f) {
      for (std::size_t i = begin; i < end; ++i) p.value[i] -= lr_ * p.grad[i];
      return;
    }
    for (std::size_t i = begin; i < end; ++i) {
      v_[i] = momentum_ * v_[i] - lr_ * p.grad[i];
      p.value[i] += nesterov_ ? momentum_ * v_[i] - lr_ * p.grad[i] : v_[i];
    }
  }

 private:
  float momentum_;
  bool nesterov_;
  std::vector<float> v_;
};

class Adadelta : public Optimizer {
 public:
  explicit Adadelta(const OptimizerSpec& s) : rho_(s.rho > 0 ? s.rho : 0.95f), eps_(s.epsilon) {
    lr_ = s.effective_lr();
  }
  const char* name() const override { return "Adadelta"; }
  void allocate(std::size_t n) override { acc_.assign(n, 0.0f), delta_.assign(n, 0.0f); }
  void update(const ParamView& p, std::size_t begin, std::size_t end) override {
    kernels::adadelta_update({rho_, eps_, lr_}, p.value + begin, p.grad + begin,
                             acc_.data() + begin, delta_.data() + begin, end - begin);
  }

 private:
  float rho_, eps_;
  std::vector<float> acc_, delta_;
};

class Adam : public Optimizer {
 public:
  explicit Adam(const OptimizerSpec& s) : b1_(s.beta_1), b2_(s.beta_2), eps_(s.epsilon) {
    lr_ = s.effective_lr();
  }
  const char* name() const override { return "Adam"; }
  void allocate(std::size_t n) override { m_.assign(n, 0.0f), v_.assign(n, 0.0f); }
  void prepare() override {
    const double t = static_cast<double>(iterations_);
    lr_t_ = static_cast<float>(lr_ * std::sqrt(1.0 - std::pow(b2_, t)) / (1.0 - std::pow(b1_, t)));
  }
  void update(const ParamView& p, std::size_t begin, std::size_t end) override {
    kernels::adam_update({b1_, b2_, eps_, lr_t_}, p.value + begin, p.grad + begin,
                         m_.data() + begin, v_.data() + begin, end - begin);
  }

 private:
  float b1_, b2_, eps_, lr_t_ = 0.0f;
  std::vector<float> m_, v_;
};

class RmsProp : public Optimizer {
 public:
  explicit RmsProp(const OptimizerSpec& s) : rho_(s.rho > 0 ? s.rho : 0.9f), eps_(s.epsilon) {
    lr_ = s.effective_lr();
  }
  const char* name() const override { return "RMSprop"; }
  void allocate(std::size_t n) override { ms_.assign(n, 0.0f); }
  void update(const ParamView& p, std::size_t begin, std::size_t end) override {
    for (std::size_t i = begin; i < end; ++i) {
      const float g = p.grad[i];
      ms_[i] = rho_ * ms_[i] + (1.0f - rho_) * g * g;
      p.value[i] -= lr_ * g / std::sqrt(ms_[i] + eps_);
    }
  }

 private:
  float rho_, eps_;
  std::vector<float> ms_;
};

}  // namespace

void Optimizer::step(const ParamView& p) {
  if (p.size != size_)
    throw Error(errc::internal, "optimizer made for " + std::to_string(size_) +
                                    " parameters stepped with " + std::to_string(p.size));
  if (iterations_ == 0) allocate(size_);
  ++iterations_;
  prepare();
  // Chunks of whole cache lines keep threads off each other's lines.
  constexpr int kChunk = 16384;
  const int chunks = static_cast<int>((p.size + kChunk - 1) / kChunk);
  ThreadPool::global().parallel_for(chunks, [&](int b, int e, int) {
    update(p, static_cast<std::size_t>(b) * kChunk, std::min(p.size, static_cast<std::size_t>(e) * kChunk));
  });
}

float OptimizerSpec::effective_lr() const {
  if (lr > 0.0f) return lr;
  return type == "sgd" ? 0.01f : 0.001f;  // tf.keras defaults
}

int OptimizerSpec::state_per_param() const {
  // Each class's state vectors: Sgd v_ (with momentum), Adadelta acc_ and delta_,
  // Adam m_ and v_, RmsProp its mean square.
  if (type == "sgd") return momentum > 0 ? 1 : 0;
  return type == "rmsprop" ? 1 : 2;
}

void OptimizerSpec::validate() const {
  if (type != "sgd" && type != "adadelta" && type != "adam" && type != "rmsprop")
    throw Error(errc::bad_spec, "optimizer.type: unknown optimizer '" + quote(type) +
                                    "' (expected sgd, adadelta, adam or rmsprop)");
  if (lr != 0.0f) check_range("lr", lr, 0.0f, 1000.0f, true);
  check_range("momentum", momentum, 0.0f, 0.9999f, false);
  if (rho != 0.0f) check_range("rho", rho, 0.0f, 0.9999f, true);
  check_range("beta_1", beta_1, 0.0f, 0.9999f, false);
  check_range("beta_2", beta_2, 0.0f, 0.99999f, false);
  check_range("epsilon", epsilon, 0.0f, 1.0f, true);
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, std::size_t n) {
  spec.validate();
  std::unique_ptr<Optimizer> o;
  if (spec.type == "sgd") o = std::make_unique<Sgd>(spec);
  else if (spec.type == "adadelta") o = std::make_unique<Adadelta>(spec);
  else if (spec.type == "adam") o = std::make_unique<Adam>(spec);
  else o = std::make_unique<RmsProp>(spec);
  o->size_ = n;
  return o;
}

}  // namespace convaula
