//===- CpuVsReferenceTest.cpp - The stepped engine converges to the exact --===//
//
// Check that the time-stepped CPU engine's gradients (weights and delays,
// recurrent, several spikes per neuron) approach the float64 event-exact
// reference engine's as dt shrinks. The reference itself is checked
// against central finite differences (ReferenceGradientTest.cpp); the
// stepped engine places spikes on the grid and so differs by O(dt): at
// dt = 0.005 ms on a 20 ms trial the relative difference of the whole
// gradient vector was measured at 0.1-0.7 % (asserted: below 2 %), and it
// must shrink when dt is quartered. Inputs sit on grid points and delays are whole steps, so
// both engines see the same inputs and realised delays.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/cpu/CpuEngine.h"
#include "frontend/eventprop/reference/ReferenceEngine.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

using namespace axon;
using namespace axon::eventprop;
using axon::test::errorText;

namespace {

/// 4 inputs -> 6 recurrent LIF (delays on both projections) -> 3 readouts.
NetworkDesc makeNet(double dt, LossKind loss) {
  NetworkDesc net;
  net.inputSize = 4;
  net.dt = dt;
  net.numSteps = uint32_t(std::lround(20.0 / dt));
  LayerDesc hidden;
  hidden.name = "hidden";
  hidden.size = 6;
  LayerDesc out;
  out.name = "out";
  out.size = 3;
  out.kind = loss == LossKind::FirstSpike ? NeuronKind::LIF
                                          : NeuronKind::LeakyIntegrator;
  out.tauMem = 10;
  net.layers = {hidden, out};
  uint32_t maxDelay = uint32_t(std::lround(4.0 / dt)); // 4 ms
  ProjectionDesc in{"in", 0, 0, true, true, maxDelay};
  ProjectionDesc rec{"rec", 1, 0, true, true, maxDelay};
  ProjectionDesc ho{"ho", 1, 1, true, false, 0};
  net.projections = {in, rec, ho};
  net.loss.kind = loss;
  return net;
}

/// Parameters with delays in ms, converted to whole steps of `dt`.
std::vector<float> makeParams(const NetworkDesc &net, uint64_t seed) {
  ParameterLayout layout = ParameterLayout::of(net);
  std::vector<float> p(layout.total, 0.f);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> wIn(2.2, 0.6), wRec(0.0, 0.3), wOut(0.8, 0.4);
  std::uniform_int_distribution<int> delayMs10(0, 30); // 0..3 ms in 0.1 ms
  auto fill = [&](size_t k, auto &dist, bool delays) {
    const ParameterLayout::Range &r = layout.projections[k];
    for (uint64_t s = 0; s < r.count; ++s) {
      p[r.weightOffset + s] = float(dist(rng));
      if (delays)
        p[r.delayOffset + s] =
            float(std::lround(delayMs10(rng) * 0.1 / net.dt));
    }
  };
  fill(0, wIn, true);
  fill(1, wRec, true);
  fill(2, wOut, false);
  return p;
}

std::vector<Sample> makeBatch(const NetworkDesc &net, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> tenths(0, 120); // spikes in [0, 12] ms
  std::vector<Sample> batch(2);
  for (size_t b = 0; b < batch.size(); ++b) {
    batch[b].label = int32_t(b);
    std::vector<InputSpike> spikes;
    for (uint32_t c = 0; c < net.inputSize; ++c)
      for (int k = 0; k < 3; ++k)
        spikes.push_back({float(tenths(rng) * 0.1), c});
    std::sort(spikes.begin(), spikes.end(), [](auto &a, auto &b) {
      return a.time < b.time || (a.time == b.time && a.channel < b.channel);
    });
    batch[b].spikes = spikes;
  }
  return batch;
}

/// Relative L2 difference between the CPU and reference gradients over the
/// learned parameters, or -1 when the reference has a near-grazing spike
/// (where no time-stepped engine can be compared, eventprop.md F.4).
double relativeDifference(LossKind loss, double dt, uint64_t seed) {
  NetworkDesc net = makeNet(dt, loss);
  std::vector<float> params = makeParams(net, seed);
  std::vector<Sample> batch = makeBatch(net, seed + 100);

  reference::Options ro;
  ro.maskFrozenParameters = true;
  llvm::Expected<reference::ReferenceEngine> ref =
      reference::ReferenceEngine::create(net, ro);
  REQUIRE(errorText(ref) == "");
  std::vector<double> pd(params.begin(), params.end());
  llvm::Expected<reference::BatchGradient> exact = ref->gradient(pd, batch);
  REQUIRE(errorText(exact) == "");
  for (const reference::Trial &t : exact->trials)
    if (t.minAbsSlope() < 0.1 || t.totalSpikes() < 10)
      return -1;

  CpuEngineOptions co;
  co.threads = 1;
  co.precision = Precision::Float64;
  co.phantomKick = false;
  CpuEngine cpu(co);
  std::vector<float> grads(params.size());
  llvm::Expected<BatchResult> stepped = cpu.run(net, params, batch, grads);
  REQUIRE(errorText(stepped) == "");
  double num = 0, den = 0;
  for (size_t i = 0; i < grads.size(); ++i) {
    double d = grads[i] - exact->gradient[i];
    num += d * d;
    den += exact->gradient[i] * exact->gradient[i];
  }
  REQUIRE(den > 0);
  return std::sqrt(num / den);
}

} // namespace

TEST_CASE("cpu engine gradients converge to the event-exact reference",
          "[cpu][reference]") {
  for (LossKind loss : {LossKind::SumExpWeighted, LossKind::MaxVoltage,
                        LossKind::FirstSpike}) {
    CAPTURE(static_cast<int>(loss));
    int compared = 0;
    for (uint64_t seed = 1; seed <= 8 && compared < 2; ++seed) {
      CAPTURE(seed);
      double fine = relativeDifference(loss, 0.005, seed);
      if (fine < 0)
        continue;
      double coarse = relativeDifference(loss, 0.02, seed);
      CHECK(fine < 0.02);
      CHECK(fine < coarse);
      ++compared;
    }
    CHECK(compared == 2);
  }
}
