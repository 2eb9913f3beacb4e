// MNIST: parse the IDX files of the dataset and turn them into training tensors.
//
// IDX layout (all integers big-endian, as Yann LeCun's page specifies):
//   images: u32 magic 0x00000803, u32 count, u32 rows, u32 cols, count*rows*cols pixels (u8)
//   labels: u32 magic 0x00000801, u32 count, count labels (u8, 0..9)
// Parsing is strict: a file whose length differs from what its header announces is
// rejected, because a silently truncated dataset trains and evaluates on garbage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "convaula/tensor.h"

namespace convaula {

struct IdxImages {
  int count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels;  // (count, rows, cols), row-major, 0 = background
};

struct IdxLabels {
  std::vector<uint8_t> labels;  // each 0..9
};

// Throw Error(errc::bad_idx) naming the field and the values found.
IdxImages parse_idx_images(const uint8_t* data, std::size_t size);
IdxLabels parse_idx_labels(const uint8_t* data, std::size_t size);

struct Dataset {
  Tensor images;                // (N, 1, rows, cols), values in [0, 1]; (N, 1, 28, 28) for MNIST
  std::vector<uint8_t> labels;  // N labels, 0..9
  int size() const { return static_cast<int>(labels.size()); }
};

// Pairs images with labels. limit > 0 keeps only the first `limit` (all of them if
// there are fewer), so a classroom run can train on a slice; limit = 0 keeps all.
Dataset make_dataset(const IdxImages& images, const IdxLabels& labels, int limit = 0);

// A student's own digits, as the page or a notebook's .npz holds them: `count` images of
// kUserSide x kUserSide uint8 pixels (0..255, white ink on black, as MNIST) in `pixels`
// (count * 784 values, row-major) and `count` labels 0..9. Throws Error(bad_image) when the
// pixel array does not hold whole 28x28 images, Error(bad_argument) for an empty set, a
// label count that differs from the image count or a label above 9, and Error(too_large)
// beyond kMaxUserImages images.
inline constexpr int kUserSide = 28;
inline constexpr int kMaxUserImages = 10000;
Dataset make_user_dataset(const uint8_t* pixels, std::size_t pixel_count, const uint8_t* labels,
                          std::size_t label_count);

// out[i] = pixels[i] / 255. pixels and out hold n values.
void normalize_images(const uint8_t* pixels, std::size_t n, float* out);

// labels is (n), out is (n, classes) row-major: out[i*classes + labels[i]] = 1, else 0.
void one_hot(const uint8_t* labels, std::size_t n, int classes, float* out);

}  // namespace convaula
