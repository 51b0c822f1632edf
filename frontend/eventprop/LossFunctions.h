//===- LossFunctions.h - Readout losses and their derivatives ---*- C++ -*-===//
//
// The per-sample loss as a function of what the readout produced
// (eventprop.md C.1/C.2) and its derivative with respect to those
// quantities; the engines turn the derivative into adjoint forcing (voltage
// losses) or adjoint jumps (FirstSpike). Host code, float64, shared by the
// CPU and CUDA engines.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace axon::eventprop {

/// True for the losses on (1/T) integral w(t) V dt of a LeakyIntegrator.
inline bool isIntegralLoss(LossKind kind) {
  return kind == LossKind::SumExpWeighted ||
         kind == LossKind::SumLinearWeighted || kind == LossKind::Sum;
}

/// The shaping function w(t) of the integral losses at t ms of a trial of
/// `trialLength` ms: exp(-t/T), 1 - t/T or 1 (C.2). 0 for other losses.
double lossWeight(LossKind kind, double t, double trialLength);

/// -log softmax(z)_label, computed stably; writes d(loss)/dz_k =
/// softmax(z)_k - [k == label] into `dLossDz` (same size as z).
double crossEntropy(llvm::ArrayRef<double> z, int32_t label,
                    llvm::MutableArrayRef<double> dLossDz);

/// WP's Yin-Yang loss on first spike times t_k in ms (T for a silent
/// neuron): -log softmax(-t/tau0)_label + alpha (exp(t_label/tau1) - 1).
/// Writes d(loss)/dt_k (per ms) into `dLossDt`, 0 for silent neurons, whose
/// time T is a constant.
double firstSpikeLoss(const LossDesc &loss, llvm::ArrayRef<double> times,
                      llvm::ArrayRef<bool> fired, int32_t label,
                      llvm::MutableArrayRef<double> dLossDt);

/// d(loss)/dt_label of firstSpikeLoss as if the label neuron fired at its
/// time (T when silent): the size of the phantom-spike kick (C.1, F.3).
double firstSpikeLabelGradient(const LossDesc &loss,
                               llvm::ArrayRef<double> times, int32_t label);

/// What the engines make of one sample's readout.
struct SampleLoss {
  double loss = 0.0;
  int32_t predicted = -1;
  /// FirstSpike with a silent label neuron: the phantom kick's size.
  double phantomGradient = 0.0;
  bool phantom = false;
};

/// The loss, its derivative and the decision of one sample, for every
/// engine. `readout` holds the loss quantity z of each readout neuron
/// (integral or peak voltage); for FirstSpike it is overwritten with the
/// first spike times in ms (T for a silent neuron), from `firstStep`, the
/// grid point of each neuron's first spike (> numSteps: none). Writes
/// d(loss)/dz (or d(loss)/dt) into `dLossDz`.
SampleLoss readoutLoss(const LossDesc &loss, uint32_t numSteps, double dt,
                       int32_t label, llvm::MutableArrayRef<double> readout,
                       llvm::ArrayRef<uint32_t> firstStep,
                       llvm::MutableArrayRef<double> dLossDz);

/// Index of the largest value (the first one on ties).
int32_t argMax(llvm::ArrayRef<double> values);
/// Index of the smallest value (the first one on ties).
int32_t argMin(llvm::ArrayRef<double> values);

} // namespace axon::eventprop
