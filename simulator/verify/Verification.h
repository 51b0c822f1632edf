//===- Verification.h - Does the chip do what the model does? ---*- C++ -*-===//
//
// What `axon verify` computes. The float model (the lowered FLOAT graph on
// the reference simulator, spike for spike the training engine) and a
// device loaded with an emitted configuration run the same samples; the
// report gives decision agreement, both accuracies, per-population spike
// count correlation, for every disagreeing sample the first grid point and
// neuron where the spike trains part, and, by re-running the deployment
// pipeline on the float graph and simulating the graph after every pass
// (integers from the first QUANTISED stage on), the agreement of each
// stage with the float model: the pass with the largest drop is the one
// that cost the chip its agreement. The chip is the last stage ("emit").
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/target/TargetDescription.h"
#include "frontend/eventprop/Network.h"
#include "ir/Graph.h"
#include "simulator/Device.h"
#include "simulator/metrics/Metrics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace axon::sim::verify {

struct VerifyOptions {
  /// The chip's target description: its default pipeline re-runs the
  /// stages, its neuron format sets the integer model's rounding and
  /// comparison. Null: no per-stage analysis.
  const target::TargetDescription *target = nullptr;
  std::string pipeline;  ///< "" = the target's default pipeline
  uint64_t seed = 0x5eed; ///< for stochastic passes, as `axon deploy --seed`
  double trialMs = 0.0;   ///< every device runs round(trialMs / its dt) steps
  /// The emitted configuration's size in bytes: the chip's footprint.
  uint64_t chipFootprintBytes = 0;
  /// At most this many disagreeing samples are explained in detail.
  uint32_t maxExplained = 20;
};

struct PopulationAgreement {
  std::string population;
  uint64_t floatSpikes = 0, chipSpikes = 0;
  /// Pearson correlation of per-(sample, neuron) spike counts; nullopt
  /// when a side never varies (e.g. both silent).
  std::optional<double> countCorrelation;
  bool identical = false; ///< every spike at the same grid point
};

/// Why one sample's decisions differ.
struct Divergence {
  uint32_t sample = 0;
  int32_t label = -1, floatDecision = -1, chipDecision = -1;
  /// The first grid point where a population's spikes differ, the
  /// population and the lowest neuron that differs there; absent when the
  /// spike trains are equal (the readout's voltage decided) or the grids
  /// differ.
  std::optional<uint32_t> step;
  std::string population;
  uint32_t neuron = 0;
  /// The first pipeline stage whose decision on this sample already
  /// differs from the float model's ("emit": only the chip's).
  std::string firstStage;
};

struct StageAgreement {
  std::string stage; ///< pass element, "float" first, "emit" (chip) last
  std::string level; ///< graph level, or "chip"
  double agreement = 0.0; ///< decisions equal to the float model's
  double accuracy = 0.0;
};

struct VerifyReport {
  uint64_t samples = 0;
  double agreement = 0.0, floatAccuracy = 0.0, chipAccuracy = 0.0;
  double floatDtMs = 0.0, chipDtMs = 0.0;
  std::string device; ///< the device's description
  std::vector<PopulationAgreement> populations;
  std::vector<Divergence> divergences; ///< the first maxExplained
  uint64_t disagreements = 0;
  std::vector<StageAgreement> stages; ///< empty without a target
  /// The stage with the largest agreement drop from the stage before it.
  std::string worstStage;
  double worstDrop = 0.0;
  /// Whether re-emitting the last stage reproduces the configuration the
  /// device runs byte for byte (so the stages are what was deployed).
  std::optional<bool> configReproduced;
  metrics::Metrics floatMetrics, chipMetrics;
  DeviceCounters chipCounters; ///< summed over every trial
};

/// Runs the verification. `floatGraph` is FLOAT level; `configBytes` the
/// emitted configuration `chip` has loaded. Errors: a device or a
/// simulator that fails, a stage pipeline that fails.
llvm::Expected<VerifyReport> verify(const ir::Graph &floatGraph,
                                    llvm::ArrayRef<eventprop::Sample> samples,
                                    Device &chip, llvm::StringRef configBytes,
                                    const VerifyOptions &options);

/// The report for the terminal (ends in a newline).
std::string formatReport(const VerifyReport &report);

/// The report as JSON: agreement, float_accuracy, chip_accuracy, samples,
/// populations, divergences, stages, worst_stage, metrics {float, chip},
/// chip counters.
std::string reportJson(const VerifyReport &report);

} // namespace axon::sim::verify
