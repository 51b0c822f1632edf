//===- NeuronCoefficients.h - One time step of the float neuron -*- C++ -*-===//
//
// alpha, beta and c of a population at a time step: the float model the
// quantisation passes approximate in integers. The formula mirrors
// stepCoefficients() of the training engine (frontend/eventprop/
// NeuronUpdate.h) term for term; passes may not include the front end
// (dependencies point one way, style.md), so it is recomputed here. Over
// one step of h = dt ms, integrated exactly:
//   V <- alpha V + c I,  I <- beta I,
//   alpha = e^{-h/tau_m},  beta = e^{-h/tau_s},
//   c = tau_s/(tau_m - tau_s) (alpha - beta) = beta (h/tau_m) phi(x),
//   phi(x) = expm1(x)/x,  x = h (tau_m - tau_s)/(tau_m tau_s),
// which is exact for tau_m == tau_s too and free of cancellation near it.
//
// Kinds without a synaptic current have beta = 0 and c = 1: an arriving
// weight w jumps V by w in the step it arrives (LIF, delta synapses). A
// RELAY keeps nothing from one step to the next, so alpha = 0 as well.
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"

#include <cmath>

namespace axon::passes {

/// Dimensionless per-step factors of one population.
struct NeuronCoefficients {
  double alpha = 0; ///< V kept per step, e^{-dt/tau_mem}
  double beta = 0;  ///< I kept per step, e^{-dt/tau_syn}; 0 without current
  double c = 1;     ///< V gained over one step per unit of I
};

/// The coefficients of `p` at a step of `dtMs` (see the file comment).
inline NeuronCoefficients neuronCoefficients(const ir::Population &p,
                                             double dtMs) {
  NeuronCoefficients k;
  switch (p.kind) {
  case ir::NeuronKind::Relay:
    return k;
  case ir::NeuronKind::LIF:
    k.alpha = std::exp(-dtMs / p.params.tauMemMs);
    return k;
  case ir::NeuronKind::CubaLIF:
  case ir::NeuronKind::LeakyIntegrator:
    break;
  }
  double tauMem = p.params.tauMemMs, tauSyn = p.params.tauSynMs;
  k.alpha = std::exp(-dtMs / tauMem);
  k.beta = std::exp(-dtMs / tauSyn);
  // alpha - beta = beta (e^x - 1) with x = h (tau_m - tau_s)/(tau_m tau_s).
  double x = dtMs * (tauMem - tauSyn) / (tauMem * tauSyn);
  double phi = x == 0.0 ? 1.0 : std::expm1(x) / x;
  k.c = k.beta * (dtMs / tauMem) * phi;
  return k;
}

} // namespace axon::passes
