// Digit preprocessing: turn a drawing into an MNIST-like 28x28 input, one visible step at a time.
//
// MNIST's recipe (LeCun et al.): each digit was size-normalized to fit a 20x20 box
// keeping its aspect ratio, anti-aliased (hence the grey levels), then centred in a
// 28x28 field by its centre of mass. A drawing that skips these steps is classified
// badly even by a model with 99% test accuracy, so the page shows each of them:
//
//   input --ink_bounds--> box --crop--> cropped --fit_box--> fitted
//         --place_by_centre_of_mass--> placed (28x28, what the model sees)
//
// Images are row-major, pixel (x, y) at pixels[y * width + x], ink = 1, background = 0.
// Positions are in pixel indices, as scipy.ndimage.center_of_mass gives them: the centre
// of pixel (x, y) is (x, y). MNIST puts the centre of mass at pixel (14, 14) in that
// sense: rounded, 9999 of its 10000 test digits are already there (the geometric centre
// of the field, 13.5, would move three in four of them by a pixel).
#pragma once

#include <cstdint>
#include <vector>

namespace convaula {

inline constexpr int kDigitSide = 28;  // MNIST image side
inline constexpr int kDigitBox = 20;   // side of the box the digit is scaled into
inline constexpr int kMaxImageSide = 4096;

struct GrayImage {
  int width = 0, height = 0;
  std::vector<float> pixels;  // (height, width), ink 1.0 on background 0.0
};

// rgba is (h, w, 4) bytes as canvas getImageData gives. Transparent pixels show the
// background, white when dark_ink_on_light (paper) and black otherwise (MNIST-style),
// so a transparent canvas with any stroke colour works in the matching mode.
GrayImage from_rgba(const uint8_t* rgba, int w, int h, bool dark_ink_on_light);

// Half-open box: columns x0..x1-1, rows y0..y1-1. empty means no pixel had ink.
struct BoundingBox {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty = true;
};

// Smallest box holding every pixel whose value exceeds threshold (ignores faint smudges).
BoundingBox ink_bounds(const GrayImage& img, float threshold = 0.05f);

// Copy of the pixels inside box, which must be non-empty and inside img.
GrayImage crop(const GrayImage& img, const BoundingBox& box);

// Scales so the longer side is `box` pixels, the shorter one in proportion (at least 1).
// Shrinking averages the exact area each output pixel covers (a box filter), which is
// the anti-aliasing and keeps the total ink times the area ratio; enlarging is bilinear.
GrayImage fit_box(const GrayImage& img, int box = kDigitBox);

struct Point {
  float x = 0, y = 0;
};

// Ink-weighted mean of pixel positions; the middle, ((w-1)/2, (h-1)/2), if there is no ink.
Point centre_of_mass(const GrayImage& img);

// size x size image with `fitted` pasted so its centre of mass falls on pixel
// (size/2, size/2), i.e. (14, 14) for MNIST, shifted by whole pixels (rounded half away
// from zero) and clipped at the borders.
GrayImage place_by_centre_of_mass(const GrayImage& fitted, int size = kDigitSide);

struct DigitSteps {
  GrayImage input;  // the drawing, clamped to [0, 1]
  BoundingBox box;
  GrayImage cropped, fitted, placed;  // cropped and fitted are 0x0 when empty
  bool empty = true;                  // no ink: placed is all zeros
};

// Runs every step. Throws Error(errc::bad_image) for sides outside 1..4096 or a pixel
// buffer whose size is not width*height.
DigitSteps preprocess_digit(const GrayImage& in);

}  // namespace convaula
