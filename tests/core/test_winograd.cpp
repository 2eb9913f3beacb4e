// Tests for Winograd F(4x4, 3x3) (conv3x3_winograd and its plain twin conv3x3_winograd_ref)
// and the F(2x2, 3x3) weight gradient against the plain direct convolution
// (conv3x3_direct_ref), alone and inside Conv2D, and for the shapes that must stay direct.
//
// Tolerance of the convolution: |winograd - direct| <= 3e-5 * (sum |w * x| + C) per
// output, the sum taken over the terms of that output (the ref on |w| and |x|), C the
// input channels: an output is computed from its whole 6x6 tile, so one at a padded
// corner (few terms) still carries the rounding of its tile's other values, each at most
// 1 here (weights and inputs are drawn from [-1, 1]), which is what 3e-5 * C covers.
// These tests pass at 1e-5 but for one output, so 3e-5 leaves a margin of ~3; changing one
// transform coefficient by 0.1 % (5 -> 5.005 in B^T) fails thousands of outputs.
// F(4x4)'s transforms multiply by up to 5 and 8 (inputs, outputs) and divide by up to 24
// (weights), which amplifies float rounding. Measured against a float64 direct convolution
// on a conv2d_1-shaped layer (32 -> 64 channels, 26x26, weights uniform with He's variance,
// inputs in [-1, 1]): float32 F(4x4) errs by 1.4e-5 at most (mean 6.4e-7) on outputs up to
// 3.5, the float32 direct convolution by 2.8e-6 (mean 1.7e-7); with ReLU inputs 8.0e-6 vs
// 9.6e-7. That is ~4e-6 of the largest output: 100x below the float16 rounding of the
// shipped weights (4.9e-4 relative) and far below the noise a training step already has
// (dropout, a 32-image minibatch); the Keras fidelity checks (accuracy of the shipped
// weights 99.15 %, one epoch with Adadelta lr 1.0 98.51 %) hold with it.
// The weight gradient (F(2x2)) keeps 1e-5 of its sum.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "convaula/layers/conv2d.h"
#include "convaula/parallel.h"
#include "convaula/rng.h"
#include "grad_check.h"
#include "kernels.h"

using Catch::Matchers::WithinAbs;
using namespace convaula;
using namespace convaula::kernels;
using namespace convaula::test;

namespace {

std::vector<float> random_values(std::size_t n, Rng& rng) {
  std::vector<float> v(n);
  for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

std::vector<float> absolute(std::vector<float> v) {
  for (auto& x : v) x = std::fabs(x);
  return v;
}

// The largest (|got - direct| - tolerance) over the outputs: <= 0 passes.
double excess(const std::vector<float>& got, const std::vector<float>& direct,
              const std::vector<float>& bound, int channels) {
  double worst = -INFINITY;
  for (std::size_t i = 0; i < direct.size(); ++i) {
    const double e = std::fabs(double(got[i]) - direct[i]) - 3e-5 * (bound[i] + channels);
    worst = std::isnan(e) ? INFINITY : std::max(worst, e);
  }
  return worst;
}

// The same for conv3x3_winograd and conv3x3_winograd_ref. Also fails (returns +inf) if
// the kernel writes past the end of `out`.
double worst_excess(const Conv3x3Geom& g, bool adjoint, Rng& rng) {
  const std::size_t nw = 9 * static_cast<std::size_t>(g.c) * g.f;
  const std::size_t nin = static_cast<std::size_t>(g.c) * g.h * g.w;
  const std::size_t nout = static_cast<std::size_t>(g.f) * g.oh() * g.ow();
  const auto w = random_values(nw, rng), x = random_values(nin, rng);
  std::vector<float> direct(nout), bound(nout), fast(nout + 64, 12345.0f);
  conv3x3_direct_ref(g, w.data(), adjoint, x.data(), direct.data());
  conv3x3_direct_ref(g, absolute(w).data(), adjoint, absolute(x).data(), bound.data());
  std::vector<float> u(winograd_weights_size(g)), scratch(winograd_scratch_size(g), NAN);
  winograd_weights(g, w.data(), adjoint, u.data());
  // In two calls, split at a sliver of the transformed weights, as Conv2D splits one image
  // across threads.
  const int mr = gemm_blocking().mr, half = (g.f + mr - 1) / mr / 2 * mr;
  conv3x3_winograd(g, 0, half, u.data(), x.data(), fast.data(), scratch.data());
  conv3x3_winograd(g, half, g.f, u.data(), x.data(), fast.data(), scratch.data());
  for (std::size_t i = nout; i < fast.size(); ++i)
    if (fast[i] != 12345.0f) return INFINITY;
  fast.resize(nout);
  std::vector<float> plain(nout, NAN);
  conv3x3_winograd_ref(g, w.data(), adjoint, x.data(), plain.data());
  return std::max(excess(fast, direct, bound, g.c), excess(plain, direct, bound, g.c));
}

}  // namespace

TEST_CASE("conv3x3_winograd and its _ref match the direct convolution on odd sizes", "[kernels][winograd]") {
  Rng rng(11);
  const int sizes[][2] = {{3, 3}, {4, 5}, {7, 6}, {9, 13}, {10, 11}, {26, 26}, {29, 17}, {36, 35}};
  for (bool adjoint : {false, true})
    for (int c : {1, 3, 8, 33})
      for (int f : {1, 7, 64})
        for (const auto& hw : sizes)
          for (int pad : {0, 1, 2}) {
            const Conv3x3Geom g{c, hw[0], hw[1], f, pad};
            INFO("c " << c << " f " << f << " h " << hw[0] << " w " << hw[1] << " pad " << pad
                      << " adjoint " << adjoint);
            CHECK(worst_excess(g, adjoint, rng) <= 0.0);
          }
}

TEST_CASE("winograd_weight_grad matches the direct weight gradient on odd sizes", "[kernels][winograd]") {
  // Two images accumulated into a gradient that already holds values, as in a batch.
  // Tolerance 1e-5 (F(2x2)), with the bound summed over the terms of each weight's gradient.
  Rng rng(13);
  const int sizes[][2] = {{3, 3}, {4, 5}, {7, 6}, {26, 26}, {29, 17}};
  for (int c : {1, 3, 8, 33})
    for (int f : {1, 7, 64})
      for (const auto& hw : sizes)
        for (int pad : {0, 1}) {
          const Conv3x3Geom g{c, hw[0], hw[1], f, pad};
          INFO("c " << c << " f " << f << " h " << hw[0] << " w " << hw[1] << " pad " << pad);
          const std::size_t nin = static_cast<std::size_t>(c) * g.h * g.w;
          const std::size_t nout = static_cast<std::size_t>(f) * g.oh() * g.ow();
          const std::size_t nw = 9 * static_cast<std::size_t>(c) * f;
          const auto x = random_values(2 * nin, rng), d = random_values(2 * nout, rng);
          const auto start = random_values(nw, rng);
          std::vector<float> direct = start, fast = start, bound(nw, 0.0f);
          std::vector<float> du(winograd_grad_size(g), 0.0f), scratch(winograd_scratch_size(g), NAN);
          for (int i = 0; i < 2; ++i) {
            conv3x3_weight_grad_ref(g, x.data() + i * nin, d.data() + i * nout, direct.data());
            conv3x3_weight_grad_ref(g, absolute({x.begin() + i * nin, x.begin() + (i + 1) * nin}).data(),
                                    absolute({d.begin() + i * nout, d.begin() + (i + 1) * nout}).data(),
                                    bound.data());
            winograd_weight_grad(g, x.data() + i * nin, d.data() + i * nout, du.data(), scratch.data());
          }
          winograd_weight_grad_finish(g, du.data(), fast.data());
          double worst = -INFINITY;
          for (std::size_t i = 0; i < nw; ++i) {
            const double excess = std::fabs(double(fast[i]) - direct[i]) - (1e-5 * (bound[i] + 1.0) + 1e-6);
            worst = std::isnan(excess) ? INFINITY : std::max(worst, excess);
          }
          CHECK(worst <= 0.0);
        }
}

TEST_CASE("conv3x3_winograd reuses its scratch across geometries", "[kernels][winograd]") {
  // Conv2D shares one scratch between the forward pass and the input gradient: whatever
  // the first left in it (here NaN-free garbage of another shape) must not leak in.
  Rng rng(5);
  const Conv3x3Geom a{8, 11, 9, 16, 0}, b{16, 9, 7, 8, 2};
  std::vector<float> scratch(std::max(winograd_scratch_size(a), winograd_scratch_size(b)));
  for (auto& s : scratch) s = rng.uniform(-1e3f, 1e3f);
  for (const Conv3x3Geom& g : {a, b, a}) {
    const std::size_t nout = static_cast<std::size_t>(g.f) * g.oh() * g.ow();
    const auto w = random_values(9 * static_cast<std::size_t>(g.c) * g.f, rng);
    const auto x = random_values(static_cast<std::size_t>(g.c) * g.h * g.w, rng);
    std::vector<float> direct(nout), fast(nout), u(winograd_weights_size(g));
    conv3x3_direct_ref(g, w.data(), false, x.data(), direct.data());
    winograd_weights(g, w.data(), false, u.data());
    conv3x3_winograd(g, 0, g.f, u.data(), x.data(), fast.data(), scratch.data());
    for (std::size_t i = 0; i < nout; ++i) CHECK_THAT(fast[i], WithinAbs(direct[i], 1e-4));
  }
}

TEST_CASE("Conv2D picks Winograd only for 3x3 stride-1 layers with 8+ channels", "[conv2d][winograd]") {
  struct Case {
    int c, filters, kernel, stride;
    Padding padding;
    bool winograd;
  };
  const Case cases[] = {
      {32, 64, 3, 1, Padding::valid, true},   // the lesson's conv2d_1
      {8, 8, 3, 1, Padding::same, true},
      {1, 32, 3, 1, Padding::valid, false},   // the lesson's first layer: 1 channel in
      {32, 4, 3, 1, Padding::valid, false},   // too few filters for the input gradient
      {32, 64, 3, 2, Padding::valid, false},  // stride 2
      {32, 64, 3, 2, Padding::same, false},
      {32, 64, 5, 1, Padding::valid, false},  // 5x5
      {32, 64, 1, 1, Padding::valid, false},
  };
  for (const Case& k : cases) {
    Conv2D conv(k.filters, k.kernel, k.stride, k.padding, Activation::relu);
    bind_params(conv, {1, k.c, 13, 12});
    INFO("c " << k.c << " filters " << k.filters << " kernel " << k.kernel << " stride " << k.stride);
    CHECK(conv.uses_winograd() == k.winograd);
  }
}

TEST_CASE("Conv2D with Winograd agrees with the direct convolution: forward, input and weight gradients",
          "[conv2d][winograd]") {
  // Odd batch sizes and image sizes, both paddings, 1 and 2 threads (batch split).
  for (int threads : {1, 2})
    for (Padding padding : {Padding::valid, Padding::same})
      for (int n : {1, 3}) {
        ThreadPool::global().set_threads(threads);
        const Shape in{n, 9, 11, 13};
        Conv2D conv(10, 3, 1, padding, Activation::relu);
        ParamBuffers b = bind_params(conv, in, 3);
        REQUIRE(conv.uses_winograd());
        Rng rng(17);
        const Tensor x = random_tensor(in, rng);
        Tensor out(conv.output_shape(in)), din(in);
        // backward writes every gradient: NaN left anywhere fails below
        std::fill(b.dw.begin(), b.dw.end(), std::numeric_limits<float>::quiet_NaN());
        conv.forward(x, out, true);
        Tensor dout = random_tensor(out.shape(), rng);
        const Tensor r = dout;
        conv.backward(x, out, dout, &din);

        const int pad = padding == Padding::same ? 1 : 0;
        const Conv3x3Geom fwd{in.c, in.h, in.w, 10, pad}, adj{10, fwd.oh(), fwd.ow(), in.c, 2 - pad};
        std::vector<float> z(static_cast<std::size_t>(10) * fwd.oh() * fwd.ow());
        std::vector<float> d(z.size()), di(in.per_image()), dw(9 * 9 * 10, 0.0f);
        for (int i = 0; i < n; ++i) {
          INFO("threads " << threads << " same " << pad << " image " << i);
          conv3x3_direct_ref(fwd, b.w.data(), false, x.image(i), z.data());
          for (std::size_t j = 0; j < z.size(); ++j) {
            const float pre = z[j] + b.w[9 * 9 * 10 + j / (fwd.oh() * fwd.ow())];
            const float y = std::max(pre, 0.0f);
            REQUIRE_THAT(out.image(i)[j], WithinAbs(y, 1e-4));
            d[j] = out.image(i)[j] > 0.0f ? r.image(i)[j] : 0.0f;  // through ReLU
          }
          conv3x3_direct_ref(adj, b.w.data(), true, d.data(), di.data());
          for (std::size_t j = 0; j < di.size(); ++j) REQUIRE_THAT(din.image(i)[j], WithinAbs(di[j], 1e-4));
          conv3x3_weight_grad_ref(fwd, x.image(i), d.data(), dw.data());
        }
        for (std::size_t j = 0; j < dw.size(); ++j) REQUIRE_THAT(b.dw[j], WithinAbs(dw[j], 1e-4));
      }
  ThreadPool::global().set_threads(1);
}

TEST_CASE("Conv2D with Winograd: gradients match central differences", "[conv2d][winograd][grad]") {
  const Shape in{2, 8, 7, 6};
  const GradCheckOptions opt;
  for (Padding padding : {Padding::valid, Padding::same}) {
    Conv2D conv(8, 3, 1, padding, Activation::tanh);
    ParamBuffers b = bind_params(conv, in);
    REQUIRE(conv.uses_winograd());
    Rng rng(2);
    const Tensor x = random_tensor(in, rng);
    require_gradients_match(check_layer_gradients(conv, x, opt));
  }
}
