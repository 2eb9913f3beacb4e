// Tests for the numeric kernels: every fast kernel against its scalar _ref twin on odd sizes.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "convaula/rng.h"
#include "kernels.h"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace convaula;
using namespace convaula::kernels;

namespace {

constexpr Act kActs[] = {Act::linear, Act::relu, Act::sigmoid, Act::tanh, Act::softmax};
constexpr int kOdd[] = {1, 7, 13, 33};

std::vector<float> random_vec(std::size_t n, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
  std::vector<float> v(n);
  for (auto& x : v) x = rng.uniform(lo, hi);
  return v;
}

// Runs gemm and gemm_ref on the same operands (stored with row strides ld = width + pad)
// and returns the largest |difference| inside C; entries past C's width must be untouched.
float gemm_max_diff(bool ta, bool tb, int M, int N, int K, float beta, int pad, Rng& rng) {
  const int a_rows = ta ? K : M, a_cols = ta ? M : K;
  const int b_rows = tb ? N : K, b_cols = tb ? K : N;
  const int lda = a_cols + pad, ldb = b_cols + pad, ldc = N + pad;
  const auto A = random_vec(static_cast<std::size_t>(a_rows) * lda, rng);
  const auto B = random_vec(static_cast<std::size_t>(b_rows) * ldb, rng);
  auto C = random_vec(static_cast<std::size_t>(M) * ldc, rng);
  // beta == 0 must ignore C entirely, even NaN (a fresh buffer may hold anything).
  if (beta == 0.0f)
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) C[static_cast<std::size_t>(i) * ldc + j] = NAN;
  auto C_ref = C;
  gemm(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, beta, C.data(), ldc);
  gemm_ref(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, beta, C_ref.data(), ldc);
  float worst = 0.0f;
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < ldc; ++j) {
      const std::size_t at = static_cast<std::size_t>(i) * ldc + j;
      if (j >= N) {
        if (C[at] != C_ref[at]) return INFINITY;  // wrote outside C
        continue;
      }
      const float d = std::fabs(C[at] - C_ref[at]);
      if (!(d <= worst)) worst = std::isnan(d) ? INFINITY : d;
    }
  return worst;
}

// A (M, K) and B (K, N), row-major, in gemm_packed's layout (kernels.h) for micro-tile
// (mr, nr); the padding rows and columns hold NaN, which must not reach C.
std::vector<float> pack_rows(const std::vector<float>& A, int M, int K, int mr) {
  std::vector<float> ap(static_cast<std::size_t>((M + mr - 1) / mr) * mr * K, NAN);
  for (int i = 0; i < M; ++i)
    for (int k = 0; k < K; ++k) ap[(static_cast<std::size_t>(i / mr) * K + k) * mr + i % mr] = A[i * K + k];
  return ap;
}
std::vector<float> pack_columns(const std::vector<float>& B, int K, int N, int nr) {
  std::vector<float> bp(static_cast<std::size_t>((N + nr - 1) / nr) * nr * K, NAN);
  for (int k = 0; k < K; ++k)
    for (int j = 0; j < N; ++j) bp[(static_cast<std::size_t>(j / nr) * K + k) * nr + j % nr] = B[k * N + j];
  return bp;
}

}  // namespace

TEST_CASE("gemm_packed and its _ref match gemm_ref on odd sizes, writing C only", "[kernels][gemm]") {
  const GemmBlocking tile = gemm_blocking();
  Rng rng(23);
  for (int M : {1, 7, 13, 64})
    for (int N : {1, 9, 36, 49})
      for (int K : {1, 8, 33}) {
        INFO("M " << M << " N " << N << " K " << K);
        const int ldc = N + 3;
        const auto A = random_vec(static_cast<std::size_t>(M) * K, rng);
        const auto B = random_vec(static_cast<std::size_t>(K) * N, rng);
        const auto ap = pack_rows(A, M, K, tile.mr), bp = pack_columns(B, K, N, tile.nr);
        std::vector<float> want(static_cast<std::size_t>(M) * ldc, 7.0f), fast = want, plain = want;
        gemm_ref(false, false, M, N, K, A.data(), K, B.data(), N, 0.0f, want.data(), ldc);
        gemm_packed(M, N, K, ap.data(), bp.data(), fast.data(), ldc);
        gemm_packed_ref(tile.mr, tile.nr, M, N, K, ap.data(), bp.data(), plain.data(), ldc);
        float worst = 0.0f;
        for (std::size_t i = 0; i < want.size(); ++i)
          for (float got : {fast[i], plain[i]}) {
            const float d = std::fabs(got - want[i]);
            worst = std::isnan(d) ? INFINITY : std::max(worst, d);
          }
        CHECK(worst <= 1e-6f * (K + 1));
      }
}

TEST_CASE("gemm matches gemm_ref for every transpose, beta and odd size", "[kernels][gemm]") {
  const int sizes[] = {1, 7, 13, 33, 100, 257};
  const float betas[] = {0.0f, 1.0f, 0.5f};
  Rng rng(11);
  int case_index = 0;
  for (int t = 0; t < 4; ++t) {
    const bool ta = t & 1, tb = t & 2;
    for (int M : sizes)
      for (int N : sizes)
        for (int K : sizes) {
          // Each beta and padding meets every size across the transposes (a full product
          // of all five axes would take seconds under wasm without finding more).
          const float beta = betas[case_index % 3];
          const int pad = case_index % 2 ? 3 : 0;
          ++case_index;
          // Sums of K products of values in [-1, 1]: the order of additions (and FMA)
          // differs from the reference by at most ~K * 2^-24 per unit of magnitude.
          const float tol = 1e-6f * (K + 1);
          INFO("ta " << ta << " tb " << tb << " M " << M << " N " << N << " K " << K << " beta "
                     << beta << " pad " << pad);
          const float diff = gemm_max_diff(ta, tb, M, N, K, beta, pad, rng);
          if (diff > tol) CHECK(diff <= tol);  // one assertion per failure keeps this fast
        }
  }
  // Wider than one NC = 1536 column panel of the packed GEMM.
  CHECK(gemm_max_diff(false, true, 7, 1600, 13, 0.5f, 5, rng) <= 1e-5f);
  CHECK(gemm_max_diff(true, false, 13, 1600, 300, 0.0f, 0, rng) <= 1e-6f * 301);
  // One row (a dense layer on one image, its own path): the lesson's first dense layer.
  CHECK(gemm_max_diff(false, false, 1, 128, 9216, 0.0f, 0, rng) <= 1e-6f * 9217);
  CHECK(gemm_max_diff(false, false, 1, 130, 9216, 0.5f, 3, rng) <= 1e-6f * 9217);
}

TEST_CASE("gemm hand-computed 2x2 product with beta", "[kernels][gemm]") {
  // [1 2; 3 4] * [5 6; 7 8] = [1*5+2*7, 1*6+2*8; 3*5+4*7, 3*6+4*8] = [19 22; 43 50];
  // plus 0.5 * C with C = [2 2; 2 2] adds 1 everywhere.
  const float A[] = {1, 2, 3, 4}, B[] = {5, 6, 7, 8};
  float C[] = {2, 2, 2, 2};
  gemm(false, false, 2, 2, 2, A, 2, B, 2, 0.5f, C, 2);
  CHECK_THAT(C[0], WithinAbs(20.0, 0));
  CHECK_THAT(C[1], WithinAbs(23.0, 0));
  CHECK_THAT(C[2], WithinAbs(44.0, 0));
  CHECK_THAT(C[3], WithinAbs(51.0, 0));
}

TEST_CASE("bias_act_rows and bias_act_cols match their refs for every activation",
          "[kernels]") {
  Rng rng(3);
  for (Act act : kActs)
    for (int rows : kOdd)
      for (int cols : kOdd)
        for (bool with_bias : {true, false}) {
          INFO("act " << int(act) << " rows " << rows << " cols " << cols << " bias " << with_bias);
          const auto x = random_vec(static_cast<std::size_t>(rows) * cols, rng, -3.0f, 3.0f);
          const auto brow = random_vec(rows, rng), bcol = random_vec(cols, rng);
          auto fast = x, ref = x;
          bias_act_rows(act, fast.data(), with_bias ? brow.data() : nullptr, rows, cols);
          bias_act_rows_ref(act, ref.data(), with_bias ? brow.data() : nullptr, rows, cols);
          for (std::size_t i = 0; i < x.size(); ++i) CHECK_THAT(fast[i], WithinAbs(ref[i], 1e-6));
          fast = x;
          ref = x;
          bias_act_cols(act, fast.data(), with_bias ? bcol.data() : nullptr, rows, cols);
          bias_act_cols_ref(act, ref.data(), with_bias ? bcol.data() : nullptr, rows, cols);
          for (std::size_t i = 0; i < x.size(); ++i) CHECK_THAT(fast[i], WithinAbs(ref[i], 1e-6));
        }
}

TEST_CASE("bias_act_rows_ref hand values", "[kernels]") {
  // Two feature maps (rows) of two values, one bias per map:
  //   row 0: relu(-1 + 0.5) = relu(-0.5) = 0,  relu(2 + 0.5) = 2.5
  //   row 1: relu( 2 - 3)   = relu(-1)   = 0,  relu(1 - 3)   = relu(-2) = 0
  float x[] = {-1, 2, 2, 1};
  const float bias[] = {0.5f, -3.0f};
  bias_act_rows_ref(Act::relu, x, bias, 2, 2);
  CHECK_THAT(x[0], WithinAbs(0.0, 0));
  CHECK_THAT(x[1], WithinAbs(2.5, 0));
  CHECK_THAT(x[2], WithinAbs(0.0, 0));
  CHECK_THAT(x[3], WithinAbs(0.0, 0));
}

TEST_CASE("act_backward matches act_backward_ref for every activation", "[kernels]") {
  Rng rng(5);
  for (Act act : kActs)
    for (int rows : kOdd)
      for (int cols : kOdd) {
        INFO("act " << int(act) << " rows " << rows << " cols " << cols);
        auto y = random_vec(static_cast<std::size_t>(rows) * cols, rng, -3.0f, 3.0f);
        bias_act_cols_ref(act, y.data(), nullptr, rows, cols);  // y is a real activation output
        const auto d = random_vec(y.size(), rng);
        auto fast = d, ref = d;
        act_backward(act, y.data(), fast.data(), rows, cols);
        act_backward_ref(act, y.data(), ref.data(), rows, cols);
        for (std::size_t i = 0; i < d.size(); ++i) CHECK_THAT(fast[i], WithinAbs(ref[i], 1e-6));
      }
}

TEST_CASE("maxpool_forward matches maxpool_forward_ref, argmax included", "[kernels][pool]") {
  Rng rng(9);
  struct Geometry {
    int pool, stride;
  };
  for (Geometry g : {Geometry{2, 2}, Geometry{3, 2}, Geometry{2, 1}, Geometry{3, 3}})
    for (int h : {3, 7, 13, 33})
      for (int w : {3, 7, 13, 24, 33}) {  // 24: the lesson's 24x24 maps; 33: two vectors + tail
        const int planes = 3;
        const int oh = (h - g.pool) / g.stride + 1, ow = (w - g.pool) / g.stride + 1;
        // Values on a coarse grid so windows hold ties: both must keep the first max.
        std::vector<float> in(static_cast<std::size_t>(planes) * h * w);
        for (auto& v : in) v = static_cast<float>(rng.below(5));
        std::vector<float> out(static_cast<std::size_t>(planes) * oh * ow), out_ref(out.size());
        std::vector<int32_t> arg(out.size()), arg_ref(out.size());
        maxpool_forward(in.data(), planes, h, w, g.pool, g.stride, oh, ow, out.data(), arg.data());
        maxpool_forward_ref(in.data(), planes, h, w, g.pool, g.stride, oh, ow, out_ref.data(),
                            arg_ref.data());
        INFO("pool " << g.pool << " stride " << g.stride << " h " << h << " w " << w);
        CHECK(out == out_ref);
        CHECK(arg == arg_ref);
      }
}

TEST_CASE("maxpool_forward_ref keeps the first maximum on ties", "[kernels][pool]") {
  // 2x2 plane [3 3; 1 3] -> one window, max 3, first occurrence at flat index 0.
  const float in[] = {3, 3, 1, 3};
  float out = 0;
  int32_t arg = -1;
  maxpool_forward_ref(in, 1, 2, 2, 2, 2, 1, 1, &out, &arg);
  CHECK_THAT(out, WithinAbs(3.0, 0));
  CHECK(arg == 0);
}

TEST_CASE("avgpool_forward matches avgpool_forward_ref bit for bit", "[kernels][pool]") {
  Rng rng(10);
  struct Geometry {
    int pool, stride;
  };
  for (Geometry g : {Geometry{2, 2}, Geometry{3, 2}, Geometry{2, 1}})
    for (int h : {3, 7, 24, 33})
      for (int w : {3, 7, 13, 24, 33}) {  // 33: two vectors and a tail
        const int planes = 3;
        const int oh = (h - g.pool) / g.stride + 1, ow = (w - g.pool) / g.stride + 1;
        std::vector<float> in(static_cast<std::size_t>(planes) * h * w);
        for (auto& v : in) v = rng.uniform(-2.0f, 2.0f);
        std::vector<float> out(static_cast<std::size_t>(planes) * oh * ow), out_ref(out.size());
        avgpool_forward(in.data(), planes, h, w, g.pool, g.stride, oh, ow, out.data());
        avgpool_forward_ref(in.data(), planes, h, w, g.pool, g.stride, oh, ow, out_ref.data());
        INFO("pool " << g.pool << " stride " << g.stride << " h " << h << " w " << w);
        CHECK(out == out_ref);
      }
}

TEST_CASE("mul matches mul_ref on odd sizes", "[kernels]") {
  Rng rng(13);
  for (int n : {1, 7, 13, 33, 100}) {
    const auto x = random_vec(n, rng), mask = random_vec(n, rng, 0.0f, 2.0f);
    std::vector<float> y(n), y_ref(n);
    mul(x.data(), mask.data(), y.data(), n);
    mul_ref(x.data(), mask.data(), y_ref.data(), n);
    CHECK(y == y_ref);  // one rounding each: bit-identical
  }
}

TEST_CASE("adadelta_update matches adadelta_update_ref on odd sizes", "[kernels][optimizer]") {
  // Three steps on the same state, so acc and delta are no longer zero. The two differ at
  // most by a fused multiply-add the compiler may form in the scalar loop: a few ulps of
  // each term, hence 1e-6 relative (or 1e-7 absolute, for values that cancel to ~0).
  Rng rng(19);
  const AdadeltaParams p{0.95f, 1e-7f, 1.0f};
  for (int n : {1, 3, 7, 13, 33, 101}) {
    INFO("n = " << n);
    auto value = random_vec(n, rng), acc = random_vec(n, rng, 0.0f, 0.01f);
    auto delta = random_vec(n, rng, 0.0f, 0.01f);
    auto value_ref = value, acc_ref = acc, delta_ref = delta;
    for (int step = 0; step < 3; ++step) {
      const auto grad = random_vec(n, rng, -0.1f, 0.1f);
      adadelta_update(p, value.data(), grad.data(), acc.data(), delta.data(), n);
      adadelta_update_ref(p, value_ref.data(), grad.data(), acc_ref.data(), delta_ref.data(), n);
    }
    for (int i = 0; i < n; ++i) {
      CHECK_THAT(value[i], WithinRel(value_ref[i], 1e-6f) || WithinAbs(value_ref[i], 1e-7));
      CHECK_THAT(acc[i], WithinRel(acc_ref[i], 1e-6f));
      CHECK_THAT(delta[i], WithinRel(delta_ref[i], 1e-6f));
    }
  }
}

TEST_CASE("adam_update matches adam_update_ref on odd sizes", "[kernels][optimizer]") {
  // As for Adadelta: same operations in the same order, up to a fused multiply-add.
  Rng rng(23);
  const AdamParams p{0.9f, 0.999f, 1e-7f, 0.001f};
  for (int n : {1, 3, 7, 13, 33, 101}) {
    INFO("n = " << n);
    auto value = random_vec(n, rng), m = random_vec(n, rng, -0.01f, 0.01f);
    auto v = random_vec(n, rng, 0.0f, 0.01f);
    auto value_ref = value, m_ref = m, v_ref = v;
    for (int step = 0; step < 3; ++step) {
      const auto grad = random_vec(n, rng, -0.1f, 0.1f);
      adam_update(p, value.data(), grad.data(), m.data(), v.data(), n);
      adam_update_ref(p, value_ref.data(), grad.data(), m_ref.data(), v_ref.data(), n);
    }
    for (int i = 0; i < n; ++i) {
      CHECK_THAT(value[i], WithinRel(value_ref[i], 1e-6f) || WithinAbs(value_ref[i], 1e-7));
      // b1 m and (1 - b1) g may cancel: a few ulps of the terms (up to 0.01), not of m
      CHECK_THAT(m[i], WithinRel(m_ref[i], 1e-6f) || WithinAbs(m_ref[i], 1e-8));
      CHECK_THAT(v[i], WithinRel(v_ref[i], 1e-6f));
    }
  }
}

TEST_CASE("col2im is the adjoint of im2col", "[kernels][conv]") {
  // For any img and col: <im2col(img), col> == <img, col2im(col)>; a wrong index in
  // either (padding, stride) breaks the identity.
  Rng rng(17);
  const ConvGeom geoms[] = {
      {2, 7, 6, 3, 3, 1, 0, 0, 5, 4},  // valid
      {1, 7, 7, 3, 3, 2, 1, 1, 4, 4},  // same, stride 2: ceil(7/2) = 4, pad (3*2+3-7)/2 = 1
      {3, 5, 5, 5, 5, 1, 2, 2, 5, 5},  // same, kernel 5
  };
  for (const ConvGeom& g : geoms) {
    const std::size_t img_n = static_cast<std::size_t>(g.c) * g.h * g.w;
    const std::size_t col_n = static_cast<std::size_t>(g.c) * g.kh * g.kw * g.oh * g.ow;
    const auto img = random_vec(img_n, rng), col = random_vec(col_n, rng);
    std::vector<float> unfolded(col_n), folded(img_n, 0.0f);
    im2col(g, img.data(), unfolded.data());
    col2im(g, col.data(), folded.data());
    double lhs = 0, rhs = 0;
    for (std::size_t i = 0; i < col_n; ++i) lhs += double(unfolded[i]) * col[i];
    for (std::size_t i = 0; i < img_n; ++i) rhs += double(img[i]) * folded[i];
    CHECK_THAT(lhs, WithinRel(rhs, 1e-5));
  }
}
