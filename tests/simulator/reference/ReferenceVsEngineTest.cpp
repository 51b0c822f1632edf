//===- ReferenceVsEngineTest.cpp - Lowered graph == engine forward pass ---===//
//
// The float reference run on the FLOAT graph that lowering makes of a
// checkpoint must reproduce the CPU training engine's forward pass exactly:
// every spike of every layer at the same grid point, the readout voltage
// bit for bit, and the same decision. Nothing is trained: the checkpoint
// holds the model's initial parameters, with delays drawn over the whole
// allowed range so that many arrivals meet at one neuron and one grid
// point (which is where the order of float sums could differ).
//===----------------------------------------------------------------------===//
#include "simulator/reference/ReferenceSimulator.h"

#include "frontend/eventprop/cpu/CpuEngine.h"
#include "frontend/lower/LowerToIR.h"
#include "frontend/model/ModelDescription.h"
#include "frontend/train/Initialise.h"
#include "frontend/train/TrainingData.h"
#include "simulator/Decode.h"
#include "simulator/Stimulus.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <tuple>

using namespace axon;
using namespace axon::sim;
using axon::test::errorText;

namespace {

struct Comparison {
  uint64_t samples = 0;
  uint64_t spikes = 0;        ///< of every layer, all samples
  uint64_t readoutSpikes = 0; ///< of the readout layer
};

/// Lowers the model's initial parameters and runs `numSamples` test
/// samples through the engine's trace and the reference, checking that
/// they agree exactly.
Comparison compareWithEngine(const char *modelText, uint32_t numSamples) {
  llvm::Expected<model::Model> m = model::parseModel(modelText, "model");
  REQUIRE(errorText(m) == "");
  model::applyDefaults(*m);
  llvm::Expected<train::TrainingData> data =
      train::loadTrainingData(*m, "model");
  REQUIRE(errorText(data) == "");
  llvm::Expected<eventprop::NetworkDesc> net =
      model::buildNetwork(*m, data->numInputs(), data->numClasses(),
                          data->durationMs(), "model");
  REQUIRE(errorText(net) == "");
  std::vector<float> params = train::initialParameters(*m, *net);

  train::Checkpoint c;
  *c.mutable_model() = *m;
  c.set_num_inputs(data->numInputs());
  c.set_num_classes(data->numClasses());
  c.set_duration_ms(data->durationMs());
  c.set_dataset_name(data->test.name);
  c.set_test_accuracy(-1);
  c.mutable_params()->Add(params.begin(), params.end());
  llvm::Expected<ir::Graph> g = lower::lowerCheckpoint(c, "ckpt");
  REQUIRE(errorText(g) == "");

  auto sim = reference::ReferenceSimulator::create(*g, {}, "net.axon");
  REQUIRE(errorText(sim) == "");
  // Global neuron index of each population's first neuron, in layer order
  // (lowering keeps it).
  std::vector<uint32_t> offsets;
  uint32_t total = 0;
  for (const ir::Population &p : g->populations) {
    offsets.push_back(total);
    total += p.size;
  }
  auto offsetOf = [&](const std::string &name) {
    for (size_t i = 0; i < g->populations.size(); ++i)
      if (g->populations[i].name == name)
        return offsets[i];
    FAIL("no population " << name);
    return 0u;
  };

  eventprop::CpuEngineOptions options;
  options.threads = 1;
  eventprop::CpuEngine engine(options);
  const uint32_t readoutLayer = uint32_t(net->layers.size() - 1);
  Comparison comparison;
  const uint32_t count =
      std::min<uint32_t>(numSamples, uint32_t(data->test.samples.size()));
  for (uint32_t s = 0; s < count; ++s) {
    INFO("sample " << s);
    const eventprop::Sample &sample = data->test.samples[s];
    llvm::Expected<eventprop::ForwardTrace> trace =
        engine.trace(*net, params, sample, readoutLayer);
    REQUIRE(errorText(trace) == "");

    TrialInput input = binSample(sample, net->dt, net->numSteps);
    llvm::Expected<TrialResult> result =
        (*sim)->run(input, RunOptions{/*recordReadoutVoltage=*/true});
    REQUIRE(errorText(result) == "");

    // Every spike, as (grid point, global neuron) in the engine's order.
    std::vector<std::pair<uint32_t, uint32_t>> expected, actual;
    for (size_t k = 0; k < trace->spikeSteps.size(); ++k)
      expected.push_back({trace->spikeSteps[k], trace->spikeNeurons[k]});
    for (const PopulationSpikes &p : result->populations)
      for (const SpikeEvent &e : p.spikes)
        actual.push_back({e.step, offsetOf(p.population) + e.neuron});
    std::sort(actual.begin(), actual.end());
    CHECK(actual == expected);

    // The readout's voltage at every grid point, bit for bit.
    REQUIRE(result->readout.voltage.size() == trace->voltage.size());
    size_t mismatches = 0;
    for (size_t k = 0; k < trace->voltage.size(); ++k)
      mismatches += result->readout.voltage[k] != double(trace->voltage[k]);
    CHECK(mismatches == 0);

    Decision d = decide(*result, net->numSteps, net->dt);
    CHECK(d.winner == trace->result.predicted);

    ++comparison.samples;
    comparison.spikes += expected.size();
    for (const PopulationSpikes &p : result->populations)
      if (p.population == net->layers.back().name)
        comparison.readoutSpikes += p.spikes.size();
  }
  return comparison;
}

} // namespace

TEST_CASE("the float reference reproduces the CPU engine on the sequence "
          "task",
          "[reference][engine]") {
  // A hidden LIF layer with recurrent connections and delays everywhere,
  // read out by leaky integrators (max voltage).
  const char *text = R"(
name: "sequence-ref" dt_ms: 1 duration_ms: 40 seed: 11
dataset { kind: SEQUENCE train_samples: 8 test_samples: 8 }
layers { name: "hidden" size: 16 kind: LIF tau_mem_ms: 20 tau_syn_ms: 5 threshold: 1 reset: -0.2 }
layers { name: "out" size: 2 kind: LEAKY_INTEGRATOR tau_mem_ms: 10 tau_syn_ms: 5 }
projections { name: "in->hidden" source: "input" target: "hidden"
  init { mean: 6 std: 3 } delays { learn: true init_min_ms: 0 init_max_ms: 15 max_ms: 15 } }
projections { name: "hidden->hidden" source: "hidden" target: "hidden"
  init { mean: 0.6 std: 0.8 } delays { learn: true init_min_ms: 0 init_max_ms: 6 max_ms: 6 } }
projections { name: "hidden->out" source: "hidden" target: "out"
  init { mean: 0.5 std: 1 } delays { learn: true init_min_ms: 0 init_max_ms: 7 max_ms: 7 } }
loss { kind: MAX_VOLTAGE }
optimiser { learning_rate: 0.001 }
)";
  Comparison c = compareWithEngine(text, 8);
  CHECK(c.samples == 8);
  // The comparison means something only if the hidden layer is active.
  CHECK(c.spikes > 8 * 16);
}

TEST_CASE("the float reference reproduces the CPU engine on Yin-Yang",
          "[reference][engine]") {
  // The Yin-Yang example's network (smaller hidden layer) with delays on
  // both projections and a first-spike readout.
  const char *text = R"(
name: "yinyang-ref" dt_ms: 0.05 duration_ms: 30 seed: 5
dataset { kind: YIN_YANG train_samples: 16 valid_samples: 16 test_samples: 16 }
layers { name: "hidden" size: 60 kind: LIF tau_mem_ms: 20 tau_syn_ms: 5 threshold: 1 }
layers { name: "out" size: 3 kind: LIF tau_mem_ms: 20 tau_syn_ms: 5 threshold: 1 }
projections { name: "in->hidden" source: "input" target: "hidden"
  init { mean: 1.5 std: 0.78 } delays { learn: true init_min_ms: 0 init_max_ms: 2 max_ms: 2 } }
projections { name: "hidden->out" source: "hidden" target: "out"
  init { mean: 0.93 std: 0.1 } delays { learn: true init_min_ms: 0 init_max_ms: 1.5 max_ms: 1.5 } }
loss { kind: FIRST_SPIKE tau0_ms: 0.5 tau1_ms: 6.4 alpha: 0.003 }
optimiser { learning_rate: 0.002 }
)";
  Comparison c = compareWithEngine(text, 16);
  CHECK(c.samples == 16);
  CHECK(c.spikes > 16 * 10);
  CHECK(c.readoutSpikes > 0);
}
