// Digit preprocessing: crop, anti-aliased resize and centre-of-mass placement.
#include "convaula/digit.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "convaula/error.h"

namespace convaula {

namespace {

std::string dims(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

void check_side(const char* what, int w, int h) {
  if (w <= 0 || h <= 0 || w > kMaxImageSide || h > kMaxImageSide) {
    throw Error(errc::bad_image, std::string(what) + " is " + dims(w, h) +
                                     ", expected each side in 1.." + std::to_string(kMaxImageSide));
  }
}

void check_image(const char* what, const GrayImage& img) {
  check_side(what, img.width, img.height);
  const std::size_t expected = std::size_t(img.width) * img.height;
  if (img.pixels.size() != expected) {
    throw Error(errc::bad_image, std::string(what) + " is " + dims(img.width, img.height) +
                                     " so it needs " + std::to_string(expected) +
                                     " pixels, but has " + std::to_string(img.pixels.size()));
  }
}

void check_target(const char* field, int side) {
  if (side <= 0 || side > kMaxImageSide) {
    throw Error(errc::bad_argument, std::string(field) + " is " + std::to_string(side) +
                                        ", expected 1.." + std::to_string(kMaxImageSide));
  }
}

// NaN becomes background: a broken pixel must not count as ink.
float clamp01(float v) { return v > 0.0f ? std::min(v, 1.0f) : 0.0f; }

GrayImage blank(int w, int h) { return GrayImage{w, h, std::vector<float>(std::size_t(w) * h)}; }

// One output sample of a 1-D resampling: sum of weights[k] * source[first + k].
struct Taps {
  int first = 0;
  std::vector<float> weights;
};

// Box filter: output pixel o covers source interval [o*f, (o+1)*f), f = in/out > 1;
// each source pixel is weighted by the length of its overlap, divided by f.
std::vector<Taps> area_taps(int in, int out) {
  const double f = double(in) / out;
  std::vector<Taps> taps(out);
  for (int o = 0; o < out; ++o) {
    const double lo = o * f, hi = std::min((o + 1) * f, double(in));
    taps[o].first = int(std::floor(lo));
    for (int i = taps[o].first; i < hi; ++i) {
      const double overlap = std::min(hi, i + 1.0) - std::max(lo, double(i));
      taps[o].weights.push_back(float(overlap / f));
    }
  }
  return taps;
}

// Bilinear: output pixel centre o+0.5 maps to source position (o+0.5)*f - 0.5 in
// pixel-centre coordinates, clamped at the edges. f = in/out <= 1.
std::vector<Taps> bilinear_taps(int in, int out) {
  const double f = double(in) / out;
  std::vector<Taps> taps(out);
  for (int o = 0; o < out; ++o) {
    const double src = std::clamp((o + 0.5) * f - 0.5, 0.0, double(in - 1));
    const int i0 = int(std::floor(src));
    const float t = float(src - i0);
    taps[o].first = i0;
    taps[o].weights = i0 + 1 < in ? std::vector<float>{1.0f - t, t} : std::vector<float>{1.0f};
  }
  return taps;
}

std::vector<Taps> resample_taps(int in, int out) {
  return out < in ? area_taps(in, out) : bilinear_taps(in, out);
}

// Both filters are separable, so resizing is a horizontal pass then a vertical one.
// in is (in_h, in_w), returns (out_h, out_w).
GrayImage resize(const GrayImage& in, int out_w, int out_h) {
  const std::vector<Taps> tx = resample_taps(in.width, out_w);
  const std::vector<Taps> ty = resample_taps(in.height, out_h);
  GrayImage rows = blank(out_w, in.height);  // (in_h, out_w)
  for (int y = 0; y < in.height; ++y) {
    const float* src = &in.pixels[std::size_t(y) * in.width];
    for (int x = 0; x < out_w; ++x) {
      float s = 0;
      for (std::size_t k = 0; k < tx[x].weights.size(); ++k)
        s += tx[x].weights[k] * src[tx[x].first + k];
      rows.pixels[std::size_t(y) * out_w + x] = s;
    }
  }
  GrayImage out = blank(out_w, out_h);
  for (int y = 0; y < out_h; ++y) {
    for (std::size_t k = 0; k < ty[y].weights.size(); ++k) {
      const float wgt = ty[y].weights[k];
      const float* src = &rows.pixels[std::size_t(ty[y].first + k) * out_w];
      for (int x = 0; x < out_w; ++x) out.pixels[std::size_t(y) * out_w + x] += wgt * src[x];
    }
  }
  for (float& v : out.pixels) v = clamp01(v);  // float rounding can leave 1.0000001
  return out;
}

}  // namespace

GrayImage from_rgba(const uint8_t* rgba, int w, int h, bool dark_ink_on_light) {
  check_side("RGBA image", w, h);
  if (rgba == nullptr) throw Error(errc::bad_image, "RGBA image " + dims(w, h) + " has no pixels");
  const float background = dark_ink_on_light ? 1.0f : 0.0f;
  GrayImage out = blank(w, h);
  for (std::size_t i = 0; i < out.pixels.size(); ++i) {
    const uint8_t* p = rgba + 4 * i;
    // Rec. 601 luma, then composite over the background using alpha.
    const float luma = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.0f;
    const float alpha = p[3] / 255.0f;
    const float shown = luma * alpha + background * (1.0f - alpha);
    out.pixels[i] = clamp01(dark_ink_on_light ? 1.0f - shown : shown);
  }
  return out;
}

BoundingBox ink_bounds(const GrayImage& img, float threshold) {
  check_image("image", img);
  BoundingBox b{img.width, img.height, 0, 0, true};
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      if (!(img.pixels[std::size_t(y) * img.width + x] > threshold)) continue;
      b = {std::min(b.x0, x), std::min(b.y0, y), std::max(b.x1, x + 1), std::max(b.y1, y + 1),
           false};
    }
  }
  return b.empty ? BoundingBox{} : b;
}

GrayImage crop(const GrayImage& img, const BoundingBox& box) {
  check_image("image", img);
  if (box.empty || box.x0 < 0 || box.y0 < 0 || box.x1 > img.width || box.y1 > img.height ||
      box.x0 >= box.x1 || box.y0 >= box.y1) {
    throw Error(errc::bad_argument,
                "crop box x " + std::to_string(box.x0) + ".." + std::to_string(box.x1) + ", y " +
                    std::to_string(box.y0) + ".." + std::to_string(box.y1) +
                    (box.empty ? " is empty" : " does not fit inside the image ") +
                    (box.empty ? "" : dims(img.width, img.height)));
  }
  GrayImage out = blank(box.x1 - box.x0, box.y1 - box.y0);
  for (int y = 0; y < out.height; ++y) {
    const float* src = &img.pixels[std::size_t(box.y0 + y) * img.width + box.x0];
    std::copy(src, src + out.width, &out.pixels[std::size_t(y) * out.width]);
  }
  return out;
}

GrayImage fit_box(const GrayImage& img, int box) {
  check_image("image", img);
  check_target("fit_box box", box);
  const int longer = std::max(img.width, img.height);
  const auto scaled = [&](int side) {
    return std::max(1, int(std::lround(double(side) * box / longer)));
  };
  return resize(img, scaled(img.width), scaled(img.height));
}

Point centre_of_mass(const GrayImage& img) {
  check_image("image", img);
  double total = 0, sx = 0, sy = 0;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const double v = img.pixels[std::size_t(y) * img.width + x];
      total += v;
      sx += v * x;
      sy += v * y;
    }
  }
  if (total <= 0) return {float(img.width - 1) / 2, float(img.height - 1) / 2};
  return {float(sx / total), float(sy / total)};
}

GrayImage place_by_centre_of_mass(const GrayImage& fitted, int size) {
  check_target("place size", size);
  const Point c = centre_of_mass(fitted);
  const int dx = int(std::lround(size / 2 - c.x));
  const int dy = int(std::lround(size / 2 - c.y));
  GrayImage out = blank(size, size);
  // Only the rows and columns that land inside the field are copied.
  const int x_begin = std::max(0, -dx), x_end = std::min(fitted.width, size - dx);
  const int y_begin = std::max(0, -dy), y_end = std::min(fitted.height, size - dy);
  for (int y = y_begin; y < y_end; ++y) {
    for (int x = x_begin; x < x_end; ++x) {
      out.pixels[std::size_t(y + dy) * size + (x + dx)] =
          fitted.pixels[std::size_t(y) * fitted.width + x];
    }
  }
  return out;
}

DigitSteps preprocess_digit(const GrayImage& in) {
  check_image("drawing", in);
  DigitSteps s;
  s.input = in;
  for (float& v : s.input.pixels) v = clamp01(v);
  s.box = ink_bounds(s.input);
  s.empty = s.box.empty;
  if (s.empty) {
    s.placed = blank(kDigitSide, kDigitSide);
    return s;
  }
  s.cropped = crop(s.input, s.box);
  s.fitted = fit_box(s.cropped);
  s.placed = place_by_centre_of_mass(s.fitted);
  return s;
}

}  // namespace convaula
