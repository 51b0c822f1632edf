//===- LossFunctions.cpp - Readout losses and their derivatives -----------===//
#include "frontend/eventprop/LossFunctions.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace axon::eventprop {

double lossWeight(LossKind kind, double t, double trialLength) {
  switch (kind) {
  case LossKind::SumExpWeighted:
    return std::exp(-t / trialLength);
  case LossKind::SumLinearWeighted:
    return 1.0 - t / trialLength;
  case LossKind::Sum:
    return 1.0;
  case LossKind::MaxVoltage:
  case LossKind::FirstSpike:
    return 0.0;
  }
  return 0.0;
}

namespace {

/// Writes softmax(z) into `out` and returns log sum exp(z), both stable.
double softmax(llvm::ArrayRef<double> z, llvm::MutableArrayRef<double> out) {
  double top = *std::max_element(z.begin(), z.end());
  double sum = 0.0;
  for (size_t k = 0; k < z.size(); ++k) {
    out[k] = std::exp(z[k] - top);
    sum += out[k];
  }
  for (double &x : out)
    x /= sum;
  return top + std::log(sum);
}

} // namespace

double crossEntropy(llvm::ArrayRef<double> z, int32_t label,
                    llvm::MutableArrayRef<double> dLossDz) {
  assert(dLossDz.size() == z.size() && label >= 0 && size_t(label) < z.size());
  double logSum = softmax(z, dLossDz);
  dLossDz[label] -= 1.0;
  return logSum - z[label];
}

double firstSpikeLoss(const LossDesc &loss, llvm::ArrayRef<double> times,
                      llvm::ArrayRef<bool> fired, int32_t label,
                      llvm::MutableArrayRef<double> dLossDt) {
  const size_t n = times.size();
  assert(dLossDt.size() == n && fired.size() == n);
  // u_k = -t_k / tau0; d(-log softmax(u)_l)/dt_k = (delta_kl - s_k) / tau0.
  double logSum = 0.0;
  {
    double top = -INFINITY;
    for (double t : times)
      top = std::max(top, -t / loss.tau0);
    double sum = 0.0;
    for (size_t k = 0; k < n; ++k) {
      dLossDt[k] = std::exp(-times[k] / loss.tau0 - top);
      sum += dLossDt[k];
    }
    for (double &s : dLossDt)
      s /= sum;
    logSum = top + std::log(sum);
  }
  double value = logSum + times[label] / loss.tau0 +
                 loss.alpha * std::expm1(times[label] / loss.tau1);
  for (size_t k = 0; k < n; ++k) {
    double s = dLossDt[k];
    double g = ((k == size_t(label) ? 1.0 : 0.0) - s) / loss.tau0;
    if (k == size_t(label))
      g += loss.alpha / loss.tau1 * std::exp(times[k] / loss.tau1);
    dLossDt[k] = fired[k] ? g : 0.0;
  }
  return value;
}

double firstSpikeLabelGradient(const LossDesc &loss,
                               llvm::ArrayRef<double> times, int32_t label) {
  double top = -INFINITY;
  for (double t : times)
    top = std::max(top, -t / loss.tau0);
  double sum = 0.0;
  for (double t : times)
    sum += std::exp(-t / loss.tau0 - top);
  double s = std::exp(-times[label] / loss.tau0 - top) / sum;
  return (1.0 - s) / loss.tau0 +
         loss.alpha / loss.tau1 * std::exp(times[label] / loss.tau1);
}

SampleLoss readoutLoss(const LossDesc &loss, uint32_t numSteps, double dt,
                       int32_t label, llvm::MutableArrayRef<double> readout,
                       llvm::ArrayRef<uint32_t> firstStep,
                       llvm::MutableArrayRef<double> dLossDz) {
  SampleLoss out;
  if (loss.kind != LossKind::FirstSpike) {
    out.loss = crossEntropy(readout, label, dLossDz);
    out.predicted = argMax(readout);
    return out;
  }
  const double trialLength = numSteps * dt;
  llvm::SmallVector<bool, 32> fired(readout.size());
  for (size_t k = 0; k < readout.size(); ++k) {
    fired[k] = firstStep[k] <= numSteps;
    readout[k] = fired[k] ? firstStep[k] * dt : trialLength;
  }
  out.loss = firstSpikeLoss(loss, readout, fired, label, dLossDz);
  out.predicted = argMin(readout);
  if (!fired[label]) {
    out.phantom = true;
    out.phantomGradient = firstSpikeLabelGradient(loss, readout, label);
  }
  return out;
}

int32_t argMax(llvm::ArrayRef<double> values) {
  return int32_t(std::max_element(values.begin(), values.end()) -
                 values.begin());
}

int32_t argMin(llvm::ArrayRef<double> values) {
  return int32_t(std::min_element(values.begin(), values.end()) -
                 values.begin());
}

} // namespace axon::eventprop
