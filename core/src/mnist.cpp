// MNIST IDX parsing and conversion to normalized tensors.
#include "convaula/mnist.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <string>

#include "convaula/error.h"

namespace convaula {

namespace {

constexpr uint32_t kImagesMagic = 0x00000803;  // u8 data, 3 dimensions
constexpr uint32_t kLabelsMagic = 0x00000801;  // u8 data, 1 dimension
constexpr std::size_t kImagesHeader = 16;
constexpr std::size_t kLabelsHeader = 8;
// MNIST digits are 28x28; a side beyond this is a corrupt header, not a real image,
// and accepting it would let one bad word ask for gigabytes.
constexpr uint32_t kMaxSide = 1024;
constexpr int kClasses = 10;

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(v));
  return buf;
}

// Checks that the header fits and carries `magic`; `what` is "images" or "labels".
void check_header(const uint8_t* data, std::size_t size, std::size_t header, uint32_t magic,
                  const std::string& what) {
  if (size < header || data == nullptr) {
    throw Error(errc::bad_idx, "IDX " + what + " file is " + std::to_string(size) +
                                   " bytes, shorter than its " + std::to_string(header) +
                                   "-byte header");
  }
  const uint32_t found = read_be32(data);
  if (found != magic) {
    throw Error(errc::bad_idx,
                "IDX " + what + " file has magic " + hex32(found) + ", expected " + hex32(magic));
  }
}

// The counts in the header must describe the file exactly: no truncation, no trailing bytes.
void check_exact_size(const std::string& what, uint64_t expected, std::size_t actual) {
  if (expected == actual) return;
  const char* why = actual < expected ? " (truncated)" : " (extra bytes at the end)";
  throw Error(errc::bad_idx, "IDX " + what + " file should be " + std::to_string(expected) +
                                 " bytes for the counts in its header but is " +
                                 std::to_string(actual) + why);
}

int check_count(const std::string& what, uint32_t count) {
  if (count == 0 || count > static_cast<uint32_t>(INT_MAX)) {
    throw Error(errc::bad_idx, "IDX " + what + " count is " + std::to_string(count) +
                                   ", expected 1.." + std::to_string(INT_MAX));
  }
  return static_cast<int>(count);
}

int check_side(const std::string& field, uint32_t side) {
  if (side == 0 || side > kMaxSide) {
    throw Error(errc::bad_idx, "IDX images " + field + " is " + std::to_string(side) +
                                   ", expected 1.." + std::to_string(kMaxSide));
  }
  return static_cast<int>(side);
}

}  // namespace

IdxImages parse_idx_images(const uint8_t* data, std::size_t size) {
  check_header(data, size, kImagesHeader, kImagesMagic, "images");
  IdxImages out;
  out.count = check_count("images", read_be32(data + 4));
  out.rows = check_side("rows", read_be32(data + 8));
  out.cols = check_side("cols", read_be32(data + 12));
  // count < 2^31 and rows*cols <= 2^20, so this cannot overflow 64 bits.
  const uint64_t pixels = uint64_t(out.count) * uint64_t(out.rows) * uint64_t(out.cols);
  check_exact_size("images", kImagesHeader + pixels, size);
  out.pixels.assign(data + kImagesHeader, data + size);
  return out;
}

IdxLabels parse_idx_labels(const uint8_t* data, std::size_t size) {
  check_header(data, size, kLabelsHeader, kLabelsMagic, "labels");
  const int count = check_count("labels", read_be32(data + 4));
  check_exact_size("labels", kLabelsHeader + uint64_t(count), size);
  IdxLabels out;
  out.labels.assign(data + kLabelsHeader, data + size);
  for (std::size_t i = 0; i < out.labels.size(); ++i) {
    if (out.labels[i] >= kClasses) {
      throw Error(errc::bad_idx, "IDX label at index " + std::to_string(i) + " is " +
                                     std::to_string(out.labels[i]) + ", expected 0..9");
    }
  }
  return out;
}

Dataset make_dataset(const IdxImages& images, const IdxLabels& labels, int limit) {
  if (std::size_t(images.count) != labels.labels.size()) {
    throw Error(errc::bad_idx, "IDX images count " + std::to_string(images.count) +
                                   " differs from labels count " +
                                   std::to_string(labels.labels.size()));
  }
  if (limit < 0) {
    throw Error(errc::bad_argument,
                "dataset limit is " + std::to_string(limit) + ", expected 0 (all) or more");
  }
  const int n = limit > 0 ? std::min(limit, images.count) : images.count;
  const std::size_t per_image = std::size_t(images.rows) * images.cols;
  Dataset ds;
  ds.images = Tensor(Shape{n, 1, images.rows, images.cols});
  normalize_images(images.pixels.data(), n * per_image, ds.images.data());
  ds.labels.assign(labels.labels.begin(), labels.labels.begin() + n);
  return ds;
}

Dataset make_user_dataset(const uint8_t* pixels, std::size_t pixel_count, const uint8_t* labels,
                          std::size_t label_count) {
  const std::size_t per_image = std::size_t(kUserSide) * kUserSide;
  if (pixel_count % per_image != 0 || (pixel_count > 0 && pixels == nullptr)) {
    throw Error(errc::bad_image, "user images hold " + std::to_string(pixel_count) +
                                     " pixels, not a whole number of 28x28 images (784 each)");
  }
  const std::size_t count = pixel_count / per_image;
  if (count == 0) throw Error(errc::bad_argument, "user dataset has no images, expected at least 1");
  if (count > std::size_t(kMaxUserImages)) {
    throw Error(errc::too_large, "user dataset has " + std::to_string(count) +
                                     " images, at most " + std::to_string(kMaxUserImages));
  }
  if (label_count != count || labels == nullptr) {
    throw Error(errc::bad_argument, "user dataset has " + std::to_string(count) + " images and " +
                                        std::to_string(label_count) + " labels");
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (labels[i] >= kClasses) {
      throw Error(errc::bad_argument, "user label at index " + std::to_string(i) + " is " +
                                          std::to_string(labels[i]) + ", expected 0..9");
    }
  }
  const int n = static_cast<int>(count);
  Dataset ds;
  ds.images = Tensor(Shape{n, 1, kUserSide, kUserSide});
  normalize_images(pixels, pixel_count, ds.images.data());
  ds.labels.assign(labels, labels + count);
  return ds;
}

void normalize_images(const uint8_t* pixels, std::size_t n, float* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = pixels[i] / 255.0f;
}

void one_hot(const uint8_t* labels, std::size_t n, int classes, float* out) {
  if (classes <= 0) {
    throw Error(errc::bad_argument,
                "one_hot classes is " + std::to_string(classes) + ", expected at least 1");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] >= classes) {
      throw Error(errc::bad_argument, "label at index " + std::to_string(i) + " is " +
                                          std::to_string(labels[i]) + ", expected 0.." +
                                          std::to_string(classes - 1));
    }
  }
  std::fill(out, out + n * classes, 0.0f);
  for (std::size_t i = 0; i < n; ++i) out[i * classes + labels[i]] = 1.0f;
}

}  // namespace convaula
