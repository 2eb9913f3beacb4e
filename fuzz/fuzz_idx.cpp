// libFuzzer target: the MNIST IDX readers (images and labels) and make_dataset on what they accept.
#include <cstddef>
#include <cstdint>

#include "convaula/error.h"
#include "convaula/mnist.h"

using namespace convaula;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  // Every input is offered to both readers: the magic decides which one gets past the header.
  try {
    const IdxImages images = parse_idx_images(data, size);
    // A matching label file of zeros lets make_dataset run on every image file the reader accepts.
    IdxLabels labels;
    labels.labels.assign(std::size_t(images.count), 0);
    const Dataset ds = make_dataset(images, labels, int(size % 3));  // limit 0 (all), 1 or 2
    if (ds.images.shape().h != images.rows || ds.images.shape().w != images.cols) __builtin_trap();
  } catch (const Error&) {
  }
  try {
    parse_idx_labels(data, size);
  } catch (const Error&) {
  }
  return 0;
}
