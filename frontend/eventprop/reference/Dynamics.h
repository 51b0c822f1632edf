//===- Dynamics.h - Closed-form LIF and adjoint dynamics --------*- C++ -*-===//
//
// Everything the reference engine needs to know about one neuron between two
// events, in closed form and in float64: the voltage after s ms of free
// evolution, the first threshold crossing, the voltage peak, integrals of a
// time-weighted voltage, and the free backward step of the adjoint.
//
// Free dynamics (eventprop.md A): tau_m dV/dt = -V + I, tau_s dI/dt = -I, so
// from (V0, I0)
//   V(s) = e^{-s/tau_m} [V0 + I0 (s/tau_m) phi(-s delta)],
//   delta = 1/tau_s - 1/tau_m,  phi(x) = (e^x - 1)/x  (phi(0) = 1).
// Written with phi the expression is exact and free of cancellation for every
// pair of time constants, tau_m == tau_s included (then V = (V0 + I0 s/tau)
// e^{-s/tau}); the textbook A e^{-s/tau_m} + B e^{-s/tau_s} form divides by
// tau_m - tau_s.
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>

namespace axon::eventprop::reference {

/// (e^x - 1) / x, continuous at 0: the divided difference that keeps the
/// closed forms exact as tau_s -> tau_m.
double expm1OverX(double x);

/// log(1 + y) / y, continuous at 0 (y > -1).
double log1pOverX(double y);

/// J_n(r, D) = integral_0^D s^n e^{-r s} ds for n in 0..3, any real r
/// (a power series where |r D| < 1, where the closed form cancels).
double expMoment(int n, double rate, double duration);

/// A loss weighting w(t) = constant + slope t + expCoeff e^{-t/expTau}, t in
/// ms from trial start: covers exp(-t/T), 1 - t/T and 1 (eventprop.md C.2).
struct Weighting {
  double constant = 0.0;
  double slope = 0.0;   ///< per ms
  double expCoeff = 0.0;
  double expTau = 1.0;  ///< ms

  double at(double t) const;
  /// integral_0^D w(t0 + s) s^n e^{-r s} ds, n in 0..2, exact.
  double moment(double t0, int n, double rate, double duration) const;
};

/// The closed forms of one neuron kind, fixed by its two time constants.
class Dynamics {
public:
  Dynamics(double tauMem, double tauSyn);

  double tauMem() const { return TauMem; }
  double tauSyn() const { return TauSyn; }

  /// V after s ms of free evolution from (v0, i0).
  double voltage(double v0, double i0, double s) const;
  /// I after s ms of free evolution from i0.
  double current(double i0, double s) const;
  /// dV/ds after s ms of free evolution, per ms.
  double slope(double v0, double i0, double s) const;

  /// h(x) = (e^{-x/tau_m} - e^{-x/tau_s}) / (tau_m - tau_s), per ms: the
  /// voltage x ms after a unit current step is tau_s h(x). It is also the
  /// kernel that carries lambda_V into lambda_I backwards.
  double kernel(double x) const;

  /// The s > 0 where V peaks (dV/ds = 0 and a maximum), if any. A free
  /// trajectory has at most one extremum, because dV/ds is a sum of two
  /// exponentials.
  std::optional<double> peakTime(double v0, double i0) const;

  /// The first s in [0, horizon] with V(s) = theta, or none. Expects
  /// v0 < theta (the engine never leaves a neuron above threshold; v0 >=
  /// theta answers 0). Brackets the crossing with the end point or the peak,
  /// then refines by safeguarded Newton to about one ulp of s, so that
  /// finite differences of spike times are meaningful at eps ~ 1e-6.
  std::optional<double> firstCrossing(double v0, double i0, double theta,
                                      double horizon) const;

  /// integral_0^D w(t0 + s) V(s) ds for the free trajectory from (v0, i0)
  /// starting at absolute time t0, exact.
  double weightedVoltageIntegral(const Weighting &w, double t0, double v0,
                                 double i0, double duration) const;
  /// integral_0^D w(t0 + x) h(x) dx, exact.
  double weightedKernelIntegral(const Weighting &w, double t0,
                                double duration) const;

  /// Free backward step of the adjoint over `delta` ms (eventprop.md B.2):
  /// lambda_V(t) = e^{-delta/tau_m} lambda_V(t + delta),
  /// lambda_I(t) = e^{-delta/tau_s} lambda_I(t + delta)
  ///               + tau_m h(delta) lambda_V(t + delta).
  void stepAdjointBack(double &lambdaV, double &lambdaI, double delta) const;

private:
  double TauMem;
  double TauSyn;
  double Delta; ///< 1/tau_s - 1/tau_m, per ms
  /// tau_m and tau_s within 1e-9 (relative) use the equal-tau forms of the
  /// integrals. Above that the integrals are a divided difference in the
  /// rate and lose ~log10(tau / |tau_m - tau_s|) digits (voltage(), kernel()
  /// and the crossing search do not: they use expm1OverX).
  bool EqualTaus;
};

} // namespace axon::eventprop::reference
