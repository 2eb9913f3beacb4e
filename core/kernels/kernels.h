// kernels.h: the single seam between the engine and its numeric kernels.
//
// Every kernel here has two implementations with the same signature:
//   name_ref  plain scalar C++ in ref/, the readable algorithmic reference
//   name      the fast version in simd/ (xsimd: AVX2/FMA natively, SSE4.1
//             lowered to wasm SIMD128 under Emscripten)
// Layers call only the fast names; tests compare both on odd sizes.
// Building with -DCONVAULA_NO_SIMD makes the fast names forward to the ref twins
// (the second, non-SIMD wasm build), so no layer ever branches on a backend.
//
// Matrices are row-major; `ld*` is the distance in floats between two rows.
// Kernels do not allocate except the per-thread packing scratch of gemm,
// which grows once to its high-water mark and is then reused.
#pragma once

#include <cstddef>
#include <cstdint>

#include "convaula/activation_kind.h"
#include "convaula/conv_geom.h"

namespace convaula::kernels {

using Act = convaula::Activation;

// C (M,N) = beta * C + op(A) (M,K) * op(B) (K,N)
// op(A) is A (M,K) with row stride lda, or A^T when trans_a (A stored (K,M)).
// op(B) is B (K,N) with row stride ldb, or B^T when trans_b (B stored (N,K)).
// beta == 0 overwrites C without reading it (so garbage or NaN there is ignored).
void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc);
void gemm_ref(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
              const float* B, int ldb, float beta, float* C, int ldc);

// The register tile (MR x NR) and cache blocks gemm uses on this target (chosen once
// from the CPU's cache sizes natively, fixed in wasm), for the benchmarks to report.
struct GemmBlocking {
  int mr, nr, mc, kc, nc;
};
GemmBlocking gemm_blocking();

// C (M, N) = A (M, K) B (K, N), overwritten, from operands already in gemm's packed
// layout: for a product whose operand another kernel produces (it writes it so, instead
// of gemm copying it) or that is reused across calls (packed once). With (mr, nr) the
// micro-tile of gemm_blocking(), A is ceil(M / mr) slivers of mr rows, each k-major:
// ap[(s * K + k) * mr + r] = A[s * mr + r][k]; B is ceil(N / nr) slivers of nr columns:
// bp[(s * K + k) * nr + c] = B[k][s * nr + c]. Rows past M and columns past N may hold
// anything (they are computed and dropped). K is one block: a B sliver (K x nr) should
// fit in L1, as it does for a few hundred.
void gemm_packed(int M, int N, int K, const float* ap, const float* bp, float* C, int ldc);
void gemm_packed_ref(int mr, int nr, int M, int N, int K, const float* ap, const float* bp,
                     float* C, int ldc);

// Unfolds one image for convolution as a matrix product.
// img is (C, H, W); col is (C*KH*KW, OH*OW): row (c, ky, kx), column (oy, ox)
// holds img[c, oy*stride + ky - pad_top, ox*stride + kx - pad_left], 0 outside.
// ConvGeom: conv_geom.h.
void im2col(const ConvGeom& g, const float* img, float* col);
void im2col_ref(const ConvGeom& g, const float* img, float* col);
// The adjoint of im2col: img (C, H, W) += scattered col (C*KH*KW, OH*OW).
void col2im(const ConvGeom& g, const float* col, float* img);
void col2im_ref(const ConvGeom& g, const float* col, float* img);

// 3x3, stride-1 convolution of one image with `pad` zeros on every side (Keras 'valid'
// is 0, 'same' is 1): out (F, OH, OW) = sum over c of w[f, c] cross-correlated with
// img[c], OH = H + 2 pad - 2. With `adjoint`, w is read as (C, F, 3, 3) (the weights of
// the layer whose input gradient this computes: dout is then the image, `pad` is 2 minus
// the layer's) and every kernel is turned 180 degrees.
// Conv3x3Geom: conv_geom.h.
// The plain direct convolution: the definition the Winograd version is tested against.
void conv3x3_direct_ref(const Conv3x3Geom& g, const float* w, bool adjoint, const float* img,
                        float* out);
// Winograd F(4x4, 3x3): each 4x4 output tile from a 6x6 input tile with 36 products per
// (f, c) instead of 144 (4x less arithmetic), as 36 GEMMs (F, C) x (C, tiles) on the
// gemm_packed above. The weights are transformed once (per step, into
// winograd_weights_size floats, gemm_packed's A layout), then each image is convolved
// with `scratch` of winograd_scratch_size floats.
// Agrees with conv3x3_direct_ref to float rounding amplified by the transforms'
// coefficients (up to 8 and 1/24): within 3e-5 of the sum of |w * x| (test_winograd.cpp).
std::size_t winograd_weights_size(const Conv3x3Geom& g);
void winograd_weights(const Conv3x3Geom& g, const float* w, bool adjoint, float* u);
// The same convolution, plain: per tile and channel, the transforms as matrix products.
void conv3x3_winograd_ref(const Conv3x3Geom& g, const float* w, bool adjoint, const float* img,
                          float* out);
std::size_t winograd_scratch_size(const Conv3x3Geom& g);
// Writes only the output planes f0 <= f < f1 (one image can so be split across threads,
// each with its own scratch); (0, F) is the whole convolution. f0 is a multiple of
// gemm_blocking().mr (where a sliver of the transformed weights starts).
void conv3x3_winograd(const Conv3x3Geom& g, int f0, int f1, const float* u, const float* img,
                      float* out, float* scratch);
// The weight gradient, plain: dw (F, C, 3, 3) += sum over outputs of dout[f] times the
// input window under kernel position (ky, kx).
void conv3x3_weight_grad_ref(const Conv3x3Geom& g, const float* img, const float* dout, float* dw);
// Its Winograd form (F(3x3, 2x2) on 4x4 tiles): per image du (16, F, C), of
// winograd_grad_size floats, += the transformed-domain gradient (same scratch as above);
// once per batch, dw += G^T du G.
std::size_t winograd_grad_size(const Conv3x3Geom& g);
void winograd_weight_grad(const Conv3x3Geom& g, const float* img, const float* dout, float* du,
                          float* scratch);
void winograd_weight_grad_finish(const Conv3x3Geom& g, const float* du, float* dw);

// x (rows, cols) += bias: per row (bias has `rows` entries, conv feature maps)
// or per column (bias has `cols` entries, dense units); then the activation.
// Softmax is applied per row of length `cols` (one image's logits).
// bias == nullptr applies the activation alone.
void bias_act_rows(Act act, float* x, const float* bias, int rows, int cols);
void bias_act_cols(Act act, float* x, const float* bias, int rows, int cols);
void bias_act_rows_ref(Act act, float* x, const float* bias, int rows, int cols);
void bias_act_cols_ref(Act act, float* x, const float* bias, int rows, int cols);

// dout (rows, cols) *= f'(.) expressed through the activation's output y
// (relu: y > 0, sigmoid: y(1-y), tanh: 1-y^2). For softmax, per row of `cols`:
// dz = y * (dout - sum(dout * y)).
void act_backward(Act act, const float* y, float* dout, int rows, int cols);
void act_backward_ref(Act act, const float* y, float* dout, int rows, int cols);

// dbias += sum over columns of d (rows, cols)  /  sum over rows.
void bias_grad_rows(const float* d, int rows, int cols, float* dbias);
void bias_grad_rows_ref(const float* d, int rows, int cols, float* dbias);
void bias_grad_cols(const float* d, int rows, int cols, float* dbias);

// Max pooling of planes (planes, H, W) -> (planes, OH, OW) with a pool x pool
// window and the given stride (no padding). argmax records, for each output,
// the flat index inside its input plane of the winner (first max on ties, as
// Keras/TensorFlow), so backward routes the gradient to exactly one input.
void maxpool_forward(const float* in, int planes, int h, int w, int pool, int stride,
                     int oh, int ow, float* out, int32_t* argmax);
void maxpool_forward_ref(const float* in, int planes, int h, int w, int pool, int stride,
                         int oh, int ow, float* out, int32_t* argmax);
// din (planes, H, W) += dout routed through argmax.
void maxpool_backward(const float* dout, const int32_t* argmax, int planes, int h, int w,
                      int oh, int ow, float* din);

// Average pooling of planes (planes, H, W) -> (planes, OH, OW), same windows as max pooling:
// each output is its window's values summed in row-major order, divided by pool * pool.
void avgpool_forward(const float* in, int planes, int h, int w, int pool, int stride, int oh,
                     int ow, float* out);
void avgpool_forward_ref(const float* in, int planes, int h, int w, int pool, int stride, int oh,
                         int ow, float* out);
// din (planes, H, W) += each output's gradient / (pool * pool) on every input of its window.
void avgpool_backward(const float* dout, int planes, int h, int w, int pool, int stride, int oh,
                      int ow, float* din);

// y = x * mask, where mask holds 0 or 1/(1-rate) (inverted dropout).
void mul(const float* x, const float* mask, float* y, std::size_t n);
void mul_ref(const float* x, const float* mask, float* y, std::size_t n);

// Adadelta (tf.keras's formulas, optimizer.h) over n parameters:
//   acc = rho acc + (1 - rho) g^2;  u = g sqrt(delta + eps) / sqrt(acc + eps);
//   value -= lr u;  delta = rho delta + (1 - rho) u^2.
struct AdadeltaParams {
  float rho, eps, lr;
};
void adadelta_update(const AdadeltaParams& p, float* value, const float* grad, float* acc,
                     float* delta, std::size_t n);
void adadelta_update_ref(const AdadeltaParams& p, float* value, const float* grad, float* acc,
                         float* delta, std::size_t n);

// Adam (tf.keras, optimizer.h) over n parameters, lr_t already bias-corrected for the step:
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  value -= lr_t m / (sqrt(v) + eps).
struct AdamParams {
  float b1, b2, eps, lr_t;
};
void adam_update(const AdamParams& p, float* value, const float* grad, float* m, float* v,
                 std::size_t n);
void adam_update_ref(const AdamParams& p, float* value, const float* grad, float* m, float* v,
                     std::size_t n);

// For about `seconds`, runs two mul-add microkernels, independent chains held in
// registers and the GEMM micro-kernel on L1-resident panels, and returns the best
// GFLOP/s reached (2 flops per lane per mul-add): the practical peak of this
// target, the yardstick the benchmarks measure whole training steps against.
double peak_gflops(double seconds);
double peak_gflops_ref(double seconds);

}  // namespace convaula::kernels
