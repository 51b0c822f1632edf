//===- Graph.cpp - In-memory Axon IR --------------------------------------===//
#include "ir/Graph.h"

namespace axon::ir {

llvm::StringRef neuronKindName(NeuronKind kind) {
  switch (kind) {
  case NeuronKind::LIF:
    return "LIF";
  case NeuronKind::CubaLIF:
    return "CUBA_LIF";
  case NeuronKind::LeakyIntegrator:
    return "LEAKY_INTEGRATOR";
  case NeuronKind::Relay:
    return "RELAY";
  }
  return "UNKNOWN";
}

llvm::StringRef connectivityName(Connectivity c) {
  switch (c) {
  case Connectivity::Dense:
    return "DENSE";
  case Connectivity::Sparse:
    return "SPARSE";
  case Connectivity::OneToOne:
    return "ONE_TO_ONE";
  }
  return "UNKNOWN";
}

llvm::StringRef decodingName(Decoding d) {
  switch (d) {
  case Decoding::SpikeCount:
    return "SPIKE_COUNT";
  case Decoding::MaxVoltage:
    return "MAX_VOLTAGE";
  case Decoding::FirstSpike:
    return "FIRST_SPIKE";
  case Decoding::MeanVoltage:
    return "MEAN_VOLTAGE";
  case Decoding::ExpWeightedVoltage:
    return "EXP_WEIGHTED_VOLTAGE";
  case Decoding::LinearWeightedVoltage:
    return "LINEAR_WEIGHTED_VOLTAGE";
  }
  return "UNKNOWN";
}

std::optional<NodeRef> Graph::findNode(llvm::StringRef nodeName) const {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].name == nodeName)
      return NodeRef{NodeRef::Kind::Input, i};
  for (size_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == nodeName)
      return NodeRef{NodeRef::Kind::Population, i};
  return std::nullopt;
}

Population *Graph::findPopulation(llvm::StringRef popName) {
  for (Population &p : populations)
    if (p.name == popName)
      return &p;
  return nullptr;
}

const Population *Graph::findPopulation(llvm::StringRef popName) const {
  return const_cast<Graph *>(this)->findPopulation(popName);
}

std::optional<uint32_t> Graph::sizeOf(llvm::StringRef nodeName) const {
  std::optional<NodeRef> ref = findNode(nodeName);
  if (!ref)
    return std::nullopt;
  return ref->kind == NodeRef::Kind::Input ? inputs[ref->index].size
                                           : populations[ref->index].size;
}

uint64_t Graph::numSynapses() const {
  uint64_t n = 0;
  for (const Projection &p : projections)
    n += p.numSynapses();
  return n;
}

uint64_t Graph::numNeurons() const {
  uint64_t n = 0;
  for (const Population &p : populations)
    n += p.size;
  return n;
}

} // namespace axon::ir
