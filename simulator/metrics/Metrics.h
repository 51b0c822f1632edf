//===- Metrics.h - NeuroBench's metrics of a graph and its trials -*- C++ -*-===//
//
// The figures `axon eval` and `axon verify` report for the float model and
// the emulated chip, with NeuroBench's definitions (shared/docs/
// benchmarks.md A.3, from neurobench/metrics) carried over to an IR graph:
//
//  static (the graph alone)
//   Footprint            bytes of parameters and buffers at their stored
//                        precision: floatFootprintBytes() for the float
//                        model; for a chip, the emitted configuration's
//                        memory, given by the caller.
//   ConnectionSparsity   zero connections / possible connections over all
//                        projections. Possible: pre x post for DENSE and
//                        SPARSE (a COO projection is a weight matrix whose
//                        absent entries are zeros, as a torch Linear would
//                        hold them), one per neuron for ONE_TO_ONE.
//  workload (graph and trials)
//   ClassificationAccuracy  decisions equal to the label / trials.
//   ActivationSparsity   1 - spikes / (neurons x steps), summed over every
//                        trial and every spiking population that the
//                        network itself has (relays, which delay-lines adds
//                        as plumbing, excluded so that the float model and
//                        the chip count the same neurons; leaky-integrator
//                        readouts do not emit spikes and are not counted).
//   SynapticOperations   per trial, averaged over trials:
//                        Effective_ACs = sum over every input event and
//                        every spike (relays included: the chip does that
//                        work) of its number of nonzero outgoing synapses
//                        (NeuroBench's binarised forward pass for binary
//                        inputs; a delay does not change the count);
//                        Effective_MACs = 0 (every input is a spike);
//                        Dense = possible connections x steps.
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"
#include "simulator/Trial.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace axon::sim::metrics {

struct SynapticOperations {
  double effectiveMACs = 0.0; ///< per trial
  double effectiveACs = 0.0;  ///< per trial
  double dense = 0.0;         ///< per trial
  bool operator==(const SynapticOperations &) const = default;
};

struct Metrics {
  uint64_t samples = 0;
  uint64_t correct = 0;
  double accuracy = 0.0; ///< correct / samples; 0 without samples
  uint64_t footprintBytes = 0;
  double connectionSparsity = 0.0;
  /// 0 without samples or without a counted (spiking, non-relay) neuron.
  double activationSparsity = 0.0;
  SynapticOperations synapticOperations;
  /// The totals the ratios come from.
  uint64_t spikes = 0;      ///< of the counted (non-relay) populations
  uint64_t neuronSteps = 0; ///< their neurons x steps
  bool operator==(const Metrics &) const = default;
};

/// NeuroBench's Footprint of the float model (bytes): per projection its
/// float32 weights, its delays (float32 ms at FLOAT level, uint32 steps
/// below) and, for SPARSE, its uint32 pre and post indices; per population
/// its six float32 constants (tau_mem, tau_syn, threshold, reset,
/// refractory, bias), any per-neuron float32 bias, its float32 state (V and
/// I per neuron) and the delay buffer a torch model would register for its
/// delayed input: max delay (steps) x size float32 values.
uint64_t floatFootprintBytes(const ir::Graph &g);

/// Which weights decide whether a connection is zero.
enum class WeightKind : uint8_t {
  Float,   ///< `weights`
  Integer, ///< `weights_int` (QUANTISED on): what the chip stores
};

/// Zero connections / possible connections (see the file comment); 0 for a
/// graph without projections.
double connectionSparsity(const ir::Graph &g, WeightKind kind);

struct MetricsOptions {
  WeightKind weights = WeightKind::Float;
  /// The footprint in bytes when the caller knows it (a chip's emitted
  /// memory); otherwise floatFootprintBytes() of the graph.
  std::optional<uint64_t> footprintBytes;
};

/// Collects the workload metrics trial by trial.
class MetricsAccumulator {
public:
  /// Errors: integer weights asked of a graph that has none.
  static llvm::Expected<MetricsAccumulator>
  create(const ir::Graph &g, const MetricsOptions &options = {});

  /// Adds one trial: its input (steps and input events), what the device
  /// returned, the true label and the device's decision. Errors: a
  /// population, input or neuron that the graph does not have.
  llvm::Error add(const TrialInput &input, const TrialResult &result,
                  int32_t label, int32_t decision);

  Metrics metrics() const;

private:
  MetricsAccumulator() = default;

  struct Source {
    uint32_t size = 0;
    std::vector<uint32_t> fanOut; ///< nonzero synapses leaving each neuron
    bool counted = false; ///< spiking, not a relay: activation sparsity
  };
  std::vector<Source> inputs;
  std::vector<Source> populations;
  llvm::StringMap<uint32_t> populationIndex;
  uint64_t countedNeurons = 0;
  uint64_t possibleConnections = 0;

  Metrics totals; ///< static figures, counts and raw sums
  uint64_t effectiveACs = 0, denseOps = 0; ///< summed over trials
};

} // namespace axon::sim::metrics
