// flops: how much arithmetic a model does, so speed can be compared to the hardware peak.
#pragma once

#include "convaula/model.h"

namespace convaula {

// Multiply-adds count as 2 flops. Forward counts conv and dense layers
// (2 * outputs * fan-in); training adds the weight gradient (same again) and the
// input gradient (same again) for every layer but the first, whose input
// gradient is never computed. Elementwise work (bias, ReLU, pooling) is left out.
struct FlopCount {
  double forward = 0;  // per image
  double train = 0;    // per image: forward + backward
};
FlopCount count_flops(const ModelSpec& spec);

}  // namespace convaula
