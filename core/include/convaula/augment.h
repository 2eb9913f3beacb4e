// Data augmentation for handwritten digits: each image a slightly different drawing.
//
// An image is one channel (h, w), row-major, ink > 0 on a 0 background (MNIST's layout).
// A random AugmentParams is drawn per sample from an AugmentSpec and an Rng, fitted so the
// digit stays inside the frame, then applied:
// an affine warp about the frame's centre (scale, rotation, then shift) resampled
// bilinearly with 0 outside the frame, and, sometimes, a stroke-thickness change by a 3x3
// min (thinner) or max (thicker) filter. The same Rng state gives the same params on every
// platform, so a seeded run is reproducible.
#pragma once

#include <cstdint>

#include "convaula/rng.h"

namespace convaula {

struct AugmentSpec {
  float max_shift = 2.0f;      // pixels, each axis uniform in [-max_shift, max_shift]
  float max_rotation = 12.0f;  // degrees, uniform in [-max_rotation, max_rotation]
  float min_scale = 0.9f, max_scale = 1.1f;  // uniform in [min_scale, max_scale]
  float thin_probability = 0.15f;     // chance of a 3x3 min filter
  float thicken_probability = 0.15f;  // chance of a 3x3 max filter (never both)
};

// Throws Error(bad_argument) naming the field for a spec outside the ranges a digit
// survives: shift 0..4 px, rotation 0..45 degrees, scale 0.5..2 with min <= max,
// probabilities 0..1 summing to at most 1.
void check_augment_spec(const AugmentSpec& spec);

struct AugmentParams {
  float shift_x = 0, shift_y = 0;  // pixels, + = right / down
  float rotation = 0;              // degrees, + = clockwise on screen (y points down)
  float scale = 1;
  int thickness = 0;               // -1 thinner, 0 unchanged, +1 thicker
};

// Draws one sample's params; always consumes exactly five numbers from `rng`.
AugmentParams draw_augment(const AugmentSpec& spec, Rng& rng);

// p, changed as little as possible so that none of the ink of in (c, h, w) leaves the
// frame: every ink pixel's centre lands inside it (1 px in from the edge when p thickens).
// The shift is clamped to the range that allows and, when the turned and scaled digit is
// wider or taller than the frame, the scale lowered first. A blank image keeps p.
AugmentParams fit_in_frame(const float* in, int c, int h, int w, AugmentParams p);

// out (h, w) = in (h, w) warped by p's scale, rotation and shift; bilinear, 0 outside.
void warp_image_ref(const float* in, int h, int w, const AugmentParams& p, float* out);

// out (h, w) = the 3x3 max (thicker) or min (thinner) of in (h, w) over the pixels inside
// the frame.
void stroke_filter_ref(const float* in, int h, int w, bool thicker, float* out);

// out (h, w) = in (h, w) warped, then thinned or thickened per p.thickness; tmp holds h*w
// floats of scratch. The only implementation, scalar and plain: the reference a faster one
// would be compared against.
void augment_image_ref(const float* in, int h, int w, const AugmentParams& p, float* tmp,
                       float* out);

}  // namespace convaula
