//===- LoihiTestGraphs.h - Hand-built graphs for the emitter ---*- C++ -*-===//
//
// The golden graph of the Loihi-like emitter tests, every integer chosen by
// hand, and helpers to look into an emitted configuration. The derivations
// of the expected tables are in the tests, next to the checks.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/loihi/LoihiTarget.h"
#include "backends/target/TargetDescription.h"
#include "ir/Graph.h"
#include "passes/Route.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace axon::test {

/// The built-in Loihi-like description (backends/targets/loihi.pbtxt):
/// 1024 compartments per core, 128 cores per chip, 1 chip, 10 index bits,
/// 8-bit mantissa (weights.bits 7), exponents [-8, 7] with offset 6,
/// 12-bit decays with current offset 1, threshold << 6 with 17 bits,
/// 13-bit bias with exponents 0..7, delays 0..62 in 6 bits.
inline target::TargetDescription loihiTarget() {
  return llvm::cantFail(target::TargetDescription::find("loihi"));
}

inline ir::Projection sparse(std::string name, std::string source,
                             std::string target, std::vector<uint32_t> pre,
                             std::vector<uint32_t> post,
                             std::vector<int32_t> weightsInt,
                             std::vector<uint32_t> delays, int32_t exponent) {
  ir::Projection p;
  p.name = std::move(name);
  p.source = std::move(source);
  p.target = std::move(target);
  p.connectivity = ir::Connectivity::Sparse;
  p.pre = std::move(pre);
  p.post = std::move(post);
  p.weightsInt = std::move(weightsInt);
  p.weights.assign(p.weightsInt.size(), 0.5f);
  p.delaySteps = std::move(delays);
  p.quantisation = {/*bits=*/8, /*scale=*/0.01, exponent};
  return p;
}

/// The golden PLACED graph:
///   input  in (2 channels, injected by the host)
///   hid    3 CUBA LIF on chip 0 core 0, slots 0, 1, 2
///   hid.relay1  1 RELAY (for hid neuron 2) on chip 0 core 0, slot 3
///   out    2 leaky-integrator readouts on chip 0 core 1, slots 0, 1
/// projections:
///   in->hid      DENSE 2x3, weights_int 10 -20 30 / 40 -50 60, delays
///                0 1 2 / 3 4 5, exponent 6
///   hid->hid     SPARSE 0->1, weight -7, delay 10, exponent 5
///   hid->out     SPARSE 0->0 (100, delay 0), 1->1 (-100, delay 62),
///                exponent 8
///   hid->hid.relay1       SPARSE 2->0, weight_int 3, delay 61, exponent 2
///   hid->out/relay1       SPARSE hid.relay1 0 -> out 1, weight 70,
///                         delay 8, exponent 8
/// The relay chain realises a 70-step delay hid 2 -> out 1 as delay-lines
/// would with M = H = 62: 61 + 1 (relay latency) + 8.
/// Routes are the axon maps passes/Route.h gives (derived in the test).
inline ir::Graph goldenLoihiGraph(const target::TargetDescription &desc) {
  ir::Graph g;
  g.name = "golden";
  g.level = ir::IRLevel::Placed;
  g.dtMs = 1.0;
  g.target = {"loihi", desc.hash()};
  g.inputs.push_back({"in", 2, {}});

  ir::Population hid;
  hid.name = "hid";
  hid.size = 3;
  hid.kind = ir::NeuronKind::CubaLIF;
  hid.fixed = {/*threshold=*/4096,    /*reset=*/0,
               /*bias=*/5000,
               /*decayMem=*/3686,     /*decaySyn=*/2458,
               /*decayBits=*/12,
               /*stateBits=*/24,      /*stateFracBits=*/0,
               /*refractorySteps=*/2, /*stateScale=*/1.0 / 4096};
  hid.placement = {{0, 0, 0}, {0, 0, 0}, {0, 1, 2}};
  g.populations.push_back(hid);

  ir::Population relay;
  relay.name = "hid.relay1";
  relay.size = 1;
  relay.kind = ir::NeuronKind::Relay;
  relay.params.threshold = 0.5;
  relay.placement = {{0}, {0}, {3}};
  g.populations.push_back(relay);

  ir::Population out;
  out.name = "out";
  out.size = 2;
  out.kind = ir::NeuronKind::LeakyIntegrator;
  out.fixed = {/*threshold=*/0,
               /*reset=*/0,
               /*bias=*/0,
               /*decayMem=*/4096,
               /*decaySyn=*/3277,
               /*decayBits=*/12,
               /*stateBits=*/24,
               /*stateFracBits=*/0,
               /*refractorySteps=*/0,
               /*stateScale=*/1.0 / 1024};
  out.placement = {{0, 0}, {1, 1}, {0, 1}};
  g.populations.push_back(out);

  ir::Projection inHid;
  inHid.name = "in->hid";
  inHid.source = "in";
  inHid.target = "hid";
  inHid.connectivity = ir::Connectivity::Dense;
  inHid.weightsInt = {10, -20, 30, 40, -50, 60};
  inHid.weights.assign(6, 0.5f);
  inHid.delaySteps = {0, 1, 2, 3, 4, 5};
  inHid.quantisation = {/*bits=*/8, /*scale=*/0.01, /*exponent=*/6};
  g.projections.push_back(inHid);
  g.projections.push_back(
      sparse("hid->hid", "hid", "hid", {0}, {1}, {-7}, {10}, /*exponent=*/5));
  g.projections.push_back(sparse("hid->out", "hid", "out", {0, 1}, {0, 1},
                                 {100, -100}, {0, 62}, /*exponent=*/8));
  g.projections.push_back(sparse("hid->hid.relay1", "hid", "hid.relay1", {2},
                                 {0}, {3}, {61}, /*exponent=*/2));
  g.projections.push_back(sparse("hid->out/relay1", "hid.relay1", "out", {0},
                                 {1}, {70}, {8}, /*exponent=*/8));

  g.outputs.push_back({"out", ir::Decoding::MaxVoltage, {"yes", "no"}});

  // Keys (Route.h, k = 10): core 0 holds hid (rank 0) and hid.relay1
  // (rank 1): hid n -> slot n, relay -> 1 << 10 | 3 = 0x403; out on core 1
  // -> 1 << 20 | slot; the host slice of `in` is source 128 (1 chip x 128
  // cores): 128 << 20 = 0x08000000.
  //   hid slice (key 0): targets on core 0 (hid->hid, the relay) and core 1
  //   relay slice (key 0x400): out on core 1
  //   host slice (key 0x08000000): hid on core 0
  const uint32_t all = ~uint32_t(0);
  g.routes = {
      {/*chip=*/0, /*core=*/0, /*key=*/0x0, all, {0, 1}, {0, 0}},
      {/*chip=*/0, /*core=*/0, /*key=*/0x400, all, {1}, {0}},
      {/*chip=*/0, passes::kHostCore, /*key=*/0x08000000, all, {0}, {0}},
  };
  return g;
}

/// Text of an Error or Expected ("" on success).
inline std::string errorOf(llvm::Error err) {
  return err ? llvm::toString(std::move(err)) : std::string();
}

} // namespace axon::test
