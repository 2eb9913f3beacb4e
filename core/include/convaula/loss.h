// Loss: softmax + categorical cross-entropy, fused, as Keras computes it.
#pragma once

#include <cstdint>

namespace convaula {

// probs (N, K) are softmax outputs; labels (N) are class indices (the one-hot
// targets' argmax). Returns the mean over the batch of -log p[label], with p
// clipped to [1e-7, 1 - 1e-7] like Keras's backend.epsilon(). When dlogits
// (N, K) is not null it receives d(mean loss)/d(logits) = (p - onehot) / N:
// the fused gradient through softmax, exact and free of the 1/p blow-up of
// differentiating the two steps separately.
float softmax_cross_entropy(const float* probs, const uint8_t* labels, int n, int k,
                            float* dlogits);

// Index of the largest of k values (first on ties, like numpy.argmax).
int argmax(const float* v, int k);

}  // namespace convaula
