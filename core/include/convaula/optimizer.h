// Optimizers with Keras's (tf.keras 2.x) update formulas and defaults.
//
// They see only {value, grad} views of the model's flat parameter buffer and
// keep one state vector per accumulator, sized once at construction.
//
//   SGD      v = momentum*v - lr*g;  w += v                (nesterov: w += momentum*v - lr*g)
//   Adadelta a = rho*a + (1-rho)*g^2;  u = g*sqrt(d+eps)/sqrt(a+eps);  w -= lr*u;
//            d = rho*d + (1-rho)*u^2                        defaults lr 0.001, rho 0.95, eps 1e-7
//   Adam     m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;
//            w -= lr*sqrt(1-b2^t)/(1-b1^t) * m/(sqrt(v)+eps) defaults lr 0.001, 0.9, 0.999, 1e-7
//   RMSprop  s = rho*s + (1-rho)*g^2;  w -= lr*g/sqrt(s+eps) defaults lr 0.001, rho 0.9, eps 1e-7
//            (epsilon inside the root, as TensorFlow's ApplyRMSProp kernel)
//
// The lesson says optimizer='Adadelta', which in tf.keras means lr = 0.001: it
// learns very slowly. The original Keras mnist_cnn example used lr = 1.0 (the
// Adadelta paper's setting); ConvAula offers both.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "convaula/layer.h"

namespace convaula {

struct OptimizerSpec {
  std::string type = "adadelta";  // sgd | adadelta | adam | rmsprop
  float lr = 0.0f;                // 0 means the optimizer's Keras default
  float momentum = 0.0f;          // sgd
  bool nesterov = false;          // sgd
  float rho = 0.0f;               // adadelta, rmsprop (0 = default)
  float beta_1 = 0.9f, beta_2 = 0.999f;  // adam
  float epsilon = 1e-7f;

  float effective_lr() const;
  // Floats of state the optimizer keeps per parameter (Adam's m and v: 2).
  int state_per_param() const;
  // Throws Error(bad_spec) naming the field for unknown types and out-of-range values.
  void validate() const;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // One update of all parameters, split across the global ThreadPool.
  void step(const ParamView& p);
  virtual const char* name() const = 0;
  float lr() const { return lr_; }
  void set_lr(float lr) { lr_ = lr; }
  int64_t iterations() const { return iterations_; }

 protected:
  // The state vectors (zeros), made at the first step: a model that never trains never
  // writes them (keras-mnist with Adadelta: 9.6 MB).
  virtual void allocate(std::size_t n) = 0;
  // Called once per step before update(), e.g. for Adam's bias correction.
  virtual void prepare() {}
  // Updates elements [begin, end) of p; state vectors are indexed the same way.
  virtual void update(const ParamView& p, std::size_t begin, std::size_t end) = 0;

  float lr_ = 0.0f;
  int64_t iterations_ = 0;

 private:
  friend std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec&, std::size_t);
  std::size_t size_ = 0;  // the parameter count it was made for
};

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, std::size_t param_count);

}  // namespace convaula
