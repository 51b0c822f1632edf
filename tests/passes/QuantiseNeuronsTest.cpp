//===- QuantiseNeuronsTest.cpp - Neuron constants in fixed point ----------===//
//
// Golden tests: every integer expected is worked out by hand in the
// comments from the parameters written in the test and the built-in
// target descriptions (alpha = e^{-dt/tau_mem}, beta = e^{-dt/tau_syn},
// c = tau_s/(tau_m - tau_s) (alpha - beta), QuantiseNeurons.h for the rest).
// Property test: on seeded random graphs every fixed block fits the
// target's widths. Error paths name the population, the field, the value
// and the limit.
//===----------------------------------------------------------------------===//
#include "passes/QuantiseNeurons.h"

#include "passes/PassContext.h"
#include "passes/PassManager.h"

#include "PassTestSupport.h"
#include "QuantiseTestSupport.h"
#include "ir/Verifier.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace axon;
using namespace axon::passes;

namespace {

std::string runNeurons(ir::Graph &g, const target::TargetDescription *t,
                       llvm::StringRef options = "",
                       PassContext *ctxOut = nullptr) {
  PassContext local(t, "net.axon", kDefaultSeed);
  PassContext &ctx = ctxOut ? *ctxOut : local;
  QuantiseNeuronsPass pass;
  if (llvm::Error err = pass.parseOptions(options))
    return test::errorText(std::move(err));
  return test::errorText(pass.run(g, ctx));
}

const ir::Population &population(const ir::Graph &g, llvm::StringRef name) {
  const ir::Population *p = g.findPopulation(name);
  REQUIRE(p);
  return *p;
}

} // namespace

TEST_CASE("quantise-neurons fills the Loihi-like fixed blocks worked out by "
          "hand",
          "[passes][golden]") {
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = test::quantiseGoldenGraph();
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  REQUIRE(runNeurons(g, &loihi, "", &ctx) == "");
  CHECK(g.level == ir::IRLevel::Discrete); // quantise-weights moves it on

  // hidden: alpha = e^-0.05 = 0.951229, beta = e^-0.2 = 0.818731,
  // c = (5/15)(alpha - beta) = 0.0441662.
  // k <= 24 - 1 - 3 = 20 (headroom), <= 17 + 6 - 1 = 22 (threshold
  // mantissa), and 2^k <= Wmax V_ref / (c max|w|) = 127 * 2^13 / 0.0441662
  // = 2.36e7 (k <= 24): k = 20, state_scale = 1 / 2^20.
  const ir::FixedPointNeuron &h = population(g, "hidden").fixed;
  CHECK(h.stateScale == std::ldexp(1.0, -20));
  CHECK(h.threshold == 1048576); // 2^20 = 16384 << 6: exact
  CHECK(h.threshold % 64 == 0);
  CHECK(h.reset == 0);
  CHECK(h.decayMem == 3896); // round(4096 * 0.951229) = round(3896.24)
  CHECK(h.decaySyn == 3354); // round(4096 * 0.818731) = round(3353.52)
  // (1 - alpha) * 0.1 * 2^20 = 5113.97 > 4095, the 13-bit mantissa: shift
  // 1, round(2556.98) = 2557, bias = 2557 << 1 = 5114.
  CHECK(h.bias == 5114);
  CHECK(h.refractorySteps == 2); // ceil(2 ms / 1 ms)
  CHECK(h.stateBits == 24);
  CHECK(h.stateFracBits == 0);
  CHECK(h.decayBits == 12);

  // out (LI): alpha = e^-0.1 = 0.904837, beta = 0.818731, c = alpha - beta
  // (tau_s/(tau_m - tau_s) = 1) = 0.0861067. W = max(1.5, 0.5) = 1.5;
  // V_bound = c W / ((1 - beta)(1 - alpha)) = 0.12916 / (0.181269 *
  // 0.0951626) = 7.48751. k <= 24 - 2 = 22; the weight bound allows 2^k <=
  // 1040384 * 7.48751 / (0.0861067 * 1.5) = 6.03e7 (k <= 25): k = 22.
  const ir::FixedPointNeuron &o = population(g, "out").fixed;
  CHECK(o.stateScale == Approx(7.48751 / 4194304).epsilon(1e-5));
  CHECK(o.decayMem == 3706); // round(4096 * 0.904837) = round(3706.21)
  CHECK(o.decaySyn == 3354);
  CHECK(o.threshold == 0); // a readout never spikes
  CHECK(o.reset == 0);
  CHECK(o.bias == 0);

  // hidden.relay1: V_ref = 0.5, c = 1; 2^k <= 1040384 * 0.5 / 1 = 520192
  // gives k = 18 (< 20, 22): state_scale = 0.5 / 2^18 = 2^-19, threshold
  // 2^18 = 4096 << 6, and a weight-1 spike adds 2^19, twice the threshold.
  const ir::FixedPointNeuron &r = population(g, "hidden.relay1").fixed;
  CHECK(r.stateScale == std::ldexp(1.0, -19));
  CHECK(r.threshold == 262144);
  CHECK(r.decayMem == 0);
  CHECK(r.decaySyn == 0);
  CHECK(r.reset == 0);
  CHECK(r.bias == 0);
  CHECK(r.refractorySteps == 0);

  const Statistics &s = ctx.statistics();
  CHECK(s.counter("quantise-neurons", "populations-quantised") == 3u);
  CHECK(s.counter("quantise-neurons", "relays-quantised") == 1u);
  CHECK(s.figure("quantise-neurons", "state-scale[hidden]") ==
        std::ldexp(1.0, -20));
  CHECK(s.figure("quantise-neurons", "threshold-error[hidden]") == 0.0);
  // |3896 / 4096 - 0.951229| / 0.951229 = 0.2357 / 3896.24 = 6.05e-5.
  CHECK(*s.figure("quantise-neurons", "decay-mem-error[hidden]") ==
        Approx(0.235723 / 3896.2357).epsilon(1e-4));
  // |3354 / 4096 - 0.818731| / 0.818731 = 0.478835 / 3353.52 = 1.428e-4.
  CHECK(*s.figure("quantise-neurons", "decay-syn-error[hidden]") ==
        Approx(0.478835 / 3353.5212).epsilon(1e-4));
  CHECK(*s.figure("quantise-neurons", "max-decay-error") ==
        Approx(0.478835 / 3353.5212).epsilon(1e-4));
  CHECK(!s.figure("quantise-neurons", "threshold-error[hidden.relay1]"));
}

TEST_CASE("quantise-neurons fills the SpiNNaker-like fixed blocks worked out "
          "by hand",
          "[passes][golden]") {
  target::TargetDescription spinnaker = test::spinnakerFullRange();
  ir::Graph g = test::quantiseGoldenGraph();
  REQUIRE(runNeurons(g, &spinnaker) == "");

  // hidden: k <= 32 - 1 - 3 = 28, <= 31 + 0 - 1 = 30, and 2^k <= (2^16 - 1)
  // 2^16 / 0.0441662 = 9.7e10 (k <= 36): k = 28.
  const ir::FixedPointNeuron &h = population(g, "hidden").fixed;
  CHECK(h.stateScale == std::ldexp(1.0, -28));
  CHECK(h.threshold == 268435456);  // 2^28, shift 0
  CHECK(h.decayMem == 4085499269u); // round(2^32 * 0.951229) = ...269.22
  CHECK(h.decaySyn == 3516421809u); // round(2^32 * 0.818731) = ...808.70
  CHECK(h.bias == 1309175);         // round(0.0487706 * 0.1 * 2^28)
  CHECK(h.stateBits == 32);
  CHECK(h.stateFracBits == 15);
  CHECK(h.decayBits == 32);

  // hidden.relay1: 2^k <= 65535 * 2^16 * 0.5 = 2^31 - 2^15 (k <= 30), so
  // k = 28 from the headroom: state_scale = 0.5 / 2^28, threshold 2^28.
  const ir::FixedPointNeuron &r = population(g, "hidden.relay1").fixed;
  CHECK(r.stateScale == std::ldexp(1.0, -29));
  CHECK(r.threshold == 268435456);
}

TEST_CASE("a weight too large for the target lowers the state precision",
          "[passes][golden]") {
  // LIF (c = 1), threshold 1, one weight of 20000 on the Loihi-like
  // target: 2^k <= 1040384 / 20000 = 52.02 gives k = 5, below the
  // threshold shift 6. The threshold is 2^5 = 32 units, mantissa
  // round(32 / 64) = round(0.5) = 0 (ties to even), raised to the least
  // positive 1: threshold 64, twice the float threshold.
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g;
  g.level = ir::IRLevel::Discrete;
  g.inputs.push_back({"in", 1, {}});
  g.populations.push_back(test::makePopulation("p", 1, ir::NeuronKind::LIF));
  g.projections.push_back(
      test::makeSparse("in->p", "in", "p", {{0, 0, 20000.0f, 1}}));
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  REQUIRE(runNeurons(g, &loihi, "", &ctx) == "");
  CHECK(g.populations[0].fixed.stateScale == 1.0 / 32);
  CHECK(g.populations[0].fixed.threshold == 64);
  CHECK(ctx.statistics().figure("quantise-neurons", "threshold-error[p]") ==
        1.0);
  CHECK(ctx.statistics().figure("quantise-neurons", "max-threshold-error") ==
        1.0);
}

TEST_CASE("a bias too large for its field lowers the state precision",
          "[passes][golden]") {
  // hidden with bias 20: (1 - alpha) 20 = 0.975412 V per step. The bias
  // field holds 4095 << 7 = 524160 units, so 2^k <= 524160 / 0.975412 =
  // 537373 gives k = 19: state_scale 2^-19, threshold 2^19 = 8192 << 6.
  // Bias 0.975412 * 2^19 = 511396.5 units: shifts 0..6 leave more than
  // 4095, shift 7 gives round(3995.29) = 3995, bias = 3995 << 7 = 511360.
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = test::quantiseGoldenGraph();
  g.populations[0].params.bias = 20;
  REQUIRE(runNeurons(g, &loihi) == "");
  const ir::FixedPointNeuron &h = population(g, "hidden").fixed;
  CHECK(h.stateScale == std::ldexp(1.0, -19));
  CHECK(h.threshold == 524288);
  CHECK(h.bias == 511360);
}

TEST_CASE("headroom-bits trades precision for room above the threshold",
          "[passes]") {
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = test::quantiseGoldenGraph();
  REQUIRE(runNeurons(g, &loihi, "headroom-bits=5") == "");
  // k = 24 - 1 - 5 = 18.
  CHECK(population(g, "hidden").fixed.stateScale == std::ldexp(1.0, -18));
  CHECK(population(g, "hidden").fixed.threshold == 262144);
}

TEST_CASE("readout-range sets a leaky integrator's state scale", "[passes]") {
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = test::quantiseGoldenGraph();
  REQUIRE(runNeurons(g, &loihi, "readout-range=4") == "");
  // 4 V over 2^22 units (the weight bound allows k <= 25 still).
  CHECK(population(g, "out").fixed.stateScale == 4.0 / 4194304);
}

TEST_CASE("a per-neuron bias is kept when it quantises to one value",
          "[passes]") {
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = test::quantiseGoldenGraph();
  g.populations[0].bias = {0.1, 0.1};
  REQUIRE(runNeurons(g, &loihi) == "");
  CHECK(population(g, "hidden").fixed.bias == 5114);

  ir::Graph h = test::quantiseGoldenGraph();
  h.populations[0].bias = {0.1, 0.05};
  // 0.05: (1 - alpha) 0.05 2^20 = 2556.98 -> 2557, unshifted.
  CHECK(runNeurons(h, &loihi) ==
        "net.axon: population 'hidden': per-neuron bias quantises to "
        "different values (5114 and 2557 state units, neurons 0 and 1): the "
        "fixed-point neuron holds one bias per population");
}

TEST_CASE("quantise-neurons errors name the population, value and limit",
          "[passes]") {
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph before = test::quantiseGoldenGraph();

  SECTION("refractory period longer than the target counts") {
    ir::Graph g = before;
    g.populations[0].params.refractoryMs = 100;
    ir::Graph unchanged = g;
    CHECK(runNeurons(g, &loihi) ==
          "net.axon: population 'hidden': refractory_ms = 100 is 100 steps "
          "of 1 ms: exceeds the target's max_refractory_steps = 63");
    CHECK(g == unchanged); // every fixed block still unset
  }
  SECTION("a reset outside the state") {
    // -10 V at 2^20 units per volt is -10485760 < -2^23.
    ir::Graph g = before;
    g.populations[0].params.reset = -10;
    ir::Graph unchanged = g;
    CHECK(runNeurons(g, &loihi) ==
          "net.axon: population 'hidden': reset = -10 is -10485760 state "
          "units at state_scale 9.5367431640625e-07 V: does not fit the "
          "24-bit signed state [-8388608, 8388607]; raise option "
          "headroom-bits (now 3) or bring the reset closer to the "
          "threshold");
    CHECK(g == unchanged);
    // With 5 bits of headroom it is -10 * 2^18 = -2621440: it fits.
    REQUIRE(runNeurons(g, &loihi, "headroom-bits=5") == "");
    CHECK(g.populations[0].fixed.reset == -2621440);
  }
  SECTION("a negative threshold") {
    ir::Graph g = before;
    g.populations[0].params.threshold = -0.5;
    g.populations[0].params.reset = -1;
    CHECK(runNeurons(g, &loihi) ==
          "net.axon: population 'hidden': threshold = -0.5: the target's "
          "threshold is an unsigned 17-bit mantissa "
          "(neurons.threshold_bits) and cannot be negative");
  }
  SECTION("every failure is listed") {
    ir::Graph g = before;
    g.populations[0].params.refractoryMs = 70;
    g.populations[0].params.reset = -10;
    g.populations[1].bias = {0.5, 0.25}; // readout: different integers
    std::string text = runNeurons(g, &loihi);
    CHECK(text.find("population 'hidden': reset = -10") != std::string::npos);
    CHECK(text.find("population 'hidden': refractory_ms = 70") !=
          std::string::npos);
    CHECK(text.find("population 'out': per-neuron bias") != std::string::npos);
  }
  SECTION("no target") {
    ir::Graph g = before;
    CHECK(runNeurons(g, nullptr) ==
          "net.axon: pass 'quantise-neurons' needs a target description: "
          "the state, decay and threshold widths are the chip's");
  }
  SECTION("bad options") {
    QuantiseNeuronsPass pass;
    CHECK(test::errorText(pass.parseOptions("headroom-bits=0")) ==
          "pass 'quantise-neurons': option headroom-bits = 0: must be in "
          "[1, 62]");
    CHECK(test::errorText(pass.parseOptions("readout-range=-1")) ==
          "pass 'quantise-neurons': option readout-range = -1: must be > 0");
  }
}

TEST_CASE("quantise-neurons keeps every constant within the target's widths "
          "on random graphs",
          "[passes][property]") {
  std::mt19937_64 rng(20261129);
  const target::TargetDescription targets[] = {
      test::builtinTarget("loihi"), test::builtinTarget("spinnaker"),
      test::changedTarget("loihi", [](target::proto::Target &t) {
        t.mutable_neurons()->set_state_bits(16);
        t.mutable_neurons()->set_threshold_bits(8);
        t.mutable_neurons()->set_threshold_shift(4);
        t.mutable_neurons()->set_decay_bits(8);
        t.mutable_neurons()->set_bias_bits(8);
        t.mutable_neurons()->set_max_bias_exponent(4);
        t.mutable_weights()->set_bits(4);
      })};
  for (int trial = 0; trial < 300; ++trial) {
    ir::Graph g = test::randomQuantisableGraph(rng);
    const target::TargetDescription &t = targets[trial % 3];
    const target::proto::NeuronFormat &nf = t.data().neurons();
    INFO("trial " << trial << " on " << t.name().str());
    REQUIRE(runNeurons(g, &t) == "");
    for (const ir::Population &p : g.populations) {
      INFO("population " << p.name);
      const ir::FixedPointNeuron &f = p.fixed;
      CHECK(f.stateScale > 0);
      CHECK(f.stateBits == nf.state_bits());
      CHECK(f.decayBits == nf.decay_bits());
      int64_t stateLimit = int64_t(1) << (nf.state_bits() - 1);
      for (int64_t v : {f.threshold, f.reset, f.bias}) {
        CHECK(v >= -stateLimit);
        CHECK(v < stateLimit);
      }
      // Threshold: an unsigned mantissa of threshold_bits, shifted.
      CHECK(f.threshold >= 0);
      CHECK(f.threshold % (int64_t(1) << nf.threshold_shift()) == 0);
      CHECK((f.threshold >> nf.threshold_shift()) <
            (int64_t(1) << nf.threshold_bits()));
      if (p.isSpiking())
        CHECK(f.threshold > 0);
      CHECK(f.decayMem <= (uint64_t(1) << nf.decay_bits()));
      CHECK(f.decaySyn <= (uint64_t(1) << nf.decay_bits()));
      CHECK(f.refractorySteps <= nf.max_refractory_steps());
      // Bias: a bias_bits signed mantissa shifted by <= max_bias_exponent.
      bool biasFits = false;
      for (uint32_t e = 0; e <= nf.max_bias_exponent() && !biasFits; ++e) {
        int64_t mantissa = f.bias / (int64_t(1) << e);
        int64_t lim = int64_t(1) << (nf.bias_bits() - 1);
        biasFits = mantissa * (int64_t(1) << e) == f.bias && mantissa >= -lim &&
                   mantissa < lim;
      }
      CHECK(biasFits);
      // The float threshold is met within one threshold step (or the
      // least positive threshold).
      if (p.isSpiking() && p.kind != ir::NeuronKind::Relay) {
        double step = std::ldexp(f.stateScale, int(nf.threshold_shift()));
        CHECK(std::fabs(double(f.threshold) * f.stateScale -
                        p.params.threshold) <=
              std::max(step / 2, double(f.threshold) * f.stateScale) + 1e-12);
      }
    }
  }
}

TEST_CASE("quantise-neurons runs from DISCRETE in a pipeline and keeps the "
          "level",
          "[passes]") {
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = test::quantiseGoldenGraph();
  PassManager pm;
  REQUIRE(test::errorText(pm.addPipeline("quantise-neurons")) == "");
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(pm.run(g, ctx)) == "");
  CHECK(g.level == ir::IRLevel::Discrete);
  CHECK(test::errorText(ir::verifyGraph(g)) == "");
}
