//===- ReferenceEngine.cpp - Checks, batches and the regulariser ----------===//
//
// The forward pass is in ReferenceForward.cpp, the adjoint in
// ReferenceBackward.cpp; this file validates inputs and drives a batch.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/reference/ReferenceEngine.h"

#include "ir/Diagnostics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace axon::eventprop::reference {

namespace {

/// Every diagnostic of this file is located at the engine as a whole.
constexpr const char *kWhere = "reference engine";

bool isVoltageLoss(LossKind kind) { return kind != LossKind::FirstSpike; }

} // namespace

uint64_t Trial::totalSpikes() const {
  uint64_t total = 0;
  for (const std::vector<Spike> &s : spikes)
    total += s.size();
  return total;
}

double Trial::minAbsSlope() const {
  double smallest = std::numeric_limits<double>::infinity();
  for (const std::vector<Spike> &s : spikes)
    for (const Spike &spike : s)
      smallest = std::min(smallest, std::abs(spike.slope));
  return smallest;
}

llvm::Expected<ReferenceEngine> ReferenceEngine::create(const NetworkDesc &net,
                                                        Options options) {
  if (net.layers.empty())
    return makeError(kWhere, "the network has no layers");
  if (!(net.dt > 0.0) || net.numSteps == 0)
    return makeError(kWhere, "trial length numSteps * dt = {} * {} ms must be positive",
                     net.numSteps, net.dt);
  for (const LayerDesc &layer : net.layers) {
    if (layer.size == 0)
      return makeError(kWhere, "layer '{}' is empty", layer.name);
    if (!(layer.tauMem > 0.0) || !(layer.tauSyn > 0.0))
      return makeError(kWhere, "layer '{}': tau_mem {} ms and tau_syn {} ms must be "
                       "positive",
                       layer.name, layer.tauMem, layer.tauSyn);
    if (layer.kind == NeuronKind::LIF && !(layer.reset < layer.threshold))
      return makeError(kWhere, "layer '{}': reset {} must lie below threshold {}, or "
                       "the neuron would fire for ever",
                       layer.name, layer.reset, layer.threshold);
  }
  const LayerDesc &readout = net.layers.back();
  if (isVoltageLoss(net.loss.kind) && readout.kind != NeuronKind::LeakyIntegrator)
    return makeError(kWhere, "readout '{}': the voltage losses need a LeakyIntegrator "
                     "readout (a spiking readout's reset would enter the "
                     "loss)",
                     readout.name);
  if (net.loss.kind == LossKind::FirstSpike && readout.kind != NeuronKind::LIF)
    return makeError(kWhere, "readout '{}': the FirstSpike loss needs a LIF readout",
                     readout.name);
  if (net.loss.kind == LossKind::FirstSpike &&
      (!(net.loss.tau0 > 0.0) || !(net.loss.tau1 > 0.0)))
    return makeError(kWhere, "FirstSpike: tau0 {} ms and tau1 {} ms must be positive",
                     net.loss.tau0, net.loss.tau1);
  for (const ProjectionDesc &p : net.projections) {
    if (p.pre > net.layers.size() || p.post >= net.layers.size())
      return makeError(kWhere, "projection '{}': pre {} / post {} out of range for {} "
                       "layers",
                       p.name, p.pre, p.post, net.layers.size());
  }

  ReferenceEngine engine;
  engine.Net = net;
  engine.Layout = ParameterLayout::of(net);
  engine.Opts = options;
  engine.TrialLength = net.numSteps * net.dt;
  engine.NeuronOffset.push_back(0);
  for (uint32_t k = 0; k < net.layers.size(); ++k) {
    const LayerDesc &layer = net.layers[k];
    engine.LayerDynamics.emplace_back(layer.tauMem, layer.tauSyn);
    engine.NeuronOffset.push_back(engine.NeuronOffset.back() + layer.size);
    engine.LayerOf.insert(engine.LayerOf.end(), layer.size, k);
  }
  engine.Outgoing.resize(net.layers.size() + 1);
  for (uint32_t p = 0; p < net.projections.size(); ++p)
    engine.Outgoing[net.projections[p].pre].push_back(p);

  double T = engine.TrialLength;
  switch (net.loss.kind) {
  case LossKind::SumExpWeighted:
    engine.LossWeighting.expCoeff = 1.0;
    engine.LossWeighting.expTau = T;
    break;
  case LossKind::SumLinearWeighted:
    engine.LossWeighting.constant = 1.0;
    engine.LossWeighting.slope = -1.0 / T;
    break;
  case LossKind::Sum:
    engine.LossWeighting.constant = 1.0;
    break;
  case LossKind::MaxVoltage:
  case LossKind::FirstSpike:
    break;
  }
  return engine;
}

llvm::Error ReferenceEngine::checkParameters(llvm::ArrayRef<double> params) const {
  if (params.size() != Layout.total)
    return makeError(kWhere, "{} parameters given, the layout has {}", params.size(),
                     Layout.total);
  for (uint32_t p = 0; p < Net.projections.size(); ++p) {
    const ParameterLayout::Range &range = Layout.projections[p];
    for (uint64_t s = 0; s < range.count; ++s) {
      double w = params[range.weightOffset + s];
      double d = params[range.delayOffset + s];
      if (!std::isfinite(w))
        return makeError(kWhere, "projection '{}' synapse {}: weight {} is not finite",
                         Net.projections[p].name, s, w);
      if (!std::isfinite(d) || d < 0.0)
        return makeError(kWhere, "projection '{}' synapse {}: delay {} steps must be "
                         "finite and >= 0 (causality)",
                         Net.projections[p].name, s, d);
    }
  }
  return llvm::Error::success();
}

llvm::Error ReferenceEngine::checkSample(const Sample &sample) const {
  uint32_t outputs = Net.layers.back().size;
  if (sample.label < 0 || uint32_t(sample.label) >= outputs)
    return makeError(kWhere, "label {} out of range for {} readout neurons",
                     sample.label, outputs);
  for (const InputSpike &spike : sample.spikes) {
    if (spike.channel >= Net.inputSize)
      return makeError(kWhere, "input spike on channel {}, the network has {} inputs",
                       spike.channel, Net.inputSize);
    if (!std::isfinite(spike.time) || spike.time < 0.0f)
      return makeError(kWhere, "input spike at {} ms: times must be finite and >= 0",
                       spike.time);
  }
  return llvm::Error::success();
}

double ReferenceEngine::regulariser(llvm::ArrayRef<Trial> trials,
                                    std::vector<double> &kicks) const {
  // L_reg = sum_j (c/2) (nbar_j - nu)^2 over hidden LIF neurons, applied as
  // the pseudo-gradient kick lambda_V -= (c/B)(nbar_j - nu) at each spike of
  // j (eventprop.md C.3). Not an exact gradient: counts are piecewise
  // constant in the parameters.
  kicks.assign(NeuronOffset.back(), 0.0);
  const RegulariserDesc &reg = Net.regulariser;
  if (reg.lambdaUpper == 0.0 && reg.lambdaLower == 0.0)
    return 0.0;
  double batch = trials.size();
  double total = 0.0;
  for (uint32_t k = 0; k + 1 < Net.layers.size(); ++k) {
    if (Net.layers[k].kind != NeuronKind::LIF)
      continue;
    for (uint64_t n = NeuronOffset[k]; n < NeuronOffset[k + 1]; ++n) {
      double count = 0.0;
      for (const Trial &trial : trials)
        count += trial.spikes[n].size();
      double excess = count / batch - reg.nuUpper;
      double c = excess > 0.0 ? reg.lambdaUpper : reg.lambdaLower;
      total += 0.5 * c * excess * excess;
      kicks[n] = c * excess / batch;
    }
  }
  return total;
}

llvm::Expected<double> ReferenceEngine::loss(llvm::ArrayRef<double> params,
                                             llvm::ArrayRef<Sample> batch) const {
  std::vector<Trial> trials;
  llvm::Expected<double> mean = forwardBatch(params, batch, trials);
  if (!mean)
    return mean.takeError();
  std::vector<double> kicks;
  return *mean + regulariser(trials, kicks);
}

llvm::Expected<double>
ReferenceEngine::forwardBatch(llvm::ArrayRef<double> params,
                              llvm::ArrayRef<Sample> batch,
                              std::vector<Trial> &trials) const {
  if (batch.empty())
    return makeError(kWhere, "empty batch");
  double sum = 0.0;
  for (const Sample &sample : batch) {
    llvm::Expected<Trial> trial = forward(params, sample);
    if (!trial)
      return trial.takeError();
    sum += trial->loss;
    trials.push_back(std::move(*trial));
  }
  return sum / batch.size();
}

llvm::Expected<BatchGradient>
ReferenceEngine::gradient(llvm::ArrayRef<double> params,
                          llvm::ArrayRef<Sample> batch) const {
  BatchGradient result;
  llvm::Expected<double> mean = forwardBatch(params, batch, result.trials);
  if (!mean)
    return mean.takeError();
  std::vector<double> kicks;
  result.loss = *mean + regulariser(result.trials, kicks);
  result.gradient.assign(Layout.total, 0.0);
  double scale = 1.0 / batch.size();
  for (size_t b = 0; b < batch.size(); ++b)
    backward(params, batch[b], result.trials[b], scale, kicks,
             result.gradient);
  if (Opts.maskFrozenParameters) {
    for (uint32_t p = 0; p < Net.projections.size(); ++p) {
      const ParameterLayout::Range &range = Layout.projections[p];
      auto begin = result.gradient.begin();
      if (!Net.projections[p].learnWeights)
        std::fill_n(begin + range.weightOffset, range.count, 0.0);
      if (!Net.projections[p].learnDelays)
        std::fill_n(begin + range.delayOffset, range.count, 0.0);
    }
  }
  return result;
}

} // namespace axon::eventprop::reference
