//===- NeuronUpdate.h - One neuron's step and one spike's work --*- C++ -*-===//
//
// The per-neuron and per-spike arithmetic of the time-stepped engines, as
// small free functions that the CPU engine, the CUDA engine (hence AXON_HD)
// and a float simulator of deployed networks share, so that they step the
// same model the same way.
//
// Model (eventprop.md A/B): tau_m dV/dt = -V + I, tau_s dI/dt = -I, adjoint
// tau_m lambda_V' = -lambda_V - dl_V/dV, tau_s lambda_I' = -lambda_I +
// lambda_V (prime = -d/dt). Over one step of h ms both are integrated
// exactly; with alpha = e^{-h/tau_m}, beta = e^{-h/tau_s}:
//   forward:  V <- alpha V + c I,  I <- beta I;
//   backward: lambda_I <- beta lambda_I + k lambda_V,
//             lambda_V <- alpha lambda_V;
//   c = tau_s/(tau_m - tau_s) (alpha - beta),  k = (tau_m / tau_s) c.
// c and k are computed through phi(x) = expm1(x)/x, which is exact for
// tau_m == tau_s as well (c = beta h/tau_m, k = beta h/tau_s there) and free
// of cancellation when the two are close. The backward step is the transpose
// of the forward one in the variables mu_V = -tau_m lambda_V,
// mu_I = -tau_s lambda_I (= dL/dV, dL/dI), which is why the stepped engine's
// gradients of non-spiking parts equal finite differences of its own forward
// pass.
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>

#ifdef __CUDACC__
#define AXON_HD __host__ __device__
#else
#define AXON_HD
#endif

namespace axon::eventprop {

/// e^x in the precision of the argument, on host and device alike.
AXON_HD inline float axonExp(float x) { return expf(x); }
AXON_HD inline double axonExp(double x) { return exp(x); }

/// Exact one-step coefficients of a layer (dimensionless).
template <typename Real> struct StepCoefficients {
  Real alpha = 0; ///< e^{-h/tau_m}: V and lambda_V decay per step
  Real beta = 0;  ///< e^{-h/tau_s}: I decay per step
  Real c = 0;     ///< forward: V gained per unit of I over one step
  Real k = 0;     ///< backward: lambda_I gained per unit of lambda_V
};

/// Computed once per layer in float64 on the host and then rounded to Real.
template <typename Real>
StepCoefficients<Real> stepCoefficients(double tauMem, double tauSyn,
                                        double dt) {
  double alpha = std::exp(-dt / tauMem);
  double beta = std::exp(-dt / tauSyn);
  // alpha - beta = beta (e^x - 1) with x = h (tau_m - tau_s)/(tau_m tau_s).
  double x = dt * (tauMem - tauSyn) / (tauMem * tauSyn);
  double phi = x == 0.0 ? 1.0 : std::expm1(x) / x;
  double c = beta * (dt / tauMem) * phi;
  double k = beta * (dt / tauSyn) * phi;
  return {Real(alpha), Real(beta), Real(c), Real(k)};
}

/// Free forward step of one neuron over h.
template <typename Real>
AXON_HD inline void forwardStep(Real &v, Real &i,
                                const StepCoefficients<Real> &s) {
  v = s.alpha * v + s.c * i;
  i = s.beta * i;
}

/// I - theta at a threshold crossing inside a step (= tau_m dV/dt there, the
/// divisor of the adjoint jump), from the state at the start of the step
/// (v0 < theta, i0) and the voltage at its end (v1 >= theta). The crossing
/// is placed by linear interpolation of V within the step and I is decayed
/// exactly to it; I at the end of the step would underestimate the slope by
/// up to a factor beta and can turn a legitimate crossing negative at coarse
/// dt. `stepOverTauSyn` = h / tau_s.
template <typename Real>
AXON_HD inline Real crossingSlope(Real v0, Real v1, Real i0, Real threshold,
                                  Real stepOverTauSyn) {
  Real fraction = (threshold - v0) / (v1 - v0);
  return i0 * axonExp(-fraction * stepOverTauSyn) - threshold;
}

/// One step of a LIF neuron: integrate, then at V >= threshold reset V and
/// report the crossing slope. Returns whether it spiked (at the end of the
/// step). I is unchanged by a spike. (The CPU engine does the same per
/// layer in two passes: forwardStep for all, then crossingSlope and the
/// reset for those at V >= theta.)
template <typename Real>
AXON_HD inline bool lifStep(Real &v, Real &i, const StepCoefficients<Real> &s,
                            Real threshold, Real reset, Real stepOverTauSyn,
                            Real &slope) {
  Real v0 = v, i0 = i;
  forwardStep(v, i, s);
  if (v < threshold)
    return false;
  slope = crossingSlope(v0, v, i0, threshold, stepOverTauSyn);
  v = reset;
  return true;
}

/// Grazing-crossing policy (eventprop.md F.4): the jump divides by the slope,
/// so a slope below `minSlope` (> 0) is raised to it. Returns whether it
/// clamped, for the engine's statistics.
template <typename Real>
AXON_HD inline bool clampSlope(Real &slope, Real minSlope) {
  if (slope >= minSlope)
    return false;
  slope = minSlope;
  return true;
}

/// Free backward step of one neuron's adjoint over h (from the end of a step
/// to its start); lambda_I reads lambda_V before it decays.
template <typename Real>
AXON_HD inline void adjointStep(Real &lambdaV, Real &lambdaI,
                                const StepCoefficients<Real> &s) {
  lambdaI = s.beta * lambdaI + s.k * lambdaV;
  lambdaV = s.alpha * lambdaV;
}

/// lambda_V just before a spike from lambda_V just after it (eventprop.md
/// B.3): lambda_V- = lambda_V+ + [(theta - reset) lambda_V+ + feedback +
/// dl_p/dt] / slope, where feedback = sum over targets of w (lambda_V -
/// lambda_I) at the arrivals and dl_p/dt is the spike-time loss (per ms).
/// The spike-count regulariser kick is applied separately (not divided by
/// the slope, C.3).
template <typename Real>
AXON_HD inline Real adjointJump(Real lambdaVAfter, Real thresholdMinusReset,
                                Real feedback, Real spikeTimeLoss, Real slope) {
  return lambdaVAfter +
         (thresholdMinusReset * lambdaVAfter + feedback + spikeTimeLoss) /
             slope;
}

/// What the backward pass keeps of a postsynaptic neuron at a grid point,
/// in the form one (spike, synapse) evaluation needs: lambda_I for the weight
/// gradient (-tau_s lambda_I) and lambda_V - lambda_I for both the delay
/// gradient and the feedback (times w). Two values in one 8/16-byte load.
template <typename Real> struct AdjointSample {
  Real lambdaI;
  Real lambdaVMinusI;
};

template <typename Real>
AXON_HD inline AdjointSample<Real> adjointSample(Real lambdaV, Real lambdaI) {
  return {lambdaI, lambdaV - lambdaI};
}

/// Clamp-and-round of a learnable delay (steps) to the integer delay the
/// time-stepped engines realise: clamp(round(d), 0, maxDelaySteps), rounding
/// halves away from zero as std::round does.
AXON_HD inline uint32_t roundedDelay(float delaySteps, uint32_t maxDelaySteps) {
  if (!(delaySteps > 0.0f)) // negative, zero (and NaN, rejected earlier)
    return 0;
  float r = floorf(delaySteps + 0.5f);
  return r >= float(maxDelaySteps) ? maxDelaySteps : uint32_t(r);
}

} // namespace axon::eventprop
