// main() for the fuzz targets when libFuzzer is not linked (any compiler, e.g. the gcc ASan
// build): runs LLVMFuzzerTestOneInput once on every file given, or every file inside a
// directory given, so the seed corpus and past crashes replay as ordinary tests.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

namespace {

void run_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(f),
                                   std::istreambuf_iterator<char>()};
  std::printf("replay %s (%zu bytes)\n", path.c_str(), bytes.size());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    if (!fs::exists(arg)) {
      std::printf("no such file or directory: %s\n", arg.c_str());
      return 1;  // a wrong path, not a pass
    }
    if (fs::is_directory(arg)) {
      for (const auto& entry : fs::directory_iterator(arg))
        if (entry.is_regular_file()) run_file(entry.path()), ++files;
    } else {
      run_file(arg), ++files;
    }
  }
  std::printf("replayed %d inputs without a crash\n", files);
  return files > 0 ? 0 : 1;  // an empty corpus means a wrong path, not a pass
}
