// Model slots: several named networks in one Session, copied, snapshotted and restored in
// core, read while another one trains, all under one memory budget.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "convaula/parallel.h"
#include "budget_guard.h"
#include "session_helpers.h"

using Catch::Matchers::Contains;
using namespace convaula;
using namespace convaula::test;

namespace {

std::vector<float> probabilities(Session& s, const std::string& slot) {
  return s.predict(slot, image(0.7f, 0.2f), false).probabilities;
}

// n blank images side x side with labels i % 10: a data set of MNIST's size and layout.
Dataset blank_set(int n, int side) {
  Dataset d;
  d.images = Tensor({n, 1, side, side});
  for (int i = 0; i < n; ++i) d.labels.push_back(static_cast<uint8_t>(i % 10));
  return d;
}

}  // namespace

TEST_CASE("Slots are named by 1-32 characters of a-z, 0-9 and -, and a missing one is named", "[session][slots]") {
  Session s;
  for (const std::string& bad : std::vector<std::string>{"", "Principal", "mi letra", "niño", "a/b", std::string(33, 'a')})
    CHECK_THAT(error_of([&] { s.build(bad, tiny_spec()); }), Contains("bad_argument: model slot"));
  CHECK(s.slots().empty());
  s.build(std::string(32, 'a'), tiny_spec());
  s.build("mi-letra-2", tiny_spec());
  CHECK(s.slots() == std::vector<std::string>{std::string(32, 'a'), "mi-letra-2"});
  for (const auto& op : std::vector<std::function<void()>>{
           [&] { s.predict("cuaderno", image(1, 0), false); }, [&] { s.snapshot("cuaderno"); },
           [&] { s.restore("cuaderno"); }, [&] { s.drop("cuaderno"); },
           [&] { s.copy("cuaderno", "experimento"); }, [&] { s.conv_kernels("cuaderno", 0); },
           [&] { s.save_weights("cuaderno", WeightsDtype::f32); }, [&] { s.eval_begin("cuaderno"); }})
    CHECK_THAT(error_of(op), Contains("no_model: no model in slot 'cuaderno'"));
  CHECK(s.slots().size() == 2);
}

TEST_CASE("copy, snapshot and restore give back exactly the same network, and drop removes both", "[session][slots]") {
  Session s;
  ready(s);
  const std::vector<float> original = probabilities(s, kPrincipal);
  s.copy(kPrincipal, "experimento");
  CHECK(params_of(s, "experimento") == params_of(s));
  CHECK(probabilities(s, "experimento") == original);  // bitwise

  // The experiment learns; principal does not move.
  s.train_begin("experimento", run(2, 16, "", 64));
  train_to_end(s);
  const std::vector<float> learnt = probabilities(s, "experimento");
  CHECK(learnt != original);
  CHECK(probabilities(s, kPrincipal) == original);

  // "Usar esta red" with its undo: snapshot principal, copy the experiment over it, restore.
  CHECK_FALSE(s.has_snapshot(kPrincipal));
  CHECK_THAT(error_of([&] { s.restore(kPrincipal); }), Contains("no_model: model 'principal' has no snapshot"));
  s.snapshot(kPrincipal);
  s.copy("experimento", kPrincipal);
  CHECK(probabilities(s, kPrincipal) == learnt);
  s.restore(kPrincipal);
  CHECK(probabilities(s, kPrincipal) == original);
  CHECK(s.has_snapshot(kPrincipal));  // it stays: a second restore gives the same again
  s.build(kPrincipal, tiny_spec(R"("sgd")"));  // replacing the model keeps its slot's snapshot
  s.restore(kPrincipal);
  CHECK(s.model(kPrincipal).spec().optimizer.type == "adam");
  CHECK(probabilities(s, kPrincipal) == original);

  // A snapshot is of a spec too: restoring brings back another architecture.
  s.snapshot("experimento");
  s.build("experimento", ModelSpec::from_json(R"({"input": [8, 8, 1],
    "layers": [{"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}]})"));
  s.restore("experimento");
  CHECK(s.model("experimento").layer_count() == 6);
  CHECK(probabilities(s, "experimento") == learnt);

  s.drop("experimento");
  CHECK(s.slots() == std::vector<std::string>{kPrincipal});
  s.copy(kPrincipal, "experimento");
  CHECK_THAT(error_of([&] { s.restore("experimento"); }), Contains("has no snapshot"));
}

TEST_CASE("While one slot trains, the others are read and changed but its own slot and the data are not", "[session][slots]") {
  Session s;
  ready(s);
  s.copy(kPrincipal, "experimento");
  s.snapshot(kPrincipal);
  const std::vector<float> original = probabilities(s, kPrincipal);
  s.train_begin("experimento", run(1, 16, "", 0));
  s.train_step();
  CHECK(s.run_slot() == "experimento");

  // Between steps: principal answers exactly as before, the run's model can be read and copied.
  CHECK(probabilities(s, kPrincipal) == original);
  CHECK(s.predict("experimento", image(1, 0), true).activations.size() == 6);
  CHECK(s.test_predictions(kPrincipal, 0, 40).count == 40);
  CHECK(s.conv_kernels("experimento", 0).filters == 4);
  s.copy("experimento", "cuaderno");
  CHECK(params_of(s, "cuaderno") == params_of(s, "experimento"));
  s.snapshot("experimento");
  s.copy("experimento", kPrincipal);
  s.restore(kPrincipal);
  CHECK(probabilities(s, kPrincipal) == original);
  s.build("otra", tiny_spec());
  s.drop("otra");

  // What the run reads stays as it is.
  const std::vector<float> during = params_of(s, "experimento");
  const IdxPair more = halves(10, 5);
  for (const auto& op : std::vector<std::function<void()>>{
           [&] { s.build("experimento", tiny_spec()); },
           [&] { s.load_weights("experimento", s.save_weights(kPrincipal, WeightsDtype::f32)); },
           [&] { s.copy(kPrincipal, "experimento"); }, [&] { s.restore("experimento"); },
           [&] { s.drop("experimento"); }, [&] { s.train_begin(kPrincipal, {}); },
           [&] { s.eval_begin(kPrincipal); }, [&] { s.load_train(more.images, more.labels); },
           [&] { s.load_test(more.images, more.labels); }})
    CHECK_THAT(error_of(op), Contains("busy: cannot"));
  CHECK(params_of(s, "experimento") == during);
  CHECK(s.slots() == std::vector<std::string>{"cuaderno", "experimento", kPrincipal});
  train_to_end(s);
  CHECK(s.run_slot().empty());

  // A scoring pass holds its slot the same way.
  s.eval_begin(kPrincipal);
  CHECK_THAT(error_of([&] { s.drop(kPrincipal); }), Contains("busy: cannot drop model 'principal' while it scores"));
  CHECK_THAT(error_of([&] { s.train_begin("cuaderno", {}); }), Contains("busy"));
  s.build("experimento", tiny_spec());
  s.eval_end();
  s.drop(kPrincipal);
}

TEST_CASE("A diverged run puts back its own slot and touches no other", "[session][slots]") {
  Session s;
  s.build(kPrincipal, tiny_spec());
  s.build("experimento", ModelSpec::from_json(R"({"input": [8, 8, 1],
    "layers": [{"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}],
    "optimizer": {"type": "sgd", "lr": 1000}, "batch_size": 8, "epochs": 3})"));
  const IdxPair train = halves(96, 1, true);
  s.load_train(train.images, train.labels);
  const std::vector<float> before = params_of(s, "experimento"), principal = params_of(s);
  s.train_begin("experimento", {});
  CHECK_THAT(error_of([&] {
               for (int i = 0; i < 100; ++i) s.train_step();
             }),
             Contains("diverged"));
  CHECK(s.run_slot().empty());
  CHECK(params_of(s, "experimento") == before);
  CHECK(params_of(s) == principal);
}

TEST_CASE("Three keras-mnist slots and MNIST fit in 1 GiB and one trains, and a slot past the budget is refused",
          "[session][slots][memory]") {
  Session s;
  const ModelSpec keras = preset_spec("keras-mnist");
  for (const char* slot : {kPrincipal, "experimento", "cuaderno"}) s.build(slot, keras);
  s.set_train(blank_set(60000, 28));
  s.set_test(blank_set(10000, 28));
  const MemoryEstimate e = estimate_memory(keras, ThreadPool::global().threads());
  const SessionMemory idle = s.memory();
  // The data as the engine holds it: a float per pixel and a byte per label.
  CHECK(idle.data == 60000ull * 784 * 4 + 60000 + 10000ull * 784 * 4 + 10000);
  CHECK(idle.slots == 3 * e.idle(false));
  CHECK(idle.run == 0);
  CHECK(idle.total() <= kDefaultMemoryBudget);

  s.train_begin("experimento", run(1, 0, "", 64, 32));
  const SessionMemory running = s.memory();
  // The run: its model at batch size (keras-mnist's whole estimate), the shuffled order of
  // the training images and of the validation images, and the model from before it.
  const uint64_t order = 4 * (60000 + 10000);
  CHECK(running.slots == 2 * e.idle(false));
  CHECK(running.run == e.total() + order + e.idle(false));
  CHECK(running.total() <= kDefaultMemoryBudget);
  train_to_end(s);
  // After the run its batch buffers are gone: a trained slot keeps its optimizer state and
  // last dropout masks, and plans one image's activations again when asked.
  CHECK(s.model("experimento").activation(0).data() == nullptr);
  CHECK(s.memory().slots == 2 * e.idle(false) + e.idle(true));
  s.predict("experimento", std::vector<float>(784, 0.5f), false);
  CHECK(s.model("experimento").activation(0).shape().n == 1);

  // A budget with room for half a slot more: a fourth is refused, naming the figures, and
  // the three answer as before.
  const std::vector<float> x(784, 0.25f);
  const auto before = s.predict(kPrincipal, x, false).probabilities;
  BudgetGuard tight(s.memory().total() + e.idle(false) / 2);
  const std::string refused = error_of([&] { s.build("cuarta", keras); });
  CHECK_THAT(refused, Contains("too_large: model 'cuarta' needs ") && Contains("the session holds") &&
                          Contains("data 209.4 MiB") && Contains("of its memory budget of"));
  CHECK_THAT(error_of([&] { s.copy(kPrincipal, "cuarta"); }), Contains("too_large"));
  CHECK_THAT(error_of([&] { s.train_begin(kPrincipal, run(1, 0, "", 64)); }), Contains("too_large"));
  CHECK(s.slots() == std::vector<std::string>{"cuaderno", "experimento", kPrincipal});
  CHECK_FALSE(s.training());
  CHECK(s.predict(kPrincipal, x, false).probabilities == before);
  CHECK(s.test_predictions("cuaderno", 0, 10).count == 10);
  // Dropping one makes room again.
  s.drop("cuaderno");
  s.build("cuarta", keras);
}

TEST_CASE("Data sets and snapshots count against the budget too", "[session][slots][memory]") {
  Session s;
  ready(s);
  const uint64_t params = s.model(kPrincipal).param_count();
  s.snapshot(kPrincipal);
  CHECK(s.memory().snapshots == 4 * params);
  const IdxPair more = halves(500, 7);
  {
    BudgetGuard tight(s.memory().total() + 1000);
    CHECK_THAT(error_of([&] { s.load_train(more.images, more.labels); }), Contains("too_large: the training set"));
    CHECK_THAT(error_of([&] { s.snapshot(kPrincipal); }), Contains("too_large: a snapshot of model 'principal'"));
    CHECK(s.train_size() == 96);
    CHECK(s.has_snapshot(kPrincipal));
  }
  CHECK(s.load_train(more.images, more.labels) == 500);
}
