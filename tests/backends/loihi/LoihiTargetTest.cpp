//===- LoihiTargetTest.cpp - The Loihi-like emitter -----------------------===//
//
// Golden tests: the tables of the hand-built graph of LoihiTestGraphs.h,
// each expected integer derived by hand in a comment from the formulas of
// LoihiConfig.proto and CoreTables.cpp / SynapseTables.cpp / AxonMaps.cpp.
// Then the checks emit() makes (level, hash, exponent range, delay and
// weight widths, stale routes), each message naming what, where and the
// limit, and determinism.
//===----------------------------------------------------------------------===//
#include "backends/loihi/LoihiTarget.h"

#include "LoihiTestGraphs.h"
#include "passes/PassContext.h"
#include "passes/Route.h"

#include "support/Errors.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace axon;
using namespace axon::backends::loihi;

namespace {

proto::LoihiConfig buildGolden() {
  target::TargetDescription desc = test::loihiTarget();
  llvm::Expected<proto::LoihiConfig> config =
      buildLoihiConfig(test::goldenLoihiGraph(desc), desc);
  REQUIRE(test::errorText(config) == "");
  return std::move(*config);
}

struct Syn {
  uint32_t compartment;
  int32_t weight;
  uint32_t delay, config;
};

void checkAxon(const proto::InputAxon &axon, uint32_t key,
               const std::string &source, uint32_t neuron,
               std::vector<Syn> synapses) {
  INFO("axon of " << source << " " << neuron);
  CHECK(axon.source_key() == key);
  CHECK(axon.source() == source);
  CHECK(axon.source_neuron() == neuron);
  REQUIRE(axon.synapses_size() == int(synapses.size()));
  for (size_t s = 0; s < synapses.size(); ++s) {
    INFO("synapse " << s);
    const proto::Synapse &got = axon.synapses(int(s));
    CHECK(got.compartment() == synapses[s].compartment);
    CHECK(got.weight() == synapses[s].weight);
    CHECK(got.delay() == synapses[s].delay);
    CHECK(got.config() == synapses[s].config);
  }
}

struct Dest {
  uint32_t chip, core, axon;
};

void checkTargets(
    const google::protobuf::RepeatedPtrField<proto::AxonTarget> &got,
    std::vector<Dest> want) {
  REQUIRE(got.size() == int(want.size()));
  for (size_t t = 0; t < want.size(); ++t) {
    CHECK(got[int(t)].chip() == want[t].chip);
    CHECK(got[int(t)].core() == want[t].core);
    CHECK(got[int(t)].axon() == want[t].axon);
  }
}

} // namespace

TEST_CASE("the hand-derived routes of the golden graph are route's",
          "[loihi][golden]") {
  // Check that the routes written by hand in goldenLoihiGraph are what the
  // route pass builds, so the golden graph is a graph the pipeline makes.
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  std::vector<ir::RoutingEntry> byHand = g.routes;
  passes::PassContext ctx(&desc, "golden.axon", passes::kDefaultSeed);
  passes::RoutePass route;
  REQUIRE(test::errorText(route.run(g, ctx)) == "");
  CHECK(g.routes == byHand);
}

TEST_CASE("loihi emitter writes the header and the chip format",
          "[loihi][golden]") {
  target::TargetDescription desc = test::loihiTarget();
  proto::LoihiConfig c = buildGolden();
  CHECK(c.version() == 1);
  CHECK(c.name() == "golden");
  CHECK(c.dt_ms() == 1.0);
  CHECK(c.target_name() == "loihi");
  CHECK(c.target_hash() == desc.hash());
  // Copied from loihi.pbtxt; weight_bits = weights.bits 7 + the sign.
  const proto::ChipFormat &f = c.format();
  CHECK(f.state_bits() == 24);
  CHECK(f.current_overflow() == proto::WRAP);
  CHECK(f.voltage_overflow() == proto::SATURATE);
  CHECK(f.decay_bits() == 12);
  CHECK(f.decay_rounding() == proto::TOWARD_ZERO);
  CHECK(f.current_decay_offset() == 1);
  CHECK(f.threshold_bits() == 17);
  CHECK(f.threshold_shift() == 6);
  CHECK(f.bias_bits() == 13);
  CHECK(f.max_bias_exponent() == 7);
  CHECK(f.weight_bits() == 8);
  CHECK(f.weight_exponent_offset() == 6);
  CHECK(f.min_weight_exponent() == -8);
  CHECK(f.max_weight_exponent() == 7);
  CHECK(f.input_bits() == 22);
  CHECK(f.delay_bits() == 6);
  CHECK(f.max_delay() == 62); // min(max_on_core_steps 62, 2^6 - 1)
  CHECK(f.max_refractory_steps() == 63);
  CHECK(c.notes_size() == 0); // every integer of the graph is exact
  // The description's costs, the budget for the graph's 1 ms tick.
  CHECK(c.costs().cycles_per_step_budget() == 100000);
  CHECK(c.costs().cycles_per_synaptic_event() == 1);
  CHECK(c.costs().picojoule_per_synaptic_op() == 23.6);
}

TEST_CASE("loihi emitter scales the real-time budget to the graph's tick",
          "[loihi]") {
  // A graph on a 0.25 ms grid runs 0.25 ms ticks: a quarter of the 1 ms
  // budget of 100,000 cycles.
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  g.dtMs = 0.25;
  llvm::Expected<proto::LoihiConfig> c = buildLoihiConfig(g, desc);
  REQUIRE(test::errorText(c) == "");
  CHECK(c->dt_ms() == 0.25);
  CHECK(c->costs().cycles_per_step_budget() == 25000);
}

TEST_CASE("loihi emitter derives prototypes and compartments by hand",
          "[loihi][golden]") {
  proto::LoihiConfig c = buildGolden();
  // Cores in (chip, core) order: core 0 holds hid and the relay, core 1
  // the readouts.
  REQUIRE(c.cores_size() == 2);
  const proto::Core &c0 = c.cores(0), &c1 = c.cores(1);
  CHECK((c0.chip() == 0 && c0.core() == 0));
  CHECK((c1.chip() == 0 && c1.core() == 1));

  // Core 0, prototype 0 = hid (first by slot):
  //   du = 4096 - decay_syn 2458 - offset 1 = 1637
  //   dv = 4096 - decay_mem 3686 = 410
  //   vth_mant = 4096 >> 6 = 64
  //   bias 5000 does not fit 13 signed bits (max 4095) at exponent 0; at
  //   exponent 1 the mantissa 2500 fits and 2500 << 1 = 5000 exactly
  //   refractory 2
  REQUIRE(c0.prototypes_size() == 2);
  const proto::CompartmentPrototype &hid = c0.prototypes(0);
  CHECK(hid.kind() == proto::SPIKING);
  CHECK(hid.du() == 1637);
  CHECK(hid.dv() == 410);
  CHECK(hid.vth_mant() == 64);
  CHECK(hid.bias_mant() == 2500);
  CHECK(hid.bias_exp() == 1);
  CHECK(hid.refractory_steps() == 2);
  // Prototype 1 = the relay: u and v forgotten each tick (du = dv = 4095;
  // with the offset the current factor is (4096 - 4096)/4096 = 0), fires
  // on any input above vth 0.
  const proto::CompartmentPrototype &relay = c0.prototypes(1);
  CHECK(relay.kind() == proto::RELAY);
  CHECK(relay.du() == 4095);
  CHECK(relay.dv() == 4095);
  CHECK(relay.vth_mant() == 0);
  CHECK(relay.bias_mant() == 0);
  CHECK(relay.refractory_steps() == 0);

  // Compartments by slot: hid 0, 1, 2 share prototype 0; relay slot 3.
  REQUIRE(c0.compartments_size() == 4);
  for (uint32_t s = 0; s < 3; ++s) {
    CHECK(c0.compartments(int(s)).slot() == s);
    CHECK(c0.compartments(int(s)).prototype() == 0);
    CHECK(c0.compartments(int(s)).population() == "hid");
    CHECK(c0.compartments(int(s)).neuron() == s);
    CHECK(c0.compartments(int(s)).reset() == 0);
  }
  CHECK(c0.compartments(3).slot() == 3);
  CHECK(c0.compartments(3).prototype() == 1);
  CHECK(c0.compartments(3).population() == "hid.relay1");

  // Core 1: the readouts, NON_SPIKING:
  //   du = 4096 - 3277 - 1 = 818, dv = 4096 - 4096 = 0 (no leak).
  REQUIRE(c1.prototypes_size() == 1);
  const proto::CompartmentPrototype &out = c1.prototypes(0);
  CHECK(out.kind() == proto::NON_SPIKING);
  CHECK(out.du() == 818);
  CHECK(out.dv() == 0);
  CHECK(out.vth_mant() == 0);
  REQUIRE(c1.compartments_size() == 2);
  CHECK(c1.compartments(1).slot() == 1);
  CHECK(c1.compartments(1).population() == "out");
  CHECK(c1.compartments(1).neuron() == 1);
}

TEST_CASE("loihi emitter derives synapse configs and input axons by hand",
          "[loihi][golden]") {
  proto::LoihiConfig c = buildGolden();
  const proto::Core &c0 = c.cores(0), &c1 = c.cores(1);

  // wexp = IR exponent - 6: in->hid 6 -> 0, hid->hid 5 -> -1, the relay
  // stage (IR exponent 2 ignored) -> 0, hid->out and the final hop 8 -> 2.
  // Core 0 configs sorted: [-1, 0]; core 1: [2].
  REQUIRE(c0.synapse_configs_size() == 2);
  CHECK(c0.synapse_configs(0).weight_exponent() == -1);
  CHECK(c0.synapse_configs(1).weight_exponent() == 0);
  CHECK(c0.synapse_configs(0).weight_bits() == 8);
  REQUIRE(c1.synapse_configs_size() == 1);
  CHECK(c1.synapse_configs(0).weight_exponent() == 2);

  // Core 0 input axons, by source key (hid n = n, hid 2 = 2, in ch =
  // 0x08000000 | ch). Delay fields = IR delay steps (f = D).
  REQUIRE(c0.input_axons_size() == 4);
  // hid 0: hid->hid to hid 1 (slot 1), -7, delay 10, config 0 (wexp -1).
  checkAxon(c0.input_axons(0), 0, "hid", 0, {{1, -7, 10, 0}});
  // hid 2: the relay stage to slot 3: mantissa 1 (not the IR's 3), delay
  // 61, config 1 (wexp 0): increment 1 << 6 = 64 > vth 0.
  checkAxon(c0.input_axons(1), 2, "hid", 2, {{3, 1, 61, 1}});
  // in 0: DENSE synapses k = 0, 1, 2 to hid 0, 1, 2.
  checkAxon(c0.input_axons(2), 0x08000000, "in", 0,
            {{0, 10, 0, 1}, {1, -20, 1, 1}, {2, 30, 2, 1}});
  // in 1: k = 3, 4, 5.
  checkAxon(c0.input_axons(3), 0x08000001, "in", 1,
            {{0, 40, 3, 1}, {1, -50, 4, 1}, {2, 60, 5, 1}});

  // Core 1: hid 0 (key 0), hid 1 (key 1), the relay (key 0x403).
  REQUIRE(c1.input_axons_size() == 3);
  checkAxon(c1.input_axons(0), 0, "hid", 0, {{0, 100, 0, 0}});
  checkAxon(c1.input_axons(1), 1, "hid", 1, {{1, -100, 62, 0}});
  checkAxon(c1.input_axons(2), 0x403, "hid.relay1", 0, {{1, 70, 8, 0}});
}

TEST_CASE("loihi emitter derives output axons, input and output maps by hand",
          "[loihi][golden]") {
  proto::LoihiConfig c = buildGolden();
  const proto::Core &c0 = c.cores(0), &c1 = c.cores(1);

  // The hid slice's route lists cores 0 and 1; each neuron gets an axon
  // only where it has an input axon:
  //   hid 0 -> core 0 axon 0 (hid->hid), core 1 axon 0 (hid->out)
  //   hid 1 -> core 1 axon 1
  //   hid 2 -> core 0 axon 1 (the relay stage)
  //   relay (slot 3) -> core 1 axon 2
  REQUIRE(c0.output_axons_size() == 4);
  CHECK(c0.output_axons(0).compartment() == 0);
  checkTargets(c0.output_axons(0).targets(), {{0, 0, 0}, {0, 1, 0}});
  CHECK(c0.output_axons(1).compartment() == 1);
  checkTargets(c0.output_axons(1).targets(), {{0, 1, 1}});
  CHECK(c0.output_axons(2).compartment() == 2);
  checkTargets(c0.output_axons(2).targets(), {{0, 0, 1}});
  CHECK(c0.output_axons(3).compartment() == 3);
  checkTargets(c0.output_axons(3).targets(), {{0, 1, 2}});
  CHECK(c1.output_axons_size() == 0); // readouts send nothing

  // The host feeds in 0 to core 0 axon 2, in 1 to core 0 axon 3.
  REQUIRE(c.inputs_size() == 1);
  CHECK(c.inputs(0).name() == "in");
  CHECK(c.inputs(0).size() == 2);
  REQUIRE(c.input_map_size() == 2);
  CHECK(c.input_map(0).input() == "in");
  CHECK(c.input_map(0).channel() == 0);
  CHECK(c.input_map(0).key() == 0x08000000u);
  checkTargets(c.input_map(0).targets(), {{0, 0, 2}});
  CHECK(c.input_map(1).channel() == 1);
  checkTargets(c.input_map(1).targets(), {{0, 0, 3}});

  // The decision: out on core 1, compartments 0 and 1.
  REQUIRE(c.output_map_size() == 1);
  const proto::Readout &r = c.output_map(0);
  CHECK(r.population() == "out");
  CHECK(r.decoding() == proto::MAX_VOLTAGE);
  REQUIRE(r.class_names_size() == 2);
  CHECK(r.class_names(1) == "no");
  REQUIRE(r.compartments_size() == 2);
  CHECK((r.compartments(0).chip() == 0 && r.compartments(0).core() == 1 &&
         r.compartments(0).compartment() == 0));
  CHECK(r.compartments(1).compartment() == 1);
  CHECK(r.state_scale() == 1.0 / 1024);
}

TEST_CASE("loihi emitter notes integers the chip cannot hold exactly",
          "[loihi]") {
  // Check that a threshold with low bits below the shift, a bias that
  // needs an exponent and loses its low bit, and a current that should not
  // decay (Loihi 1 cannot: du + 1 >= 1) are realised as documented and
  // noted, not silently changed.
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  ir::FixedPointNeuron &f = g.populations[0].fixed;
  f.threshold = 1000; // 1000 >> 6 = 15, realised as 960
  f.bias = 5001;      // exponent 1: 5001 >> 1 = 2500, realised as 5000
  f.decaySyn = 4096;  // du = 4096 - 4096 - 1 = -1, clamped to 0
  llvm::Expected<proto::LoihiConfig> c = buildLoihiConfig(g, desc);
  REQUIRE(test::errorText(c) == "");
  const proto::CompartmentPrototype &p = c->cores(0).prototypes(0);
  CHECK(p.vth_mant() == 15);
  CHECK(p.bias_mant() == 2500);
  CHECK(p.bias_exp() == 1);
  CHECK(p.du() == 0);
  REQUIRE(c->notes_size() == 3);
  CHECK(c->notes(0) == "population 'hid': threshold 1000 state units "
                       "realised as 960 (vth_mant 15 << 6)");
  CHECK(c->notes(1) == "population 'hid': bias 5001 state units realised "
                       "as 5000 (bias_mant 2500 << 1)");
  CHECK(c->notes(2) == "population 'hid': current decay factor 4096/4096 "
                       "realised as 4095/4096 (du -1 clamped to [0, 4095], "
                       "offset 1)");
}

TEST_CASE("loihi emitter refuses a graph that is not PLACED", "[loihi]") {
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  g.level = ir::IRLevel::Quantised;
  g.routes.clear();
  for (ir::Population &p : g.populations)
    p.placement = {};
  LoihiTarget t;
  llvm::Expected<backends::EmittedConfig> out = t.emit(g, desc);
  CHECK(test::errorText(out) ==
        "graph 'golden': level QUANTISED: the Loihi-like emitter needs a "
        "PLACED graph (run partition and route)");
}

TEST_CASE("loihi emitter refuses a graph lowered for another description",
          "[loihi]") {
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  g.target.descriptionHash = "0123456789abcdef";
  LoihiTarget t;
  llvm::Expected<backends::EmittedConfig> out = t.emit(g, desc);
  CHECK(test::errorText(out) ==
        "graph 'golden': lowered for target 'loihi' with description hash "
        "'0123456789abcdef', but the description 'loihi' given to the "
        "emitter has hash '" +
            desc.hash() + "'");
}

TEST_CASE("loihi emitter names a projection whose exponent is out of range",
          "[loihi]") {
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  g.projections[2].quantisation.exponent = 14; // wexp 8 > 7
  g.projections[1].quantisation.exponent = -3; // wexp -9 < -8
  llvm::Expected<proto::LoihiConfig> c = buildLoihiConfig(g, desc);
  CHECK(test::errorText(c) ==
        "projection 'hid->hid': weight exponent -9 (quantisation.exponent "
        "-3 - exponent_offset 6) is outside the chip's [-8, 7]\n"
        "projection 'hid->out': weight exponent 8 (quantisation.exponent 14 "
        "- exponent_offset 6) is outside the chip's [-8, 7]");
}

TEST_CASE("loihi emitter names a synapse whose delay overflows the field",
          "[loihi]") {
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  g.projections[0].delaySteps[5] = 63; // in 1 -> hid 2
  llvm::Expected<proto::LoihiConfig> c = buildLoihiConfig(g, desc);
  CHECK(test::errorText(c) ==
        "projection 'in->hid' synapse 5 (pre 1, post 2): delay 63 steps "
        "needs delay field 63 but the 6-bit field holds at most 62 "
        "(delays.max_on_core_steps 62); run delay-lines");
}

TEST_CASE("loihi emitter names a weight wider than the mantissa", "[loihi]") {
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  g.projections[2].quantisation.bits = 9;
  g.projections[2].weightsInt[1] = -129; // below -128
  llvm::Expected<proto::LoihiConfig> c = buildLoihiConfig(g, desc);
  CHECK(test::errorText(c) ==
        "projection 'hid->out' synapse 1 (pre 1, post 1): weight mantissa "
        "-129 does not fit the chip's 8 signed bits [-128, 127]");
}

TEST_CASE("loihi emitter names a core with too many synapse configs",
          "[loihi]") {
  // Core 1 has wexp 2 (hid->out, the final relay hop); eight more
  // projections hid -> out with IR exponents 0..7 add wexp -6..1: 9
  // distinct exponents for 8 configurations.
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  for (int32_t e : {0, 1, 2, 3, 4, 5, 6, 7})
    g.projections.push_back(test::sparse(fmt::format("extra{}", e), "hid",
                                         "out", {0}, {0}, {1}, {0}, e));
  llvm::Expected<proto::LoihiConfig> c = buildLoihiConfig(g, desc);
  CHECK(test::errorText(c) ==
        "chip 0 core 1: needs 9 synapse configurations (distinct weight "
        "exponents -6, -5, -4, -3, -2, -1, 0, 1, 2) but a core holds 8");
}

TEST_CASE("loihi emitter names neuron constants the chip cannot store",
          "[loihi]") {
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  ir::FixedPointNeuron &f = g.populations[0].fixed;
  f.refractorySteps = 64;
  f.bias = 4095 * 128 + 128; // 4096 << 7: the mantissa never fits
  // A 24-bit state caps the threshold at 2^23 - 1, whose mantissa (>> 6)
  // always fits 17 bits; what can fail is the sign.
  f.threshold = -64;
  llvm::Expected<proto::LoihiConfig> c = buildLoihiConfig(g, desc);
  CHECK(test::errorText(c) ==
        "population 'hid': fixed.refractory_steps = 64: exceeds "
        "neurons.max_refractory_steps = 63\n"
        "population 'hid': fixed.threshold = -64: the chip's threshold "
        "mantissa is unsigned\n"
        "population 'hid': fixed.bias = 524288: exceeds the largest bias "
        "the chip holds, a 13-bit mantissa << 7");
}

TEST_CASE("loihi emitter refuses routes that do not match the synapses",
          "[loihi]") {
  // Check that a stale route table is an error naming the unreached axon,
  // not a configuration that silently drops spikes.
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  g.routes.erase(g.routes.begin() + 1); // the relay's entry
  llvm::Expected<proto::LoihiConfig> c = buildLoihiConfig(g, desc);
  CHECK(test::errorText(c) ==
        "chip 0 core 1 input axon 2: no routing entry reaches it from "
        "'hid.relay1' neuron 0 (key 0x00000403): the routes are stale (run "
        "route after partition)");
}

TEST_CASE("loihi emitter writes three files and the same bytes every time",
          "[loihi]") {
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  llvm::Expected<std::unique_ptr<backends::Target>> t =
      backends::createTarget(desc);
  REQUIRE(test::errorText(t) == "");
  CHECK((*t)->family() == "loihi");
  llvm::Expected<backends::EmittedConfig> a = (*t)->emit(g, desc);
  llvm::Expected<backends::EmittedConfig> b = (*t)->emit(g, desc);
  REQUIRE(test::errorText(a) == "");
  REQUIRE(test::errorText(b) == "");
  REQUIRE(a->files.size() == 3);
  CHECK(a->files[0].name == "loihi.axoncfg");
  CHECK(a->files[1].name == "loihi.pbtxt");
  CHECK(a->files[2].name == "report.txt");
  CHECK(a->files[2].bytes == a->report);
  CHECK(llvm::StringRef(a->files[0].bytes)
            .startswith(llvm::StringRef("AXONLHI\0", 8)));
  REQUIRE(b->files.size() == 3);
  for (size_t f = 0; f < 3; ++f)
    CHECK(a->files[f].bytes == b->files[f].bytes);

  // The binary and the text hold the same message.
  llvm::Expected<proto::LoihiConfig> fromBinary =
      parseLoihiConfig(a->files[0].bytes, "loihi.axoncfg");
  REQUIRE(test::errorText(fromBinary) == "");
  CHECK(fromBinary->SerializeAsString() == buildGolden().SerializeAsString());
  CHECK(llvm::StringRef(a->files[1].bytes).contains("vth_mant: 64"));
}
