//===- DeployedNetworkTest.cpp - IR graph -> pipeline -> chip -> emulator -===//
//
// FLOAT graphs deployed through the real pipeline (the spinnaker target's
// default passes, then the emitter) and run on the emulator from the
// emitted bytes alone. Two checks:
//   - a small graph whose spike times follow by hand from its delays
//     (every arrival alone is enough to cross the threshold, or two in a
//     row are);
//   - seeded random recurrent graphs, whose chip spikes and readout states
//     must equal, step for step, the IR's integer stepped model
//     (ir/axon.proto FixedPointNeuron) run on the PLACED graph by the small
//     independent stepper below.
//===----------------------------------------------------------------------===//
#include "EmulatorTestConfigs.h"

#include "backends/Target.h"
#include "backends/target/TargetDescription.h"
#include "ir/Graph.h"
#include "passes/PassContext.h"
#include "passes/PassManager.h"
#include "passes/PassRegistry.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <array>
#include <map>
#include <random>

using namespace axon;
using namespace axon::test;

namespace {

target::TargetDescription spinnakerDescription() {
  return llvm::cantFail(target::TargetDescription::find("spinnaker"));
}

/// Runs the target's default pipeline on `g` (FLOAT -> PLACED) and emits
/// it; returns the bytes of spinnaker.axoncfg.
std::string deploy(ir::Graph &g, const target::TargetDescription &desc) {
  passes::PassManager pm;
  REQUIRE(errorText(pm.addPipeline(passes::defaultPipelineText(desc))) == "");
  passes::PassContext ctx(&desc, "net.axon", passes::kDefaultSeed);
  REQUIRE(errorText(pm.run(g, ctx)) == "");
  llvm::Expected<std::unique_ptr<backends::Target>> target =
      backends::createTarget(desc);
  REQUIRE(errorText(target) == "");
  llvm::Expected<backends::EmittedConfig> out = (*target)->emit(g, desc);
  REQUIRE(errorText(out) == "");
  for (const backends::EmittedConfig::File &f : out->files)
    if (f.name == "spinnaker.axoncfg")
      return f.bytes;
  FAIL("no spinnaker.axoncfg emitted");
  return "";
}

/// What the IR's stepped model produced, and the first step in which the
/// chip's 16-bit ring entries could not have held the same sum.
struct SteppedIR {
  sim::TrialResult result;
  /// The first step whose arrivals of one synapse type into one neuron sum
  /// to more than 65535 ring units (~0u if none): the chip saturates the
  /// entry there (SpiNNakerConfig.proto) where the IR adds without bound.
  uint32_t firstSaturation = ~0u;
};

/// The IR's integer stepped model on a QUANTISED (or PLACED) graph, for
/// the threshold comparison v >= threshold: per step n and neuron,
///   u += arrivals (weights_int << exponent), v = floor(v * decay_mem /
///   2^decay_bits) + u + bias, u = floor(u * decay_syn / 2^decay_bits),
///   spike (grid n + 1) if v >= threshold, v = reset;
/// a RELAY fires in the step an arrival reaches it; a spike at grid g over
/// a synapse of delay D arrives before step g + D. Refractory periods are
/// not modelled (the graphs here have none). Ring units of a synapse are
/// |weights_int| << (exponent - shift), shift the smallest exponent of that
/// sign into the target (backends/spinnaker/SynapticRows.cpp); relays count
/// 1 per arrival.
SteppedIR stepIR(const ir::Graph &g, const sim::TrialInput &input) {
  uint32_t maxDelay = 0;
  for (const ir::Projection &p : g.projections)
    for (uint32_t d : p.delaySteps)
      maxDelay = std::max(maxDelay, d);
  size_t horizon = input.numSteps + maxDelay + 2;
  size_t pops = g.populations.size();
  // The ring shift of every (population, sign).
  std::vector<std::array<int32_t, 2>> shift(pops, {INT32_MAX, INT32_MAX});
  for (const ir::Projection &p : g.projections) {
    size_t target = g.findNode(p.target)->index;
    for (int32_t w : p.weightsInt)
      shift[target][w < 0] =
          std::min(shift[target][w < 0], p.quantisation.exponent);
  }
  // Per step, population, neuron: summed input, packets, ring units per
  // sign.
  struct Arrivals {
    int64_t sum = 0;
    uint32_t count = 0;
    std::array<int64_t, 2> units = {0, 0};
  };
  std::vector<std::vector<std::vector<Arrivals>>> arrivals(
      horizon, std::vector<std::vector<Arrivals>>(pops));
  for (size_t s = 0; s < horizon; ++s)
    for (size_t p = 0; p < pops; ++p)
      arrivals[s][p].resize(g.populations[p].size);
  SteppedIR out;
  auto send = [&](const std::string &source, uint32_t neuron, uint32_t grid) {
    for (const ir::Projection &p : g.projections) {
      if (p.source != source)
        continue;
      size_t target = g.findNode(p.target)->index;
      const ir::Population &t = g.populations[target];
      for (size_t k = 0; k < p.numSynapses(); ++k) {
        auto [pre, post] = ir::synapseEnds(p, t.size, k);
        if (pre != neuron)
          continue;
        uint32_t at = grid + (p.delaySteps.empty() ? 0 : p.delaySteps[k]);
        int32_t w = p.weightsInt[k];
        REQUIRE(p.quantisation.exponent >= 0);
        Arrivals &a = arrivals[at][target][post];
        a.sum += int64_t(w) << p.quantisation.exponent;
        ++a.count;
        int64_t &units = a.units[w < 0];
        units += t.kind == ir::NeuronKind::Relay
                     ? 1
                     : int64_t(std::abs(w))
                           << (p.quantisation.exponent - shift[target][w < 0]);
        if (units > 65535)
          out.firstSaturation = std::min(out.firstSaturation, at);
      }
    }
  };
  for (const sim::InputEvent &e : input.events)
    send(g.inputs[e.input].name, e.channel, e.step);

  sim::TrialResult &r = out.result;
  std::vector<std::vector<int64_t>> v(pops), u(pops);
  for (size_t p = 0; p < pops; ++p) {
    v[p].assign(g.populations[p].size, 0);
    u[p].assign(g.populations[p].size, 0);
    r.populations.push_back({g.populations[p].name, g.populations[p].size, {}});
  }
  const ir::Population *readout = g.findPopulation(g.outputs[0].population);
  size_t readoutIndex = g.findNode(readout->name)->index;
  r.readout.voltage.assign(size_t(input.numSteps + 1) * readout->size, 0.0);
  for (uint32_t n = 0; n < input.numSteps; ++n) {
    std::vector<std::pair<size_t, uint32_t>> spikes;
    for (size_t p = 0; p < pops; ++p) {
      const ir::Population &pop = g.populations[p];
      const ir::FixedPointNeuron &f = pop.fixed;
      for (uint32_t i = 0; i < pop.size; ++i) {
        const Arrivals &a = arrivals[n][p][i];
        if (pop.kind == ir::NeuronKind::Relay) {
          if (a.count > 0)
            spikes.push_back({p, i});
          continue;
        }
        u[p][i] += a.sum;
        v[p][i] =
            ((v[p][i] * int64_t(f.decayMem)) >> f.decayBits) + u[p][i] + f.bias;
        u[p][i] = (u[p][i] * int64_t(f.decaySyn)) >> f.decayBits;
        if (pop.isSpiking() && v[p][i] >= f.threshold) {
          v[p][i] = f.reset;
          spikes.push_back({p, i});
        }
      }
    }
    for (auto [p, i] : spikes) {
      r.populations[p].spikes.push_back({n + 1, i});
      send(g.populations[p].name, i, n + 1);
    }
    for (uint32_t i = 0; i < readout->size; ++i)
      r.readout.voltage[size_t(n + 1) * readout->size + i] =
          double(v[readoutIndex][i]);
  }
  return out;
}

/// The spikes of `spikes` up to grid point `last`.
std::vector<sim::SpikeEvent> upTo(const std::vector<sim::SpikeEvent> &spikes,
                                  uint32_t last) {
  std::vector<sim::SpikeEvent> out;
  for (const sim::SpikeEvent &s : spikes)
    if (s.step <= last)
      out.push_back(s);
  return out;
}

/// The spikes of `population` in `r`.
const std::vector<sim::SpikeEvent> &spikesOf(const sim::TrialResult &r,
                                             llvm::StringRef population) {
  for (const sim::PopulationSpikes &p : r.populations)
    if (p.population == population)
      return p.spikes;
  FAIL("no population " << population.str());
  static const std::vector<sim::SpikeEvent> none;
  return none;
}

ir::Population population(const std::string &name, uint32_t size,
                          ir::NeuronKind kind, double tauMem, double tauSyn) {
  ir::Population p;
  p.name = name;
  p.size = size;
  p.kind = kind;
  p.params.tauMemMs = tauMem;
  p.params.tauSynMs = tauSyn;
  p.params.threshold = 1.0;
  return p;
}

} // namespace

TEST_CASE("a deployed network spikes when its delays say, through a relay "
          "stage too",
          "[spinnaker][e2e]") {
  using namespace ir;
  Graph g;
  g.name = "small";
  g.dtMs = 1.0;
  g.inputs.push_back({"in", 3, {}});
  g.populations.push_back(population("hid", 3, NeuronKind::LIF, 20, 5));
  g.populations.push_back(
      population("out", 2, NeuronKind::LeakyIntegrator, 10, 5));
  Projection in;
  in.name = "in->hid";
  in.source = "in";
  in.target = "hid";
  in.connectivity = Connectivity::Sparse;
  in.pre = {0, 1, 2};
  in.post = {0, 1, 2};
  in.weights = {2.0f, 2.0f, 0.6f};
  in.delaysMs = {3, 20, 1};
  g.projections.push_back(in);
  Projection out;
  out.name = "hid->out";
  out.source = "hid";
  out.target = "out";
  out.connectivity = Connectivity::Dense;
  out.weights = {0.5f, -0.25f, 0.3f, 0.4f, -0.2f, 0.1f};
  out.delaysMs = {1, 1, 1, 1, 1, 1};
  g.projections.push_back(out);
  g.outputs.push_back({"out", Decoding::MaxVoltage, {"a", "b"}});

  target::TargetDescription desc = spinnakerDescription();
  std::string bytes = deploy(g, desc);
  auto emu = sim::spinnaker::createSpiNNakerEmulator();
  REQUIRE(errorText(emu->load(bytes, "small/spinnaker.axoncfg")) == "");
  CHECK(emu->layout().family == "spinnaker");
  CHECK(emu->layout().graph == "small");
  REQUIRE(emu->layout().inputs.size() == 1);
  CHECK(emu->layout().inputs[0].size == 3);
  CHECK(emu->layout().readout == "out");
  CHECK(emu->layout().classNames == std::vector<std::string>{"a", "b"});

  // in0 at grid 1 (D 3), in1 at grid 2 (D 20), in2 at grids 0 and 1 (D 1).
  sim::TrialInput input;
  input.numSteps = 30;
  input.events = {{0, 0, 2}, {1, 0, 0}, {1, 0, 2}, {2, 0, 1}};
  llvm::Expected<sim::TrialResult> r = emu->run(input);
  REQUIRE(errorText(r) == "");
  // hid0: arrives before step 1 + 3 = 4, weight 2 x threshold: crosses in
  //       step 4 -> grid 5.
  // hid2: 0.6 before step 1 (v = 0.6), 0.6 before step 2: v = 0.6 e^{-1/20}
  //       + 0.6 = 1.17 >= 1: crosses in step 2 -> grid 3.
  // hid1: D = 20 = 15 (in -> in.relay1) + 1 (relay) + 4: the relay fires at
  //       grid 2 + 15 + 1 = 18, hid1 crosses in step 22 -> grid 23.
  std::vector<sim::SpikeEvent> hid = {{3, 2}, {5, 0}, {23, 1}};
  CHECK(spikesOf(*r, "hid") == hid);
  std::vector<sim::SpikeEvent> relay = {{18, 0}};
  CHECK(spikesOf(*r, "in.relay1") == relay);
  CHECK(spikesOf(*r, "out").empty());
  // The readout: out0 = 0.5 hid0 + 0.3 hid1 + (-0.2) hid2 ... its state is
  // still 0 until hid2's spike (grid 3) arrives before step 4.
  REQUIRE(r->readout.voltage.size() == 31 * 2);
  for (uint32_t n = 0; n <= 4; ++n)
    CHECK(r->readout.voltage[n * 2] == 0.0);
  CHECK(r->readout.voltage[5 * 2] < 0.0); // -0.2 x c, in state units
  CHECK(r->readout.stateScale == g.populations[1].fixed.stateScale);

  // And all of it equals the IR's integer stepped model.
  SteppedIR ir = stepIR(g, input);
  CHECK(ir.firstSaturation == ~0u);
  for (const sim::PopulationSpikes &p : ir.result.populations)
    CHECK(spikesOf(*r, p.population) == p.spikes);
  CHECK(r->readout.voltage == ir.result.readout.voltage);
}

TEST_CASE("on random quantised networks the chip's spikes and readout equal "
          "the IR's integer stepped model step for step until a ring entry "
          "saturates",
          "[spinnaker][e2e]") {
  // The emitter stores weights at the finest shift that fits the largest
  // one in 16 bits (quantise-weights, SynapticRows.cpp), so two strong
  // arrivals of one type in one tick can exceed a ring entry: from that
  // tick on the chip (saturating, as the configuration documents) and the
  // IR (unbounded sums) may differ. Up to it they must agree exactly; busy
  // networks (seeds 1-4) saturate, sparse ones (5-8) must not, and then
  // agree over the whole trial.
  using namespace ir;
  target::TargetDescription desc = spinnakerDescription();
  uint32_t unsaturated = 0;
  size_t compared = 0, comparedUnsaturated = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    bool busy = seed <= 4;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> weight(-0.6f, 1.2f);
    std::uniform_int_distribution<int> delay(1, 40);
    Graph g;
    g.name = fmt::format("random{}", seed);
    g.dtMs = 1.0;
    g.inputs.push_back({"in", 8, {}});
    g.populations.push_back(population("hid", 12, NeuronKind::CubaLIF, 20, 5));
    g.populations.push_back(population("lif", 5, NeuronKind::LIF, 10, 5));
    g.populations.push_back(
        population("out", 3, NeuronKind::LeakyIntegrator, 20, 5));
    auto dense = [&](std::string source, std::string target, uint32_t pre,
                     uint32_t post, bool delays) {
      Projection p;
      p.name = source + "->" + target;
      p.source = source;
      p.target = target;
      p.connectivity = Connectivity::Dense;
      for (uint32_t k = 0; k < pre * post; ++k) {
        p.weights.push_back(weight(rng));
        p.delaysMs.push_back(delays ? float(delay(rng)) : 1.0f);
      }
      return p;
    };
    g.projections.push_back(dense("in", "hid", 8, 12, true));
    Projection rec = dense("hid", "hid", 12, 12, true);
    for (float &w : rec.weights)
      w *= 0.3f;
    g.projections.push_back(rec);
    g.projections.push_back(dense("hid", "lif", 12, 5, true));
    g.projections.push_back(dense("lif", "out", 5, 3, false));
    g.outputs.push_back({"out", Decoding::MeanVoltage, {}});

    std::string bytes = deploy(g, desc);
    auto emu = sim::spinnaker::createSpiNNakerEmulator();
    REQUIRE(errorText(emu->load(bytes, "random.axoncfg")) == "");

    sim::TrialInput input;
    input.numSteps = 120;
    std::bernoulli_distribution fires(busy ? 0.15 : 0.01);
    for (uint32_t s = 0; s < 100; ++s)
      for (uint32_t c = 0; c < 8; ++c)
        if (fires(rng))
          input.events.push_back({s, 0, c});
    llvm::Expected<sim::TrialResult> chip = emu->run(input);
    REQUIRE(errorText(chip) == "");
    SteppedIR ir = stepIR(g, input);

    INFO("seed " << seed << ", first saturating step " << ir.firstSaturation);
    // A crossing in tick t is the spike at grid t + 1: every spike up to
    // grid S (S the first saturating tick) and every readout sample up to
    // grid S come from ticks before S.
    uint32_t last = std::min(ir.firstSaturation, input.numSteps);
    size_t spikes = 0;
    for (const sim::PopulationSpikes &p : ir.result.populations) {
      INFO("population " << p.population);
      CHECK(upTo(spikesOf(*chip, p.population), last) == upTo(p.spikes, last));
      spikes += upTo(p.spikes, last).size();
    }
    size_t samples = size_t(last + 1) * chip->readout.size;
    REQUIRE(chip->readout.voltage.size() >= samples);
    CHECK(std::equal(chip->readout.voltage.begin(),
                     chip->readout.voltage.begin() + samples,
                     ir.result.readout.voltage.begin()));
    // The chip counts the saturations the IR sums predict, and no others.
    CHECK((chip->counters.overflows > 0) ==
          (ir.firstSaturation < input.numSteps));
    compared += spikes;
    if (ir.firstSaturation == ~0u) {
      ++unsaturated;
      comparedUnsaturated += spikes;
    }
  }
  // The description's 3 headroom bits keep even the busy seeds (which
  // saturated within 17-25 ticks without them) from saturating: the chip
  // is the IR's integer model over whole trials.
  CHECK(unsaturated >= 6);
  // The comparisons are not vacuous.
  CHECK(compared > 40);
  CHECK(comparedUnsaturated > 10);
}
