//===- Decoding.h - How a readout population becomes a decision -*- C++ -*-===//
//
// One enum for the IR's output decodings and for everything that runs a
// deployed network (simulator/Trial.h); its values are those of the
// Decoding enums of ir/axon.proto and of the configuration formats, so a
// message's value converts with a cast once it is range-checked.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace axon::ir {

enum class Decoding : uint8_t {
  SpikeCount = 1,
  MaxVoltage = 2,
  FirstSpike = 3,
  MeanVoltage = 4,
  ExpWeightedVoltage = 5,
  LinearWeightedVoltage = 6,
};

/// Whether the decision reads the readout's voltage trace (the spike
/// decodings read spikes only).
inline bool isVoltageDecoding(Decoding d) {
  return d != Decoding::SpikeCount && d != Decoding::FirstSpike;
}

} // namespace axon::ir
