//===- BuildDeviceNetwork.cpp - Host side of the CUDA engine's plan -------===//
#include "frontend/eventprop/cuda/BuildDeviceNetwork.h"

#include "frontend/eventprop/LossFunctions.h"
#include "ir/Diagnostics.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>

namespace axon::eventprop::cuda {

namespace {

constexpr const char *kWhere = "cuda engine";

} // namespace

llvm::Expected<DeviceNetwork>
buildDeviceNetwork(const NetworkDesc &net, const DeviceNetworkOptions &options) {
  if (net.layers.size() > kMaxLayers)
    return makeError(kWhere, "{} layers exceed the {} the kernels' tables hold",
                     net.layers.size(), kMaxLayers);
  if (net.projections.size() > kMaxProjections)
    return makeError(kWhere,
                     "{} projections exceed the {} the kernels' tables hold",
                     net.projections.size(), kMaxProjections);
  DeviceNetwork dn;
  dn.numLayers = net.layers.size();
  dn.numProjections = net.projections.size();
  dn.inputSize = net.inputSize;
  dn.numSteps = net.numSteps;
  dn.dt = net.dt;
  dn.loss = net.loss.kind;

  uint64_t offset = 0;
  for (uint32_t l = 0; l < dn.numLayers; ++l) {
    const LayerDesc &desc = net.layers[l];
    DeviceLayer &layer = dn.layers[l];
    layer.offset = uint32_t(offset);
    layer.size = desc.size;
    layer.lif = desc.kind == NeuronKind::LIF;
    layer.threshold = float(desc.threshold);
    layer.reset = float(desc.reset);
    layer.thresholdMinusReset = float(desc.threshold - desc.reset);
    layer.minSlope = float(options.minSlope * (desc.threshold - desc.reset));
    layer.stepOverTauSyn = float(net.dt / desc.tauSyn);
    layer.coeff = stepCoefficients<float>(desc.tauMem, desc.tauSyn, net.dt);
    layer.tauMem = desc.tauMem;
    layer.tauSyn = desc.tauSyn;
    offset += desc.size;
  }
  if (offset >= (uint64_t(1) << 31))
    return makeError(kWhere, "{} neurons exceed the 2^31 the kernels index",
                     offset);
  dn.numNeurons = uint32_t(offset);
  dn.numMaskWords = (dn.numNeurons + 31) / 32;

  ParameterLayout layout = ParameterLayout::of(net);
  uint64_t synapses = 0;
  for (uint32_t p = 0; p < dn.numProjections; ++p) {
    const ProjectionDesc &desc = net.projections[p];
    DeviceProjection &proj = dn.projections[p];
    proj.source = desc.pre;
    proj.post = desc.post;
    proj.preSize = desc.pre == 0 ? net.inputSize : net.layers[desc.pre - 1].size;
    proj.postSize = net.layers[desc.post].size;
    proj.maxDelaySteps = desc.maxDelaySteps;
    proj.weightOffset = layout.projections[p].weightOffset;
    proj.delayOffset = layout.projections[p].delayOffset;
    proj.synapseOffset = synapses;
    const bool mask = options.maskFrozenParameters;
    proj.gradients = !mask || desc.learnWeights || desc.learnDelays;
    proj.weightGradient = proj.gradients && (desc.learnWeights || !mask);
    proj.delayGradient = proj.gradients && (desc.learnDelays || !mask);
    if (desc.pre == 0)
      dn.inputGradients |= proj.gradients;
    DeviceLayer &post = dn.layers[desc.post];
    post.ringDepth = std::max(
        post.ringDepth, uint32_t(llvm::PowerOf2Ceil(desc.maxDelaySteps + 1)));
    synapses += layout.projections[p].count;
  }
  dn.numSynapses = synapses;

  dn.ringElements = 0;
  for (uint32_t l = 0; l < dn.numLayers; ++l) {
    DeviceLayer &layer = dn.layers[l];
    layer.ringMask = layer.ringDepth - 1;
    layer.ringOffset = dn.ringElements;
    dn.ringElements += 2 * uint64_t(layer.ringDepth) * layer.size;
  }
  return dn;
}

void binInputs(const NetworkDesc &net, llvm::ArrayRef<Sample> batch,
               BinnedInputs &out) {
  const uint32_t numSteps = net.numSteps;
  const uint32_t last = numSteps - 1;
  out.starts.assign(batch.size() * size_t(numSteps + 1), 0);
  size_t total = 0;
  for (const Sample &s : batch)
    total += s.spikes.size();
  out.channels.resize(total);
  auto stepOf = [&](const InputSpike &spike) {
    double step = std::floor(double(spike.time) / net.dt);
    return std::min(uint32_t(step), last);
  };
  // Counting sort per sample: stable, so spikes of one step keep their
  // order in Sample::spikes, as in the CPU engine.
  size_t base = 0;
  std::vector<uint32_t> cursor(numSteps + 1);
  for (size_t b = 0; b < batch.size(); ++b) {
    uint32_t *starts = out.starts.data() + b * (numSteps + 1);
    std::fill(cursor.begin(), cursor.end(), 0u);
    for (const InputSpike &spike : batch[b].spikes)
      ++cursor[stepOf(spike) + 1];
    for (uint32_t n = 1; n <= numSteps; ++n)
      cursor[n] += cursor[n - 1];
    for (uint32_t n = 0; n <= numSteps; ++n)
      starts[n] = uint32_t(base + cursor[n]);
    for (const InputSpike &spike : batch[b].spikes)
      out.channels[base + cursor[stepOf(spike)]++] = spike.channel;
    base += batch[b].spikes.size();
  }
}

std::vector<double> readoutWeights(const NetworkDesc &net) {
  std::vector<double> weights(net.numSteps + 1, 0.0);
  if (!isIntegralLoss(net.loss.kind))
    return weights;
  const double trialLength = net.numSteps * net.dt;
  for (uint32_t n = 0; n <= net.numSteps; ++n) {
    double end = (n == 0 || n == net.numSteps) ? 0.5 : 1.0;
    weights[n] = end * net.dt *
                 lossWeight(net.loss.kind, n * net.dt, trialLength) /
                 trialLength;
  }
  return weights;
}

} // namespace axon::eventprop::cuda
