//===- Validate.cpp - Checks of networks, parameters and batches ----------===//
#include "frontend/eventprop/Validate.h"

#include "ir/Diagnostics.h"

#include <fmt/format.h>

#include <cmath>

namespace axon::eventprop {

namespace {

/// Every diagnostic of this file is located at the engine as a whole.
constexpr const char *kWhere = "eventprop";

const char *kindName(NeuronKind kind) {
  return kind == NeuronKind::LIF ? "LIF" : "LeakyIntegrator";
}

/// "layer 1 'hidden'", or "the input" for source 0 of a projection.
std::string sourceName(const NetworkDesc &net, uint32_t source) {
  if (source == 0)
    return "the input";
  return fmt::format("layer {} '{}'", source - 1, net.layers[source - 1].name);
}

bool positiveFinite(double x) { return std::isfinite(x) && x > 0.0; }

llvm::Error validateLayer(const LayerDesc &layer, size_t index) {
  auto where = [&] { return fmt::format("layer {} '{}'", index, layer.name); };
  if (layer.size == 0)
    return makeError(kWhere, "{}: size is 0; a layer needs at least one neuron",
                     where());
  if (!positiveFinite(layer.tauMem))
    return makeError(kWhere, "{}: tauMem = {} ms must be finite and > 0", where(),
                     layer.tauMem);
  if (!positiveFinite(layer.tauSyn))
    return makeError(kWhere, "{}: tauSyn = {} ms must be finite and > 0", where(),
                     layer.tauSyn);
  if (layer.kind == NeuronKind::LIF) {
    if (!std::isfinite(layer.threshold) || !std::isfinite(layer.reset))
      return makeError(kWhere, "{}: threshold = {} and reset = {} must be finite",
                       where(), layer.threshold, layer.reset);
    if (!(layer.reset < layer.threshold))
      return makeError(kWhere, "{}: reset = {} must be below threshold = {}", where(),
                       layer.reset, layer.threshold);
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error validate(const NetworkDesc &net) {
  if (net.inputSize == 0)
    return makeError(kWhere, "network: inputSize is 0");
  if (net.layers.empty())
    return makeError(kWhere, "network: no layers; the last layer is the readout");
  if (!positiveFinite(net.dt))
    return makeError(kWhere, "network: dt = {} ms must be finite and > 0", net.dt);
  if (net.numSteps == 0)
    return makeError(kWhere, "network: numSteps is 0; the trial is empty");
  for (size_t k = 0; k < net.layers.size(); ++k)
    if (llvm::Error err = validateLayer(net.layers[k], k))
      return err;

  const uint32_t numLayers = net.layers.size();
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const ProjectionDesc &proj = net.projections[p];
    auto where = [&] {
      return fmt::format("projection {} '{}'", p, proj.name);
    };
    if (proj.pre > numLayers)
      return makeError(kWhere, "{}: pre = {} is out of range (0 = input, 1..{} = "
                       "layers)",
                       where(), proj.pre, numLayers);
    if (proj.post >= numLayers)
      return makeError(kWhere, "{}: post = {} is out of range (0..{})", where(),
                       proj.post, numLayers - 1);
    if (proj.pre != 0 && net.layers[proj.pre - 1].kind != NeuronKind::LIF)
      return makeError(kWhere, "{}: pre = {} is {}, a {} layer, which never spikes",
                       where(), proj.pre, sourceName(net, proj.pre),
                       kindName(net.layers[proj.pre - 1].kind));
    if (proj.maxDelaySteps > kMaxDelaySteps)
      return makeError(kWhere, "{}: maxDelaySteps = {} exceeds the limit of {}",
                       where(), proj.maxDelaySteps, kMaxDelaySteps);
  }

  const LayerDesc &readout = net.layers.back();
  const bool firstSpike = net.loss.kind == LossKind::FirstSpike;
  const NeuronKind wanted =
      firstSpike ? NeuronKind::LIF : NeuronKind::LeakyIntegrator;
  if (readout.kind != wanted)
    return makeError(kWhere, "readout layer {} '{}': kind is {} but the {} loss needs "
                     "a {} readout (the last layer is the readout)",
                     numLayers - 1, readout.name, kindName(readout.kind),
                     firstSpike ? "FirstSpike" : "voltage", kindName(wanted));
  if (firstSpike) {
    if (!positiveFinite(net.loss.tau0))
      return makeError(kWhere, "loss: tau0 = {} ms must be finite and > 0",
                       net.loss.tau0);
    if (!positiveFinite(net.loss.tau1))
      return makeError(kWhere, "loss: tau1 = {} ms must be finite and > 0",
                       net.loss.tau1);
    if (!std::isfinite(net.loss.alpha) || net.loss.alpha < 0.0)
      return makeError(kWhere, "loss: alpha = {} must be finite and >= 0",
                       net.loss.alpha);
  }
  const RegulariserDesc &reg = net.regulariser;
  if (!std::isfinite(reg.nuUpper) || reg.nuUpper < 0.0)
    return makeError(kWhere, "regulariser: nuUpper = {} must be finite and >= 0",
                     reg.nuUpper);
  if (!std::isfinite(reg.lambdaUpper) || reg.lambdaUpper < 0.0)
    return makeError(kWhere, "regulariser: lambdaUpper = {} must be finite and >= 0",
                     reg.lambdaUpper);
  if (!std::isfinite(reg.lambdaLower) || reg.lambdaLower < 0.0)
    return makeError(kWhere, "regulariser: lambdaLower = {} must be finite and >= 0",
                     reg.lambdaLower);
  return llvm::Error::success();
}

llvm::Error validateParameters(const NetworkDesc &net,
                               llvm::ArrayRef<float> params) {
  ParameterLayout layout = ParameterLayout::of(net);
  if (params.size() != layout.total)
    return makeError(kWhere, "parameters: buffer holds {} values, the network's "
                     "layout needs {}",
                     params.size(), layout.total);
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const ProjectionDesc &proj = net.projections[p];
    const ParameterLayout::Range &range = layout.projections[p];
    const uint64_t postSize = net.layers[proj.post].size;
    for (int delays = 0; delays < 2; ++delays) {
      uint64_t offset = delays ? range.delayOffset : range.weightOffset;
      for (uint64_t s = 0; s < range.count; ++s) {
        float value = params[offset + s];
        if (!std::isfinite(value))
          return makeError(kWhere, "projection {} '{}': {} of synapse ({}, {}) is "
                           "{}; parameters must be finite",
                           p, proj.name, delays ? "delay" : "weight",
                           s / postSize, s % postSize, value);
      }
    }
  }
  return llvm::Error::success();
}

llvm::Error validateBatch(const NetworkDesc &net,
                          llvm::ArrayRef<Sample> batch) {
  if (batch.empty())
    return makeError(kWhere, "batch: empty; an engine needs at least one sample");
  const double trialLength = net.numSteps * net.dt;
  const uint32_t classes = net.layers.back().size;
  for (size_t b = 0; b < batch.size(); ++b) {
    const Sample &sample = batch[b];
    if (sample.label < 0 || uint32_t(sample.label) >= classes)
      return makeError(kWhere, "sample {}: label {} is out of range [0, {}) (readout "
                       "'{}')",
                       b, sample.label, classes, net.layers.back().name);
    for (size_t s = 0; s < sample.spikes.size(); ++s) {
      const InputSpike &spike = sample.spikes[s];
      if (spike.channel >= net.inputSize)
        return makeError(kWhere, "sample {}: input spike {} on channel {}, but the "
                         "input has {} channels",
                         b, s, spike.channel, net.inputSize);
      if (!std::isfinite(spike.time) || spike.time < 0.0f ||
          double(spike.time) >= trialLength)
        return makeError(kWhere, "sample {}: input spike {} at time {} ms is outside "
                         "the trial [0, {}) ms",
                         b, s, spike.time, trialLength);
    }
  }
  return llvm::Error::success();
}

llvm::Error validateRun(const NetworkDesc &net, llvm::ArrayRef<float> params,
                        llvm::ArrayRef<Sample> batch, size_t gradsSize,
                        double minSlope, llvm::StringRef engine) {
  if (!(std::isfinite(minSlope) && minSlope > 0.0))
    return makeError(engine.str(), "option minSlope = {} must be finite and > 0",
                     minSlope);
  if (llvm::Error err = validate(net))
    return err;
  if (llvm::Error err = validateParameters(net, params))
    return err;
  if (llvm::Error err = validateBatch(net, batch))
    return err;
  if (gradsSize != 0 && gradsSize != params.size())
    return makeError(engine.str(),
                     "gradient buffer holds {} values, the parameters {}; "
                     "pass an empty buffer for a forward pass only",
                     gradsSize, params.size());
  return llvm::Error::success();
}

} // namespace axon::eventprop
