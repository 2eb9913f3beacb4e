// Analytic flop counts per image, from the model's plan (model.h's layer_flops).
#include "convaula/flops.h"

namespace convaula {

FlopCount count_flops(const ModelSpec& spec) {
  FlopCount f;
  bool first = true;
  for (const double fwd : layer_flops(spec)) {
    if (fwd == 0) continue;
    f.forward += fwd;
    f.train += fwd * (first ? 2.0 : 3.0);
    first = false;
  }
  return f;
}

}  // namespace convaula
