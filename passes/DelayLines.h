//===- DelayLines.h - Route over-long delays through relays -----*- C++ -*-===//
//
// Pass "delay-lines", DISCRETE -> DISCRETE. Needs a target.
//
// A synapse whose delay exceeds the target's on-core maximum M
// (delays.max_on_core_steps) is rerouted through a chain of relay
// populations, each stage adding H steps, so that the spike still arrives
// exactly `delay_steps` after it was sent.
//
// Relay latency convention (what emulators must implement for RELAY):
//   A relay neuron behaves like any neuron of the stepped model: a spike
//   that reaches it at step t (added to its input before step t) makes it
//   fire at step t + 1 (kRelayLatencySteps), exactly once per spike; its
//   spike then travels with the delay of its outgoing synapse. Hardware
//   relays (a Loihi compartment, a SpiNNaker delay-extension core) cannot
//   fire in the step their input arrives, so the convention charges that
//   step to the relay and shortens each stage's synapse by it. A spike
//   sent by neuron i at step t along
//     i --H-1--> <src>.relay1 --H-1--> ... --H-1--> <src>.relay<n> --r--> target
//   therefore reaches the target at step t + n*H + r. The pass chooses
//   n = ceil((d - M) / H) and r = d - n*H, so n*H + r = d, the original
//   delay, exactly; M - H < r <= M, so every synapse it creates has a delay
//   in [min_steps, M]. Each relay neuron has exactly one input
//   synapse (from its source neuron or the previous stage), and a source
//   neuron spikes at most once per step, so no two spikes can meet in one
//   relay neuron in one step: nothing is merged or dropped.
//
// The stage length H is min(stage_steps, M, M - min_steps + 1): a stage is
// one synapse, which must fit on a core (<= M), and the last hop r must not
// fall below min_steps; a stage's synapse (H - 1) must not either, so a
// target whose H - 1 < min_steps has no usable stages. For the shipped targets H = stage_steps and the
// longest realisable delay, M + max_stages * H, equals
// TargetDescription::maxRealisableDelay(). A longer delay is an error that
// names the projection, the synapse (pre, post), the delay and the limit.
//
// Sharing: relays belong to the source population, not to a synapse. Stage
// k of source `hidden` is one population `hidden.relay<k>` holding one
// relay neuron for each source neuron that has some synapse needing k or
// more stages (in source-neuron order). Every such synapse, in every
// projection from `hidden`, leaves from the relay of its source neuron in
// stage n. Relay neurons therefore grow with sources x stages, never with
// synapses.
//
// What the graph gains, for a source S and an original projection P:
//   population  S.relay<k>             kind RELAY
//   projection  S->S.relay1            stage 1: weight 1, delay H - 1
//   projection  S.relay<k-1>->S.relay<k>  stage k: weight 1, delay H - 1
//   projection  P/relay<n>             S.relay<n> -> P's target, SPARSE,
//                                      the original weights, delay r
// Stage projections are ONE_TO_ONE when the stage holds every neuron of
// the one before, SPARSE otherwise. New projections have no delays_ms
// (they have no FLOAT counterpart). P keeps the synapses that fit (becoming
// SPARSE when it loses some) and is removed when it loses all. Relay
// populations get threshold 0.5, reset 0, refractory 0 and bias 0, so even
// a model that reads a relay as a LIF neuron with delta synapses fires once
// per weight-1 input.
//
// Statistics:
//   synapses-rerouted     counter  synapses moved behind relay stages
//   relay-populations     counter  relay populations added
//   relay-neurons         counter  relay neurons added
//   relay-synapses        counter  synapses into relay neurons
//   projections-added     counter  stage and final-hop projections added
//   projections-removed   counter  projections left without synapses
//   max-stages-used       figure   longest relay chain, in stages
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <cstdint>
#include <string>

namespace axon::target {
class TargetDescription;
} // namespace axon::target

namespace axon::passes {

/// Steps between a spike reaching a relay neuron and the relay firing.
inline constexpr uint32_t kRelayLatencySteps = 1;

/// How a target realises long delays: the numbers delay-lines works with.
struct DelayBudget {
  uint32_t onCore = 0;     ///< M, steps
  uint32_t stageSteps = 0; ///< H, steps one relay stage adds (0: no stages)
  uint32_t maxStages = 0;
  uint64_t limit() const { return onCore + uint64_t(maxStages) * stageSteps; }
  /// "16 on core + 8 stages x 16" or "62 on core, no relay stages".
  std::string describe() const;
};

/// The budget of `target`, per the file comment.
DelayBudget delayBudget(const target::TargetDescription &target);

class DelayLinesPass : public Pass {
public:
  llvm::StringRef name() const override { return "delay-lines"; }
  llvm::StringRef summary() const override {
    return "route delays longer than a core allows through relay stages";
  }
  ir::IRLevel inputLevel() const override { return ir::IRLevel::Discrete; }

  llvm::Error run(ir::Graph &g, PassContext &ctx) override;
};

} // namespace axon::passes
