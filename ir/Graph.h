//===- Graph.h - In-memory Axon IR: populations and projections -*- C++ -*-===//
//
// The API passes, emitters and tools work on. ir/axon.proto is only the file
// format; ir/Serialize.cpp is the one place that converts between the two,
// so passes never touch generated protobuf classes.
//
// Per-synapse data are structure-of-arrays vectors so that passes and
// engines loop over flat memory. Populations and inputs are referred to by
// name in projections (names are unique across inputs and populations);
// Graph::findNode resolves a name.
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Decoding.h"
#include "ir/Level.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace axon::ir {

/// Schema version this build writes and the newest it reads.
inline constexpr uint32_t kIRVersion = 1;

enum class NeuronKind : uint8_t {
  LIF = 1,             ///< delta synapses: a weight jumps V
  CubaLIF = 2,         ///< exponential synaptic current feeds V
  LeakyIntegrator = 3, ///< current-based, never spikes (readouts)
  Relay = 4, ///< fires once per arriving spike, one step later (delay-lines)
};
llvm::StringRef neuronKindName(NeuronKind kind);

struct NeuronParams {
  double tauMemMs = 20.0;    ///< ms, > 0
  double tauSynMs = 5.0;     ///< ms, > 0 (CubaLIF, LeakyIntegrator)
  double threshold = 1.0;    ///< same unit as weights
  double reset = 0.0;        ///< voltage after a spike, < threshold
  double refractoryMs = 0.0; ///< ms, >= 0
  double bias = 0.0;         ///< constant input current

  bool operator==(const NeuronParams &) const = default;
};

/// Neuron constants in the target's fixed-point formats (QUANTISED on).
struct FixedPointNeuron {
  int64_t threshold = 0; ///< units of 2^-stateFracBits
  int64_t reset = 0;
  int64_t bias = 0;
  uint32_t decayMem = 0; ///< units of 2^-decayBits
  uint32_t decaySyn = 0;
  uint32_t decayBits = 0;
  uint32_t stateBits = 0;
  uint32_t stateFracBits = 0;
  uint32_t refractorySteps = 0;
  double stateScale = 0.0; ///< float volts per state unit (see axon.proto)

  bool operator==(const FixedPointNeuron &) const = default;
};

/// One entry per neuron in each array (PLACED only).
struct Placement {
  std::vector<uint32_t> chip, core, slot;
  bool empty() const { return chip.empty() && core.empty() && slot.empty(); }

  bool operator==(const Placement &) const = default;
};

struct InputPopulation {
  std::string name;
  uint32_t size = 0;
  Placement placement;

  bool operator==(const InputPopulation &) const = default;
};

struct Population {
  std::string name;
  uint32_t size = 0;
  NeuronKind kind = NeuronKind::CubaLIF;
  NeuronParams params;
  /// Per-neuron bias overriding params.bias: empty or `size` entries.
  std::vector<double> bias;
  FixedPointNeuron fixed;
  Placement placement;

  bool isSpiking() const { return kind != NeuronKind::LeakyIntegrator; }
  double biasOf(uint32_t neuron) const {
    return bias.empty() ? params.bias : bias[neuron];
  }

  bool operator==(const Population &) const = default;
};

enum class Connectivity : uint8_t {
  Dense = 1,    ///< synapse (i, j) at index i * postSize + j
  Sparse = 2,   ///< coordinate list pre[k] -> post[k]
  OneToOne = 3, ///< synapse i: pre i -> post i
};
llvm::StringRef connectivityName(Connectivity c);

/// Integer weights mean real = mantissa * scale (QUANTISED on).
struct WeightQuantisation {
  uint32_t bits = 0;  ///< signed width including the sign
  double scale = 0.0; ///< real value of one integer step
  int32_t exponent = 0;

  bool operator==(const WeightQuantisation &) const = default;
};

struct Projection {
  std::string name;
  std::string source; ///< an input or a population
  std::string target; ///< a population; == source for recurrent
  Connectivity connectivity = Connectivity::Dense;
  std::vector<uint32_t> pre, post; ///< Sparse only
  std::vector<float> weights;
  std::vector<float> delaysMs;      ///< FLOAT: empty = no delay
  std::vector<uint32_t> delaySteps; ///< DISCRETE on: empty = no delay
  std::vector<int32_t> weightsInt;  ///< QUANTISED on
  WeightQuantisation quantisation;

  bool isRecurrent() const { return source == target; }
  size_t numSynapses() const { return weights.size(); }

  bool operator==(const Projection &) const = default;
};

llvm::StringRef decodingName(Decoding d);

struct OutputDecoding {
  std::string population;
  Decoding decoding = Decoding::MaxVoltage;
  std::vector<std::string> classNames;

  bool operator==(const OutputDecoding &) const = default;
};

struct Provenance {
  std::string producer;
  std::string trainingConfig;
  std::string dataset;
  double accuracy = 0.0; ///< fraction in [0, 1]
  std::string created;
  std::map<std::string, std::string> extra; ///< ordered: stable output

  bool operator==(const Provenance &) const = default;
};

struct TargetInfo {
  std::string name;
  std::string descriptionHash;

  bool operator==(const TargetInfo &) const = default;
};

struct RoutingEntry {
  uint32_t chip = 0, core = 0, key = 0, mask = 0;
  std::vector<uint32_t> destinationCores, destinationChips;

  bool operator==(const RoutingEntry &) const = default;
};

/// A name resolved by Graph::findNode.
struct NodeRef {
  enum class Kind : uint8_t { Input, Population } kind;
  size_t index;
};

struct Graph {
  uint32_t version = kIRVersion;
  std::string name;
  IRLevel level = IRLevel::Float;
  double dtMs = 1.0;
  std::vector<InputPopulation> inputs;
  std::vector<Population> populations;
  std::vector<Projection> projections;
  std::vector<OutputDecoding> outputs;
  Provenance provenance;
  TargetInfo target;
  std::vector<RoutingEntry> routes;

  /// Finds an input or population by name (linear; graphs have few nodes).
  std::optional<NodeRef> findNode(llvm::StringRef name) const;
  Population *findPopulation(llvm::StringRef name);
  const Population *findPopulation(llvm::StringRef name) const;
  /// Size of the input or population called `name`, if it exists.
  std::optional<uint32_t> sizeOf(llvm::StringRef name) const;
  /// Total number of synapses over all projections.
  uint64_t numSynapses() const;
  /// Total number of neurons over all populations (inputs excluded).
  uint64_t numNeurons() const;

  bool operator==(const Graph &) const = default;
};

/// (pre, post) of synapse k of projection p, given the source size.
inline std::pair<uint32_t, uint32_t> synapseEnds(const Projection &p,
                                                 uint32_t postSize, size_t k) {
  switch (p.connectivity) {
  case Connectivity::Dense:
    return {static_cast<uint32_t>(k / postSize),
            static_cast<uint32_t>(k % postSize)};
  case Connectivity::Sparse:
    return {p.pre[k], p.post[k]};
  case Connectivity::OneToOne:
    return {static_cast<uint32_t>(k), static_cast<uint32_t>(k)};
  }
  return {0, 0};
}

} // namespace axon::ir
