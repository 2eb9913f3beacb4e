// explain: the step-by-step traces the lesson shows, computed by the engine itself.
//
// Each trace takes the same data the layers use and returns every intermediate
// number, so the page never re-implements a formula in JavaScript and the tests
// can check that a trace's result equals what the real layer computes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "convaula/model.h"

namespace convaula {

// One output of a convolution: the window of the input under the kernel at
// output position (row, col), the products weight * input, and their sum.
struct ConvTrace {
  int row = 0, col = 0;            // output position
  int top = 0, left = 0;           // window's top-left corner in the input (may be < 0 with padding)
  int channels = 0, kernel = 0;
  std::vector<float> inputs;       // (C, K, K); 0 where the window leaves the input
  std::vector<float> weights;      // (C, K, K)
  std::vector<float> products;     // (C, K, K) inputs * weights
  float bias = 0;
  float sum = 0;                   // sum(products) + bias: the pre-activation value
};

// The traces take arrays from the page as they come: each checks that a plane's sides are
// 1..kMaxTraceSide, that C*H*W stays within kMaxTraceValues, and that every array holds
// exactly the values its dimensions say, and throws Error(bad_argument) otherwise.
inline constexpr int kMaxTraceSide = 4096;
inline constexpr std::size_t kMaxTraceValues = std::size_t{4096} * 4096;

// input (C, H, W), weights (C, K, K) of one filter. Padding as Conv2D (valid|same).
ConvTrace conv_trace(std::span<const float> input, int channels, int height, int width,
                     std::span<const float> weights, int kernel, float bias, int stride,
                     bool same_padding, int row, int col);

// Full feature map of one filter over one input, for the convolution widget:
// out (OH, OW) with OH/OW from the same geometry as Conv2D. Uses the engine's Conv2D.
std::vector<float> conv_feature_map(std::span<const float> input, int channels, int height,
                                    int width, std::span<const float> weights, int kernel,
                                    float bias, int stride, bool same_padding, int* out_h,
                                    int* out_w);

// One max-pooling window over a plane (H, W) at output (row, col).
struct PoolTrace {
  int row = 0, col = 0, top = 0, left = 0, pool = 0;
  std::vector<float> window;  // (pool, pool)
  int winner = 0;             // index in window of the kept maximum (first on ties)
  float max = 0;
  float discarded_fraction = 0;  // 1 - 1/pool^2 (0.75 for 2x2)
};
PoolTrace pool_trace(std::span<const float> plane, int height, int width, int pool, int stride,
                     int row, int col);

// Receptive field of each layer of a spec on the input image.
struct ReceptiveField {
  std::string layer;  // Keras name, e.g. "conv2d_1"
  int size = 1;       // side of the square of input pixels one output value depends on
  int jump = 1;       // input pixels between two neighbouring outputs
  int offset = 0;     // input coordinate of output 0's window start (negative with padding)
};
std::vector<ReceptiveField> receptive_fields(const ModelSpec& spec);

// The input window [y0, y1] x [x0, x1] (inclusive, clipped to the image) that
// output (row, col) of layer `layer` sees.
struct Window {
  int y0, x0, y1, x1;
};
Window receptive_window(const ModelSpec& spec, int layer, int row, int col);

// Parameter counts as the lesson explains them.
struct ParamCount {
  std::string layer, keras_class;
  Shape output;                 // n = 1
  std::size_t weights = 0;      // kernel entries
  std::size_t biases = 0;
  std::size_t total = 0;        // weights + biases (Keras's "Param #")
  std::size_t neurons = 0;      // output values (C*H*W)
  std::size_t inputs_per_neuron = 0;  // fan-in: C*K*K for conv, F for dense
  std::string formula;          // e.g. "(3*3*32 + 1) * 64 = 18496"
};
std::vector<ParamCount> param_counts(const ModelSpec& spec);

// The engine's Dropout layer on its own, in training mode: `values` go through step + 1
// training steps of a layer seeded with `seed`, and the last step's mask (0 dropped,
// 1/(1 - rate) kept) and output come back. values: 1..kMaxTraceValues; step 0..100000.
struct DropoutDemo {
  std::vector<float> mask, output;
};
DropoutDemo dropout_demo(std::span<const float> values, float rate, uint64_t seed, int step);

// f(x) and f'(x) of an element-wise activation (relu, sigmoid, tanh, linear) at each x,
// through the engine's own forward and backward of an activation layer.
struct ActivationCurve {
  std::vector<float> y, dy;
};
ActivationCurve activation_curve(const std::string& activation, std::span<const float> xs);

}  // namespace convaula
