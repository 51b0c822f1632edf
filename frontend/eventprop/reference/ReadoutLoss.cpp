//===- ReadoutLoss.cpp - Per-sample losses on readout quantities ----------===//
#include "frontend/eventprop/reference/ReadoutLoss.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace axon::eventprop::reference {

namespace {

/// Softmax and log-sum-exp, shifted by the maximum so that neither
/// overflows.
double softmax(llvm::ArrayRef<double> z, std::vector<double> &probabilities) {
  double top = *std::max_element(z.begin(), z.end());
  double sum = 0.0;
  probabilities.resize(z.size());
  for (size_t k = 0; k < z.size(); ++k)
    sum += probabilities[k] = std::exp(z[k] - top);
  for (double &p : probabilities)
    p /= sum;
  return top + std::log(sum);
}

} // namespace

ReadoutLoss crossEntropy(llvm::ArrayRef<double> z, int32_t label) {
  assert(label >= 0 && size_t(label) < z.size() && "label out of range");
  ReadoutLoss result;
  double logSumExp = softmax(z, result.gradient);
  result.loss = logSumExp - z[label];
  result.gradient[label] -= 1.0;
  return result;
}

ReadoutLoss firstSpikeLoss(const LossDesc &desc,
                           llvm::ArrayRef<double> firstSpikeTimes,
                           const std::vector<bool> &fired, int32_t label) {
  assert(label >= 0 && size_t(label) < firstSpikeTimes.size() &&
         "label out of range");
  std::vector<double> z(firstSpikeTimes.size());
  for (size_t k = 0; k < z.size(); ++k)
    z[k] = -firstSpikeTimes[k] / desc.tau0;
  ReadoutLoss ce = crossEntropy(z, label);
  ReadoutLoss result;
  double early = std::exp(firstSpikeTimes[label] / desc.tau1);
  result.loss = ce.loss + desc.alpha * (early - 1.0);
  result.gradient.resize(z.size());
  for (size_t k = 0; k < z.size(); ++k) {
    // dz_k/dt_k = -1/tau0.
    double g = -ce.gradient[k] / desc.tau0;
    if (int32_t(k) == label)
      g += desc.alpha / desc.tau1 * early;
    result.gradient[k] = fired[k] ? g : 0.0;
  }
  return result;
}

} // namespace axon::eventprop::reference
