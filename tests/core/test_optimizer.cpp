// Tests for the optimizers: two steps of each against optimizer.h's formulas worked by hand,
// Keras's default learning rates, chunked multi-threaded updates and spec validation.
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "convaula/error.h"
#include "convaula/optimizer.h"
#include "convaula/parallel.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;

namespace {

OptimizerSpec spec_of(const std::string& type, float lr = 0.0f, float momentum = 0.0f,
                      bool nesterov = false) {
  OptimizerSpec s;
  s.type = type;
  s.lr = lr;
  s.momentum = momentum;
  s.nesterov = nesterov;
  return s;
}

// One parameter w (starting at w0) stepped with g = 0.5, then g = -0.25 (a sign change
// tells momentum and running averages apart from the plain gradient). Returns w after
// each step.
std::vector<float> two_steps(const OptimizerSpec& spec, float w0 = 1.0f) {
  auto opt = make_optimizer(spec, 1);
  float w = w0, g = 0.0f;
  std::vector<float> after;
  for (float grad : {0.5f, -0.25f}) {
    g = grad;
    opt->step({&w, &g, 1});
    after.push_back(w);
  }
  CHECK(opt->iterations() == 2);
  return after;
}

std::string error_of(const OptimizerSpec& s) {
  try {
    s.validate();
  } catch (const Error& e) {
    CHECK(e.code() == "bad_spec");
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("SGD steps", "[optimizer]") {
  // Plain, lr 0.1:   w = 1 - 0.1*0.5 = 0.95;   w = 0.95 - 0.1*(-0.25) = 0.975
  auto w = two_steps(spec_of("sgd", 0.1f));
  CHECK_THAT(w[0], WithinAbs(0.95, 1e-7));
  CHECK_THAT(w[1], WithinAbs(0.975, 1e-7));
  // Momentum 0.9:    v = 0.9*0 - 0.1*0.5 = -0.05,                  w = 1 - 0.05 = 0.95
  //                  v = 0.9*(-0.05) - 0.1*(-0.25) = -0.045 + 0.025 = -0.02,  w = 0.93
  w = two_steps(spec_of("sgd", 0.1f, 0.9f));
  CHECK_THAT(w[0], WithinAbs(0.95, 1e-7));
  CHECK_THAT(w[1], WithinAbs(0.93, 1e-7));
  // Nesterov:        v = -0.05, w += 0.9*(-0.05) - 0.05 = -0.095        -> w = 0.905
  //                  v = -0.02, w += 0.9*(-0.02) + 0.025 = 0.007         -> w = 0.912
  w = two_steps(spec_of("sgd", 0.1f, 0.9f, true));
  CHECK_THAT(w[0], WithinAbs(0.905, 1e-7));
  CHECK_THAT(w[1], WithinAbs(0.912, 1e-7));
}

TEST_CASE("Adadelta steps with lr 1.0 (the original Keras example)", "[optimizer]") {
  // rho 0.95, eps 1e-7, accumulators a = d = 0.
  // Step 1 (g = 0.5):  a = 0.05 * 0.25 = 0.0125
  //   u = 0.5 * sqrt(0 + 1e-7) / sqrt(0.0125 + 1e-7) = 0.5 * 3.16228e-4 / 0.111804 = 1.414208e-3
  //   w = 1 - 1.414208e-3 = 0.9985858;   d = 0.05 * u^2 = 9.99992e-8
  // Step 2 (g = -0.25): a = 0.95 * 0.0125 + 0.05 * 0.0625 = 0.015
  //   u = -0.25 * sqrt(9.99992e-8 + 1e-7) / sqrt(0.015 + 1e-7) = -9.128661e-4
  //   w = 0.9985858 + 9.128661e-4 = 0.9994987
  const auto w = two_steps(spec_of("adadelta", 1.0f));
  CHECK_THAT(w[0], WithinAbs(0.9985858, 2e-7));
  CHECK_THAT(w[1], WithinAbs(0.9994987, 2e-7));
}

TEST_CASE("Adadelta with tf.keras's default lr 0.001 barely moves", "[optimizer]") {
  // Same u as above scaled by lr = 0.001. Starting at w = 0 keeps the tiny steps
  // representable: w = -1.414208e-6, then w = -1.414208e-6 + 9.128661e-7 = -5.013418e-7.
  const auto w = two_steps(spec_of("adadelta"), 0.0f);
  CHECK_THAT(w[0], WithinRel(-1.414208e-6, 1e-5));
  CHECK_THAT(w[1], WithinRel(-5.013418e-7, 1e-4));
}

TEST_CASE("Adam steps with bias correction", "[optimizer]") {
  // lr 0.001, b1 0.9, b2 0.999, eps 1e-7.
  // t = 1 (g = 0.5):  m = 0.1*0.5 = 0.05;  v = 0.001*0.25 = 2.5e-4
  //   lr_t = 0.001 * sqrt(1 - 0.999) / (1 - 0.9) = 0.001 * 0.0316228 / 0.1 = 3.162278e-4
  //   w -= lr_t * 0.05 / (sqrt(2.5e-4) + 1e-7) = 3.162278e-4 * 0.05 / 0.0158115 = 9.99994e-4
  //   -> w = 0.9990000 (the first Adam step is ~lr whatever the gradient's size;
  //      without bias correction it would be 0.001 * 0.05 / 0.0158 = 3.16e-3)
  // t = 2 (g = -0.25): m = 0.9*0.05 - 0.025 = 0.02;  v = 0.999*2.5e-4 + 0.001*0.0625 = 3.1225e-4
  //   lr_t = 0.001 * sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.001 * 0.0447102 / 0.19 = 2.353167e-4
  //   w -= 2.353167e-4 * 0.02 / (0.0176706 + 1e-7) = 2.66334e-4  -> w = 0.9987337
  const auto w = two_steps(spec_of("adam"));
  CHECK_THAT(w[0], WithinAbs(0.9990000, 2e-7));
  CHECK_THAT(w[1], WithinAbs(0.9987337, 2e-7));
}

TEST_CASE("RMSprop steps", "[optimizer]") {
  // lr 0.001, rho 0.9, eps 1e-7 inside the root.
  // Step 1: s = 0.1*0.25 = 0.025;   w -= 0.001*0.5 / sqrt(0.0250001) = 3.162271e-3 -> 0.9968377
  // Step 2: s = 0.9*0.025 + 0.1*0.0625 = 0.02875;
  //         w -= 0.001*(-0.25) / sqrt(0.0287501) = -1.474417e-3               -> 0.9983121
  const auto w = two_steps(spec_of("rmsprop"));
  CHECK_THAT(w[0], WithinAbs(0.9968377, 2e-7));
  CHECK_THAT(w[1], WithinAbs(0.9983121, 2e-7));
}

TEST_CASE("Optimizer default learning rates are tf.keras's", "[optimizer]") {
  CHECK_THAT(spec_of("sgd").effective_lr(), WithinRel(0.01f, 1e-7f));
  for (const char* type : {"adadelta", "adam", "rmsprop"}) {
    INFO(type);
    CHECK_THAT(spec_of(type).effective_lr(), WithinRel(0.001f, 1e-7f));
    CHECK_THAT(make_optimizer(spec_of(type), 1)->lr(), WithinRel(0.001f, 1e-7f));
  }
  CHECK_THAT(spec_of("adam", 0.05f).effective_lr(), WithinRel(0.05f, 1e-7f));
  CHECK(std::string(make_optimizer(spec_of("rmsprop"), 1)->name()) == "RMSprop");
}

TEST_CASE("Optimizer state is per element across threads and chunks", "[optimizer][threads]") {
  // 40000 parameters span three 16384-element chunks; with 3 threads each chunk's state
  // (Adam's m and v) must still line up with its own parameter.
  // The single-threaded wasm test build cannot start threads.
  if (ThreadPool::global().set_threads(3) < 3) {
    WARN("this build has no threads: skipped");
    return;
  }
  ThreadPool::global().set_threads(1);
  const std::size_t n = 40000;
  std::vector<float> w(n), g(n);
  for (std::size_t i = 0; i < n; ++i) g[i] = (i % 7 == 0 ? -1.0f : 1.0f) * (0.1f + 0.001f * (i % 100));
  auto opt = make_optimizer(spec_of("adam"), n);
  ThreadPool::global().set_threads(3);
  opt->step({w.data(), g.data(), n});
  // Restarting the pool's workers (1 -> 3 threads) after it has run jobs: new workers
  // must wait for the next job, not replay the last one (once a null-pointer crash).
  ThreadPool::global().set_threads(1);
  ThreadPool::global().set_threads(3);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the new workers start
  std::vector<float> g2(n, 0.3f);
  opt->step({w.data(), g2.data(), n});
  ThreadPool::global().set_threads(1);
  for (std::size_t i : {std::size_t{0}, std::size_t{7}, std::size_t{16383}, std::size_t{16384},
                        std::size_t{32768}, n - 1}) {
    INFO("element " << i);
    float wi = 0.0f, gi = g[i], g2i = 0.3f;
    auto one = make_optimizer(spec_of("adam"), 1);
    one->step({&wi, &gi, 1});
    one->step({&wi, &g2i, 1});
    CHECK_THAT(w[i], WithinAbs(wi, 0));
  }
}

TEST_CASE("OptimizerSpec::validate names the bad field", "[optimizer][errors]") {
  CHECK_THAT(error_of(spec_of("adagrad")), Contains("optimizer.type") && Contains("adagrad"));
  for (float lr : {-0.1f, NAN, 1000.5f, INFINITY}) {
    INFO("lr " << lr);
    CHECK_THAT(error_of(spec_of("sgd", lr)), Contains("optimizer.lr"));
  }
  CHECK(error_of(spec_of("sgd", 1000.0f)) == "no error");  // the documented upper bound
  CHECK_THAT(error_of(spec_of("sgd", 0.1f, 1.0f)), Contains("optimizer.momentum"));
  OptimizerSpec s = spec_of("adam");
  s.beta_1 = -0.5f;
  CHECK_THAT(error_of(s), Contains("optimizer.beta_1"));
  CHECK_THROWS_AS(make_optimizer(spec_of("adagrad"), 1), Error);
}
