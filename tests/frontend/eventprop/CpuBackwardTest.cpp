//===- CpuBackwardTest.cpp - Gradients of the CPU engine ------------------===//
//
// (a) Where no spike time depends on the parameter (LI-only networks, and
//     the readout weights of any network), the engine's backward pass is the
//     exact transpose of its forward pass, so its gradient must equal central
//     finite differences of its own loss: float64 state, tolerance 1e-5
//     relative (central differences with eps = 1e-3 have O(eps^2) error).
// (b) Hidden weights and delays move spike times, which a grid engine
//     quantises to dt; finite differences of it are meaningless at small eps.
//     At dt = 0.001 ms the hand-worked one-neuron cases (eventprop.md G1, G2)
//     must come out within 2 %: dt1/dw = -theta/(w V'(t1)) and dt1/dd = 1.
//     The float64 reference engine checks the general case.
// (c) Signs of the pseudo-gradients: regulariser and phantom-spike kick.
//===----------------------------------------------------------------------===//
#include "EngineTestNetworks.h"

#include "frontend/eventprop/cpu/CpuEngine.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace axon::eventprop;
using namespace axon::eventprop::test;
using axon::test::errorText;

namespace {

CpuEngineOptions exact() {
  CpuEngineOptions options;
  options.threads = 1;
  options.precision = Precision::Float64;
  return options;
}

std::vector<float> gradient(CpuEngine &engine, const NetworkDesc &net,
                            const std::vector<float> &params,
                            const std::vector<Sample> &batch) {
  std::vector<float> grads(params.size());
  auto result = engine.run(net, params, batch, grads);
  REQUIRE(errorText(result) == "");
  return grads;
}

double loss(CpuEngine &engine, const NetworkDesc &net,
            const std::vector<float> &params,
            const std::vector<Sample> &batch) {
  auto result = engine.run(net, params, batch, {});
  REQUIRE(errorText(result) == "");
  return result->loss;
}

/// Central difference of the batch loss in parameter `index`, using the
/// perturbation the float buffer actually holds.
double centralDifference(CpuEngine &engine, const NetworkDesc &net,
                         std::vector<float> params,
                         const std::vector<Sample> &batch, uint64_t index,
                         double eps) {
  const float original = params[index];
  params[index] = float(original + eps);
  const float up = params[index];
  double lossUp = loss(engine, net, params, batch);
  params[index] = float(original - eps);
  const float down = params[index];
  double lossDown = loss(engine, net, params, batch);
  return (lossUp - lossDown) / (double(up) - double(down));
}

/// t1 of V(s) = w tau_s/(tau_m - tau_s)(e^{-s/tau_m} - e^{-s/tau_s}) =
/// theta, by bisection on the rising flank; returns V'(t1) too.
double crossing(double w, double tauMem, double tauSyn, double theta,
                double &slope) {
  auto v = [&](double s) {
    return w * tauSyn / (tauMem - tauSyn) *
           (std::exp(-s / tauMem) - std::exp(-s / tauSyn));
  };
  double lo = 0.0, hi = tauMem * tauSyn / (tauMem - tauSyn) *
                        std::log(tauMem / tauSyn); // the peak
  for (int i = 0; i < 200; ++i) {
    double mid = 0.5 * (lo + hi);
    (v(mid) < theta ? lo : hi) = mid;
  }
  slope = (w * std::exp(-lo / tauSyn) - theta) / tauMem;
  return lo;
}

} // namespace

TEST_CASE("cpu engine: gradients of an LI-only network equal finite "
          "differences of the engine",
          "[eventprop][cpu][gradient]") {
  // 4 inputs -> 3 LI readouts with fixed rounded delays up to 5 steps, a
  // batch of 3 (the 1/B is inside the loss), each voltage loss.
  for (LossKind kind : {LossKind::Sum, LossKind::SumExpWeighted,
                        LossKind::SumLinearWeighted, LossKind::MaxVoltage}) {
    NetworkDesc net;
    net.inputSize = 4;
    net.layers.push_back(makeLayer("out", 3, NeuronKind::LeakyIntegrator));
    net.projections.push_back(makeProjection("in->out", 0, 0, 5, true));
    net.projections[0].learnDelays = false;
    net.loss.kind = kind;
    net.dt = 1.0;
    net.numSteps = 60;
    std::mt19937_64 rng(7);
    std::vector<float> params(ParameterLayout::of(net).total);
    fillProjection(net, 0, 0.0, 0.5, params, rng);
    for (uint64_t s = 0; s < 12; ++s)
      params[delayIndex(net, 0, 0, 0) + s] = float(s % 6);
    std::vector<Sample> batch = randomBatch(net, 3, 0.05, 3, rng);

    CpuEngine engine(exact());
    std::vector<float> grads = gradient(engine, net, params, batch);
    INFO("loss kind " << int(kind));
    for (uint32_t i = 0; i < 4; ++i)
      for (uint32_t j = 0; j < 3; ++j) {
        uint64_t w = weightIndex(net, 0, i, j);
        double fd = centralDifference(engine, net, params, batch, w, 1e-3);
        INFO("weight (" << i << ", " << j << ")");
        CHECK(grads[w] == Approx(fd).epsilon(1e-5).margin(1e-9));
        // Frozen delays get no gradient.
        CHECK(grads[delayIndex(net, 0, i, j)] == 0.0f);
      }
  }
}

TEST_CASE("cpu engine: readout weight gradients of a spiking network equal "
          "finite differences of the engine",
          "[eventprop][cpu][gradient]") {
  // 8 inputs -> 6 recurrent LIF with delays -> 3 LI readouts. The readout
  // weights move no spike, so the grid engine's gradient is exact for them.
  NetworkDesc net;
  net.inputSize = 8;
  net.layers.push_back(makeLayer("hid", 6, NeuronKind::LIF));
  net.layers.push_back(makeLayer("out", 3, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->hid", 0, 0, 10, true));
  net.projections.push_back(makeProjection("hid->hid", 1, 0, 10, true));
  net.projections.push_back(makeProjection("hid->out", 1, 1));
  net.loss.kind = LossKind::SumExpWeighted;
  net.dt = 1.0;
  net.numSteps = 100;
  std::mt19937_64 rng(11);
  std::vector<float> params(ParameterLayout::of(net).total);
  fillProjection(net, 0, 0.5, 0.2, params, rng);
  fillProjection(net, 1, 0.0, 0.1, params, rng);
  fillProjection(net, 2, 0.0, 0.5, params, rng);
  std::vector<Sample> batch = randomBatch(net, 2, 0.1, 2, rng);

  CpuEngine engine(exact());
  auto forward = engine.run(net, params, batch, {});
  REQUIRE(errorText(forward) == "");
  REQUIRE(forward->samples[0].spikeCounts[0] > 5); // the hidden layer fires
  std::vector<float> grads = gradient(engine, net, params, batch);
  for (uint32_t i = 0; i < 6; ++i)
    for (uint32_t j = 0; j < 3; ++j) {
      uint64_t w = weightIndex(net, 2, i, j);
      double fd = centralDifference(engine, net, params, batch, w, 1e-3);
      INFO("weight (" << i << ", " << j << ")");
      CHECK(grads[w] == Approx(fd).epsilon(1e-5).margin(1e-9));
    }
}

TEST_CASE("cpu engine: float32 gradients follow the float64 ones",
          "[eventprop][cpu][gradient]") {
  // The default precision; per-sample sums in float: 1e-3 relative.
  NetworkDesc net;
  net.inputSize = 8;
  net.layers.push_back(makeLayer("out", 3, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->out", 0, 0));
  net.loss.kind = LossKind::SumExpWeighted;
  net.dt = 1.0;
  net.numSteps = 200;
  std::mt19937_64 rng(3);
  std::vector<float> params(ParameterLayout::of(net).total);
  fillProjection(net, 0, 0.0, 0.5, params, rng);
  std::vector<Sample> batch = {randomSample(net, 0.05, 1, rng)};
  CpuEngine slow(exact());
  CpuEngineOptions options;
  options.threads = 1;
  CpuEngine fast(options);
  std::vector<float> a = gradient(slow, net, params, batch);
  std::vector<float> b = gradient(fast, net, params, batch);
  for (size_t k = 0; k < a.size(); ++k)
    CHECK(b[k] == Approx(a[k]).epsilon(1e-3).margin(1e-7));
}

TEST_CASE("cpu engine: TTFS weight and delay gradients of one neuron match "
          "dt1/dw = -theta/(w V'(t1)) and dt1/dd = 1 at small dt",
          "[eventprop][cpu][gradient]") {
  // eventprop.md G1/G2: one LIF readout (tau 20/5, theta 1) driven by one
  // input of weight 8 delayed by 500 steps = 0.5 ms; dt = 0.001 ms. With one
  // readout neuron the softmax term is constant, so L = alpha (e^{t1/tau1} -
  // 1) and dL/dp = (alpha/tau1) e^{t1/tau1} dt1/dp. G1: dt1/dw = -0.995315
  // for w = 8, with the crossing 4.1166 ms after the arrival (eventprop.md
  // G1 prints 7.1166, which does not solve V = theta; its dL/dw does).
  // Tolerance 2 %: the grid places t1 up to dt late.
  NetworkDesc net;
  net.inputSize = 1;
  net.layers.push_back(makeLayer("out", 1, NeuronKind::LIF, 20.0, 5.0, 1.0));
  net.projections.push_back(makeProjection("in->out", 0, 0, 1000, true));
  net.loss.kind = LossKind::FirstSpike;
  net.loss.alpha = 1.0;
  net.loss.tau1 = 100.0;
  net.dt = 0.001;
  net.numSteps = 10000;
  std::vector<float> params = {8.0f, 500.0f};
  std::vector<Sample> batch(1);
  batch[0].spikes.push_back({0.0f, 0});

  CpuEngine engine(exact());
  std::vector<float> grads(2);
  auto result = engine.run(net, params, batch, grads);
  REQUIRE(errorText(result) == "");
  double slope;
  double t1 = crossing(8.0, 20.0, 5.0, 1.0, slope);
  CHECK(t1 == Approx(4.1166).margin(1e-4));
  CHECK(-1.0 / (8.0 * slope) == Approx(-0.995315).epsilon(1e-6));
  double time = result->samples[0].readout[0];
  CHECK(time == Approx(0.5 + t1).margin(2e-3));
  double dLossDt = std::exp(time / 100.0) / 100.0;
  CHECK(grads[0] == Approx(dLossDt * -0.995315).epsilon(0.02));
  // Per step of 0.001 ms: dL/dd = dL/dt * 1 * dt.
  CHECK(grads[1] == Approx(dLossDt * 0.001).epsilon(0.02));
  CHECK(result->counters.clampedSlopes == 0);
}

TEST_CASE("cpu engine: hidden weight and delay gradients have the direction "
          "and ratio of the spike-time derivatives",
          "[eventprop][cpu][gradient]") {
  // input -> one hidden LIF (w = 8, delay 0.5 ms) -> two LI readouts
  // (weights 1 and 0), SumExpWeighted, label 0. A later hidden spike means a
  // smaller exp-weighted integral of V_0, a larger loss: dL/dt_h > 0, so
  // dL/dw_in < 0 (more weight, earlier spike) and dL/dd_in > 0. Their ratio
  // is that of the spike-time derivatives, dt/dw / dt/dd = -0.995315
  // (G1/G2), whatever dL/dt_h is. Finite differences over +-50 steps of
  // delay, and +-0.05 of weight (~50 steps of spike time, so the grid
  // quantisation is ~2 %), agree as well.
  NetworkDesc net;
  net.inputSize = 1;
  net.layers.push_back(makeLayer("hid", 1, NeuronKind::LIF, 20.0, 5.0, 1.0));
  net.layers.push_back(makeLayer("out", 2, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->hid", 0, 0, 1000, true));
  net.projections.push_back(makeProjection("hid->out", 1, 1));
  net.loss.kind = LossKind::SumExpWeighted;
  net.dt = 0.001;
  net.numSteps = 20000;
  std::vector<float> params(ParameterLayout::of(net).total, 0.0f);
  params[weightIndex(net, 0, 0, 0)] = 8.0f;
  params[delayIndex(net, 0, 0, 0)] = 500.0f;
  params[weightIndex(net, 1, 0, 0)] = 1.0f;
  std::vector<Sample> batch(1);
  batch[0].spikes.push_back({0.0f, 0});
  batch[0].label = 0;

  CpuEngine engine(exact());
  std::vector<float> grads = gradient(engine, net, params, batch);
  const uint64_t w = weightIndex(net, 0, 0, 0), d = delayIndex(net, 0, 0, 0);
  CHECK(grads[w] < 0.0f);
  CHECK(grads[d] > 0.0f);
  // Delay gradient per ms = per step / dt.
  CHECK(grads[w] / (grads[d] / net.dt) == Approx(-0.995315).epsilon(0.02));

  double fdDelay = centralDifference(engine, net, params, batch, d, 50.0);
  CHECK(grads[d] == Approx(fdDelay).epsilon(0.02));
  double fdWeight = centralDifference(engine, net, params, batch, w, 0.05);
  CHECK(grads[w] == Approx(fdWeight).epsilon(0.05));
}

TEST_CASE("cpu engine: the spike-count regulariser pushes input weights "
          "towards the target count",
          "[eventprop][cpu][gradient]") {
  // eventprop.md G7. The readout weights are 0, so only the regulariser
  // reaches the hidden neuron. Too many spikes (nu = 0): dL/dw_in > 0,
  // descent lowers the weight; too few (nu = 100): dL/dw_in < 0. The loss
  // term is (c/2)(nbar - nu)^2 with nbar the spike count (B = 1).
  NetworkDesc net = singleNeuronChain(100);
  std::vector<float> params(ParameterLayout::of(net).total, 0.0f);
  params[weightIndex(net, 0, 0, 0)] = 3.0f;
  std::vector<Sample> batch(1);
  for (int t = 0; t < 100; t += 10)
    batch[0].spikes.push_back({float(t), 0});

  CpuEngine engine(exact());
  for (double nu : {0.0, 100.0}) {
    net.regulariser.nuUpper = nu;
    net.regulariser.lambdaUpper = 1.0;
    net.regulariser.lambdaLower = 1.0;
    std::vector<float> grads(params.size());
    auto result = engine.run(net, params, batch, grads);
    REQUIRE(errorText(result) == "");
    double count = result->samples[0].spikeCounts[0];
    REQUIRE(count > 0);
    CHECK(result->regulariserLoss == Approx(0.5 * (count - nu) * (count - nu)));
    INFO("nu " << nu << ", count " << count);
    if (nu < count)
      CHECK(grads[0] > 0.0f);
    else
      CHECK(grads[0] < 0.0f);
  }
}

TEST_CASE("cpu engine: a silent correct TTFS neuron gets the phantom kick "
          "only when enabled",
          "[eventprop][cpu][gradient]") {
  // Readout neuron 0 (the label) gets w = 0.5 and never fires (peak
  // 0.1575 w < theta); neuron 1 gets w = 8 and fires. The phantom kick makes
  // dL/dw_0 < 0 (descent raises it); without it the exact gradient is 0.
  // The wrong neuron firing early has dL/dt_1 < 0, so dL/dw_1 > 0.
  NetworkDesc net;
  net.inputSize = 1;
  net.layers.push_back(makeLayer("out", 2, NeuronKind::LIF));
  net.projections.push_back(makeProjection("in->out", 0, 0));
  net.loss.kind = LossKind::FirstSpike;
  net.dt = 0.01;
  net.numSteps = 3000;
  std::vector<float> params = {0.5f, 8.0f, 0.0f, 0.0f};
  std::vector<Sample> batch(1);
  batch[0].spikes.push_back({0.0f, 0});
  batch[0].label = 0;
  for (bool phantom : {true, false}) {
    CpuEngineOptions options = exact();
    options.phantomKick = phantom;
    CpuEngine engine(options);
    std::vector<float> grads(4);
    auto result = engine.run(net, params, batch, grads);
    REQUIRE(errorText(result) == "");
    CHECK(result->samples[0].predicted == 1);
    CHECK(result->samples[0].readout[0] == Approx(30.0));
    CHECK(result->counters.phantomKicks == (phantom ? 1u : 0u));
    if (phantom)
      CHECK(grads[0] < 0.0f);
    else
      CHECK(grads[0] == 0.0f);
    CHECK(grads[1] > 0.0f);
  }
}

TEST_CASE("cpu engine: a max-voltage peak made by an inhibitory arrival "
          "moves with that arrival",
          "[eventprop][cpu][gradient]") {
  // Readout 0 gets +1 at t = 0 and -2 at t = 3 ms (delay 300 steps of
  // 0.01 ms): V rises until the inhibitory arrival, which makes the peak, so
  // d(max V)/d(arrival) = dV/dt just before it and the delay gradient is
  // dL/dz_0 V'(3-) dt per step; the lambda formula alone would give ~0.
  // Central differences over +-10 steps of delay agree (1e-3: the rising
  // flank is smooth there).
  NetworkDesc net;
  net.inputSize = 2;
  net.layers.push_back(makeLayer("out", 2, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->out", 0, 0, 1000, true));
  net.loss.kind = LossKind::MaxVoltage;
  net.dt = 0.01;
  net.numSteps = 1000;
  std::vector<float> params(ParameterLayout::of(net).total, 0.0f);
  params[weightIndex(net, 0, 0, 0)] = 1.0f;
  params[weightIndex(net, 0, 1, 0)] = -2.0f;
  params[delayIndex(net, 0, 1, 0)] = 300.0f;
  std::vector<Sample> batch(1);
  batch[0].spikes = {{0.0f, 0}, {0.0f, 1}};
  batch[0].label = 1;
  CpuEngine engine(exact());
  std::vector<float> grads = gradient(engine, net, params, batch);
  auto result = engine.run(net, params, batch, {});
  REQUIRE(errorText(result) == "");
  // V(3) and I(3-) of the unit input, tau 20/5; dL/dz_0 = softmax_0.
  double v3 = 5.0 / 15.0 * (std::exp(-3.0 / 20) - std::exp(-3.0 / 5));
  double slope = (std::exp(-3.0 / 5) - v3) / 20.0;
  double z0 = result->samples[0].readout[0];
  CHECK(z0 == Approx(v3).epsilon(1e-6));
  double s0 = std::exp(z0) / (std::exp(z0) + 1.0);
  uint64_t d = delayIndex(net, 0, 1, 0);
  CHECK(grads[d] == Approx(s0 * slope * net.dt).epsilon(1e-6));
  double fd = centralDifference(engine, net, params, batch, d, 10.0);
  CHECK(grads[d] == Approx(fd).epsilon(1e-3));
}
