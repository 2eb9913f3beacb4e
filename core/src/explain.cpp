// Traces for the lesson: convolution and pooling windows, receptive fields, parameter counts.
#include "convaula/explain.h"

#include <algorithm>

#include "convaula/error.h"
#include "convaula/layers/activation.h"
#include "convaula/layers/conv2d.h"
#include "convaula/layers/dropout.h"
#include "convaula/layers/pooling.h"

namespace convaula {

namespace {

void check_position(const char* what, int row, int col, int oh, int ow) {
  if (row < 0 || col < 0 || row >= oh || col >= ow)
    throw Error(errc::bad_argument, std::string(what) + " position (" + std::to_string(row) + ", " +
                                        std::to_string(col) + ") is outside the " +
                                        std::to_string(oh) + "x" + std::to_string(ow) + " output");
}

// Refuses an array whose length is not channels x height x width, sides outside
// 1..kMaxTraceSide, or more than kMaxTraceValues values (counted in 64 bits: on wasm's
// 32-bit size_t, 65536 x 65536 would wrap to 0).
void check_array(const char* what, std::span<const float> a, int channels, int height, int width) {
  for (const int side : {channels, height, width})
    if (side < 1 || side > kMaxTraceSide)
      throw Error(errc::bad_argument, std::string(what) + " has a side of " + std::to_string(side) +
                                          ", expected 1.." + std::to_string(kMaxTraceSide));
  const uint64_t values = uint64_t(channels) * uint64_t(height) * uint64_t(width);
  if (values > kMaxTraceValues)
    throw Error(errc::bad_argument, std::string(what) + " has " + std::to_string(values) +
                                        " values, more than " + std::to_string(kMaxTraceValues));
  if (a.size() != values)
    throw Error(errc::bad_argument, std::string(what) + " holds " + std::to_string(a.size()) +
                                        " values, its dimensions say " + std::to_string(values));
}

// A Conv2D with one filter and our weights, so traces share the layer's geometry.
Conv2D one_filter_conv(std::span<const float> input, int channels, int height, int width,
                       std::span<const float> weights, int kernel, float bias, int stride,
                       bool same, std::vector<float>& storage) {
  check_array("input", input, channels, height, width);
  check_array("weights", weights, channels, kernel, kernel);
  Conv2D conv(1, kernel, stride, same ? Padding::same : Padding::valid, Activation::linear);
  const Shape in{1, channels, height, width};
  storage.assign(conv.param_count(in) * 2, 0.0f);
  conv.bind(in, storage.data(), storage.data() + storage.size() / 2);
  const std::size_t nw = static_cast<std::size_t>(channels) * kernel * kernel;
  std::copy(weights.begin(), weights.begin() + nw, storage.begin());
  storage[nw] = bias;
  return conv;
}

}  // namespace

ConvTrace conv_trace(std::span<const float> input, int channels, int height, int width,
                     std::span<const float> weights, int kernel, float bias, int stride,
                     bool same_padding, int row, int col) {
  std::vector<float> storage;
  Conv2D conv = one_filter_conv(input, channels, height, width, weights, kernel, bias, stride,
                                same_padding, storage);
  const auto& g = conv.geom();
  check_position("convolution", row, col, g.oh, g.ow);
  ConvTrace t;
  t.row = row;
  t.col = col;
  t.top = row * stride - g.pad_top;
  t.left = col * stride - g.pad_left;
  t.channels = channels;
  t.kernel = kernel;
  t.bias = bias;
  const int kk = kernel * kernel;
  t.inputs.resize(static_cast<std::size_t>(channels) * kk);
  t.weights.assign(weights.begin(), weights.end());
  t.products.resize(t.inputs.size());
  double sum = bias;
  for (int c = 0; c < channels; ++c)
    for (int ky = 0; ky < kernel; ++ky)
      for (int kx = 0; kx < kernel; ++kx) {
        const int y = t.top + ky, x = t.left + kx, i = (c * kernel + ky) * kernel + kx;
        const bool inside = y >= 0 && y < height && x >= 0 && x < width;
        t.inputs[i] = inside ? input[(c * height + y) * width + x] : 0.0f;
        t.products[i] = t.inputs[i] * t.weights[i];
        sum += t.products[i];
      }
  t.sum = static_cast<float>(sum);
  return t;
}

std::vector<float> conv_feature_map(std::span<const float> input, int channels, int height,
                                    int width, std::span<const float> weights, int kernel,
                                    float bias, int stride, bool same_padding, int* out_h,
                                    int* out_w) {
  std::vector<float> storage;
  Conv2D conv = one_filter_conv(input, channels, height, width, weights, kernel, bias, stride,
                                same_padding, storage);
  Tensor in({1, channels, height, width});
  std::copy(input.begin(), input.end(), in.data());
  Tensor out(conv.output_shape(in.shape()));
  conv.forward(in, out, false);
  *out_h = out.shape().h;
  *out_w = out.shape().w;
  return {out.data(), out.data() + out.size()};
}

PoolTrace pool_trace(std::span<const float> plane, int height, int width, int pool, int stride,
                     int row, int col) {
  check_array("plane", plane, 1, height, width);
  MaxPool2D layer(pool, stride);
  const Shape out = layer.output_shape({1, 1, height, width});
  check_position("pooling", row, col, out.h, out.w);
  PoolTrace t;
  t.row = row;
  t.col = col;
  t.pool = pool;
  t.top = row * stride;
  t.left = col * stride;
  for (int ky = 0; ky < pool; ++ky)
    for (int kx = 0; kx < pool; ++kx) t.window.push_back(plane[(t.top + ky) * width + t.left + kx]);
  t.winner = static_cast<int>(std::max_element(t.window.begin(), t.window.end()) - t.window.begin());
  t.max = t.window[t.winner];
  t.discarded_fraction = 1.0f - 1.0f / static_cast<float>(pool * pool);
  return t;
}

std::vector<ReceptiveField> receptive_fields(const ModelSpec& spec) {
  const Sequential model(spec);
  std::vector<ReceptiveField> out;
  int size = 1, jump = 1, offset = 0;
  for (int i = 0; i < model.layer_count(); ++i) {
    const auto [k, s, pad] = model.layer(i).window();
    offset -= pad * jump;
    size += (k - 1) * jump;
    jump *= s;
    out.push_back({model.summary()[i].name, size, jump, offset});
  }
  return out;
}

Window receptive_window(const ModelSpec& spec, int layer, int row, int col) {
  const auto fields = receptive_fields(spec);
  if (layer < 0 || layer >= static_cast<int>(fields.size()))
    throw Error(errc::bad_argument, "layer " + std::to_string(layer) + " does not exist");
  const ReceptiveField& f = fields[layer];
  const int y0 = f.offset + row * f.jump, x0 = f.offset + col * f.jump;
  return {std::max(y0, 0), std::max(x0, 0), std::min(y0 + f.size - 1, spec.input_h - 1),
          std::min(x0 + f.size - 1, spec.input_w - 1)};
}

std::vector<ParamCount> param_counts(const ModelSpec& spec) {
  const Sequential model(spec);
  std::vector<ParamCount> out;
  Shape in = model.input_shape();
  for (int i = 0; i < model.layer_count(); ++i) {
    const SummaryRow& row = model.summary()[i];
    ParamCount p;
    p.layer = row.name;
    p.keras_class = row.keras_class;
    p.output = row.output;
    p.total = row.params;
    p.neurons = row.output.per_image();
    if (model.layer(i).kind() == LayerKind::conv2d) {
      const int k = model.layer(i).window().kernel, filters = row.output.c;
      p.inputs_per_neuron = static_cast<std::size_t>(in.c) * k * k;
      p.biases = filters;
      p.formula = "(" + std::to_string(k) + "*" + std::to_string(k) + "*" + std::to_string(in.c) +
                  " + 1) * " + std::to_string(filters);
    } else if (row.params > 0) {  // Dense
      p.inputs_per_neuron = in.per_image();
      p.biases = row.output.c;
      p.formula = "(" + std::to_string(in.per_image()) + " + 1) * " + std::to_string(row.output.c);
    }
    p.weights = p.total - p.biases;
    if (!p.formula.empty()) p.formula += " = " + std::to_string(p.total);
    out.push_back(p);
    in = row.output;
  }
  return out;
}

DropoutDemo dropout_demo(std::span<const float> values, float rate, uint64_t seed, int step) {
  if (values.empty() || values.size() > kMaxTraceValues)
    throw Error(errc::bad_argument, "dropout demo: " + std::to_string(values.size()) +
                                        " values, expected 1.." + std::to_string(kMaxTraceValues));
  if (step < 0 || step > 100000)
    throw Error(errc::bad_argument, "dropout demo: step " + std::to_string(step) + ", expected 0..100000");
  Dropout layer(rate);
  Rng rng(seed);
  layer.init(rng);
  Tensor in(Shape{1, static_cast<int>(values.size()), 1, 1}), out(in.shape());
  std::copy(values.begin(), values.end(), in.data());
  for (int i = 0; i <= step; ++i) layer.forward(in, out, true);
  const Tensor& mask = layer.mask();
  return {{mask.data(), mask.data() + mask.size()}, {out.data(), out.data() + out.size()}};
}

ActivationCurve activation_curve(const std::string& activation, std::span<const float> xs) {
  if (xs.empty() || xs.size() > kMaxTraceValues)
    throw Error(errc::bad_argument, "activation curve: " + std::to_string(xs.size()) +
                                        " points, expected 1.." + std::to_string(kMaxTraceValues));
  const Activation act = parse_activation(activation);
  if (act == Activation::softmax)
    throw Error(errc::bad_argument, "softmax is not an element-wise activation");
  ActivationLayer layer(act);
  const Shape shape{1, static_cast<int>(xs.size()), 1, 1};
  Tensor in(shape), out(shape), dout(shape), din(shape);
  std::copy(xs.begin(), xs.end(), in.data());
  layer.forward(in, out, false);
  dout.fill(1.0f);
  layer.backward(in, out, dout, &din);
  return {{out.data(), out.data() + out.size()}, {din.data(), din.data() + din.size()}};
}

}  // namespace convaula
