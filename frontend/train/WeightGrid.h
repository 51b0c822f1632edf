//===- WeightGrid.h - Weights on the chip's grid while training -*- C++ -*-===//
//
// Quantisation-aware training (model field weight_bits): the engine runs
// with each projection's weights rounded to what a chip with a signed
// `bits`-bit mantissa and a power-of-two scale stores, and the optimiser
// updates the float weights (straight-through). The grid is the one
// passes/QuantiseWeights picks: the integer model's state unit is a power
// of two fraction of the target layer's threshold (QuantiseNeurons), an
// arrival adds weight * c / unit of it, so the weight step is
// 2^m * threshold / c for the smallest integer m that fits the largest
// |weight| into the mantissa range [-2^(bits-1), 2^(bits-1) - 1].
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"

#include "llvm/ADT/ArrayRef.h"

#include <vector>

namespace axon::train {

/// Writes `params` with every projection into a LIF layer rounded to its
/// grid (nearest, ties to even) into `out`; delays and weights into
/// leaky-integrator layers are copied unchanged.
void snapWeights(const eventprop::NetworkDesc &net,
                 const eventprop::ParameterLayout &layout, uint32_t bits,
                 llvm::ArrayRef<float> params, std::vector<float> &out);

} // namespace axon::train
