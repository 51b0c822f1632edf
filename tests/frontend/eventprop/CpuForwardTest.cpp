//===- CpuForwardTest.cpp - Forward traces of the CPU engine --------------===//
//
// Single-neuron voltage traces against closed forms written out here
// (eventprop.md A, G10), LIF spike/reset worked by hand, and the event
// conventions of CpuEngine.h: binning, delays, zero-delay recurrence.
// Float64 state, so the traces match the closed forms to ~1e-12: the exact
// per-step integration has no discretisation error on the grid.
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

/// input (1 channel) -> LI readout (1), the G10 neuron.
NetworkDesc leakyIntegrator(double tauMem, double tauSyn, double dt,
                            uint32_t steps, uint32_t maxDelay = 0) {
  NetworkDesc net;
  net.inputSize = 1;
  net.layers.push_back(
      makeLayer("out", 1, NeuronKind::LeakyIntegrator, tauMem, tauSyn));
  net.projections.push_back(makeProjection("in->out", 0, 0, maxDelay));
  net.loss.kind = LossKind::Sum;
  net.dt = dt;
  net.numSteps = steps;
  return net;
}

Sample spikeAt(float time, uint32_t channel = 0) {
  Sample sample;
  sample.spikes.push_back({time, channel});
  return sample;
}

} // namespace

TEST_CASE("cpu engine: leaky integrator trace is e^{-t/10} - e^{-t/5} on "
          "the grid",
          "[eventprop][cpu]") {
  // One input of weight 1 at t = 0, tau_m = 10, tau_s = 5:
  // V(t) = tau_s/(tau_m - tau_s) (e^{-t/tau_m} - e^{-t/tau_s}).
  NetworkDesc net = leakyIntegrator(10.0, 5.0, 1.0, 30);
  std::vector<float> params = {1.0f, 0.0f};
  CpuEngine engine(exact());
  auto trace = engine.trace(net, params, spikeAt(0.0f), 0);
  REQUIRE(errorText(trace) == "");
  for (uint32_t n = 0; n <= 30; ++n)
    CHECK(trace->voltage[n] ==
          Approx(std::exp(-(n / 10.0)) - std::exp(-(n / 5.0))).margin(1e-7));
  // mlGeNN's V_1.npy has 0.2504 at t = 7 (their step differs slightly at
  // t = 1, see eventprop.md A).
  CHECK(trace->voltage[7] == Approx(0.2504).margin(5e-4));
  CHECK(trace->voltage[1] == Approx(0.0861067).margin(1e-6));

  // At dt = 0.01 the peak 0.25 lies at 10 ln 2 = 6.93 ms.
  NetworkDesc fine = leakyIntegrator(10.0, 5.0, 0.01, 1500);
  fine.loss.kind = LossKind::MaxVoltage;
  auto result = engine.run(fine, params, {spikeAt(0.0f)}, {});
  REQUIRE(errorText(result) == "");
  CHECK(result->samples[0].readout[0] == Approx(0.25).epsilon(1e-6));
  auto fineTrace = engine.trace(fine, params, spikeAt(0.0f), 0);
  REQUIRE(errorText(fineTrace) == "");
  CHECK(fineTrace->voltage[693] == Approx(0.25).epsilon(1e-6));
  CHECK(fineTrace->voltage[693] > fineTrace->voltage[692]);
  CHECK(fineTrace->voltage[693] > fineTrace->voltage[694]);
}

TEST_CASE("cpu engine: equal time constants give (t/tau) e^{-t/tau}",
          "[eventprop][cpu]") {
  // tau_m = tau_s = 5: the 1/(tau_m - tau_s) form is singular, the engine's
  // phi(x) coefficients are not. Weight 2: V = 2 (t/5) e^{-t/5}.
  NetworkDesc net = leakyIntegrator(5.0, 5.0, 0.5, 40);
  std::vector<float> params = {2.0f, 0.0f};
  CpuEngine engine(exact());
  auto trace = engine.trace(net, params, spikeAt(0.0f), 0);
  REQUIRE(errorText(trace) == "");
  for (uint32_t n = 0; n <= 40; ++n) {
    double t = n * 0.5;
    CHECK(trace->voltage[n] ==
          Approx(2.0 * t / 5.0 * std::exp(-t / 5.0)).margin(1e-7));
  }
  // Nearly equal constants agree with the limit to first order.
  NetworkDesc near = leakyIntegrator(5.0 * (1 + 1e-9), 5.0, 0.5, 40);
  auto nearTrace = engine.trace(near, params, spikeAt(0.0f), 0);
  REQUIRE(errorText(nearTrace) == "");
  for (uint32_t n = 0; n <= 40; ++n)
    CHECK(nearTrace->voltage[n] == Approx(trace->voltage[n]).margin(1e-7));
}

TEST_CASE("cpu engine: a LIF neuron spikes at the first grid point at or "
          "above threshold and resets there",
          "[eventprop][cpu]") {
  // input -> hidden LIF (tau 10/5, theta 0.2) -> LI readout. The unit input
  // at t = 0 gives V(n) = e^{-n/10} - e^{-n/5}: 0.0861, 0.1484, 0.1920,
  // 0.2237 at n = 1..4, so the spike is at grid point 4, V(4) = 0 after the
  // reset; I(4) = e^{-4/5} is untouched, so V(5) = c I(4) with
  // c = e^{-1/10} - e^{-1/5} (the one-step response to unit I).
  NetworkDesc net;
  net.inputSize = 1;
  net.layers.push_back(makeLayer("hid", 1, NeuronKind::LIF, 10.0, 5.0, 0.2));
  net.layers.push_back(
      makeLayer("out", 1, NeuronKind::LeakyIntegrator, 10.0, 5.0));
  net.projections.push_back(makeProjection("in->hid", 0, 0));
  net.projections.push_back(makeProjection("hid->out", 1, 1));
  net.loss.kind = LossKind::Sum;
  net.dt = 1.0;
  net.numSteps = 12;
  std::vector<float> params = {1.0f, 0.0f, 1.0f, 0.0f};
  CpuEngine engine(exact());
  auto hidden = engine.trace(net, params, spikeAt(0.0f), 0);
  REQUIRE(errorText(hidden) == "");
  const double c = std::exp(-0.1) - std::exp(-0.2);
  for (uint32_t n = 0; n < 4; ++n)
    CHECK(hidden->voltage[n] ==
          Approx(std::exp(-(n / 10.0)) - std::exp(-(n / 5.0))).margin(1e-7));
  CHECK(hidden->voltage[4] == 0.0f);
  CHECK(hidden->voltage[5] == Approx(c * std::exp(-0.8)).margin(1e-7));
  REQUIRE(hidden->spikeSteps == std::vector<uint32_t>{4});
  REQUIRE(hidden->spikeNeurons == std::vector<uint32_t>{0});
  CHECK(hidden->result.spikeCounts == std::vector<uint64_t>{1, 0});

  // The spike (delay 0) arrives at the readout at grid point 4: V_out is 0
  // up to 4 and c at 5.
  auto out = engine.trace(net, params, spikeAt(0.0f), 1);
  REQUIRE(errorText(out) == "");
  for (uint32_t n = 0; n <= 4; ++n)
    CHECK(out->voltage[n] == 0.0f);
  CHECK(out->voltage[5] == Approx(c).margin(1e-7));
}

TEST_CASE("cpu engine: input spikes are binned to floor(t / dt)",
          "[eventprop][cpu]") {
  // A spike at 2.7 ms with dt = 1 arrives at grid point 2: V(3) = c.
  NetworkDesc net = leakyIntegrator(10.0, 5.0, 1.0, 10);
  std::vector<float> params = {1.0f, 0.0f};
  CpuEngine engine(exact());
  auto trace = engine.trace(net, params, spikeAt(2.7f), 0);
  REQUIRE(errorText(trace) == "");
  CHECK(trace->voltage[2] == 0.0f);
  CHECK(trace->voltage[3] == Approx(std::exp(-0.1) - std::exp(-0.2)));
}

TEST_CASE("cpu engine: a delay of d steps shifts the trace by exactly d "
          "steps",
          "[eventprop][cpu]") {
  // Delays are rounded (2.5 -> 3, 3.2 -> 3, 6.6 -> 6 by the clamp at
  // maxDelaySteps = 6) and the arrival is d grid points after the spike.
  CpuEngine engine(exact());
  NetworkDesc net = leakyIntegrator(10.0, 5.0, 1.0, 30, 6);
  std::vector<float> undelayed = {1.0f, 0.0f};
  auto base = engine.trace(net, undelayed, spikeAt(1.0f), 0);
  REQUIRE(errorText(base) == "");
  for (auto [delay, steps] :
       {std::pair{2.5f, 3u}, std::pair{3.2f, 3u}, std::pair{0.4f, 0u},
        std::pair{6.6f, 6u}, std::pair{-1.0f, 0u}}) {
    std::vector<float> params = {1.0f, delay};
    auto shifted = engine.trace(net, params, spikeAt(1.0f), 0);
    REQUIRE(errorText(shifted) == "");
    INFO("delay " << delay << " -> " << steps << " steps");
    for (uint32_t n = 0; n <= 30; ++n) {
      float expected = n >= steps ? base->voltage[n - steps] : 0.0f;
      CHECK(shifted->voltage[n] == expected);
    }
  }
}

TEST_CASE("cpu engine: a recurrent spike with delay 0 arrives at its own "
          "grid point, i.e. from the next step on",
          "[eventprop][cpu]") {
  // hid = 2 LIF (theta 0.2, tau 10/5); the input drives neuron 0 only, which
  // spikes at grid point 4 (see the LIF test); the recurrent synapse 0 -> 1
  // (weight 0.5, delay 0; too weak to make neuron 1 fire) makes V_1 = 0 up
  // to grid point 4 and 0.5 c at 5.
  // With delay 2 the same response starts two steps later.
  NetworkDesc net;
  net.inputSize = 1;
  net.layers.push_back(makeLayer("hid", 2, NeuronKind::LIF, 10.0, 5.0, 0.2));
  net.layers.push_back(makeLayer("out", 1, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->hid", 0, 0));
  net.projections.push_back(makeProjection("hid->hid", 1, 0, 4, true));
  net.projections.push_back(makeProjection("hid->out", 1, 1));
  net.loss.kind = LossKind::Sum;
  net.dt = 1.0;
  net.numSteps = 12;
  std::vector<float> params(ParameterLayout::of(net).total, 0.0f);
  params[weightIndex(net, 0, 0, 0)] = 1.0f;
  params[weightIndex(net, 1, 0, 1)] = 0.5f;
  const double c = std::exp(-0.1) - std::exp(-0.2);
  CpuEngine engine(exact());
  for (uint32_t delay : {0u, 2u}) {
    params[delayIndex(net, 1, 0, 1)] = float(delay);
    auto trace = engine.trace(net, params, spikeAt(0.0f), 0);
    REQUIRE(errorText(trace) == "");
    REQUIRE(trace->spikeSteps == std::vector<uint32_t>{4});
    for (uint32_t n = 0; n <= 4 + delay; ++n)
      CHECK(trace->voltage[2 * n + 1] == 0.0f);
    CHECK(trace->voltage[2 * (5 + delay) + 1] == Approx(0.5 * c).margin(1e-7));
  }
}

TEST_CASE("cpu engine: float32 state follows the float64 trace",
          "[eventprop][cpu]") {
  // The default precision; ~1e-7 relative per step, 1e-6 absolute here.
  NetworkDesc net = leakyIntegrator(20.0, 5.0, 1.0, 200);
  std::vector<float> params = {1.0f, 0.0f};
  CpuEngine exactEngine(exact());
  CpuEngineOptions options;
  options.threads = 1;
  CpuEngine fast(options);
  Sample sample = spikeAt(0.0f);
  sample.spikes.push_back({50.5f, 0});
  auto a = exactEngine.trace(net, params, sample, 0);
  auto b = fast.trace(net, params, sample, 0);
  REQUIRE(errorText(a) == "");
  REQUIRE(errorText(b) == "");
  for (size_t n = 0; n < a->voltage.size(); ++n)
    CHECK(b->voltage[n] == Approx(a->voltage[n]).margin(1e-6));
}
