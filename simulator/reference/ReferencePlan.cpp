//===- ReferencePlan.cpp - An IR graph laid out for stepping --------------===//
#include "simulator/reference/ReferencePlan.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"
#include "ir/Verifier.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

namespace axon::sim::reference {
namespace {

/// Longest delay the reference accepts, in steps: its rings hold
/// 2 x (delay + 1, rounded up to a power of two) slots per neuron.
constexpr uint32_t kMaxDelaySteps = 1u << 20;

/// The float step of a population: the training engine's coefficients for
/// the kinds with a synaptic current; without one (LIF: delta synapses,
/// RELAY) the current lasts one step and feeds V one to one (beta = 0,
/// c = 1), and a RELAY keeps nothing of V either (alpha = 0), as
/// passes/NeuronCoefficients.h describes the same model.
eventprop::StepCoefficients<float> floatCoefficients(const ir::Population &p,
                                                     double dtMs) {
  switch (p.kind) {
  case ir::NeuronKind::CubaLIF:
  case ir::NeuronKind::LeakyIntegrator:
    return eventprop::stepCoefficients<float>(p.params.tauMemMs,
                                              p.params.tauSynMs, dtMs);
  case ir::NeuronKind::LIF:
    return {float(std::exp(-dtMs / p.params.tauMemMs)), 0.0f, 1.0f, 0.0f};
  case ir::NeuronKind::Relay:
    break;
  }
  return {0.0f, 0.0f, 1.0f, 0.0f};
}

/// ceil(refractory_ms / dt), a quotient within 1e-6 of a whole number
/// counting as it (as quantise-neurons rounds it).
uint32_t refractorySteps(double refractoryMs, double dtMs) {
  double q = refractoryMs / dtMs;
  double nearest = std::nearbyint(q);
  if (std::fabs(q - nearest) < 1e-6)
    q = nearest;
  return q > 0 ? uint32_t(std::ceil(q)) : 0u;
}

} // namespace

llvm::Expected<ReferencePlan> planReference(const ir::Graph &g,
                                            const ReferenceOptions &options,
                                            llvm::StringRef location) {
  if (llvm::Error err = ir::verifyGraph(g, location))
    return err;
  const bool integer = options.mode == ReferenceMode::Integer;
  if (integer && !ir::atLeast(g.level, ir::IRLevel::Quantised))
    return makeError(location.str(),
                     "graph '{}' is at level {}: the integer model needs "
                     "QUANTISED or PLACED (fixed-point neurons and integer "
                     "weights)",
                     g.name, g.level);
  if (g.outputs.empty())
    return makeError(location.str(),
                     "graph '{}' has no output decoding: the reference needs "
                     "a readout population",
                     g.name);

  ReferencePlan plan;
  plan.mode = options.mode;
  plan.integer = options.integer;
  llvm::StringMap<uint32_t> populationIndex;
  uint32_t offset = 0;
  for (const ir::Population &p : g.populations) {
    std::string where = fmt::format("population '{}'", p.name);
    PopulationPlan pp;
    pp.offset = offset;
    pp.size = p.size;
    pp.spiking = p.isSpiking();
    pp.coefficients = floatCoefficients(p, g.dtMs);
    pp.threshold = float(p.params.threshold);
    pp.reset = float(p.params.reset);
    pp.refractorySteps = refractorySteps(p.params.refractoryMs, g.dtMs);
    if (integer) {
      const ir::FixedPointNeuron &f = p.fixed;
      if (f.stateBits < 2 || f.stateBits > 64 || f.decayBits > 32)
        return makeError(fmt::format("{}: {}", location, where),
                         "fixed.state_bits = {}, fixed.decay_bits = {}: the "
                         "integer model holds 2..64-bit states and decays "
                         "of at most 32 bits",
                         f.stateBits, f.decayBits);
      pp.thresholdInt = f.threshold;
      pp.resetInt = f.reset;
      pp.biasInt = f.bias;
      pp.decayMem = f.decayMem;
      pp.decaySyn = f.decaySyn;
      pp.decayBits = f.decayBits;
      pp.stateBits = f.stateBits;
      pp.stateScale = f.stateScale;
      pp.refractorySteps = f.refractorySteps;
    }
    populationIndex[p.name] = uint32_t(plan.populations.size());
    plan.populationNames.push_back(p.name);
    plan.populations.push_back(pp);
    for (uint32_t j = 0; j < p.size; ++j) {
      double b = p.biasOf(j);
      plan.populations.back().hasBias |= b != 0.0;
      plan.bias.push_back(float((1.0 - double(pp.coefficients.alpha)) * b));
    }
    offset += p.size;
  }
  plan.numNeurons = offset;

  // Sources: inputs 0..I-1, then populations.
  llvm::StringMap<uint32_t> sourceIndex;
  for (size_t i = 0; i < g.inputs.size(); ++i)
    sourceIndex[g.inputs[i].name] = uint32_t(i);
  for (size_t i = 0; i < g.populations.size(); ++i)
    sourceIndex[g.populations[i].name] = uint32_t(g.inputs.size() + i);
  plan.outgoing.assign(g.inputs.size() + g.populations.size(), {});

  const bool discrete = ir::atLeast(g.level, ir::IRLevel::Discrete);
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    const ir::Projection &p = g.projections[pi];
    std::string where = fmt::format("{}: projection '{}'", location, p.name);
    const uint32_t target = populationIndex.find(p.target)->second;
    const uint32_t source = sourceIndex.find(p.source)->second;
    const uint32_t postSize = g.populations[target].size;
    const uint32_t preSize = *g.sizeOf(p.source);
    const size_t n = p.numSynapses();

    std::vector<uint32_t> delays(n, 0);
    for (size_t k = 0; k < n; ++k) {
      if (discrete) {
        if (!p.delaySteps.empty())
          delays[k] = p.delaySteps[k];
      } else if (!p.delaysMs.empty()) {
        // The engine's rounding of a delay in steps (LowerToIR wrote the
        // steps it realised times dt).
        delays[k] = eventprop::roundedDelay(
            float(double(p.delaysMs[k]) / g.dtMs),
            std::numeric_limits<uint32_t>::max());
      }
      if (delays[k] > kMaxDelaySteps)
        return makeError(fmt::format("{} synapse {}", where, k),
                         "delay of {} steps exceeds the {} the reference "
                         "simulates",
                         delays[k], kMaxDelaySteps);
    }

    ProjectionPlan pp;
    pp.target = target;
    // Counting sort of the synapses by presynaptic neuron, stable so that a
    // row keeps the graph's synapse order (dense rows: by target neuron).
    pp.rowStart.assign(preSize + 1, 0);
    for (size_t k = 0; k < n; ++k)
      ++pp.rowStart[ir::synapseEnds(p, postSize, k).first + 1];
    for (uint32_t i = 0; i < preSize; ++i)
      pp.rowStart[i + 1] += pp.rowStart[i];
    std::vector<uint32_t> cursor(pp.rowStart.begin(), pp.rowStart.end() - 1);
    pp.ringOffset.resize(n);
    if (integer)
      pp.increment.resize(n);
    else
      pp.weight.resize(n);
    for (size_t k = 0; k < n; ++k) {
      auto [pre, post] = ir::synapseEnds(p, postSize, k);
      uint32_t at = cursor[pre]++;
      pp.ringOffset[at] = delays[k] * postSize + post;
      pp.maxDelaySteps = std::max(pp.maxDelaySteps, delays[k]);
      if (!integer) {
        pp.weight[at] = p.weights[k];
        continue;
      }
      // weights_int << exponent state units; a negative exponent shifts
      // right (arithmetic, floor) as the chips' weight shift does.
      int64_t w = p.weightsInt[k];
      int32_t e = p.quantisation.exponent;
      if (e > 62 || e < -63)
        return makeError(where, "quantisation.exponent = {} is outside "
                                "[-63, 62]",
                         e);
      pp.increment[at] = e >= 0 ? int64_t(uint64_t(w) << e) : (w >> -e);
    }
    PopulationPlan &post = plan.populations[target];
    post.ringDepth = std::max(
        post.ringDepth, uint32_t(llvm::PowerOf2Ceil(pp.maxDelaySteps + 1)));
    plan.outgoing[source].push_back(uint32_t(plan.projections.size()));
    plan.projections.push_back(std::move(pp));
  }
  for (PopulationPlan &p : plan.populations) {
    p.ringMask = p.ringDepth - 1;
    p.ringOffset = plan.ringElements;
    plan.ringElements += 2 * uint64_t(p.ringDepth) * p.size;
  }

  const ir::OutputDecoding &out = g.outputs.front();
  auto readout = populationIndex.find(out.population);
  if (readout == populationIndex.end())
    return makeError(location.str(),
                     "output decoding names '{}', which is not a population",
                     out.population);
  plan.readout = readout->second;
  DeviceLayout &layout = plan.layout;
  layout.target = g.target.name.empty() ? "reference" : g.target.name;
  layout.family = integer ? "reference-integer" : "reference-float";
  layout.graph = g.name;
  layout.dtMs = g.dtMs;
  for (const ir::InputPopulation &in : g.inputs)
    layout.inputs.push_back({in.name, in.size});
  layout.readout = out.population;
  layout.decoding = out.decoding;
  layout.classNames = out.classNames;
  layout.numClasses = g.populations[plan.readout].size;
  layout.cores = 0;
  return plan;
}

} // namespace axon::sim::reference
