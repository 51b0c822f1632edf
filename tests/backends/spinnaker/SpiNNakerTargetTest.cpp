//===- SpiNNakerTargetTest.cpp - The SpiNNaker-like emitter end to end ----===//
//
// What emit() checks before it writes anything (level, description hash,
// the graph's validity), the files it writes, the golden graph's neuron
// slices and input/output maps (keys = source << 16 | rank << 8 | slot,
// source = chip * 16 + core, host slices 64 + h), byte-identical output,
// a FLOAT graph through the whole pipeline with a 40-step delay that needs
// delay-extension stages, and a read-back property test: on seeded random
// graphs, decoding every emitted word through the master population tables
// gives back exactly the graph's synapses.
//===----------------------------------------------------------------------===//
#include "SpiNNakerTestSupport.h"

#include "backends/spinnaker/SynapseWord.h"
#include "passes/PassContext.h"
#include "passes/PassManager.h"
#include "passes/PassRegistry.h"
#include "passes/PlacementTestSupport.h"
#include "passes/Route.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <tuple>

using namespace axon;
namespace cfg = axon::spinnaker::proto;
using U = std::vector<uint32_t>;

TEST_CASE("emit refuses a graph that is not PLACED", "[spinnaker][errors]") {
  target::TargetDescription t = test::spinnakerTarget();
  ir::Graph g = test::goldenPlacedGraph(t);
  g.level = ir::IRLevel::Quantised;
  CHECK(test::emitError(g, t) ==
        "graph 'golden': level QUANTISED: the spinnaker emitter needs a "
        "PLACED graph (run partition and route)");
}

TEST_CASE("emit refuses a graph lowered for another description, naming "
          "both hashes",
          "[spinnaker][errors]") {
  target::TargetDescription t = test::spinnakerTarget();
  ir::Graph g = test::goldenPlacedGraph(t);
  g.target.descriptionHash = "0123456789abcdef";
  CHECK(test::emitError(g, t) ==
        "graph 'golden': lowered for target 'spinnaker' with description "
        "hash '0123456789abcdef', but the description given is 'spinnaker' "
        "with hash '" +
            t.hash() + "': lower the graph for this description");
  g.target = {};
  CHECK(test::emitError(g, t) ==
        "graph 'golden': records no target description, but the description "
        "given is 'spinnaker' with hash '" +
            t.hash() +
            "': lower the graph for it (discretise-delays with a target "
            "records it)");
}

TEST_CASE("emit refuses a graph the verifier rejects", "[spinnaker][errors]") {
  target::TargetDescription t = test::spinnakerTarget();
  ir::Graph g = test::goldenPlacedGraph(t);
  g.populations[0].placement.slot.pop_back();
  CHECK_THAT(test::emitError(g, t), Catch::Contains("population 'hid'") &&
                                        Catch::Contains("placement.slot"));
}

TEST_CASE("emit refuses a description it cannot realise",
          "[spinnaker][errors]") {
  target::TargetDescription t = test::editedSpiNNakerTarget(
      [](target::proto::Target &d) { d.mutable_delays()->set_delay_bits(8); });
  ir::Graph g = test::goldenPlacedGraph(t);
  CHECK(test::emitError(g, t) ==
        "target 'spinnaker': a synapse word needs 33 bits (weights.bits 16 + "
        "delays.delay_bits 8 + 1 type bits + synapse_index_bits 8) but "
        "holds 32");
}

TEST_CASE("emit writes the framed configuration, its text form and the "
          "report",
          "[spinnaker]") {
  target::TargetDescription t = test::spinnakerTarget();
  llvm::Expected<backends::EmittedConfig> out =
      test::emitSpiNNaker(test::goldenPlacedGraph(t), t);
  REQUIRE(test::errorText(out) == "");
  REQUIRE(out->files.size() == 3);
  CHECK(out->files[0].name == "spinnaker.axoncfg");
  CHECK(out->files[1].name == "spinnaker.pbtxt");
  CHECK(out->files[2].name == "report.txt");
  CHECK(llvm::StringRef(out->files[0].bytes)
            .startswith(llvm::StringRef("AXONSPN\0", 8)));
  CHECK(out->files[2].bytes == out->report);
  // The text form parses back to the same message as the binary one.
  cfg::SpiNNakerConfig fromText;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(out->files[1].bytes,
                                                        &fromText));
  cfg::SpiNNakerConfig fromBinary =
      test::emitAndRead(test::goldenPlacedGraph(t), t);
  CHECK(fromText.SerializeAsString() == fromBinary.SerializeAsString());
}

TEST_CASE("the configuration header records the graph, target and formats",
          "[spinnaker][golden]") {
  target::TargetDescription t = test::spinnakerTarget();
  cfg::SpiNNakerConfig c = test::emitAndRead(test::goldenPlacedGraph(t), t);
  CHECK(c.version() == 1u);
  CHECK(c.graph_name() == "golden");
  CHECK(c.target_name() == "spinnaker");
  CHECK(c.target_hash() == t.hash());
  CHECK(c.dt_ms() == 1.0);
  CHECK(c.word_layout().weight_bits() == 16u);
  CHECK(c.word_layout().delay_bits() == 4u);
  CHECK(c.word_layout().type_bits() == 1u);
  CHECK(c.word_layout().index_bits() == 8u);
  CHECK(c.arithmetic().state_bits() == 32u);
  CHECK(c.arithmetic().state_frac_bits() == 15u);
  CHECK(c.arithmetic().decay_bits() == 32u);
  CHECK(c.arithmetic().threshold_compare() == cfg::GREATER_EQUAL);
  CHECK(c.arithmetic().synapse_types() == 2u);
  CHECK(c.arithmetic().ring_slots() == 16u);
  CHECK(c.arithmetic().ring_entry_bits() == 16u);
  CHECK(c.cores_per_chip() == 16u);
  CHECK(c.key_index_bits() == 8u);
}

TEST_CASE("neuron slices carry placement, keys and chip-format constants",
          "[spinnaker][golden]") {
  target::TargetDescription t = test::spinnakerTarget();
  cfg::SpiNNakerConfig c = test::emitAndRead(test::goldenPlacedGraph(t), t);
  const cfg::Core &h = test::coreAt(c, 0, 0);
  CHECK(h.slots() == 3u);
  REQUIRE(h.slices_size() == 1);
  const cfg::NeuronSlice &hid = h.slices(0);
  CHECK(hid.population() == "hid");
  CHECK(hid.first_neuron() == 0u);
  CHECK(hid.count() == 3u);
  CHECK(hid.first_slot() == 0u);
  CHECK(hid.key_base() == 0x00000000u);
  CHECK(hid.model() == cfg::CUBA_LIF);
  CHECK_FALSE(hid.relay());
  CHECK(hid.threshold() == 0x8000); // 1.0 in s16.15
  CHECK(hid.reset() == 0);
  CHECK(hid.bias() == -100);
  CHECK(hid.decay_mem() == 0xFA000000u); // 4000 << (32 - 12)
  CHECK(hid.decay_syn() == 0x80000000u); // 2048 << 20
  CHECK(hid.refractory_ticks() == 2u);

  const cfg::Core &o = test::coreAt(c, 1, 2);
  CHECK(o.slots() == 2u);
  REQUIRE(o.slices_size() == 1);
  const cfg::NeuronSlice &out = o.slices(0);
  CHECK(out.population() == "out");
  CHECK(out.key_base() == 0x00120000u); // source 1 * 16 + 2 = 18
  CHECK(out.model() == cfg::LEAKY_INTEGRATOR);
  CHECK(out.bias() == 24); // 3 << (15 - 12)
  CHECK(out.decay_mem() == 0xF0000000u);
  CHECK(out.decay_syn() == 0x12345678u);
}

TEST_CASE("input and output maps give each channel's and readout's key",
          "[spinnaker][golden]") {
  target::TargetDescription t = test::spinnakerTarget();
  cfg::SpiNNakerConfig c = test::emitAndRead(test::goldenPlacedGraph(t), t);
  REQUIRE(c.inputs_size() == 1);
  CHECK(c.inputs(0).input() == "in");
  CHECK(c.inputs(0).size() == 2u);
  CHECK(c.inputs(0).inject_chip() == 0u);
  // Host slice 0 is source 4 chips x 16 cores = 64: 64 << 16.
  CHECK(U(c.inputs(0).keys().begin(), c.inputs(0).keys().end()) ==
        U{0x00400000, 0x00400001});
  REQUIRE(c.outputs_size() == 1);
  const cfg::OutputMap &o = c.outputs(0);
  CHECK(o.population() == "out");
  CHECK(o.decoding() == cfg::MAX_VOLTAGE);
  CHECK(o.class_names_size() == 2);
  CHECK(U(o.chip().begin(), o.chip().end()) == U{1, 1});
  CHECK(U(o.core().begin(), o.core().end()) == U{2, 2});
  CHECK(U(o.slot().begin(), o.slot().end()) == U{0, 1});
  CHECK(U(o.keys().begin(), o.keys().end()) == U{0x00120000, 0x00120001});
}

TEST_CASE("two emissions of one graph are byte-identical", "[spinnaker]") {
  target::TargetDescription t = test::spinnakerTarget();
  ir::Graph g = test::goldenPlacedGraph(t);
  llvm::Expected<backends::EmittedConfig> a = test::emitSpiNNaker(g, t);
  ir::Graph copy = g;
  llvm::Expected<backends::EmittedConfig> b = test::emitSpiNNaker(copy, t);
  REQUIRE(test::errorText(a) == "");
  REQUIRE(test::errorText(b) == "");
  REQUIRE(a->files.size() == b->files.size());
  for (size_t i = 0; i < a->files.size(); ++i) {
    CHECK(a->files[i].name == b->files[i].name);
    CHECK(a->files[i].bytes == b->files[i].bytes);
  }
  CHECK(g == copy); // emit never changes the graph
}

namespace {

/// in(2) -> hid(3, CUBA_LIF) with delays 40 ms (needs 2 extension stages
/// of 16 plus a last hop of 8), 3 ms and 1 ms; hid -> out(2, LI) 2 ms.
ir::Graph floatGraphWithLongDelay() {
  ir::Graph g;
  g.name = "long";
  g.level = ir::IRLevel::Float;
  g.dtMs = 1.0;
  g.inputs.push_back({"in", 2, {}});
  ir::Population hid = test::makePopulation("hid", 3, ir::NeuronKind::CubaLIF);
  hid.params = {
      /*tauMemMs=*/20, /*tauSynMs=*/5,     /*threshold=*/1,
      /*reset=*/0,     /*refractoryMs=*/2, /*bias=*/0};
  g.populations.push_back(hid);
  ir::Population out =
      test::makePopulation("out", 2, ir::NeuronKind::LeakyIntegrator);
  out.params = {10, 5, 1, 0, 0, 0};
  g.populations.push_back(out);
  ir::Projection a = test::makeDense("in->hid", "in", "hid", 2, 3);
  a.weights = {0.5f, -0.25f, 1.0f, 0.75f, 0.25f, -2.0f};
  a.delaysMs = {40, 3, 1, 1, 40, 2};
  g.projections.push_back(a);
  ir::Projection b = test::makeDense("hid->out", "hid", "out", 3, 2);
  b.weights = {1.5f, -0.5f, 0.25f, 1.0f, -1.0f, 0.5f};
  b.delaysMs = {2, 2, 2, 2, 2, 2};
  g.projections.push_back(b);
  g.outputs.push_back({"out", ir::Decoding::MaxVoltage, {"a", "b"}});
  return g;
}

/// Quantises a DISCRETE graph by hand (unit state scale, weights * 1000 at
/// exponent 0), for when the quantise passes are not registered.
void quantiseByHand(ir::Graph &g) {
  for (ir::Population &p : g.populations)
    p.fixed = {/*threshold=*/0x8000,
               /*reset=*/0,
               /*bias=*/0,
               /*decayMem=*/0xF0000000u,
               /*decaySyn=*/0xC0000000u,
               /*decayBits=*/32,
               /*stateBits=*/32,
               /*stateFracBits=*/15,
               /*refractorySteps=*/0,
               /*stateScale=*/1.0 / 32768};
  for (ir::Projection &p : g.projections) {
    p.weightsInt.clear();
    for (float w : p.weights)
      p.weightsInt.push_back(static_cast<int32_t>(std::lround(w * 1000)));
    p.quantisation = {17, 1.0 / 1000, 0};
  }
  g.level = ir::IRLevel::Quantised;
}

llvm::Error runPipeline(ir::Graph &g, const target::TargetDescription &t,
                        llvm::StringRef pipeline) {
  passes::PassManager pm;
  if (llvm::Error err = pm.addPipeline(pipeline))
    return err;
  passes::PassContext ctx(&t, "net.axon", passes::kDefaultSeed);
  return pm.run(g, ctx);
}

bool quantisePassesRegistered() {
  for (const passes::PassInfo &p : passes::listPasses())
    if (p.name == "quantise-neurons")
      return true;
  return false;
}

} // namespace

TEST_CASE("a FLOAT graph with a 40-step delay goes through the pipeline "
          "and emits delay-extension stages",
          "[spinnaker]") {
  target::TargetDescription t = test::spinnakerTarget();
  ir::Graph g = floatGraphWithLongDelay();
  if (quantisePassesRegistered()) {
    REQUIRE(test::errorText(runPipeline(
                g, t,
                "discretise-delays,delay-lines,prune,quantise-neurons,"
                "quantise-weights,partition,route")) == "");
  } else {
    REQUIRE(test::errorText(runPipeline(
                g, t, "discretise-delays,delay-lines,prune")) == "");
    quantiseByHand(g);
    REQUIRE(test::errorText(runPipeline(g, t, "partition,route")) == "");
  }
  llvm::Expected<backends::EmittedConfig> out = test::emitSpiNNaker(g, t);
  REQUIRE(test::errorText(out) == "");

  INFO(out->report);
  // delay-lines (M = H = 16): n = ceil((40 - 16) / 16) = 2 stages and a
  // last hop r = 40 - 2 x 16 = 8.
  CHECK_THAT(out->report,
             Catch::Contains("longest delay chain: 40 steps = 2 relay "
                             "stage(s) x 16 steps + last hop 8"));
  cfg::SpiNNakerConfig c = test::emitAndRead(g, t);
  size_t relaySlices = 0;
  for (const cfg::Chip &chip : c.chips())
    for (const cfg::Core &core : chip.cores())
      for (const cfg::NeuronSlice &s : core.slices())
        if (s.relay()) {
          ++relaySlices;
          CHECK(s.model() == cfg::RELAY);
        }
  CHECK(relaySlices >= 1);
  for (const cfg::Chip &chip : c.chips())
    for (const cfg::Core &core : chip.cores())
      for (const cfg::MasterPopulationEntry &e : core.master_population_table())
        CHECK(e.row_length() <= 256u);
}

namespace {

/// (source key, chip, core, slot, on-core delay L, signed weight) of one
/// synapse as the chip will apply it.
using Delivered =
    std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, int64_t>;

/// Every synapse of `c`, decoded through the master population tables.
std::multiset<Delivered> decode(const cfg::SpiNNakerConfig &c) {
  std::multiset<Delivered> out;
  spinnaker::SynapseWordLayout l = spinnaker::layoutFromProto(c.word_layout());
  uint32_t slots = 1u << l.delayBits;
  for (const cfg::Chip &chip : c.chips())
    for (const cfg::Core &core : chip.cores()) {
      // Slot -> the slice holding it, for the relay rule and the shifts.
      std::map<uint32_t, const cfg::NeuronSlice *> bySlot;
      for (const cfg::NeuronSlice &s : core.slices())
        for (uint32_t i = 0; i < s.count(); ++i)
          bySlot[s.first_slot() + i] = &s;
      for (const cfg::MasterPopulationEntry &e :
           core.master_population_table()) {
        uint32_t stride = spinnaker::kRowHeaderWords + e.row_length();
        for (uint32_t r = 0; r < e.row_count(); ++r) {
          uint32_t at = e.address() + r * stride;
          REQUIRE(core.synaptic_matrix(at) == 0u);
          uint32_t n = core.synaptic_matrix(at + 1);
          REQUIRE(core.synaptic_matrix(at + 2) == 0u);
          REQUIRE(n <= e.row_length());
          for (uint32_t w = 0; w < n; ++w) {
            spinnaker::SynapseWord s = spinnaker::unpackSynapseWord(
                l, core.synaptic_matrix(at + spinnaker::kRowHeaderWords + w));
            uint32_t delay = s.delay == 0 ? slots : s.delay;
            const cfg::NeuronSlice *target = bySlot.at(s.index);
            int64_t weight = target->relay()
                                 ? 1
                                 : int64_t(s.weight)
                                       << target->ring_shift(s.type);
            out.emplace(e.key() | (e.first_index() + r), chip.chip(),
                        core.core(), s.index, delay, s.type ? -weight : weight);
          }
        }
      }
    }
  return out;
}

/// The same, from the graph: keys from the route pass's assignment,
/// weights_int << (exponent + 15 - state_frac_bits).
std::multiset<Delivered> expected(const ir::Graph &g,
                                  const target::TargetDescription &t) {
  passes::KeyAssignment a = llvm::cantFail(passes::assignKeys(g, t, ""));
  std::map<std::pair<std::string, uint32_t>, uint32_t> key;
  for (const passes::SourceSlice &s : a.slices)
    for (size_t i = 0; i < s.neurons.size(); ++i)
      key[{s.node, s.neurons[i]}] = s.keys[i];
  std::multiset<Delivered> out;
  for (const ir::Projection &p : g.projections) {
    const ir::Population &target = *g.findPopulation(p.target);
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      auto [pre, post] = ir::synapseEnds(p, target.size, k);
      int64_t w = target.kind == ir::NeuronKind::Relay
                      ? 1
                      : int64_t(p.weightsInt[k])
                            << (p.quantisation.exponent + 15 -
                                int64_t(target.fixed.stateFracBits));
      out.emplace(key.at({p.source, pre}), target.placement.chip[post],
                  target.placement.core[post], target.placement.slot[post],
                  p.delaySteps[k], w);
    }
  }
  return out;
}

/// A random DISCRETE graph with delays 1..30 steps, for the tiny target
/// (8 steps on core, stages of 8).
ir::Graph randomDiscreteGraph(std::mt19937_64 &rng, uint64_t seed) {
  auto uniform = [&](uint32_t lo, uint32_t hi) {
    return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
  };
  ir::Graph g;
  g.name = fmt::format("random{}", seed);
  g.level = ir::IRLevel::Discrete;
  uint32_t inputs = uniform(1, 2), pops = uniform(1, 4);
  for (uint32_t i = 0; i < inputs; ++i)
    g.inputs.push_back({fmt::format("in{}", i), uniform(1, 6), {}});
  for (uint32_t i = 0; i < pops; ++i)
    g.populations.push_back(test::makePopulation(
        fmt::format("p{}", i), uniform(1, 9),
        uniform(0, 1) ? ir::NeuronKind::LIF : ir::NeuronKind::CubaLIF));
  uint32_t projections = uniform(1, 6);
  for (uint32_t i = 0; i < projections; ++i) {
    uint32_t src = uniform(0, inputs + pops - 1);
    std::string source =
        src < inputs ? g.inputs[src].name : g.populations[src - inputs].name;
    std::string target = g.populations[uniform(0, pops - 1)].name;
    uint32_t preSize = *g.sizeOf(source), postSize = *g.sizeOf(target);
    ir::Projection p;
    if (uniform(0, 1)) {
      p = test::makeDense(fmt::format("proj{}", i), source, target, preSize,
                          postSize);
    } else {
      p.name = fmt::format("proj{}", i);
      p.source = source;
      p.target = target;
      p.connectivity = ir::Connectivity::Sparse;
      for (uint32_t k = uniform(1, 12); k > 0; --k) {
        p.pre.push_back(uniform(0, preSize - 1));
        p.post.push_back(uniform(0, postSize - 1));
        p.weights.push_back(1.0f);
      }
    }
    for (float &w : p.weights)
      w = uniform(0, 1) ? 1.0f : -1.0f;
    for (size_t k = 0; k < p.weights.size(); ++k)
      p.delaySteps.push_back(uniform(1, 30));
    g.projections.push_back(std::move(p));
  }
  return g;
}

} // namespace

TEST_CASE("decoding every emitted word gives back the graph's synapses",
          "[spinnaker][property]") {
  test::TinyResources r;
  r.neuronsPerCore = 4;
  r.coresPerChip = 8;
  r.chips = 4;
  r.indexBits = 2;
  target::TargetDescription t = test::tinyTarget(r);
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    ir::Graph g = randomDiscreteGraph(rng, seed);
    REQUIRE(test::errorText(runPipeline(g, t, "delay-lines,prune")) == "");
    // Weights +-1..3 (2-bit magnitudes), one exponent per population so
    // the shifts need no alignment; 12 or 15 fractional state bits.
    for (ir::Population &p : g.populations)
      p.fixed = {0x8000,
                 0,
                 0,
                 100,
                 100,
                 12,
                 32,
                 std::uniform_int_distribution<uint32_t>(0, 1)(rng) ? 12u : 15u,
                 0,
                 1.0};
    for (ir::Projection &p : g.projections) {
      p.weightsInt.clear();
      for (float w : p.weights) {
        int32_t m = std::uniform_int_distribution<int32_t>(1, 3)(rng);
        p.weightsInt.push_back(w < 0 ? -m : m);
      }
      p.quantisation = {3, 1.0, 0};
    }
    g.level = ir::IRLevel::Quantised;
    g.target = {t.name().str(), t.hash()};
    REQUIRE(test::errorText(runPipeline(g, t, "partition,route")) == "");
    cfg::SpiNNakerConfig c = test::emitAndRead(g, t);
    CHECK(decode(c) == expected(g, t));
  }
}
