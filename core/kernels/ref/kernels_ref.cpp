// Scalar reference kernels: the readable definition every fast kernel is tested against.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "kernels.h"

namespace convaula::kernels {

void gemm_ref(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
              const float* B, int ldb, float beta, float* C, int ldc) {
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < K; ++k) {
        float a = trans_a ? A[k * lda + i] : A[i * lda + k];
        float b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
        sum += a * b;
      }
      float& c = C[i * ldc + j];
      c = (beta == 0.0f ? 0.0f : beta * c) + sum;
    }
  }
}

void gemm_packed_ref(int mr, int nr, int M, int N, int K, const float* ap, const float* bp,
                     float* C, int ldc) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      const float* a = ap + static_cast<long>(i / mr) * K * mr + i % mr;
      const float* b = bp + static_cast<long>(j / nr) * K * nr + j % nr;
      float sum = 0.0f;
      for (int k = 0; k < K; ++k) sum += a[k * mr] * b[k * nr];
      C[static_cast<long>(i) * ldc + j] = sum;
    }
}

void im2col_ref(const ConvGeom& g, const float* img, float* col) {
  const int plane = g.oh * g.ow;
  for (int c = 0; c < g.c; ++c)
    for (int ky = 0; ky < g.kh; ++ky)
      for (int kx = 0; kx < g.kw; ++kx) {
        float* row = col + ((c * g.kh + ky) * g.kw + kx) * plane;
        for (int oy = 0; oy < g.oh; ++oy) {
          const int y = oy * g.stride + ky - g.pad_top;
          float* dst = row + oy * g.ow;
          if (y < 0 || y >= g.h) {
            std::fill(dst, dst + g.ow, 0.0f);
            continue;
          }
          const float* src = img + (c * g.h + y) * g.w;
          for (int ox = 0; ox < g.ow; ++ox) {
            const int x = ox * g.stride + kx - g.pad_left;
            dst[ox] = (x >= 0 && x < g.w) ? src[x] : 0.0f;
          }
        }
      }
}

void col2im_ref(const ConvGeom& g, const float* col, float* img) {
  const int plane = g.oh * g.ow;
  for (int c = 0; c < g.c; ++c)
    for (int ky = 0; ky < g.kh; ++ky)
      for (int kx = 0; kx < g.kw; ++kx) {
        const float* row = col + ((c * g.kh + ky) * g.kw + kx) * plane;
        for (int oy = 0; oy < g.oh; ++oy) {
          const int y = oy * g.stride + ky - g.pad_top;
          if (y < 0 || y >= g.h) continue;
          float* dst = img + (c * g.h + y) * g.w;
          const float* src = row + oy * g.ow;
          for (int ox = 0; ox < g.ow; ++ox) {
            const int x = ox * g.stride + kx - g.pad_left;
            if (x >= 0 && x < g.w) dst[x] += src[ox];
          }
        }
      }
}

namespace {

float act_scalar(Act act, float v) {
  switch (act) {
    case Act::relu: return v > 0.0f ? v : 0.0f;
    case Act::sigmoid: return 1.0f / (1.0f + std::exp(-v));
    case Act::tanh: return std::tanh(v);
    default: return v;
  }
}

// Numerically stable softmax: subtracting the max keeps exp() from overflowing.
void softmax_row(float* x, int n) {
  float mx = *std::max_element(x, x + n);
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) sum += (x[i] = std::exp(x[i] - mx));
  for (int i = 0; i < n; ++i) x[i] /= sum;
}

void apply_act_ref(Act act, float* x, int rows, int cols) {
  if (act == Act::softmax) {
    for (int r = 0; r < rows; ++r) softmax_row(x + static_cast<long>(r) * cols, cols);
    return;
  }
  for (long i = 0, n = static_cast<long>(rows) * cols; i < n; ++i) x[i] = act_scalar(act, x[i]);
}

}  // namespace

void bias_act_rows_ref(Act act, float* x, const float* bias, int rows, int cols) {
  if (bias)
    for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) x[static_cast<long>(r) * cols + c] += bias[r];
  apply_act_ref(act, x, rows, cols);
}

void bias_act_cols_ref(Act act, float* x, const float* bias, int rows, int cols) {
  if (bias)
    for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) x[static_cast<long>(r) * cols + c] += bias[c];
  apply_act_ref(act, x, rows, cols);
}

void act_backward_ref(Act act, const float* y, float* dout, int rows, int cols) {
  const long n = static_cast<long>(rows) * cols;
  switch (act) {
    case Act::linear: return;
    case Act::relu:
      for (long i = 0; i < n; ++i) dout[i] = y[i] > 0.0f ? dout[i] : 0.0f;
      return;
    case Act::sigmoid:
      for (long i = 0; i < n; ++i) dout[i] *= y[i] * (1.0f - y[i]);
      return;
    case Act::tanh:
      for (long i = 0; i < n; ++i) dout[i] *= 1.0f - y[i] * y[i];
      return;
    case Act::softmax:
      for (int r = 0; r < rows; ++r) {
        const float* yr = y + static_cast<long>(r) * cols;
        float* dr = dout + static_cast<long>(r) * cols;
        float dot = 0.0f;
        for (int c = 0; c < cols; ++c) dot += dr[c] * yr[c];
        for (int c = 0; c < cols; ++c) dr[c] = yr[c] * (dr[c] - dot);
      }
      return;
  }
}

void bias_grad_rows_ref(const float* d, int rows, int cols, float* dbias) {
  for (int r = 0; r < rows; ++r) {
    float sum = 0.0f;
    for (int c = 0; c < cols; ++c) sum += d[static_cast<long>(r) * cols + c];
    dbias[r] += sum;
  }
}

void bias_grad_cols(const float* d, int rows, int cols, float* dbias) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) dbias[c] += d[static_cast<long>(r) * cols + c];
}

void maxpool_forward_ref(const float* in, int planes, int h, int w, int pool, int stride,
                         int oh, int ow, float* out, int32_t* argmax) {
  for (int p = 0; p < planes; ++p) {
    const float* src = in + static_cast<long>(p) * h * w;
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        int best = (oy * stride) * w + ox * stride;
        for (int ky = 0; ky < pool; ++ky)
          for (int kx = 0; kx < pool; ++kx) {
            int idx = (oy * stride + ky) * w + ox * stride + kx;
            if (src[idx] > src[best]) best = idx;
          }
        const long o = (static_cast<long>(p) * oh + oy) * ow + ox;
        out[o] = src[best];
        argmax[o] = best;
      }
  }
}

void maxpool_backward(const float* dout, const int32_t* argmax, int planes, int h, int w,
                      int oh, int ow, float* din) {
  for (int p = 0; p < planes; ++p) {
    float* dst = din + static_cast<long>(p) * h * w;
    const long base = static_cast<long>(p) * oh * ow;
    for (int o = 0; o < oh * ow; ++o) dst[argmax[base + o]] += dout[base + o];
  }
}

void avgpool_forward_ref(const float* in, int planes, int h, int w, int pool, int stride, int oh,
                         int ow, float* out) {
  const float count = static_cast<float>(pool * pool);
  for (int p = 0; p < planes; ++p) {
    const float* src = in + static_cast<long>(p) * h * w;
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        float sum = 0.0f;
        for (int ky = 0; ky < pool; ++ky)
          for (int kx = 0; kx < pool; ++kx) sum += src[(oy * stride + ky) * w + ox * stride + kx];
        out[(static_cast<long>(p) * oh + oy) * ow + ox] = sum / count;
      }
  }
}

void avgpool_backward(const float* dout, int planes, int h, int w, int pool, int stride, int oh,
                      int ow, float* din) {
  const float count = static_cast<float>(pool * pool);
  for (int p = 0; p < planes; ++p) {
    float* dst = din + static_cast<long>(p) * h * w;
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        const float share = dout[(static_cast<long>(p) * oh + oy) * ow + ox] / count;
        for (int ky = 0; ky < pool; ++ky)
          for (int kx = 0; kx < pool; ++kx) dst[(oy * stride + ky) * w + ox * stride + kx] += share;
      }
  }
}

void mul_ref(const float* x, const float* mask, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = x[i] * mask[i];
}

double peak_gflops_ref(double seconds) {
  constexpr int kChains = 12;
  float acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = 0.001f * i;
  long iters = 0;
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  double elapsed = 0;
  do {
    for (int rep = 0; rep < 100000; ++rep)
      for (int i = 0; i < kChains; ++i) acc[i] = acc[i] * 0.999999f + 1e-7f;
    iters += 100000;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  } while (elapsed < seconds);
  float sink = 0;
  for (float v : acc) sink += v;
  volatile float keep = sink;
  (void)keep;
  return 2.0 * kChains * static_cast<double>(iters) / elapsed * 1e-9;
}

}  // namespace convaula::kernels
