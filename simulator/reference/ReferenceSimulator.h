//===- ReferenceSimulator.h - An IR graph run as the float model -*- C++ -*-===//
//
// The model `axon verify` compares a chip against: an IR graph at any level
// stepped on the grid of simulator/Trial.h with the training engine's own
// per-neuron arithmetic (frontend/eventprop/NeuronUpdate.h), so that a
// lowered checkpoint run here gives the CPU engine's forward pass spike for
// spike. At grid point n (n = 0..N-1), as the engine (CpuForward.cpp):
//   1. the input events of n and the spikes emitted at n are scattered,
//      each synapse into the arrival slot of n + delay;
//   2. every population takes the arrivals of n into its current;
//   3. the readout's V(n) is recorded;
//   4. step n runs; a neuron crossing threshold spikes at grid n + 1.
// Grid point N only records the readout; its spikes reach no target.
//
// Neuron kinds, per step (float mode; see ReferencePlan.cpp):
//   CUBA_LIF, LEAKY_INTEGRATOR  V <- alpha V + c I + (1 - alpha) bias,
//                               I <- beta I  (the engine's forwardStep)
//   LIF                         as above with beta = 0, c = 1 (delta)
//   RELAY                       V <- I, I <- 0: fires one step after a
//                               spike arrives (threshold 0.5 of DelayLines)
// A spiking neuron spikes when V >= threshold (the engine's lifStep
// comparison), V <- reset, and for refractory steps afterwards V is held at
// reset while I keeps integrating.
//
// Integer mode runs the IR's FixedPointNeuron model instead (ir/axon.proto):
//   u <- u + sum of weights_int << exponent        (at grid n, step 2)
//   v <- (v * decay_mem) >> decay_bits + u + bias
//   u <- (u * decay_syn) >> decay_bits
//   spike if v > or >= threshold; v <- reset; refractory as above
// with u and v saturated to state_bits (each saturation counted as an
// overflow), the shift's rounding and the comparison from
// IntegerArithmetic. The readout is then reported in state units with
// the population's state_scale.
//
// A Device: load() takes the bytes of an IR graph file (.axon, or .pbtxt /
// .json when `location` says so), not a chip configuration.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Device.h"
#include "simulator/reference/ReferencePlan.h"

#include "ir/Graph.h"

#include <memory>
#include <utility>

namespace axon::sim::reference {

class ReferenceSimulator final : public Device {
public:
  explicit ReferenceSimulator(ReferenceOptions options = {});
  ~ReferenceSimulator() override;

  /// A simulator of `g` (which is copied into flat arrays, not kept).
  /// `location` names the graph in diagnostics.
  static llvm::Expected<std::unique_ptr<ReferenceSimulator>>
  create(const ir::Graph &g, const ReferenceOptions &options = {},
         llvm::StringRef location = "");

  /// Replaces the simulated graph by `g`.
  llvm::Error setGraph(const ir::Graph &g, llvm::StringRef location = "");

  /// Parses an IR graph file's contents, format from `location`'s
  /// extension (binary .axon when it has none), and simulates it.
  llvm::Error load(llvm::StringRef graphBytes,
                   llvm::StringRef location) override;

  const DeviceLayout &layout() const override;
  const ReferenceOptions &options() const { return Options; }

  /// Runs one trial from rest (all state zero). Every spiking population
  /// appears in the result, relays included, in graph order; counters
  /// hold steps, neuron updates, synaptic events (every synapse a spike
  /// walks), spikes and (integer mode) saturations.
  llvm::Expected<TrialResult> run(const TrialInput &input,
                                  const RunOptions &options = {}) override;

  std::string describe() const override;

private:
  template <typename Arith>
  void simulate(const TrialInput &input, bool recordVoltage,
                TrialResult &result);

  ReferenceOptions Options;
  std::unique_ptr<ReferencePlan> Plan;
  /// Scratch kept between trials: state, refractory counters, rings.
  std::vector<float> V, I;
  std::vector<int64_t> VInt, UInt;
  std::vector<uint32_t> Refractory;
  std::vector<float> Ring;
  std::vector<int64_t> RingInt;
  /// (population, neuron) of the spikes emitted at the next grid point.
  std::vector<std::pair<uint32_t, uint32_t>> Emitted;
};

} // namespace axon::sim::reference
