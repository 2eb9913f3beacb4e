// Activation: the element-wise (or, for softmax, per-row) function a layer applies, as Keras
// names it. One enum for the layers (layer.h) and the kernels (kernels.h, as kernels::Act).
#pragma once

#include <cstdint>

namespace convaula {

enum class Activation : uint8_t { linear, relu, sigmoid, tanh, softmax };

}  // namespace convaula
