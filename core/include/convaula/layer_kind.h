// Every kind of layer the engine builds, in one table: the spec's "type", which is also the
// base of Keras's instance names ("conv2d", "conv2d_1"), and Keras's class name. A new kind is
// a row here and a case in make_layer (model.cpp), whose switch has no default: a kind left
// out there is a compiler warning (an error with -Werror), and the count check below fails
// when the enum and the table disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

namespace convaula {

enum class LayerKind : uint8_t { conv2d, max_pooling2d, average_pooling2d, dropout, flatten, dense, activation };
inline constexpr std::size_t kLayerKindCount = 7;

struct LayerKindInfo {
  LayerKind kind;
  const char* spec_name;    // "max_pooling2d"
  const char* keras_class;  // "MaxPooling2D"
};

inline constexpr LayerKindInfo kLayerKinds[] = {
    {LayerKind::conv2d, "conv2d", "Conv2D"},
    {LayerKind::max_pooling2d, "max_pooling2d", "MaxPooling2D"},
    {LayerKind::average_pooling2d, "average_pooling2d", "AveragePooling2D"},
    {LayerKind::dropout, "dropout", "Dropout"},
    {LayerKind::flatten, "flatten", "Flatten"},
    {LayerKind::dense, "dense", "Dense"},
    {LayerKind::activation, "activation", "Activation"},
};

constexpr bool layer_kinds_in_enum_order() {
  for (std::size_t i = 0; i < std::size(kLayerKinds); ++i)
    if (static_cast<std::size_t>(kLayerKinds[i].kind) != i) return false;
  return true;
}
static_assert(std::size(kLayerKinds) == kLayerKindCount, "one row per LayerKind");
static_assert(static_cast<std::size_t>(LayerKind::activation) + 1 == kLayerKindCount, "kLayerKindCount");
static_assert(layer_kinds_in_enum_order(), "kLayerKinds rows in the enum's order");

constexpr const LayerKindInfo& layer_kind_info(LayerKind k) { return kLayerKinds[static_cast<std::size_t>(k)]; }

// The kind named by a spec's "type"; throws Error(bad_spec) listing the known names.
LayerKind parse_layer_kind(const std::string& name);

}  // namespace convaula
