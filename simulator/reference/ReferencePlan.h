//===- ReferencePlan.h - An IR graph laid out for stepping -----*- C++ -*-===//
//
// Internal to the reference simulator: the graph turned once into flat
// arrays that the per-trial loop walks: per population its neuron
// constants (float and fixed point), its arrival ring geometry, and per
// source (input or population) the synapses leaving each neuron as
// contiguous rows of (ring offset, weight).
//
// Arrival rings have the CPU training engine's geometry (CpuPlan.h): a
// population keeps 2 x depth slots of `size` values, depth a power of two
// above the largest delay (steps) into it. Grid point n owns slots
// n & mask and (n & mask) + depth; a spike at s over a synapse of delay d
// writes slot (s & mask) + d. Besides needing no wrap-around in the
// per-synapse loop, this makes the float sums of arrivals happen in the
// engine's order (the spikes sent in n's block of `depth` grid points, then
// the earlier ones, each part in sending order), which is what lets the
// float reference reproduce the engine's spikes bit for bit.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/NeuronUpdate.h"
#include "ir/Graph.h"
#include "simulator/Device.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace axon::sim::reference {

/// Which numbers a run uses.
enum class ReferenceMode : uint8_t {
  /// Float weights and neuron constants (float32 state, as the training
  /// engine), delays in whole steps: FLOAT graphs round delay_ms / dt as
  /// the engine does, lower levels use delay_steps.
  Float,
  /// The IR's fixed-point model (ir/axon.proto, FixedPointNeuron) with
  /// weights_int << exponent: QUANTISED and PLACED graphs only.
  Integer,
};

/// How the integer model rounds and compares where the IR leaves it to the
/// target (its NeuronFormat); the defaults are SpiNNaker-like.
struct IntegerArithmetic {
  enum class Rounding : uint8_t {
    Floor,      ///< arithmetic shift right
    TowardZero, ///< shift of the magnitude (Loihi decays)
  };
  enum class Compare : uint8_t {
    Greater,      ///< spike if v > threshold
    GreaterEqual, ///< spike if v >= threshold
  };
  Rounding decayRounding = Rounding::Floor;
  Compare compare = Compare::GreaterEqual;
};

struct ReferenceOptions {
  ReferenceMode mode = ReferenceMode::Float;
  IntegerArithmetic integer;
};

/// One population's constants and ring geometry.
struct PopulationPlan {
  uint32_t offset = 0; ///< first neuron in the flat state arrays
  uint32_t size = 0;
  bool spiking = false;
  /// Float model: V <- alpha V + c I (+ (1 - alpha) bias), I <- beta I.
  eventprop::StepCoefficients<float> coefficients;
  float threshold = 0.0f, reset = 0.0f;
  bool hasBias = false;
  /// Integer model (Integer mode only).
  int64_t thresholdInt = 0, resetInt = 0, biasInt = 0;
  uint64_t decayMem = 0, decaySyn = 0;
  uint32_t decayBits = 0, stateBits = 64;
  double stateScale = 1.0; ///< volts per state unit
  /// Steps v is held at reset after a spike (ceil(refractory_ms / dt)).
  uint32_t refractorySteps = 0;
  uint32_t ringDepth = 1, ringMask = 0;
  uint64_t ringOffset = 0; ///< first element of its ring
};

/// The synapses of one projection, as rows by presynaptic neuron.
struct ProjectionPlan {
  uint32_t target = 0;          ///< population index
  std::vector<uint32_t> rowStart; ///< pre size + 1 entries
  /// Per synapse, in row order: d * postSize + post (d in steps).
  std::vector<uint32_t> ringOffset;
  std::vector<float> weight;     ///< Float mode
  std::vector<int64_t> increment; ///< Integer mode: weights_int << exponent
  uint32_t maxDelaySteps = 0;
};

struct ReferencePlan {
  ReferenceMode mode = ReferenceMode::Float;
  IntegerArithmetic integer;
  DeviceLayout layout;
  std::vector<std::string> populationNames;
  std::vector<PopulationPlan> populations;
  std::vector<ProjectionPlan> projections;
  /// Projections leaving each source, in graph order: inputs first
  /// (graph.inputs order), then populations.
  std::vector<std::vector<uint32_t>> outgoing;
  std::vector<float> bias; ///< per neuron, (1 - alpha) bias: Float mode
  uint32_t numNeurons = 0;
  uint64_t ringElements = 0;
  uint32_t readout = 0; ///< population index of the decision's readout
};

/// Lays out `g` for `options.mode`. Errors (naming `location` and the
/// element): a graph that fails the verifier, no output decoding, Integer
/// mode below QUANTISED or with a state width over 64 bits.
llvm::Expected<ReferencePlan> planReference(const ir::Graph &g,
                                            const ReferenceOptions &options,
                                            llvm::StringRef location);

} // namespace axon::sim::reference
