//===- ReferenceSimulator.cpp - An IR graph run as the float model --------===//
#include "simulator/reference/ReferenceSimulator.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"
#include "ir/Serialize.h"

#include <algorithm>
#include <limits>
#include <type_traits>

namespace axon::sim::reference {
namespace {

/// Clamps `x` into a `bits`-wide two's-complement state, counting clamps.
int64_t saturate(__int128 x, uint32_t bits, uint64_t &overflows) {
  const __int128 hi = (__int128(1) << (bits - 1)) - 1;
  const __int128 lo = -(__int128(1) << (bits - 1));
  if (x > hi) {
    ++overflows;
    return int64_t(hi);
  }
  if (x < lo) {
    ++overflows;
    return int64_t(lo);
  }
  return int64_t(x);
}

/// (x * decay) >> bits with the target's rounding of the shift.
__int128 decayed(int64_t x, uint64_t decay, uint32_t bits,
                 IntegerArithmetic::Rounding rounding) {
  __int128 product = __int128(x) * __int128(decay);
  if (rounding == IntegerArithmetic::Rounding::Floor || product >= 0)
    return product >> bits;
  return -((-product) >> bits);
}

} // namespace

ReferenceSimulator::ReferenceSimulator(ReferenceOptions options)
    : Options(options) {}

ReferenceSimulator::~ReferenceSimulator() = default;

llvm::Expected<std::unique_ptr<ReferenceSimulator>>
ReferenceSimulator::create(const ir::Graph &g, const ReferenceOptions &options,
                           llvm::StringRef location) {
  auto sim = std::make_unique<ReferenceSimulator>(options);
  if (llvm::Error err = sim->setGraph(g, location))
    return err;
  return sim;
}

llvm::Error ReferenceSimulator::setGraph(const ir::Graph &g,
                                         llvm::StringRef location) {
  llvm::Expected<ReferencePlan> plan = planReference(g, Options, location);
  if (!plan)
    return plan.takeError();
  Plan = std::make_unique<ReferencePlan>(std::move(*plan));
  return llvm::Error::success();
}

llvm::Error ReferenceSimulator::load(llvm::StringRef graphBytes,
                                     llvm::StringRef location) {
  ir::GraphFormat format = ir::GraphFormat::Binary;
  if (llvm::Expected<ir::GraphFormat> f = ir::formatForPath(location))
    format = *f;
  else
    llvm::consumeError(f.takeError());
  llvm::Expected<ir::Graph> g = ir::parseGraph(graphBytes, format, location);
  if (!g)
    return g.takeError();
  return setGraph(*g, location);
}

const DeviceLayout &ReferenceSimulator::layout() const {
  static const DeviceLayout kEmpty;
  return Plan ? Plan->layout : kEmpty;
}

std::string ReferenceSimulator::describe() const {
  const char *mode =
      Options.mode == ReferenceMode::Float ? "float" : "integer";
  if (!Plan)
    return fmt::format("{} reference (no graph)", mode);
  return fmt::format("{} reference of graph '{}'", mode, Plan->layout.graph);
}

llvm::Expected<TrialResult> ReferenceSimulator::run(const TrialInput &input,
                                                    const RunOptions &options) {
  if (!Plan)
    return makeError("", "{}: no graph loaded", describe());
  if (llvm::Error err = checkTrialInput(input, Plan->layout))
    return err;
  TrialResult result;
  if (Plan->mode == ReferenceMode::Float)
    simulate<float>(input, options.recordReadoutVoltage, result);
  else
    simulate<int64_t>(input, options.recordReadoutVoltage, result);
  return result;
}

template <typename Acc>
void ReferenceSimulator::simulate(const TrialInput &input, bool recordVoltage,
                                  TrialResult &result) {
  constexpr bool isFloat = std::is_same_v<Acc, float>;
  const ReferencePlan &plan = *Plan;
  const uint32_t numSteps = input.numSteps;
  const uint32_t numInputs = uint32_t(plan.layout.inputs.size());

  // State from rest; the scratch keeps its capacity between trials.
  std::vector<Acc> &ring = [&]() -> std::vector<Acc> & {
    if constexpr (isFloat)
      return Ring;
    else
      return RingInt;
  }();
  ring.assign(plan.ringElements, Acc(0));
  if constexpr (isFloat) {
    V.assign(plan.numNeurons, 0.0f);
    I.assign(plan.numNeurons, 0.0f);
  } else {
    VInt.assign(plan.numNeurons, 0);
    UInt.assign(plan.numNeurons, 0);
  }
  Refractory.assign(plan.numNeurons, 0);
  Emitted.clear();

  // Every spiking population, in graph order.
  std::vector<int32_t> resultIndex(plan.populations.size(), -1);
  for (size_t p = 0; p < plan.populations.size(); ++p) {
    if (!plan.populations[p].spiking)
      continue;
    resultIndex[p] = int32_t(result.populations.size());
    result.populations.push_back(
        {plan.populationNames[p], plan.populations[p].size, {}});
  }

  const PopulationPlan &readout = plan.populations[plan.readout];
  ReadoutTrace &trace = result.readout;
  trace.population = plan.layout.readout;
  trace.decoding = plan.layout.decoding;
  trace.size = readout.size;
  trace.stateScale = isFloat ? 1.0 : readout.stateScale;
  const bool record = recordVoltage || isVoltageDecoding(trace.decoding);
  if (record)
    trace.voltage.assign(size_t(numSteps + 1) * readout.size, 0.0);

  DeviceCounters &counters = result.counters;
  counters.steps = numSteps;
  counters.neuronUpdates = uint64_t(plan.numNeurons) * numSteps;

  // Adds the rows of `row` of source `source` to the rings at grid `n`.
  auto scatter = [&](uint32_t source, uint32_t row, uint32_t n) {
    for (uint32_t p : plan.outgoing[source]) {
      const ProjectionPlan &proj = plan.projections[p];
      const PopulationPlan &post = plan.populations[proj.target];
      Acc *base = ring.data() + post.ringOffset +
                  size_t(n & post.ringMask) * post.size;
      const uint32_t begin = proj.rowStart[row], end = proj.rowStart[row + 1];
      const uint32_t *offset = proj.ringOffset.data();
      counters.synapticEvents += end - begin;
      if constexpr (isFloat) {
        const float *w = proj.weight.data();
        for (uint32_t s = begin; s < end; ++s)
          base[offset[s]] += w[s];
      } else {
        const int64_t *w = proj.increment.data();
        for (uint32_t s = begin; s < end; ++s)
          base[offset[s]] += w[s];
      }
    }
  };

  auto measure = [&](uint32_t n) {
    if (!record)
      return;
    double *row = trace.voltage.data() + size_t(n) * readout.size;
    for (uint32_t j = 0; j < readout.size; ++j) {
      if constexpr (isFloat)
        row[j] = double(V[readout.offset + j]);
      else
        row[j] = double(VInt[readout.offset + j]);
    }
  };

  const IntegerArithmetic arith = plan.integer;
  size_t nextEvent = 0;
  for (uint32_t n = 0; n < numSteps; ++n) {
    // 1. Scatter: the inputs of n, then the spikes emitted at n.
    for (; nextEvent < input.events.size() &&
           input.events[nextEvent].step == n;
         ++nextEvent) {
      const InputEvent &e = input.events[nextEvent];
      scatter(e.input, e.channel, n);
    }
    for (auto [p, j] : Emitted)
      scatter(numInputs + p, j, n);
    Emitted.clear();

    // 2. Arrivals into the current (float: I; integer: u, saturated).
    for (const PopulationPlan &pop : plan.populations) {
      Acc *first =
          ring.data() + pop.ringOffset + size_t(n & pop.ringMask) * pop.size;
      Acc *second = first + size_t(pop.ringDepth) * pop.size;
      for (uint32_t j = 0; j < pop.size; ++j) {
        Acc arrived = first[j] + second[j];
        if constexpr (isFloat)
          I[pop.offset + j] += arrived;
        else
          UInt[pop.offset + j] =
              saturate(__int128(UInt[pop.offset + j]) + arrived, pop.stateBits,
                       counters.overflows);
        first[j] = Acc(0);
        second[j] = Acc(0);
      }
    }

    // 3. The readout at grid n.
    measure(n);

    // 4. Step n.
    for (uint32_t p = 0; p < plan.populations.size(); ++p) {
      const PopulationPlan &pop = plan.populations[p];
      for (uint32_t j = 0; j < pop.size; ++j) {
        const uint32_t k = pop.offset + j;
        bool crossed;
        if constexpr (isFloat) {
          eventprop::forwardStep(V[k], I[k], pop.coefficients);
          if (pop.hasBias)
            V[k] += plan.bias[k];
          if (Refractory[k]) {
            --Refractory[k];
            V[k] = pop.reset;
            continue;
          }
          // lifStep's test: a spike unless V stays below threshold.
          crossed = pop.spiking && !(V[k] < pop.threshold);
          if (crossed)
            V[k] = pop.reset;
        } else {
          VInt[k] = saturate(decayed(VInt[k], pop.decayMem, pop.decayBits,
                                     arith.decayRounding) +
                                 UInt[k] + pop.biasInt,
                             pop.stateBits, counters.overflows);
          UInt[k] = saturate(
              decayed(UInt[k], pop.decaySyn, pop.decayBits, arith.decayRounding),
              pop.stateBits, counters.overflows);
          if (Refractory[k]) {
            --Refractory[k];
            VInt[k] = pop.resetInt;
            continue;
          }
          crossed = pop.spiking &&
                    (arith.compare == IntegerArithmetic::Compare::Greater
                         ? VInt[k] > pop.thresholdInt
                         : VInt[k] >= pop.thresholdInt);
          if (crossed)
            VInt[k] = pop.resetInt;
        }
        if (!crossed)
          continue;
        Refractory[k] = pop.refractorySteps;
        Emitted.push_back({p, j});
        result.populations[resultIndex[p]].spikes.push_back({n + 1, j});
        ++counters.spikes;
      }
    }
  }
  measure(numSteps);
  Emitted.clear();
}

} // namespace axon::sim::reference
