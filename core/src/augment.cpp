// Random shifts, rotations, scales and stroke thickness for digit images.
#include "convaula/augment.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "convaula/error.h"

namespace convaula {

namespace {

constexpr float kPi = 3.14159265358979f;

void check_range(const char* field, float value, float lo, float hi) {
  if (!(value >= lo && value <= hi))  // also refuses NaN
    throw Error(errc::bad_argument, std::string("augmentation ") + field + " is " +
                                        std::to_string(value) + ", expected " +
                                        std::to_string(lo) + ".." + std::to_string(hi));
}

// in (h, w) at (x, y), 0 outside the frame.
float pixel(const float* in, int h, int w, int x, int y) {
  return x >= 0 && x < w && y >= 0 && y < h ? in[y * w + x] : 0.0f;
}

float bilinear(const float* in, int h, int w, float x, float y) {
  const float fx = std::floor(x), fy = std::floor(y);
  const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
  const float ax = x - fx, ay = y - fy;
  const float top = (1 - ax) * pixel(in, h, w, x0, y0) + ax * pixel(in, h, w, x0 + 1, y0);
  const float bottom = (1 - ax) * pixel(in, h, w, x0, y0 + 1) + ax * pixel(in, h, w, x0 + 1, y0 + 1);
  return (1 - ay) * top + ay * bottom;
}

// Where the transform p sends input point (x, y), about the centre (cx, cy).
void forward_point(const AugmentParams& p, float cx, float cy, float x, float y, float& ox, float& oy) {
  const float a = p.rotation * kPi / 180.0f;
  const float c = std::cos(a) * p.scale, s = std::sin(a) * p.scale;
  ox = c * (x - cx) - s * (y - cy) + cx + p.shift_x;
  oy = s * (x - cx) + c * (y - cy) + cy + p.shift_y;
}

// The pixel-centre box [x0, x1] x [y0, y1] that holds every pixel > 0 of in (c, h, w);
// false for a blank image.
bool ink_box(const float* in, int c, int h, int w, int& x0, int& x1, int& y0, int& y1) {
  x0 = w, x1 = -1, y0 = h, y1 = -1;
  for (int k = 0; k < c; ++k)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        if (in[(k * h + y) * w + x] > 0) {
          x0 = std::min(x0, x), x1 = std::max(x1, x);
          y0 = std::min(y0, y), y1 = std::max(y1, y);
        }
  return x1 >= 0;
}

// The output extent [lo, hi] of a box's corners under p without its shift, per axis.
void turned_extent(const AugmentParams& p, float cx, float cy, const float box[4], float lo[2], float hi[2]) {
  AugmentParams unshifted = p;
  unshifted.shift_x = unshifted.shift_y = 0;
  lo[0] = lo[1] = 1e30f;
  hi[0] = hi[1] = -1e30f;
  for (float x : {box[0], box[1]})
    for (float y : {box[2], box[3]}) {
      float o[2];
      forward_point(unshifted, cx, cy, x, y, o[0], o[1]);
      for (int i = 0; i < 2; ++i) lo[i] = std::min(lo[i], o[i]), hi[i] = std::max(hi[i], o[i]);
    }
}

}  // namespace

AugmentParams fit_in_frame(const float* in, int c, int h, int w, AugmentParams p) {
  int x0, x1, y0, y1;
  if (!ink_box(in, c, h, w, x0, x1, y0, y1)) return p;
  const float reach = p.thickness > 0 ? 1.0f : 0.0f;  // a thickening filter's, in output pixels
  const float cx = 0.5f * (w - 1), cy = 0.5f * (h - 1);
  const float box[4] = {float(x0), float(x1), float(y0), float(y1)};
  const float limit[2] = {float(w - 1), float(h - 1)};
  float lo[2], hi[2];
  turned_extent(p, cx, cy, box, lo, hi);
  // The extent about the centre grows with the scale, and the reach does not: shrink so
  // that (hi - lo) + 2 reach fits the frame, on the tighter axis.
  float shrink = 1.0f;
  for (int i = 0; i < 2; ++i)
    if (hi[i] - lo[i] + 2 * reach > limit[i])
      shrink = std::min(shrink, std::max(0.0f, limit[i] - 2 * reach) / (hi[i] - lo[i]));
  if (shrink < 1.0f) {
    p.scale *= shrink;
    turned_extent(p, cx, cy, box, lo, hi);
  }
  float* shift[2] = {&p.shift_x, &p.shift_y};
  for (int i = 0; i < 2; ++i) {
    const float low = reach - lo[i], high = limit[i] - reach - hi[i];
    *shift[i] = low <= high ? std::clamp(*shift[i], low, high) : 0.5f * (low + high);
  }
  return p;
}

void check_augment_spec(const AugmentSpec& spec) {
  check_range("max_shift", spec.max_shift, 0.0f, 4.0f);
  check_range("max_rotation", spec.max_rotation, 0.0f, 45.0f);
  check_range("min_scale", spec.min_scale, 0.5f, 2.0f);
  check_range("max_scale", spec.max_scale, spec.min_scale, 2.0f);
  check_range("thin_probability", spec.thin_probability, 0.0f, 1.0f);
  check_range("thicken_probability", spec.thicken_probability, 0.0f,
              1.0f - spec.thin_probability);
}

AugmentParams draw_augment(const AugmentSpec& spec, Rng& rng) {
  AugmentParams p;
  p.shift_x = rng.uniform(-spec.max_shift, spec.max_shift);
  p.shift_y = rng.uniform(-spec.max_shift, spec.max_shift);
  p.rotation = rng.uniform(-spec.max_rotation, spec.max_rotation);
  p.scale = rng.uniform(spec.min_scale, spec.max_scale);
  const float u = rng.uniform();
  p.thickness = u < spec.thin_probability ? -1
              : u < spec.thin_probability + spec.thicken_probability ? 1 : 0;
  return p;
}

void warp_image_ref(const float* in, int h, int w, const AugmentParams& p, float* out) {
  // Each output pixel samples the input where the inverse transform sends it: undo the
  // shift, rotate back, divide by the scale, all about the frame's centre.
  const float cx = 0.5f * (w - 1), cy = 0.5f * (h - 1);
  const float a = p.rotation * kPi / 180.0f;
  const float c = std::cos(a) / p.scale, s = std::sin(a) / p.scale;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const float dx = x - cx - p.shift_x, dy = y - cy - p.shift_y;
      const float sx = c * dx + s * dy + cx;
      const float sy = -s * dx + c * dy + cy;
      out[y * w + x] = bilinear(in, h, w, sx, sy);
    }
  }
}

void stroke_filter_ref(const float* in, int h, int w, bool thicker, float* out) {
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      float v = in[y * w + x];
      for (int yy = std::max(0, y - 1); yy <= std::min(h - 1, y + 1); ++yy)
        for (int xx = std::max(0, x - 1); xx <= std::min(w - 1, x + 1); ++xx)
          v = thicker ? std::max(v, in[yy * w + xx]) : std::min(v, in[yy * w + xx]);
      out[y * w + x] = v;
    }
  }
}

void augment_image_ref(const float* in, int h, int w, const AugmentParams& p, float* tmp,
                       float* out) {
  if (p.thickness == 0) {
    warp_image_ref(in, h, w, p, out);
    return;
  }
  warp_image_ref(in, h, w, p, tmp);
  stroke_filter_ref(tmp, h, w, p.thickness > 0, out);
}

}  // namespace convaula
