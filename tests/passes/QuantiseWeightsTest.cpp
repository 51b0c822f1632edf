//===- QuantiseWeightsTest.cpp - Weights as integer mantissas -------------===//
//
// Golden tests: mantissas and exponents worked out by hand in the comments
// from the weights in the test, the state scales QuantiseNeuronsTest
// derives for the same graph, and the built-in descriptions (x = w c / s
// state units; E the smallest shift whose rounded mantissas fit). Property
// tests on seeded random graphs: every integer fits its width, exponents
// are in range and shared as the scheme demands, and the verifier accepts
// the QUANTISED graph. Error grows smaller with more weight bits;
// stochastic rounding is unbiased and reproducible.
//===----------------------------------------------------------------------===//
#include "passes/QuantiseWeights.h"

#include "passes/PassContext.h"
#include "passes/PassManager.h"

#include "PassTestSupport.h"
#include "QuantiseTestSupport.h"
#include "ir/Verifier.h"
#include "support/Errors.h"
#include "support/TestGraphs.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>

using namespace axon;
using namespace axon::passes;

namespace {

const ir::Projection &projection(const ir::Graph &g, llvm::StringRef name) {
  const ir::Projection *p = test::findProjection(g, name);
  REQUIRE(p);
  return *p;
}

/// c of the golden graph's `hidden` (tau_mem 20, tau_syn 5, dt 1):
/// (5/15)(e^-0.05 - e^-0.2).
const double kHiddenC = (std::exp(-0.05) - std::exp(-0.2)) / 3;

/// A LIF population `p` (c = 1, threshold 1) fed from input `in` through
/// SPARSE projection `in->p` with `weights` into neuron 0, on Loihi-like
/// widths: state_scale 2^-20 when the weights are below ~0.5.
ir::Graph lifGraph(const std::vector<float> &weights) {
  ir::Graph g;
  g.level = ir::IRLevel::Discrete;
  g.inputs.push_back({"in", uint32_t(weights.size()), {}});
  g.populations.push_back(test::makePopulation("p", 1, ir::NeuronKind::LIF));
  ir::Projection p;
  p.name = "in->p";
  p.source = "in";
  p.target = "p";
  p.connectivity = ir::Connectivity::Sparse;
  for (uint32_t i = 0; i < weights.size(); ++i) {
    p.pre.push_back(i);
    p.post.push_back(0);
  }
  p.weights = weights;
  g.projections.push_back(std::move(p));
  return g;
}

} // namespace

TEST_CASE("quantise-weights gives the Loihi-like mantissas and exponents "
          "worked out by hand",
          "[passes][golden]") {
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = test::quantiseGoldenGraph();
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(test::quantise(g, ctx)) == "");
  REQUIRE(test::errorText(ir::verifyGraph(g)) == "");
  CHECK(g.level == ir::IRLevel::Quantised);

  // in->hidden: s = 2^-20, c = 0.0441662, so x = w c 2^20 = 46311.64 w.
  // The mantissa holds [-128, 127]; E = 6 + e, e in [-8, 7]. E = 8 gives
  // 46311.64 / 256 = 180.9 > 127; E = 9 (e = 3) gives 90.45: fits.
  //   1.0 -> 90.45 -> 90    0.5 -> 45.23 -> 45
  //  -0.25 -> -22.61 -> -23  0.75 -> 67.84 -> 68
  // scale = 2^-20 2^9 / c = 2^-11 / 0.0441662 = 0.0110555.
  const ir::Projection &a = projection(g, "in->hidden");
  CHECK(a.weightsInt == std::vector<int32_t>{90, 45, -23, 68});
  CHECK(a.quantisation.exponent == 9);
  CHECK(a.quantisation.bits == 8);
  CHECK(a.quantisation.scale == Approx(0.0110555354).epsilon(1e-8));

  // hidden->out: s = V_bound / 2^22, c = 0.0861067; x = w c 2^22 / 7.48751
  // = 48234.6 w: 1.5 -> 72351.95, -0.5 -> -24117.32. E = 9 gives 141.3;
  // E = 10 gives 70.66 -> 71 and -23.55 -> -24. scale = s 2^10 / c =
  // 1.5 / (4096 (1 - beta)(1 - alpha)) = 0.0212296.
  const ir::Projection &b = projection(g, "hidden->out");
  CHECK(b.weightsInt == std::vector<int32_t>{71, -24});
  CHECK(b.quantisation.exponent == 10);
  CHECK(b.quantisation.scale == Approx(0.0212295586).epsilon(1e-7));

  // hidden->hidden.relay1: s = 2^-19, c = 1: x = 2^19. E = 12 gives 128 >
  // 127; E = 13 gives 64, exactly: 64 << 13 = 2^19, twice the relay's
  // threshold 2^18. scale = 2^-19 2^13 = 1/64.
  const ir::Projection &r = projection(g, "hidden->hidden.relay1");
  CHECK(r.weightsInt == std::vector<int32_t>{64, 64});
  CHECK(r.quantisation.exponent == 13);
  CHECK(r.quantisation.scale == 1.0 / 64);

  // SQNR of in->hidden: errors w - m scale = 0.0050018, 0.0025009,
  // 0.0042773, -0.0017764; sum w^2 = 1.875, sum e^2 = 5.2724e-5:
  // 10 log10(35563) = 45.51 dB.
  const Statistics &s = ctx.statistics();
  CHECK(*s.figure("quantise-weights", "sqnr-db[in->hidden]") ==
        Approx(45.51).margin(0.01));
  CHECK(*s.figure("quantise-weights", "max-abs-error[in->hidden]") ==
        Approx(0.0050018).margin(1e-6));
  CHECK(s.figure("quantise-weights", "exponent[in->hidden]") == 9.0);
  CHECK(std::isinf(
      *s.figure("quantise-weights", "sqnr-db[hidden->hidden.relay1]")));
  CHECK(s.counter("quantise-weights", "weights-quantised") == 8u);
  CHECK(s.counter("quantise-weights", "weights-clipped") == 0u);
  CHECK(s.counter("quantise-weights", "weights-zeroed") == 0u);
  CHECK(s.counter("quantise-weights", "weights-clipped[in->hidden]") == 0u);
  CHECK(*s.figure("quantise-weights", "min-sqnr-db") <= 45.52);
  // The per-projection SQNR is part of the printed report.
  std::string report = s.format();
  CHECK(report.find("sqnr-db[in->hidden]") != std::string::npos);
  CHECK(report.find("sqnr-db[hidden->out]") != std::string::npos);
}

TEST_CASE("quantise-weights gives the SpiNNaker-like magnitudes and shifts "
          "worked out by hand",
          "[passes][golden]") {
  target::TargetDescription spinnaker = test::spinnakerFullRange();
  ir::Graph g = test::quantiseGoldenGraph();
  PassContext ctx(&spinnaker, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(test::quantise(g, ctx)) == "");
  REQUIRE(test::errorText(ir::verifyGraph(g)) == "");

  // in->hidden: s = 2^-28, x = w c 2^28 = 11855780.4 w; magnitudes < 2^16,
  // shift in [0, 16]. Shift 7 gives 92623 > 65535; shift 8 gives 46311.64.
  //   1.0 -> 46312   0.5 -> 23155.82 -> 23156
  //  -0.25 -> -11577.91 -> -11578   0.75 -> 34733.73 -> 34734
  const ir::Projection &a = projection(g, "in->hidden");
  CHECK(a.weightsInt == std::vector<int32_t>{46312, 23156, -11578, 34734});
  CHECK(a.quantisation.exponent == 8);
  CHECK(a.quantisation.bits == 17);
  CHECK(a.quantisation.scale == Approx(std::ldexp(1.0, -20) / kHiddenC));

  // hidden->out: s = V_bound / 2^30: x = 1.5 c 2^30 / 7.48751 =
  // 18522099.7 and -6174033.2. Shift 8 gives 72352 > 65535; shift 9 gives
  // 36175.98 -> 36176 and -12058.66 -> -12059.
  const ir::Projection &b = projection(g, "hidden->out");
  CHECK(b.weightsInt == std::vector<int32_t>{36176, -12059});
  CHECK(b.quantisation.exponent == 9);

  // hidden->hidden.relay1: s = 2^-29, x = 2^29; shift 13 gives 65536 >
  // 65535, shift 14 gives 32768 exactly.
  const ir::Projection &r = projection(g, "hidden->hidden.relay1");
  CHECK(r.weightsInt == std::vector<int32_t>{32768, 32768});
  CHECK(r.quantisation.exponent == 14);
}

TEST_CASE("a MAGNITUDE_SHIFT shift is shared per target population and sign",
          "[passes][golden]") {
  // P (CUBA_LIF, tau 20/5, threshold 1): s = 2^-28 (largest weight 1.0),
  // x = 11855780.4 w.
  target::TargetDescription spinnaker = test::spinnakerFullRange();
  ir::Graph g;
  g.level = ir::IRLevel::Discrete;
  g.inputs.push_back({"a", 2, {}});
  g.inputs.push_back({"b", 2, {}});
  g.populations.push_back(
      test::makePopulation("P", 2, ir::NeuronKind::CubaLIF));
  g.projections.push_back(
      test::makeSparse("exc", "a", "P", {{0, 0, 1.0f, 1}, {1, 1, 0.5f, 1}}));
  g.projections.push_back(
      test::makeSparse("inh", "b", "P", {{0, 0, -0.1f, 1}, {1, 1, -0.05f, 1}}));

  SECTION("excitatory and inhibitory shifts are chosen apart") {
    // exc: shift 8 as in the SpiNNaker golden test: 46312, 23156.
    // inh: -1185578.0 and -592789.0; shift 4 gives 74099 > 65535, shift 5
    // gives -37049.31 -> -37049 and -18524.66 -> -18525.
    PassContext ctx(&spinnaker, "net.axon", kDefaultSeed);
    REQUIRE(test::errorText(test::quantise(g, ctx)) == "");
    CHECK(projection(g, "exc").weightsInt ==
          std::vector<int32_t>{46312, 23156});
    CHECK(projection(g, "exc").quantisation.exponent == 8);
    CHECK(projection(g, "inh").weightsInt ==
          std::vector<int32_t>{-37049, -18525});
    CHECK(projection(g, "inh").quantisation.exponent == 5);
  }
  SECTION("a projection with both signs joins its target's two shifts") {
    // mixed: +-0.01 needs both synapse types of P, and its one exponent
    // makes them equal: every projection into P takes shift 8.
    //   inh: -4631.16 -> -4631, -2315.58 -> -2316; mixed: +-463.12 -> +-463
    g.projections.push_back(test::makeSparse(
        "mixed", "a", "P", {{0, 1, 0.01f, 1}, {1, 0, -0.01f, 1}}));
    PassContext ctx(&spinnaker, "net.axon", kDefaultSeed);
    REQUIRE(test::errorText(test::quantise(g, ctx)) == "");
    CHECK(projection(g, "exc").quantisation.exponent == 8);
    CHECK(projection(g, "inh").weightsInt ==
          std::vector<int32_t>{-4631, -2316});
    CHECK(projection(g, "inh").quantisation.exponent == 8);
    CHECK(projection(g, "mixed").weightsInt == std::vector<int32_t>{463, -463});
    CHECK(projection(g, "mixed").quantisation.exponent == 8);
  }
  SECTION("scope=projection is refused") {
    PassContext ctx(&spinnaker, "net.axon", kDefaultSeed);
    CHECK(test::errorText(test::quantise(g, ctx, "", "scope=projection")) ==
          "net.axon: pass 'quantise-weights': option scope = projection: "
          "target 'spinnaker' stores weights as MAGNITUDE_SHIFT, whose shift "
          "is one per (core, synapse type), so projections into one "
          "population must share it; use scope=target");
  }
}

TEST_CASE("headroom bits leave room for a tick's sum of the largest weights",
          "[passes][golden]") {
  // The worked example above with 3 headroom bits (the shipped SpiNNaker
  // description): magnitudes of at most 2^13 - 1, so in->hidden's shift
  // rises from 8 to 11 and its magnitudes shrink eightfold (46312 / 8 =
  // 5789); eight of the largest weights in one tick fit a 16-bit entry.
  target::TargetDescription spinnaker = test::builtinTarget("spinnaker");
  REQUIRE(spinnaker.data().weights().headroom_bits() == 3);
  ir::Graph g = test::quantiseGoldenGraph();
  PassContext ctx(&spinnaker, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(test::quantise(g, ctx)) == "");
  const ir::Projection &a = projection(g, "in->hidden");
  CHECK(a.weightsInt == std::vector<int32_t>{5789, 2894, -1447, 4342});
  CHECK(a.quantisation.exponent == 11);
  for (const ir::Projection &p : g.projections)
    for (int32_t w : p.weightsInt)
      CHECK(std::abs(w) <= 8191);
}

TEST_CASE("scope=target shares one exponent per target population",
          "[passes][golden]") {
  // in2->hidden, weight 0.05: x = 0.05 * 46311.64 = 2315.58. Alone it
  // would take E = 5 (72.36), but the chip shifts a tick's summed mantissas,
  // so exponents stay >= 6 (Loihi exponent 0): 36.18 -> 36. Shared with
  // in->hidden it takes E = 9 (4.52 -> 5).
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = test::quantiseGoldenGraph();
  g.inputs.push_back({"in2", 1, {}});
  g.projections.push_back(
      test::makeSparse("in2->hidden", "in2", "hidden", {{0, 1, 0.05f, 0}}));
  ir::Graph shared = g;

  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(test::quantise(g, ctx)) == "");
  CHECK(projection(g, "in2->hidden").weightsInt == std::vector<int32_t>{36});
  CHECK(projection(g, "in2->hidden").quantisation.exponent == 6);

  PassContext ctx2(&loihi, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(test::quantise(shared, ctx2, "", "scope=target")) ==
          "");
  CHECK(projection(shared, "in2->hidden").weightsInt ==
        std::vector<int32_t>{5});
  CHECK(projection(shared, "in2->hidden").quantisation.exponent == 9);
  CHECK(projection(shared, "in->hidden").quantisation.exponent == 9);
}

TEST_CASE("nearest rounding sends ties to even", "[passes][golden]") {
  // LIF (c = 1), s = 2^-20: 0.298828125 = 76.5 * 2^12 / 2^20 and
  // 0.302734375 = 77.5 * 2^12 / 2^20. E = 11 gives 155 > 127; E = 12 gives
  // 76.5 -> 76 and 77.5 -> 78.
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = lifGraph({0.298828125f, 0.302734375f});
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(test::quantise(g, ctx)) == "");
  CHECK(g.projections[0].weightsInt == std::vector<int32_t>{76, 78});
  CHECK(g.projections[0].quantisation.exponent == 12);
  CHECK(g.projections[0].quantisation.scale == 1.0 / 256);
}

TEST_CASE("stochastic rounding is unbiased on average and reproducible",
          "[passes]") {
  // 0.2978515625 = 76.25 * 2^12 / 2^20: nearest gives 76 every time (mean
  // error -0.25 of a step); stochastic gives 77 a quarter of the time.
  target::TargetDescription loihi = test::builtinTarget("loihi");
  const size_t n = 4000;
  ir::Graph g = lifGraph(std::vector<float>(n, 0.2978515625f));
  auto run = [&](uint64_t seed, llvm::StringRef options) {
    ir::Graph copy = g;
    PassContext ctx(&loihi, "net.axon", seed);
    REQUIRE(test::errorText(test::quantise(copy, ctx, "", options)) == "");
    REQUIRE(copy.projections[0].quantisation.exponent == 12);
    return copy.projections[0].weightsInt;
  };
  std::vector<int32_t> nearest = run(1, "");
  CHECK(nearest == std::vector<int32_t>(n, 76));

  std::vector<int32_t> a = run(1, "rounding=stochastic");
  double sum = 0;
  for (int32_t m : a) {
    CHECK((m == 76 || m == 77));
    sum += m;
  }
  // Standard error of the mean: sqrt(0.25 * 0.75 / 4000) = 0.0068.
  CHECK(sum / n == Approx(76.25).margin(0.03));
  CHECK(run(1, "rounding=stochastic") == a); // same seed, same weights
  CHECK(run(2, "rounding=stochastic") != a);
}

TEST_CASE("quantisation error shrinks as the weight mantissa grows",
          "[passes]") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 0.5);
  ir::Graph g = test::quantiseGoldenGraph();
  ir::Projection &p = g.projections[0];
  g.inputs[0].size = 100;
  p.weights.clear();
  for (int k = 0; k < 200; ++k)
    p.weights.push_back(float(normal(rng)));
  double previous = -1e9;
  // Up to 10 bits: beyond, the smallest increment (2^6 state units, the
  // lowest exponent the chip sums exactly) bounds the resolution.
  for (uint32_t bits = 2; bits <= 10; ++bits) {
    target::TargetDescription t =
        test::changedTarget("loihi", [&](target::proto::Target &d) {
          d.mutable_weights()->set_bits(bits);
        });
    ir::Graph copy = g;
    PassContext ctx(&t, "", kDefaultSeed);
    REQUIRE(test::errorText(test::quantise(copy, ctx)) == "");
    double sqnr =
        *ctx.statistics().figure("quantise-weights", "sqnr-db[in->hidden]");
    INFO("bits " << bits << ": " << sqnr << " dB after " << previous);
    // About 6 dB per bit; at least 3.
    CHECK(sqnr > previous + 3);
    previous = sqnr;
  }
}

TEST_CASE("quantise-weights errors name what is missing", "[passes]") {
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = test::quantiseGoldenGraph();
  SECTION("quantise-neurons has not run") {
    PassContext ctx(&loihi, "net.axon", kDefaultSeed);
    ir::Graph before = g;
    CHECK(
        test::errorText(QuantiseWeightsPass().run(g, ctx))
            .find(
                "net.axon: projection 'in->hidden': target population 'hidden' "
                "has no fixed-point state scale (fixed.state_scale = 0): run "
                "quantise-neurons before quantise-weights") == 0);
    CHECK(g == before);
  }
  SECTION("no target") {
    PassContext ctx(nullptr, "net.axon", kDefaultSeed);
    CHECK(test::errorText(QuantiseWeightsPass().run(g, ctx)) ==
          "net.axon: pass 'quantise-weights' needs a target description: the "
          "weight widths and exponent ranges are the chip's");
  }
  SECTION("bad options") {
    QuantiseWeightsPass pass;
    CHECK(test::errorText(pass.parseOptions("rounding=up")) ==
          "pass 'quantise-weights': option rounding = 'up': must be one of "
          "nearest, stochastic");
    CHECK(test::errorText(pass.parseOptions("scope=core")) ==
          "pass 'quantise-weights': option scope = 'core': must be one of "
          "projection, target");
  }
}

TEST_CASE("quantised weights fit the target's widths on random graphs",
          "[passes][property]") {
  std::mt19937_64 rng(1129);
  const target::TargetDescription targets[] = {
      test::builtinTarget("loihi"), test::builtinTarget("spinnaker"),
      test::changedTarget("loihi",
                          [](target::proto::Target &t) {
                            t.mutable_weights()->set_bits(3);
                            t.mutable_weights()->set_min_exponent(-2);
                            t.mutable_weights()->set_max_exponent(2);
                          }),
      test::changedTarget("spinnaker", [](target::proto::Target &t) {
        t.mutable_weights()->set_bits(6);
        t.mutable_weights()->set_max_shift(20);
      })};
  for (int trial = 0; trial < 400; ++trial) {
    ir::Graph g = test::randomQuantisableGraph(rng);
    const target::TargetDescription &t = targets[trial % 4];
    const target::proto::WeightFormat &wf = t.data().weights();
    const bool shift =
        wf.scheme() == target::proto::WeightFormat::MAGNITUDE_SHIFT;
    const bool stochastic = trial % 3 == 0;
    INFO("trial " << trial << " on " << t.name().str()
                  << (stochastic ? " stochastic" : ""));
    PassContext ctx(&t, "net.axon", trial);
    REQUIRE(test::errorText(test::quantise(
                g, ctx, "", stochastic ? "rounding=stochastic" : "")) == "");
    CHECK(g.level == ir::IRLevel::Quantised);
    REQUIRE(test::errorText(ir::verifyGraph(g)) == "");
    // quantise-neurons keeps every weight storable: nothing clips.
    CHECK(ctx.statistics().counter("quantise-weights", "weights-clipped") ==
          0u);

    const int64_t top = int64_t(1) << wf.bits();
    std::map<std::pair<std::string, bool>, std::set<int32_t>> shiftsBySign;
    for (const ir::Projection &p : g.projections) {
      INFO("projection " << p.name);
      const ir::WeightQuantisation &q = p.quantisation;
      CHECK(q.bits == wf.bits() + 1);
      CHECK(q.scale > 0);
      REQUIRE(p.weightsInt.size() == p.weights.size());
      if (shift) {
        CHECK(q.exponent >= 0);
        CHECK(q.exponent <= int32_t(wf.max_shift()));
      } else {
        CHECK(q.exponent - wf.exponent_offset() >= wf.min_exponent());
        CHECK(q.exponent - wf.exponent_offset() <= wf.max_exponent());
      }
      for (size_t k = 0; k < p.weights.size(); ++k) {
        int64_t m = p.weightsInt[k];
        if (shift) {
          CHECK(std::abs(m) < top);
        } else {
          CHECK(m >= -top);
          CHECK(m < top);
        }
        // Real weight = weights_int * scale, within half a step (one step
        // for stochastic rounding).
        double error = std::fabs(double(p.weights[k]) - double(m) * q.scale);
        CHECK(error <= q.scale * (stochastic ? 1.0 : 0.5) * (1 + 1e-9));
        if (p.weights[k] != 0)
          shiftsBySign[{p.target, p.weights[k] < 0}].insert(q.exponent);
      }
    }
    // MAGNITUDE_SHIFT: one shift per (target population, sign).
    if (shift)
      for (const auto &[key, shifts] : shiftsBySign) {
        INFO("population " << key.first << (key.second ? " -" : " +"));
        CHECK(shifts.size() == 1);
      }
  }
}

TEST_CASE("quantise-neurons then quantise-weights lower a FLOAT graph to "
          "QUANTISED on both built-in targets",
          "[passes]") {
  for (llvm::StringRef name : {"loihi", "spinnaker"}) {
    INFO(name.str());
    target::TargetDescription t = test::builtinTarget(name);
    ir::Graph g = test::makeFloatGraph();
    PassManager pm;
    REQUIRE(test::errorText(pm.addPipeline(
                "discretise-delays,delay-lines,prune,quantise-neurons,"
                "quantise-weights")) == "");
    PassContext ctx(&t, "net.axon", kDefaultSeed);
    REQUIRE(test::errorText(pm.run(g, ctx)) == "");
    CHECK(g.level == ir::IRLevel::Quantised);
    for (const ir::Population &p : g.populations)
      CHECK(p.fixed.stateScale > 0);
    for (const ir::Projection &p : g.projections)
      CHECK(p.weightsInt.size() == p.weights.size());
  }
  // The wrong order is refused before anything runs: quantise-weights
  // leaves the graph QUANTISED, which quantise-neurons does not accept.
  PassManager pm;
  REQUIRE(test::errorText(
              pm.addPipeline("quantise-weights,quantise-neurons")) == "");
  target::TargetDescription loihi = test::builtinTarget("loihi");
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  ir::Graph g = test::quantiseGoldenGraph();
  CHECK(test::errorText(pm.run(g, ctx)) ==
        "net.axon: pass 'quantise-neurons' (2 of 2 in "
        "'quantise-weights,quantise-neurons') needs a graph at level "
        "DISCRETE, but the graph is at QUANTISED after 'quantise-weights'");
}

TEST_CASE("each built-in target's default pipeline lowers a FLOAT graph to "
          "PLACED",
          "[passes]") {
  // The pipelines list quantise-neurons before quantise-weights (the
  // weights are counted in the state units the former chooses).
  for (llvm::StringRef name : {"loihi", "spinnaker"}) {
    INFO(name.str());
    target::TargetDescription t = test::builtinTarget(name);
    ir::Graph g = test::makeFloatGraph();
    PassManager pm;
    REQUIRE(test::errorText(pm.addPipeline(defaultPipelineText(t))) == "");
    PassContext ctx(&t, "net.axon", kDefaultSeed);
    REQUIRE(test::errorText(pm.run(g, ctx)) == "");
    CHECK(g.level == ir::IRLevel::Placed);
  }
}
