//===- EndToEndTest.cpp - A deployed graph on the emulated chip -----------===//
//
// Lowers tests/support/TestGraphs.h's FLOAT graph (CUBA LIF hidden layer
// with delays up to 62 steps, a recurrent projection, refractoriness, bias,
// and a leaky-integrator readout) through the loihi target's default
// pipeline, emits it with the real emitter and runs the loihi.axoncfg
// bytes on the emulator. The expected spikes and readout come from a
// direct integer simulation of the PLACED graph's stepped model
// (ir/axon.proto, FixedPointNeuron) written here without the emulator:
//   arrivals of step n (weights_int << exponent) are added to u;
//   v <- decay(v, decay_mem) + u + bias (toward zero, saturated);
//   u <- decay(u, decay_syn); v held at reset while refractory;
//   spike at grid n + 1 if v > threshold (the target's comparison).
// On a quantised graph the chip must reproduce it spike for spike.
//===----------------------------------------------------------------------===//
#include "simulator/loihi/LoihiEmulator.h"

#include "backends/Target.h"
#include "backends/target/TargetDescription.h"
#include "passes/PassContext.h"
#include "passes/PassManager.h"

#include "support/Errors.h"
#include "support/TestGraphs.h"

#include "llvm/ADT/STLExtras.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <random>

using namespace axon;

namespace {

int64_t decayTowardZero(int64_t x, uint32_t keep, uint32_t bits) {
  int64_t p = x * int64_t(keep);
  return p < 0 ? -((-p) >> bits) : p >> bits;
}

/// The IR's integer stepped model of a PLACED graph over `input`.
sim::TrialResult simulateIntegerModel(const ir::Graph &g,
                                      const sim::TrialInput &input) {
  const uint32_t steps = input.numSteps;
  std::vector<size_t> offset;
  size_t neurons = 0;
  for (const ir::Population &p : g.populations) {
    offset.push_back(neurons);
    neurons += p.size;
  }
  uint32_t maxDelay = 0;
  for (const ir::Projection &p : g.projections)
    for (uint32_t d : p.delaySteps)
      maxDelay = std::max(maxDelay, d);
  // arrivals[n][k]: state units reaching neuron k before step n; hits
  // counts them (a relay fires once for any number).
  std::vector<std::vector<int64_t>> arrivals(
      steps + maxDelay + 2, std::vector<int64_t>(neurons, 0));
  std::vector<std::vector<uint32_t>> hits(
      steps + maxDelay + 2, std::vector<uint32_t>(neurons, 0));
  auto send = [&](llvm::StringRef source, uint32_t neuron, uint32_t grid) {
    for (const ir::Projection &p : g.projections) {
      if (p.source != source)
        continue;
      const ir::Population &post = *g.findPopulation(p.target);
      size_t base = offset[&post - g.populations.data()];
      for (size_t k = 0; k < p.numSynapses(); ++k) {
        auto [i, j] = ir::synapseEnds(p, post.size, k);
        if (i != neuron)
          continue;
        uint32_t at = grid + (p.delaySteps.empty() ? 0 : p.delaySteps[k]);
        int32_t e = p.quantisation.exponent;
        int64_t w = p.weightsInt[k];
        arrivals[at][base + j] += e >= 0 ? w * (int64_t(1) << e) : w >> -e;
        ++hits[at][base + j];
      }
    }
  };

  sim::TrialResult result;
  std::vector<int32_t> resultIndex;
  for (const ir::Population &p : g.populations) {
    resultIndex.push_back(p.isSpiking() ? int32_t(result.populations.size())
                                        : -1);
    if (p.isSpiking())
      result.populations.push_back({p.name, p.size, {}});
  }
  const ir::Population &readout = *g.findPopulation(g.outputs[0].population);
  size_t readoutBase = offset[&readout - g.populations.data()];
  std::vector<double> &trace = result.readout.voltage;

  std::vector<int64_t> u(neurons, 0), v(neurons, 0);
  std::vector<uint32_t> refractory(neurons, 0);
  size_t next = 0;
  for (uint32_t n = 0; n < steps; ++n) {
    for (; next < input.events.size() && input.events[next].step == n; ++next)
      send(g.inputs[input.events[next].input].name, input.events[next].channel,
           n);
    for (uint32_t j = 0; j < readout.size; ++j)
      trace.push_back(double(v[readoutBase + j]));
    std::vector<std::pair<size_t, uint32_t>> fired;
    for (size_t pi = 0; pi < g.populations.size(); ++pi) {
      const ir::Population &p = g.populations[pi];
      const ir::FixedPointNeuron &f = p.fixed;
      for (uint32_t j = 0; j < p.size; ++j) {
        size_t k = offset[pi] + j;
        if (p.kind == ir::NeuronKind::Relay) {
          if (hits[n][k])
            fired.emplace_back(pi, j);
          continue;
        }
        u[k] += arrivals[n][k];
        int64_t limit = (int64_t(1) << (f.stateBits - 1)) - 1;
        v[k] = std::clamp(decayTowardZero(v[k], f.decayMem, f.decayBits) +
                              u[k] + f.bias,
                          -limit, limit);
        u[k] = decayTowardZero(u[k], f.decaySyn, f.decayBits);
        if (refractory[k]) {
          --refractory[k];
          v[k] = f.reset;
          continue;
        }
        if (p.isSpiking() && v[k] > f.threshold) {
          v[k] = f.reset;
          refractory[k] = f.refractorySteps;
          fired.emplace_back(pi, j);
        }
      }
    }
    for (auto [pi, j] : fired) {
      result.populations[resultIndex[pi]].spikes.push_back({n + 1, j});
      send(g.populations[pi].name, j, n + 1);
    }
  }
  for (uint32_t j = 0; j < readout.size; ++j)
    trace.push_back(double(v[readoutBase + j]));
  return result;
}

} // namespace

TEST_CASE("loihi emulator runs a deployed graph as the IR's integer model",
          "[loihi-emulator][e2e]") {
  llvm::Expected<target::TargetDescription> desc =
      target::TargetDescription::find("loihi");
  REQUIRE(test::errorText(desc) == "");
  ir::Graph g = test::makeFloatGraph();
  passes::PassManager pm;
  REQUIRE(test::errorText(pm.addPipeline(fmt::format(
              "{}", fmt::join(desc->data().default_pipeline(), ",")))) == "");
  passes::PassContext ctx(&*desc, "t.axon", passes::kDefaultSeed);
  REQUIRE(test::errorText(pm.run(g, ctx)) == "");
  REQUIRE(g.level == ir::IRLevel::Placed);

  llvm::Expected<std::unique_ptr<backends::Target>> target =
      backends::createTarget(*desc);
  REQUIRE(test::errorText(target) == "");
  llvm::Expected<backends::EmittedConfig> emitted = (*target)->emit(g, *desc);
  REQUIRE(test::errorText(emitted) == "");
  auto file = llvm::find_if(emitted->files, [](const auto &f) {
    return f.name == "loihi.axoncfg";
  });
  REQUIRE(file != emitted->files.end());

  std::unique_ptr<sim::Device> chip = sim::loihi::createLoihiEmulator();
  REQUIRE(test::errorText(chip->load(file->bytes, "loihi.axoncfg")) == "");
  CHECK(chip->layout().graph == "t");
  CHECK(chip->layout().readout == "out");
  CHECK(chip->layout().decoding == sim::Decoding::MaxVoltage);
  CHECK(chip->layout().classNames == std::vector<std::string>{"a", "b"});

  // Seeded random input: each channel spikes with probability 0.35.
  std::mt19937 rng(7);
  std::bernoulli_distribution spike(0.35);
  sim::TrialInput input{150, {}};
  for (uint32_t s = 0; s < input.numSteps; ++s)
    for (uint32_t ch = 0; ch < 3; ++ch)
      if (spike(rng))
        input.events.push_back({s, 0, ch});

  llvm::Expected<sim::TrialResult> r = chip->run(input);
  REQUIRE(test::errorText(r) == "");
  sim::TrialResult expected = simulateIntegerModel(g, input);
  REQUIRE(r->populations.size() == 1);
  CHECK(r->populations[0].population == "hidden");
  CHECK(r->populations[0].spikes.size() > 5);
  CHECK(r->populations == expected.populations);
  CHECK(r->readout.voltage == expected.readout.voltage);
  CHECK(r->readout.stateScale == g.findPopulation("out")->fixed.stateScale);
  CHECK(r->counters.synapticEvents > 0);
  // The emitter carries the description's cost table into the
  // configuration, so the counters are charged.
  CHECK(r->counters.maxStepCycles > 0);
  CHECK(r->counters.energyPicojoule > 0);
  CHECK(r->counters.overflows == 0);
}
