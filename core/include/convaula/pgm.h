// PGM (Netpbm greyscale) decoding: the CLI's image input, kept in core so it can be fuzzed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "convaula/digit.h"

namespace convaula {

// data is a whole binary (P5) or ASCII (P2) PGM file, 8-bit (maxval <= 255), at most
// kMaxImageSide on a side; returns it in [0, 1] as stored (white = 1). Throws
// Error(bad_image) naming `name` when the header is malformed or the pixels the header
// announces are not all present. Bytes after the last pixel are ignored (Netpbm allows
// several images in one file).
GrayImage parse_pgm(const uint8_t* data, std::size_t size, const std::string& name = "PGM");

}  // namespace convaula
