//===- NeuronUpdateTest.cpp - Exact neuron and adjoint steps --------------===//
//
// eventprop.md G8: the closed-form steps against a fine explicit Euler
// integration of the ODEs (1e-5 steps per ms: ~1e-5 relative), the tau_m ==
// tau_s limit, and the transpose relation that makes the stepped backward
// pass the exact adjoint of the stepped forward pass.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/NeuronUpdate.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace axon::eventprop;

namespace {

/// Euler integration of tau_m V' = -V + I, tau_s I' = -I over h.
void eulerForward(double &v, double &i, double tauMem, double tauSyn,
                  double h) {
  const int n = 200000;
  double dt = h / n;
  for (int k = 0; k < n; ++k) {
    double dv = (-v + i) / tauMem, di = -i / tauSyn;
    v += dt * dv;
    i += dt * di;
  }
}

/// Euler integration of the adjoint backwards over h: tau_m lV' = -lV,
/// tau_s lI' = -lI + lV, prime = -d/dt.
void eulerAdjoint(double &lv, double &li, double tauMem, double tauSyn,
                  double h) {
  const int n = 200000;
  double dt = h / n;
  for (int k = 0; k < n; ++k) {
    double dlv = -lv / tauMem, dli = (-li + lv) / tauSyn;
    lv += dt * dlv;
    li += dt * dli;
  }
}

} // namespace

TEST_CASE("exact forward and adjoint steps match fine Euler integration",
          "[eventprop]") {
  for (auto [tauMem, tauSyn] :
       {std::pair{20.0, 5.0}, std::pair{5.0, 20.0}, std::pair{10.0, 10.0}}) {
    auto s = stepCoefficients<double>(tauMem, tauSyn, 1.5);
    double v = 0.3, i = 1.7, ve = v, ie = i;
    forwardStep(v, i, s);
    eulerForward(ve, ie, tauMem, tauSyn, 1.5);
    CHECK(v == Approx(ve).epsilon(1e-5));
    CHECK(i == Approx(ie).epsilon(1e-5));
    double lv = -0.4, li = 0.9, lve = lv, lie = li;
    adjointStep(lv, li, s);
    eulerAdjoint(lve, lie, tauMem, tauSyn, 1.5);
    CHECK(lv == Approx(lve).epsilon(1e-5));
    CHECK(li == Approx(lie).epsilon(1e-5));
  }
}

TEST_CASE("step coefficients are continuous through tau_m == tau_s",
          "[eventprop]") {
  auto equal = stepCoefficients<double>(5.0, 5.0, 1.0);
  CHECK(equal.c == Approx(std::exp(-0.2) * 0.2));
  CHECK(equal.k == Approx(std::exp(-0.2) * 0.2));
  auto near = stepCoefficients<double>(5.0 + 1e-9, 5.0, 1.0);
  CHECK(near.c == Approx(equal.c).epsilon(1e-8));
  CHECK(near.k == Approx(equal.k).epsilon(1e-8));
  // The textbook form away from the limit.
  auto apart = stepCoefficients<double>(20.0, 5.0, 1.0);
  CHECK(apart.c ==
        Approx(5.0 / 15.0 * (std::exp(-1.0 / 20) - std::exp(-1.0 / 5))));
  CHECK(apart.k ==
        Approx(20.0 / 15.0 * (std::exp(-1.0 / 20) - std::exp(-1.0 / 5))));
}

TEST_CASE("the adjoint step is the transpose of the forward step in "
          "mu = (-tau_m lambda_V, -tau_s lambda_I)",
          "[eventprop]") {
  // <mu(n), x(n)> = <mu(n+1), x(n+1)> for any state x and adjoint mu.
  const double tauMem = 20.0, tauSyn = 5.0;
  auto s = stepCoefficients<double>(tauMem, tauSyn, 1.0);
  double v = 0.7, i = -1.3, lv = 0.25, li = -0.6;
  double after = -tauMem * lv * v - tauSyn * li * i; // at n+1 (lambda there)
  // Forward x(n) -> x(n+1); the adjoint mu(n+1) -> mu(n).
  double v1 = v, i1 = i;
  forwardStep(v1, i1, s);
  double before0 = -tauMem * lv * v1 - tauSyn * li * i1;
  double lv0 = lv, li0 = li;
  adjointStep(lv0, li0, s);
  double before1 = -tauMem * lv0 * v - tauSyn * li0 * i;
  CHECK(before0 == Approx(before1).epsilon(1e-12));
  (void)after;
}

TEST_CASE("a LIF step reports the crossing slope and resets", "[eventprop]") {
  auto s = stepCoefficients<float>(20.0, 5.0, 1.0);
  float v = 0.99f, i = 3.0f, slope = 0.0f;
  REQUIRE(lifStep(v, i, s, 1.0f, 0.0f, 0.2f, slope));
  CHECK(v == 0.0f);
  CHECK(i == Approx(3.0 * std::exp(-0.2)));
  // The crossing is early in the step: I there is close to 3.
  CHECK(slope > 3.0f * std::exp(-0.2f) - 1.0f);
  CHECK(slope < 2.0f);
  float clamped = 1e-4f;
  CHECK(clampSlope(clamped, 0.01f));
  CHECK(clamped == 0.01f);
  CHECK(roundedDelay(2.5f, 10) == 3);
  CHECK(roundedDelay(2.49f, 10) == 2);
  CHECK(roundedDelay(-3.0f, 10) == 0);
  CHECK(roundedDelay(12.0f, 10) == 10);
}
