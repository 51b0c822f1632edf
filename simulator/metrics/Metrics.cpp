//===- Metrics.cpp - NeuroBench's metrics of a graph and its trials -------===//
#include "simulator/metrics/Metrics.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include <algorithm>

namespace axon::sim::metrics {
namespace {

constexpr uint64_t kFloatBytes = 4;  ///< float32
constexpr uint64_t kIndexBytes = 4;  ///< uint32 delay steps and indices
constexpr uint64_t kNeuronConstants = 6; ///< fields of ir::NeuronParams

uint64_t possibleOf(const ir::Projection &p, uint32_t preSize,
                    uint32_t postSize) {
  if (p.connectivity == ir::Connectivity::OneToOne)
    return postSize;
  return uint64_t(preSize) * postSize;
}

bool isNonzero(const ir::Projection &p, size_t k, WeightKind kind) {
  return kind == WeightKind::Integer ? p.weightsInt[k] != 0
                                     : p.weights[k] != 0.0f;
}

uint32_t maxDelaySteps(const ir::Graph &g, const ir::Projection &p) {
  uint32_t steps = 0;
  for (uint32_t d : p.delaySteps)
    steps = std::max(steps, d);
  for (float ms : p.delaysMs)
    steps = std::max(steps, uint32_t(std::max(0.0, double(ms) / g.dtMs) + 0.5));
  return steps;
}

} // namespace

uint64_t floatFootprintBytes(const ir::Graph &g) {
  uint64_t bytes = 0;
  std::vector<uint32_t> maxDelay(g.populations.size(), 0);
  for (const ir::Projection &p : g.projections) {
    bytes += p.weights.size() * kFloatBytes;
    if (ir::atLeast(g.level, ir::IRLevel::Discrete))
      bytes += p.delaySteps.size() * kIndexBytes;
    else
      bytes += p.delaysMs.size() * kFloatBytes;
    bytes += (p.pre.size() + p.post.size()) * kIndexBytes;
    for (size_t i = 0; i < g.populations.size(); ++i)
      if (g.populations[i].name == p.target)
        maxDelay[i] = std::max(maxDelay[i], maxDelaySteps(g, p));
  }
  for (size_t i = 0; i < g.populations.size(); ++i) {
    const ir::Population &p = g.populations[i];
    bytes += kNeuronConstants * kFloatBytes;
    bytes += p.bias.size() * kFloatBytes;
    bytes += 2 * uint64_t(p.size) * kFloatBytes;
    bytes += uint64_t(maxDelay[i]) * p.size * kFloatBytes;
  }
  return bytes;
}

double connectionSparsity(const ir::Graph &g, WeightKind kind) {
  uint64_t possible = 0, nonzero = 0;
  for (const ir::Projection &p : g.projections) {
    possible += possibleOf(p, g.sizeOf(p.source).value_or(0),
                                    g.sizeOf(p.target).value_or(0));
    if (kind == WeightKind::Integer && p.weightsInt.size() != p.weights.size())
      continue; // no integer weights: create() reports it
    for (size_t k = 0; k < p.numSynapses(); ++k)
      nonzero += isNonzero(p, k, kind);
  }
  if (possible == 0)
    return 0.0;
  return double(possible - std::min(nonzero, possible)) / double(possible);
}

llvm::Expected<MetricsAccumulator>
MetricsAccumulator::create(const ir::Graph &g, const MetricsOptions &options) {
  if (options.weights == WeightKind::Integer)
    for (const ir::Projection &p : g.projections)
      if (p.weightsInt.size() != p.weights.size())
        return makeError(fmt::format("projection '{}'", p.name),
                         "has {} integer weights for {} synapses: integer "
                         "connection sparsity needs a QUANTISED graph",
                         p.weightsInt.size(), p.weights.size());

  MetricsAccumulator acc;
  for (const ir::InputPopulation &in : g.inputs)
    acc.inputs.push_back({in.size, std::vector<uint32_t>(in.size, 0), false});
  for (size_t i = 0; i < g.populations.size(); ++i) {
    const ir::Population &p = g.populations[i];
    bool counted = p.isSpiking() && p.kind != ir::NeuronKind::Relay;
    acc.populationIndex[p.name] = uint32_t(i);
    acc.populations.push_back(
        {p.size, std::vector<uint32_t>(p.size, 0), counted});
    if (counted)
      acc.countedNeurons += p.size;
  }
  for (const ir::Projection &p : g.projections) {
    std::optional<ir::NodeRef> source = g.findNode(p.source);
    const uint32_t postSize = g.sizeOf(p.target).value_or(0);
    if (!source)
      return makeError(fmt::format("projection '{}'", p.name),
                       "source '{}' is not an input or a population",
                       p.source);
    Source &s = source->kind == ir::NodeRef::Kind::Input
                    ? acc.inputs[source->index]
                    : acc.populations[source->index];
    acc.possibleConnections += possibleOf(p, s.size, postSize);
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      uint32_t pre = ir::synapseEnds(p, postSize, k).first;
      if (pre < s.size && isNonzero(p, k, options.weights))
        ++s.fanOut[pre];
    }
  }
  acc.totals.footprintBytes =
      options.footprintBytes.value_or(floatFootprintBytes(g));
  acc.totals.connectionSparsity = connectionSparsity(g, options.weights);
  return acc;
}

llvm::Error MetricsAccumulator::add(const TrialInput &input,
                                    const TrialResult &result, int32_t label,
                                    int32_t decision) {
  // Check everything before counting, so that a failed trial adds nothing.
  uint64_t acs = 0, spikes = 0;
  for (size_t e = 0; e < input.events.size(); ++e) {
    const InputEvent &event = input.events[e];
    if (event.input >= inputs.size() ||
        event.channel >= inputs[event.input].size)
      return makeError(fmt::format("input event {}", e),
                       "input {} channel {} is not in the graph", event.input,
                       event.channel);
    acs += inputs[event.input].fanOut[event.channel];
  }
  for (const PopulationSpikes &p : result.populations) {
    auto it = populationIndex.find(p.population);
    if (it == populationIndex.end())
      return makeError(fmt::format("population '{}'", p.population),
                       "the trial reports spikes of a population the graph "
                       "does not have");
    const Source &s = populations[it->second];
    for (const SpikeEvent &spike : p.spikes) {
      if (spike.neuron >= s.size)
        return makeError(fmt::format("population '{}'", p.population),
                         "spike of neuron {} beyond its {} neurons",
                         spike.neuron, s.size);
      acs += s.fanOut[spike.neuron];
    }
    if (s.counted)
      spikes += p.spikes.size();
  }
  ++totals.samples;
  totals.correct += label == decision;
  totals.spikes += spikes;
  totals.neuronSteps += countedNeurons * input.numSteps;
  effectiveACs += acs;
  denseOps += possibleConnections * input.numSteps;
  return llvm::Error::success();
}

Metrics MetricsAccumulator::metrics() const {
  Metrics m = totals;
  if (m.samples == 0)
    return m;
  m.accuracy = double(m.correct) / double(m.samples);
  if (m.neuronSteps > 0)
    m.activationSparsity = 1.0 - double(m.spikes) / double(m.neuronSteps);
  m.synapticOperations.effectiveMACs = 0.0;
  m.synapticOperations.effectiveACs =
      double(effectiveACs) / double(m.samples);
  m.synapticOperations.dense = double(denseOps) / double(m.samples);
  return m;
}

} // namespace axon::sim::metrics
