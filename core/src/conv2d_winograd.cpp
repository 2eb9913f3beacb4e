// Conv2D's fast path for 3x3 stride-1 layers: Winograd F(4x4, 3x3), and F(2x2, 3x3) for
// the weight gradient (kernels.h).
#include <algorithm>
#include <cstring>

#include "convaula/layers/conv2d.h"
#include "convaula/parallel.h"
#include "layer_util.h"

namespace convaula {

namespace {
// Each of Winograd's 16 GEMMs is (F, C) x (C, tiles): with fewer than 8 input or output
// channels its depth (C forward, F for the input gradient) is too short for the
// micro-kernel to pay its tile's loads and stores, and the transforms, linear in C + F,
// outweigh the fewer products. The lesson's first layer (1 channel in) stays direct.
constexpr int kWinogradMinChannels = 8;

// One image is split across the threads by filters only from this many multiply-adds
// of the direct convolution on (~10 us of Winograd natively): below it the hand-off to the
// other threads costs more than it saves, and the image runs on the calling thread.
constexpr double kSplitImageMacs = 1e6;
}  // namespace

bool Conv2D::winograd_pays(const Shape& in, int filters, int kernel, int stride,
                           const kernels::ConvGeom& g) {
  // 'valid' pads nothing and 'same' (3x3, stride 1) one pixel on every side: symmetric,
  // as the kernel assumes.
  const bool symmetric = g.oh == in.h + 2 * g.pad_top - 2 && g.ow == in.w + 2 * g.pad_left - 2 &&
                         g.pad_top == g.pad_left;
  return kernel == 3 && stride == 1 && symmetric && in.c >= kWinogradMinChannels &&
         filters >= kWinogradMinChannels;
}

kernels::Conv3x3Geom Conv2D::winograd_forward_geom(const kernels::ConvGeom& g) const {
  return {g.c, g.h, g.w, filters_, g.pad_top};
}

// The input gradient is the output gradient convolved with the turned, transposed
// weights, padded so that it comes back to the input's size.
kernels::Conv3x3Geom Conv2D::winograd_adjoint_geom(const kernels::ConvGeom& g) const {
  return {filters_, g.oh, g.ow, g.c, 2 - g.pad_top};
}

// The tiles of one image (for both directions) per slot, the transformed weights once.
uint64_t Conv2D::winograd_tiles_size(const kernels::ConvGeom& g) const {
  return std::max(kernels::winograd_scratch_size(winograd_forward_geom(g)),
                  kernels::winograd_scratch_size(winograd_adjoint_geom(g)));
}

// The forward pass's and the input gradient's transformed weights share one buffer: the
// larger (F and C are rounded up to the GEMM's slivers in turn).
uint64_t Conv2D::winograd_weights_size(const kernels::ConvGeom& g) const {
  return std::max(kernels::winograd_weights_size(winograd_forward_geom(g)),
                  kernels::winograd_weights_size(winograd_adjoint_geom(g)));
}

Conv2D::ScratchSize Conv2D::scratch_size(const Shape& in) const {
  const kernels::ConvGeom g = make_geom(in);
  if (!winograd_pays(in, filters_, kernel_, stride_, g))
    return {2 * uint64_t(g.c) * kernel_ * kernel_ * g.oh * g.ow, 0};
  // As plan_winograd: the tiles and a weight-gradient share per slot; once, the transformed
  // weights and the copy of the weights they came from.
  const kernels::Conv3x3Geom fg = winograd_forward_geom(g);
  return {winograd_tiles_size(g) + kernels::winograd_grad_size(fg),
          winograd_weights_size(g) + 9 * uint64_t(filters_) * g.c};
}

// One scratch per slot, big enough for both directions (the kernel rewrites all of it
// that it reads, so the two can share it); sized as scratch_size, which the memory
// estimate uses.
void Conv2D::plan_winograd(int slots) {
  const kernels::Conv3x3Geom fg = winograd_forward_geom(geom_);
  wino_u_.resize(winograd_weights_size(geom_));
  if (static_cast<int>(wino_scratch_.size()) != slots) wino_scratch_.resize(slots);
  for (auto& s : wino_scratch_) s.resize(winograd_tiles_size(geom_));
  if (static_cast<int>(wino_du_.size()) != slots) wino_du_.resize(slots);
  for (auto& d : wino_du_) d.resize(kernels::winograd_grad_size(fg));
}

void Conv2D::forward_winograd(const Tensor& in, Tensor& out) {
  ThreadPool& pool = ThreadPool::global();
  plan_winograd(pool.threads());
  const kernels::Conv3x3Geom g = winograd_forward_geom(geom_);
  // Transformed again only when the weights changed (a training step, a load) or the
  // backward pass left the adjoint's in wino_u_: one image's inference otherwise spent as
  // long transforming the weights as convolving.
  const std::size_t nw = 9 * static_cast<std::size_t>(filters_) * geom_.c;
  if (wino_w_.size() != nw || std::memcmp(wino_w_.data(), w_, nw * sizeof(float)) != 0) {
    kernels::winograd_weights(g, w_, false, wino_u_.data());
    wino_w_.assign(w_, w_ + nw);
  }
  const int plane = geom_.oh * geom_.ow;
  const int n = in.shape().n, threads = pool.threads();
  const double macs = 9.0 * filters_ * geom_.c * plane;
  if (n >= threads || macs < kSplitImageMacs) {
    pool.parallel_for(n, [&](int begin, int end, int slot) {
      for (int i = begin; i < end; ++i) {
        kernels::conv3x3_winograd(g, 0, filters_, wino_u_.data(), in.image(i), out.image(i),
                                  wino_scratch_[slot].data());
        kernels::bias_act_rows(act_, out.image(i), b_, filters_, plane);
      }
    });
    return;
  }
  // Fewer images than threads (one image of the lesson's drawing pad): each thread
  // takes a share of the filters of every image, in whole slivers of the transformed
  // weights. The input transform is repeated per thread (a few % of the work), the 36
  // GEMMs and the output transform are split.
  const int mr = kernels::gemm_blocking().mr, slivers = (filters_ + mr - 1) / mr;
  for (int i = 0; i < n; ++i)
    pool.parallel_for(threads, [&](int begin, int, int slot) {
      int s0, s1;
      split_range(slivers, threads, begin, &s0, &s1);
      const int f0 = std::min(filters_, s0 * mr), f1 = std::min(filters_, s1 * mr);
      kernels::conv3x3_winograd(g, f0, f1, wino_u_.data(), in.image(i), out.image(i),
                                wino_scratch_[slot].data());
      kernels::bias_act_rows(act_, out.image(i) + static_cast<long>(f0) * plane,
                             b_ + f0, f1 - f0, plane);
    });
}

// Also clears the slots' weight gradients (they accumulate over the batch's images).
void Conv2D::prepare_input_grad_winograd() {
  plan_winograd(ThreadPool::global().threads());
  kernels::winograd_weights(winograd_adjoint_geom(geom_), w_, true, wino_u_.data());
  wino_w_.clear();
  for (auto& d : wino_du_) std::fill(d.begin(), d.end(), 0.0f);
}

void Conv2D::weight_grad_winograd(const float* img, const float* dout, int slot) {
  kernels::winograd_weight_grad(winograd_forward_geom(geom_), img, dout, wino_du_[slot].data(),
                                wino_scratch_[slot].data());
}

void Conv2D::finish_weight_grad_winograd(int slots_used) {
  std::vector<float>& sum = wino_du_[0];
  for (int slot = 1; slot < slots_used; ++slot)
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += wino_du_[slot][i];
  // The kernel adds; the layer's gradient is written (Layer::backward).
  std::fill(dw_, dw_ + static_cast<std::size_t>(filters_) * geom_.c * 9, 0.0f);
  kernels::winograd_weight_grad_finish(winograd_forward_geom(geom_), sum.data(), dw_);
}

void Conv2D::input_grad_winograd(const float* dout, float* din, int slot) {
  const kernels::Conv3x3Geom g = winograd_adjoint_geom(geom_);
  kernels::conv3x3_winograd(g, 0, g.f, wino_u_.data(), dout, din, wino_scratch_[slot].data());
}

}  // namespace convaula
