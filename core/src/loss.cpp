// Fused softmax + categorical cross-entropy.
#include "convaula/loss.h"

#include <algorithm>
#include <cmath>

namespace convaula {

float softmax_cross_entropy(const float* probs, const uint8_t* labels, int n, int k,
                            float* dlogits) {
  constexpr float kEps = 1e-7f;
  double total = 0.0;  // double: a sum of thousands of small terms
  for (int i = 0; i < n; ++i) {
    const float* p = probs + static_cast<long>(i) * k;
    const float py = std::clamp(p[labels[i]], kEps, 1.0f - kEps);
    total -= std::log(static_cast<double>(py));
    if (!dlogits) continue;
    float* d = dlogits + static_cast<long>(i) * k;
    for (int j = 0; j < k; ++j) d[j] = (p[j] - (j == labels[i] ? 1.0f : 0.0f)) / n;
  }
  return static_cast<float>(total / n);
}

int argmax(const float* v, int k) {
  return static_cast<int>(std::max_element(v, v + k) - v);
}

}  // namespace convaula
