//===- ReferenceDynamicsTest.cpp - Closed forms of the reference engine ---===//
//
// Every closed form is compared with something computed another way: the
// textbook two-exponential formula, a fine numerical quadrature, or an RK4
// integration of the ODE. Tolerances state how accurate that other way is.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/reference/Dynamics.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

using namespace axon::eventprop::reference;

namespace {

/// Composite Simpson on [a, b] with n (even) panels: error ~ (b-a) h^4
/// f''''/180, about 1e-13 relative for the smooth exponentials here with
/// n = 60000 over <= 100 ms.
double simpson(const std::function<double(double)> &f, double a, double b,
               int n = 60000) {
  double h = (b - a) / n, sum = f(a) + f(b);
  for (int k = 1; k < n; ++k)
    sum += f(a + k * h) * (k % 2 ? 4.0 : 2.0);
  return sum * h / 3.0;
}

/// One input of weight w at t = 0 into a resting neuron, textbook form.
double textbookPsp(double w, double tauMem, double tauSyn, double t) {
  return w * tauSyn / (tauMem - tauSyn) *
         (std::exp(-t / tauMem) - std::exp(-t / tauSyn));
}

} // namespace

TEST_CASE("reference dynamics: a unit input gives e^-t/10 - e^-t/5 peaking "
          "at 0.25 after 10 ln 2 ms (G10)",
          "[reference]") {
  Dynamics dyn(10.0, 5.0);
  for (double t : {0.5, 1.0, 3.0, 7.0, 20.0, 80.0})
    // Both sides are the same function evaluated two ways: agreement to a
    // few ulps of the O(0.25) value.
    CHECK(dyn.voltage(0.0, 1.0, t) ==
          Approx(std::exp(-t / 10) - std::exp(-t / 5)).margin(1e-15));
  std::optional<double> peak = dyn.peakTime(0.0, 1.0);
  REQUIRE(peak);
  CHECK(*peak == Approx(10.0 * std::log(2.0)).epsilon(1e-14));
  CHECK(dyn.voltage(0.0, 1.0, *peak) == Approx(0.25).epsilon(1e-14));
}

TEST_CASE("reference dynamics: equal time constants use the limit "
          "(V0 + I0 s/tau) e^-s/tau, continuous with nearly equal ones",
          "[reference]") {
  Dynamics equal(8.0, 8.0);
  Dynamics nearly(8.0, 8.0 * (1 + 1e-7));
  for (double s : {0.1, 2.0, 8.0, 30.0}) {
    double limit = (0.3 + 1.7 * s / 8.0) * std::exp(-s / 8.0);
    CHECK(equal.voltage(0.3, 1.7, s) == Approx(limit).epsilon(1e-14));
    // The stable form has no 1/(tau_m - tau_s): a 1e-7 relative change of
    // tau_s moves V by O(1e-7), never by cancellation noise.
    CHECK(nearly.voltage(0.3, 1.7, s) == Approx(limit).epsilon(1e-6));
  }
  // Peak of (s/tau) e^{-s/tau} at s = tau.
  REQUIRE(equal.peakTime(0.0, 1.0));
  CHECK(*equal.peakTime(0.0, 1.0) == Approx(8.0).epsilon(1e-14));
}

TEST_CASE("reference dynamics: the first crossing is found even when V "
          "falls back below threshold before the horizon",
          "[reference]") {
  Dynamics dyn(20.0, 5.0);
  const double theta = 1.0, w = 7.0; // peak 0.1575 w = 1.10 at 9.24 ms
  REQUIRE(textbookPsp(w, 20, 5, 60.0) < theta);
  std::optional<double> s = dyn.firstCrossing(0.0, w, theta, 60.0);
  REQUIRE(s);
  CHECK(*s < *dyn.peakTime(0.0, w));
  // Newton converges to about an ulp of V: the textbook formula agrees to
  // rounding of its own evaluation.
  CHECK(textbookPsp(w, 20, 5, *s) == Approx(theta).epsilon(1e-14));
  // A shorter horizon that ends before the crossing finds nothing.
  CHECK_FALSE(dyn.firstCrossing(0.0, w, theta, *s * 0.99));
  // Below threshold at the peak: no crossing however long we wait.
  CHECK_FALSE(dyn.firstCrossing(0.0, 6.0, theta, 1000.0));
  // From a negative voltage with a large current the crossing is on the
  // rising part, the end point already above threshold.
  std::optional<double> r = dyn.firstCrossing(-0.5, 20.0, theta, 100.0);
  REQUIRE(r);
  CHECK(dyn.voltage(-0.5, 20.0, *r) == Approx(theta).epsilon(1e-14));
}

TEST_CASE("reference dynamics: exponential moments match quadrature for any "
          "rate, including 0 and tiny rates",
          "[reference]") {
  for (int n = 0; n <= 3; ++n)
    for (double rate : {0.0, 1e-9, 0.01, 0.3, 1.0 / 7, 2.0, -0.05})
      for (double duration : {0.5, 13.0, 60.0}) {
        double exact = expMoment(n, rate, duration);
        double numeric = simpson(
            [&](double s) { return std::pow(s, n) * std::exp(-rate * s); }, 0,
            duration);
        INFO("n " << n << " rate " << rate << " duration " << duration);
        CHECK(exact == Approx(numeric).epsilon(1e-11));
      }
}

TEST_CASE("reference dynamics: weighted voltage and kernel integrals match "
          "quadrature for all three loss weightings",
          "[reference]") {
  const double T = 80.0;
  Weighting exp, linear, flat;
  exp.expCoeff = 1.0;
  exp.expTau = T;
  linear.constant = 1.0;
  linear.slope = -1.0 / T;
  flat.constant = 1.0;
  for (auto [tauMem, tauSyn] : {std::pair{20.0, 5.0}, std::pair{10.0, 10.0},
                                std::pair{5.0, 12.0}}) {
    Dynamics dyn(tauMem, tauSyn);
    for (const Weighting *w : {&exp, &linear, &flat}) {
      double t0 = 17.0, duration = 41.0, v0 = -0.4, i0 = 2.3;
      double numeric = simpson(
          [&](double s) { return w->at(t0 + s) * dyn.voltage(v0, i0, s); }, 0,
          duration);
      CHECK(dyn.weightedVoltageIntegral(*w, t0, v0, i0, duration) ==
            Approx(numeric).epsilon(1e-11));
      double kernelNumeric = simpson(
          [&](double x) { return w->at(t0 + x) * dyn.kernel(x); }, 0,
          duration);
      CHECK(dyn.weightedKernelIntegral(*w, t0, duration) ==
            Approx(kernelNumeric).epsilon(1e-11));
    }
  }
}

TEST_CASE("reference dynamics: the closed-form adjoint step matches RK4 on "
          "the adjoint ODE, also for tau_m == tau_s (G8)",
          "[reference]") {
  for (auto [tauMem, tauSyn] :
       {std::pair{20.0, 5.0}, std::pair{6.0, 6.0}, std::pair{5.0, 10.0}}) {
    Dynamics dyn(tauMem, tauSyn);
    double lambdaV = 0.7, lambdaI = -0.2, delta = 25.0;
    dyn.stepAdjointBack(lambdaV, lambdaI, delta);
    // Reverse time u: dlV/du = -lV/tau_m, dlI/du = (-lI + lV)/tau_s.
    double v = 0.7, i = -0.2;
    const int steps = 20000;
    const double h = delta / steps;
    auto rhs = [&](double lv, double li) {
      return std::pair{-lv / tauMem, (-li + lv) / tauSyn};
    };
    for (int k = 0; k < steps; ++k) {
      auto [a1, b1] = rhs(v, i);
      auto [a2, b2] = rhs(v + h / 2 * a1, i + h / 2 * b1);
      auto [a3, b3] = rhs(v + h / 2 * a2, i + h / 2 * b2);
      auto [a4, b4] = rhs(v + h * a3, i + h * b3);
      v += h / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
      i += h / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
    }
    // RK4 with h = 1.25e-3 ms has global error ~ h^4 / tau^5 ~ 1e-15.
    CHECK(lambdaV == Approx(v).epsilon(1e-12));
    CHECK(lambdaI == Approx(i).epsilon(1e-12));
  }
}
