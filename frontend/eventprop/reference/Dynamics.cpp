//===- Dynamics.cpp - Closed-form LIF and adjoint dynamics ----------------===//
#include "frontend/eventprop/reference/Dynamics.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace axon::eventprop::reference {

double expm1OverX(double x) {
  // expm1 is accurate to an ulp for small x, so the quotient is too; only
  // x == 0 itself needs the limit.
  return x == 0.0 ? 1.0 : std::expm1(x) / x;
}

double log1pOverX(double y) {
  assert(y > -1.0 && "log1p is undefined at or below -1");
  return y == 0.0 ? 1.0 : std::log1p(y) / y;
}

double expMoment(int n, double rate, double duration) {
  assert(n >= 0 && n <= 3 && "moments up to s^3 only");
  if (duration <= 0.0)
    return 0.0;
  double x = rate * duration;
  double scale = std::pow(duration, n + 1);
  if (std::abs(x) < 1.0) {
    // D^{n+1} sum_k (-x)^k / (k! (n + k + 1)): the closed form below loses
    // up to log10(1/|x|^{n+1}) digits here. 30 terms leave < 1/30! ~ 4e-33.
    double term = 1.0, sum = 0.0;
    for (int k = 0; k < 30; ++k) {
      sum += term / (n + k + 1);
      term *= -x / (k + 1);
    }
    return scale * sum;
  }
  // n! / r^{n+1} (1 - e^{-x} sum_{k<=n} x^k / k!).
  double partial = 0.0, power = 1.0, factorial = 1.0;
  for (int k = 0; k <= n; ++k) {
    if (k > 0) {
      power *= x;
      factorial *= k;
    }
    partial += power / factorial;
  }
  double tail = std::exp(-x) * partial;
  return factorial / std::pow(rate, n + 1) * (1.0 - tail);
}

double Weighting::at(double t) const {
  return constant + slope * t +
         (expCoeff != 0.0 ? expCoeff * std::exp(-t / expTau) : 0.0);
}

double Weighting::moment(double t0, int n, double rate,
                         double duration) const {
  double result = 0.0;
  if (constant != 0.0 || slope != 0.0) {
    double jn = expMoment(n, rate, duration);
    result += constant * jn;
    // w(t0 + s) s^n = slope (t0 s^n + s^{n+1}).
    if (slope != 0.0)
      result += slope * (t0 * jn + expMoment(n + 1, rate, duration));
  }
  if (expCoeff != 0.0)
    result += expCoeff * std::exp(-t0 / expTau) *
              expMoment(n, rate + 1.0 / expTau, duration);
  return result;
}

Dynamics::Dynamics(double tauMem, double tauSyn)
    : TauMem(tauMem), TauSyn(tauSyn), Delta(1.0 / tauSyn - 1.0 / tauMem),
      EqualTaus(std::abs(tauMem - tauSyn) <=
                1e-9 * std::max(tauMem, tauSyn)) {
  assert(tauMem > 0.0 && tauSyn > 0.0 && "time constants must be positive");
}

double Dynamics::voltage(double v0, double i0, double s) const {
  return std::exp(-s / TauMem) *
         (v0 + i0 * (s / TauMem) * expm1OverX(-s * Delta));
}

double Dynamics::current(double i0, double s) const {
  return i0 * std::exp(-s / TauSyn);
}

double Dynamics::slope(double v0, double i0, double s) const {
  return (current(i0, s) - voltage(v0, i0, s)) / TauMem;
}

double Dynamics::kernel(double x) const {
  return std::exp(-x / TauMem) * x * expm1OverX(-x * Delta) /
         (TauMem * TauSyn);
}

std::optional<double> Dynamics::peakTime(double v0, double i0) const {
  // dV/ds = 0 where I(s) = V(s); with V = e^{-s/tau_m}[v0 + i0 (1 -
  // e^{-s delta})/(delta tau_m)] this gives e^{-s delta} = 1 + y with
  // y = (tau_m - tau_s)(v0 - i0)/(i0 tau_m), i.e.
  // s = tau_s (i0 - v0)/i0 * log1p(y)/y. The extremum is a maximum exactly
  // when V starts rising (i0 > v0) towards a positive current.
  if (i0 <= 0.0 || i0 <= v0)
    return std::nullopt;
  double y = (TauMem - TauSyn) * (v0 - i0) / (i0 * TauMem);
  if (y <= -1.0)
    return std::nullopt; // V rises for ever (towards 0 from far below).
  return TauSyn * (i0 - v0) / i0 * log1pOverX(y);
}

std::optional<double> Dynamics::firstCrossing(double v0, double i0,
                                               double theta,
                                               double horizon) const {
  if (v0 >= theta)
    return 0.0;
  // With at most one extremum, V(0) < theta and V(hi) >= theta bracket
  // exactly one crossing in [0, hi]: either at the end of the interval, or
  // before the peak when the peak is inside and above threshold. Checking
  // the peak is what finds a crossing that a check of the end points alone
  // would miss (V up through theta and back down before `horizon`).
  double hi;
  if (voltage(v0, i0, horizon) >= theta) {
    hi = horizon;
  } else {
    std::optional<double> peak = peakTime(v0, i0);
    if (!peak || *peak >= horizon || voltage(v0, i0, *peak) < theta)
      return std::nullopt;
    hi = *peak;
  }
  double lo = 0.0;
  double x = hi;
  for (int iteration = 0; iteration < 200; ++iteration) {
    double f = voltage(v0, i0, x) - theta;
    if (f == 0.0)
      return x;
    if (f < 0.0)
      lo = x;
    else
      hi = x;
    double df = slope(v0, i0, x);
    double next = df > 0.0 ? x - f / df : lo - 1.0;
    if (!(next > lo && next < hi))
      next = 0.5 * (lo + hi);
    // Newton converges quadratically; stop once the step is below an ulp
    // of the answer, or the bracket cannot shrink further.
    if (std::abs(next - x) <= 2e-16 * std::max(1.0, std::abs(x)) ||
        hi - lo <= 4e-16 * std::max(1.0, hi))
      return next;
    x = next;
  }
  return x;
}

double Dynamics::weightedKernelIntegral(const Weighting &w, double t0,
                                        double duration) const {
  if (EqualTaus)
    return w.moment(t0, 1, 1.0 / TauMem, duration) / (TauMem * TauSyn);
  return (w.moment(t0, 0, 1.0 / TauMem, duration) -
          w.moment(t0, 0, 1.0 / TauSyn, duration)) /
         (TauMem - TauSyn);
}

double Dynamics::weightedVoltageIntegral(const Weighting &w, double t0,
                                         double v0, double i0,
                                         double duration) const {
  // V(s) = v0 e^{-s/tau_m} + i0 tau_s h(s).
  return v0 * w.moment(t0, 0, 1.0 / TauMem, duration) +
         i0 * TauSyn * weightedKernelIntegral(w, t0, duration);
}

void Dynamics::stepAdjointBack(double &lambdaV, double &lambdaI,
                               double delta) const {
  lambdaI = std::exp(-delta / TauSyn) * lambdaI +
            TauMem * kernel(delta) * lambdaV;
  lambdaV *= std::exp(-delta / TauMem);
}

} // namespace axon::eventprop::reference
