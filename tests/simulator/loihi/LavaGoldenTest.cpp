//===- LavaGoldenTest.cpp - The emulator against Lava's bit-accurate LIF --===//
//
// tests/data/lava/*.txt were written by scripts/lava-golden.py running Lava
// itself (PyLifModelBitAcc fed by PyDenseModelBitAcc); the file format and
// the mapping below are described there. Each file becomes one compartment
// on the Loihi 1 format with
//   du, dv, vth_mant, bias_mant, bias_exp   as Lava's
//   reset 0, no refractory                  Lava's model has none
//   channel i: its own input axon, mantissa w_i / 2 under weight exponent
//              weight_exp + 1, delay 0: Lava's mixed-sign weights are even,
//              and sum(2 m) << e == sum(m) << (e + 1), while for e < 0
//              floor(2 S / 2^-e) == floor(S / 2^(-e-1))
// Lava time step k (1-based) is tick k - 1: an input Lava sends in step k
// is a host spike at grid point k, Lava's state after step k is the chip's
// after tick k - 1 (the readout at grid k), a Lava spike in step k is a
// spike at grid k. u, v and the spikes must match at every step.
//===----------------------------------------------------------------------===//
#include "LoihiTestConfigs.h"

#include "simulator/loihi/LoihiEmulator.h"

#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace axon;
using namespace axon::test;

namespace {

struct LavaTrace {
  std::map<std::string, int64_t> param;
  std::vector<int32_t> weights;
  std::map<uint32_t, std::vector<uint32_t>> inputs; ///< Lava step -> channels
  std::vector<TickState> trace;                     ///< per Lava step
};

LavaTrace readTrace(const std::string &path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  LavaTrace t;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "param") {
      std::string name;
      int64_t value;
      fields >> name >> value;
      t.param[name] = value;
    } else if (kind == "weights") {
      int32_t w;
      while (fields >> w)
        t.weights.push_back(w);
    } else if (kind == "input") {
      uint32_t step, channel;
      fields >> step;
      while (fields >> channel)
        t.inputs[step].push_back(channel);
    } else if (kind == "trace") {
      uint32_t step;
      int spiked;
      TickState s;
      fields >> step >> s.u >> s.v >> spiked;
      s.spiked = spiked != 0;
      REQUIRE(step == t.trace.size() + 1);
      t.trace.push_back(s);
    } else {
      FAIL("unknown line in " << path << ": " << line);
    }
  }
  return t;
}

lproto::LoihiConfig lavaConfig(const LavaTrace &t) {
  lproto::LoihiConfig c = emptyConfig(uint32_t(t.weights.size()));
  lproto::Core &core = addCore(c, 0, 0);
  addCompartment(core, 0,
                 prototype(lproto::SPIKING, uint32_t(t.param.at("du")),
                           uint32_t(t.param.at("dv")),
                           uint32_t(t.param.at("vth")),
                           int32_t(t.param.at("bias_mant")),
                           uint32_t(t.param.at("bias_exp"))),
                 "lif", 0);
  uint32_t cfg =
      addSynapseConfig(core, int32_t(t.param.at("weight_exp")) + 1);
  for (uint32_t ch = 0; ch < t.weights.size(); ++ch) {
    REQUIRE(t.weights[ch] % 2 == 0);
    addSynapse(core, addAxon(core), 0, t.weights[ch] / 2, 0, cfg);
    mapChannel(c, ch, {axonTarget(0, 0, ch)});
  }
  lproto::Readout &r = *c.add_output_map();
  r.set_population("lif");
  r.set_decoding(lproto::SPIKE_COUNT);
  r.set_state_scale(1.0);
  lproto::CompartmentRef &ref = *r.add_compartments();
  ref.set_chip(0);
  ref.set_core(0);
  ref.set_compartment(0);
  return c;
}

} // namespace

TEST_CASE("loihi emulator matches Lava's bit-accurate LIF golden traces",
          "[loihi-emulator][golden]") {
  std::string name = GENERATE(
      as<std::string>{}, "excitatory-inhibitory", "bias-and-negative-current",
      "fast-current-negative-exponent", "large-states");
  SECTION(name) {
    LavaTrace t = readTrace(std::string(AXON_SOURCE_DIR) + "/tests/data/lava/" +
                            name + ".txt");
    const uint32_t steps = uint32_t(t.param.at("ticks"));
    REQUIRE(t.trace.size() == steps);
    lproto::LoihiConfig c = lavaConfig(t);

    // u, v and spikes after every step, read from the chip.
    llvm::Expected<sim::loihi::ChipImage> image =
        sim::loihi::buildChipImage(c, name);
    REQUIRE(errorText(image) == "");
    std::vector<TickState> chip = traceCompartment(*image, 0, steps, t.inputs);
    for (uint32_t k = 0; k < steps; ++k) {
      INFO("Lava step " << k + 1);
      CHECK(chip[k] == t.trace[k]);
    }

    // The same through the Device: readout at grid k, spikes at grid k.
    std::unique_ptr<sim::Device> d = sim::loihi::createLoihiEmulator();
    REQUIRE(errorText(d->load(backends::loihi::frameLoihiConfig(c), name)) ==
            "");
    sim::TrialInput input{steps, {}};
    for (auto &[step, channels] : t.inputs)
      for (uint32_t ch : channels)
        if (step < steps)
          input.events.push_back({step, 0, ch});
    sim::RunOptions options;
    options.recordReadoutVoltage = true;
    llvm::Expected<sim::TrialResult> r = d->run(input, options);
    REQUIRE(errorText(r) == "");
    std::vector<double> voltage{0.0};
    std::vector<sim::SpikeEvent> spikes;
    for (uint32_t k = 0; k < steps; ++k) {
      voltage.push_back(double(t.trace[k].v));
      if (t.trace[k].spiked)
        spikes.push_back({k + 1, 0});
    }
    CHECK(r->readout.voltage == voltage);
    REQUIRE(r->populations.size() == 1);
    CHECK(r->populations[0].spikes == spikes);
  }
}
