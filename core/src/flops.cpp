// Analytic flop counts per image, from the parameter counts of explain.h.
#include "convaula/flops.h"

#include "convaula/explain.h"

namespace convaula {

FlopCount count_flops(const ModelSpec& spec) {
  FlopCount f;
  bool first = true;
  for (const ParamCount& p : param_counts(spec)) {
    if (p.inputs_per_neuron == 0) continue;
    const double fwd = 2.0 * static_cast<double>(p.neurons) * static_cast<double>(p.inputs_per_neuron);
    f.forward += fwd;
    f.train += fwd * (first ? 2.0 : 3.0);
    first = false;
  }
  return f;
}

}  // namespace convaula
