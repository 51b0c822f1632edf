//===- CudaEngine.cpp - Batch driver of the CUDA engine -------------------===//
//
// One batch: lay out the network and bin the inputs on the host, upload,
// run the forward kernel (rerun after growing the spike records if any
// sample overflowed them), bring back the readout and spike counts, compute
// losses and the regulariser on the host exactly as the CPU engine does,
// upload the loss derivatives, run the backward kernel and the reduction,
// bring back the gradients. Memory stays allocated between batches and only
// grows.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/cuda/CudaEngine.h"

#include "frontend/eventprop/LossFunctions.h"
#include "frontend/eventprop/Validate.h"
#include "frontend/eventprop/cuda/BuildDeviceNetwork.h"
#include "frontend/eventprop/cuda/ExecutionTarget.h"
#include "ir/Diagnostics.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cmath>

namespace axon::eventprop {

using namespace cuda;

namespace {

constexpr const char *kWhere = "cuda engine";

/// A grow-only buffer in the target's memory.
class TargetBuffer {
public:
  TargetBuffer() = default;
  TargetBuffer(const TargetBuffer &) = delete;
  TargetBuffer &operator=(const TargetBuffer &) = delete;

  /// Makes room for `bytes`, dropping the old contents when it grows;
  /// `held` tracks the bytes all buffers hold.
  llvm::Error reserve(ExecutionTarget &target, uint64_t bytes,
                      uint64_t &held) {
    if (bytes <= capacity)
      return llvm::Error::success();
    target.release(memory);
    held -= capacity;
    memory = nullptr;
    capacity = 0;
    llvm::Expected<void *> fresh = target.allocate(bytes);
    if (!fresh)
      return fresh.takeError();
    memory = *fresh;
    capacity = bytes;
    held += bytes;
    return llvm::Error::success();
  }

  void release(ExecutionTarget &target) {
    target.release(memory);
    memory = nullptr;
    capacity = 0;
  }

  template <typename T> T *as() const { return static_cast<T *>(memory); }

private:
  void *memory = nullptr;
  uint64_t capacity = 0;
};

/// Per-sample loss, prediction and loss derivative from the readout: the
/// CPU engine's finishForward on the downloaded readout.
} // namespace

struct CudaEngine::State {
  State(CudaEngineOptions options, std::unique_ptr<ExecutionTarget> target,
        bool emulated)
      : options(options), target(std::move(target)), emulated(emulated) {}
  ~State() {
    for (TargetBuffer *buffer : all())
      buffer->release(*target);
  }

  llvm::Expected<BatchResult> runBatch(const NetworkDesc &net,
                                       llvm::ArrayRef<float> params,
                                       llvm::ArrayRef<Sample> batch,
                                       llvm::MutableArrayRef<float> grads);
  llvm::Error reserveBatch(const DeviceNetwork &dn, uint32_t numSamples,
                           bool gradients);
  llvm::Error runForward(const DeviceNetwork &dn, BatchBuffers &buf,
                         std::vector<unsigned long long> &counters);
  BatchBuffers buffers(uint32_t numSamples) const;

  std::vector<TargetBuffer *> all() {
    return {&params,      &grads,     &inputChannels, &inputStarts,
            &weights,     &labels,    &history,       &recordNeurons,
            &recordSlopes, &recordStarts, &readout,   &peakStep,
            &kinkSlope,   &lastArrived, &firstStep,   &neuronSpikes,
            &counters,    &dLossDz,   &phantomKicks,  &kicks,
            &accumulators};
  }

  CudaEngineOptions options;
  std::unique_ptr<ExecutionTarget> target;
  bool emulated;
  CudaMemoryReport memory;
  uint32_t spikeCapacity = 0;

  TargetBuffer params, grads, inputChannels, inputStarts, weights, labels,
      history, recordNeurons, recordSlopes, recordStarts, readout, peakStep,
      kinkSlope, lastArrived, firstStep, neuronSpikes, counters, dLossDz,
      phantomKicks, kicks, accumulators;

  BinnedInputs bins; ///< host staging, reused
};

llvm::Error CudaEngine::State::reserveBatch(const DeviceNetwork &dn,
                                            uint32_t numSamples,
                                            bool gradients) {
  const uint64_t B = numSamples, K = dn.readout().size;
  const uint64_t N = dn.numSteps;
  const uint64_t totalParams = [&] {
    uint64_t total = 0;
    for (uint32_t p = 0; p < dn.numProjections; ++p)
      total += 2 * uint64_t(dn.projections[p].preSize) *
               dn.projections[p].postSize;
    return total;
  }();
  uint64_t &held = memory.bytes;
  struct Need {
    TargetBuffer *buffer;
    uint64_t bytes;
  };
  const Need needs[] = {
      {&params, 4 * totalParams},
      {&grads, gradients ? 4 * totalParams : 0},
      {&inputChannels, 4 * uint64_t(bins.channels.size())},
      {&inputStarts, 4 * B * (N + 1)},
      {&weights, 8 * (N + 1)},
      {&labels, 4 * B},
      {&history, 8 * B * dn.ringElements},
      {&recordNeurons, 4 * B * spikeCapacity},
      {&recordSlopes, 4 * B * spikeCapacity},
      {&recordStarts, 4 * B * (N + 2)},
      {&readout, 8 * B * K},
      {&peakStep, 4 * B * K},
      {&kinkSlope, 8 * B * K},
      {&lastArrived, 4 * B * K},
      {&firstStep, 4 * B * K},
      {&neuronSpikes, 4 * B * dn.numNeurons},
      {&counters, 8 * B * kNumSampleCounters},
      {&dLossDz, 8 * B * K},
      {&phantomKicks, 8 * B},
      {&kicks, 8 * uint64_t(dn.numNeurons)},
      {&accumulators, gradients ? 8 * B * dn.numSynapses : 0},
  };
  for (const Need &need : needs)
    if (llvm::Error err = need.buffer->reserve(*target, need.bytes, held))
      return err;
  memory.peakBytes = std::max(memory.peakBytes, held);
  return llvm::Error::success();
}

BatchBuffers CudaEngine::State::buffers(uint32_t numSamples) const {
  BatchBuffers buf;
  buf.numSamples = numSamples;
  buf.params = params.as<float>();
  buf.inputChannels = inputChannels.as<uint32_t>();
  buf.inputStarts = inputStarts.as<uint32_t>();
  buf.readoutWeights = weights.as<double>();
  buf.labels = labels.as<int32_t>();
  buf.history = history.as<AdjointSample<float>>();
  buf.recordCapacity = spikeCapacity;
  buf.recordNeurons = recordNeurons.as<uint32_t>();
  buf.recordSlopes = recordSlopes.as<float>();
  buf.recordStarts = recordStarts.as<uint32_t>();
  buf.readout = readout.as<double>();
  buf.peakStep = peakStep.as<uint32_t>();
  buf.peakKinkSlope = kinkSlope.as<double>();
  buf.lastArrived = lastArrived.as<float>();
  buf.firstStep = firstStep.as<uint32_t>();
  buf.neuronSpikes = neuronSpikes.as<uint32_t>();
  buf.counters = counters.as<unsigned long long>();
  buf.dLossDz = dLossDz.as<double>();
  buf.phantomKicks = phantomKicks.as<double>();
  buf.accumulators = accumulators.as<float>();
  buf.grads = grads.as<float>();
  return buf;
}

llvm::Error
CudaEngine::State::runForward(const DeviceNetwork &dn, BatchBuffers &buf,
                              std::vector<unsigned long long> &sampleCounters) {
  memory.reruns = 0;
  for (;;) {
    if (llvm::Error err = target->forward(dn, buf))
      return err;
    if (llvm::Error err =
            target->copyOut(sampleCounters.data(), counters.as<void>(),
                            8 * sampleCounters.size()))
      return err;
    unsigned long long most = 0;
    for (size_t b = 0; b < buf.numSamples; ++b)
      most = std::max(most,
                      sampleCounters[b * kNumSampleCounters + kSpikesEmitted]);
    if (most <= spikeCapacity)
      return llvm::Error::success();
    // Some sample emitted more spikes than the records hold: grow them and
    // rerun the batch, so that the backward pass sees every spike.
    unsigned long long grown = most + most / 4 + 1024;
    if (grown > 0xffffffffull)
      return makeError(kWhere, "a sample emitted {} spikes, more than the "
                       "2^32 records the engine indexes", most);
    spikeCapacity = uint32_t(grown);
    ++memory.reruns;
    const uint64_t bytes = 4 * uint64_t(buf.numSamples) * spikeCapacity;
    if (llvm::Error err = recordNeurons.reserve(*target, bytes, memory.bytes))
      return err;
    if (llvm::Error err = recordSlopes.reserve(*target, bytes, memory.bytes))
      return err;
    memory.peakBytes = std::max(memory.peakBytes, memory.bytes);
    buf.recordCapacity = spikeCapacity;
    buf.recordNeurons = recordNeurons.as<uint32_t>();
    buf.recordSlopes = recordSlopes.as<float>();
  }
}

llvm::Expected<BatchResult>
CudaEngine::State::runBatch(const NetworkDesc &net, llvm::ArrayRef<float> p,
                            llvm::ArrayRef<Sample> batch,
                            llvm::MutableArrayRef<float> g) {
  DeviceNetworkOptions layoutOptions;
  layoutOptions.minSlope = options.minSlope;
  layoutOptions.maskFrozenParameters = options.maskFrozenParameters;
  llvm::Expected<DeviceNetwork> laidOut = buildDeviceNetwork(net, layoutOptions);
  if (!laidOut)
    return laidOut.takeError();
  const DeviceNetwork &dn = *laidOut;
  const uint32_t B = batch.size();
  const uint32_t K = dn.readout().size;
  const bool gradients = !g.empty();

  if (spikeCapacity == 0)
    spikeCapacity = options.initialSpikeCapacity
                        ? options.initialSpikeCapacity
                        : std::max<uint32_t>(1024, 16 * dn.numNeurons);
  binInputs(net, batch, bins);
  if (llvm::Error err = reserveBatch(dn, B, gradients))
    return err;
  BatchBuffers buf = buffers(B);
  buf.batchScale = 1.0 / B;

  std::vector<double> stepWeights = readoutWeights(net);
  std::vector<int32_t> sampleLabels(B);
  for (uint32_t b = 0; b < B; ++b)
    sampleLabels[b] = batch[b].label;
  struct Upload {
    TargetBuffer &to;
    const void *from;
    uint64_t bytes;
  };
  const Upload uploads[] = {
      {params, p.data(), 4 * uint64_t(p.size())},
      {inputChannels, bins.channels.data(), 4 * uint64_t(bins.channels.size())},
      {inputStarts, bins.starts.data(), 4 * uint64_t(bins.starts.size())},
      {weights, stepWeights.data(), 8 * uint64_t(stepWeights.size())},
      {labels, sampleLabels.data(), 4 * uint64_t(B)},
  };
  for (const Upload &u : uploads)
    if (llvm::Error err = target->copyIn(u.to.as<void>(), u.from, u.bytes))
      return err;

  std::vector<unsigned long long> sampleCounters(size_t(B) *
                                                 kNumSampleCounters);
  if (llvm::Error err = runForward(dn, buf, sampleCounters))
    return err;

  std::vector<double> z(size_t(B) * K), gradZ(size_t(B) * K);
  std::vector<uint32_t> first(size_t(B) * K),
      spikesPerNeuron(size_t(B) * dn.numNeurons);
  if (llvm::Error err = target->copyOut(z.data(), readout.as<void>(),
                                        8 * uint64_t(z.size())))
    return err;
  if (llvm::Error err = target->copyOut(first.data(), firstStep.as<void>(),
                                        4 * uint64_t(first.size())))
    return err;
  if (llvm::Error err =
          target->copyOut(spikesPerNeuron.data(), neuronSpikes.as<void>(),
                          4 * uint64_t(spikesPerNeuron.size())))
    return err;

  BatchResult result;
  result.samples.resize(B);
  result.neuronSpikeCounts.assign(dn.numNeurons, 0);
  std::vector<double> phantom(B, 0.0);
  double lossSum = 0.0;
  uint64_t phantoms = 0;
  for (uint32_t b = 0; b < B; ++b) {
    llvm::MutableArrayRef<double> zb(z.data() + size_t(b) * K, K);
    SampleLoss s = readoutLoss(
        net.loss, net.numSteps, net.dt, batch[b].label, zb,
        llvm::ArrayRef<uint32_t>(first.data() + size_t(b) * K, K),
        llvm::MutableArrayRef<double>(gradZ.data() + size_t(b) * K, K));
    SampleResult &sample = result.samples[b];
    sample.loss = s.loss;
    sample.predicted = s.predicted;
    sample.readout.assign(zb.begin(), zb.end());
    sample.spikeCounts.assign(dn.numLayers, 0);
    const uint32_t *counts = spikesPerNeuron.data() + size_t(b) * dn.numNeurons;
    for (uint32_t l = 0; l < dn.numLayers; ++l)
      for (uint32_t j = 0; j < dn.layers[l].size; ++j) {
        sample.spikeCounts[l] += counts[dn.layers[l].offset + j];
        result.neuronSpikeCounts[dn.layers[l].offset + j] +=
            counts[dn.layers[l].offset + j];
      }
    lossSum += s.loss;
    if (s.phantom && options.phantomKick) {
      const LayerDesc &out = net.layers.back();
      phantom[b] = buf.batchScale * s.phantomGradient /
                   (out.threshold - out.reset);
      ++phantoms;
    }
  }

  // Spike-count regulariser over hidden LIF layers, as the CPU engine
  // (eventprop.md C.3): kick lambda_V -= (c/B)(nbar_j - nu) at each spike.
  const RegulariserDesc &reg = net.regulariser;
  std::vector<double> regKicks;
  if (reg.lambdaUpper != 0.0 || reg.lambdaLower != 0.0) {
    regKicks.assign(dn.numNeurons, 0.0);
    for (uint32_t l = 0; l + 1 < dn.numLayers; ++l) {
      const DeviceLayer &layer = dn.layers[l];
      if (!layer.lif)
        continue;
      for (uint32_t j = layer.offset; j < layer.offset + layer.size; ++j) {
        double excess = double(result.neuronSpikeCounts[j]) / B - reg.nuUpper;
        double c = excess > 0.0 ? reg.lambdaUpper : reg.lambdaLower;
        result.regulariserLoss += 0.5 * c * excess * excess;
        regKicks[j] = c * excess / B;
      }
    }
  }
  result.loss = lossSum / B + result.regulariserLoss;

  if (gradients) {
    const Upload backwardUploads[] = {
        {dLossDz, gradZ.data(), 8 * uint64_t(gradZ.size())},
        {phantomKicks, phantom.data(), 8 * uint64_t(B)},
        {kicks, regKicks.data(), 8 * uint64_t(regKicks.size())},
    };
    for (const Upload &u : backwardUploads)
      if (llvm::Error err = target->copyIn(u.to.as<void>(), u.from, u.bytes))
        return err;
    buf.regulariserKicks = regKicks.empty() ? nullptr : kicks.as<double>();
    if (llvm::Error err = target->backward(dn, buf))
      return err;
    if (llvm::Error err = target->reduceGradients(dn, buf))
      return err;
    if (llvm::Error err =
            target->copyOut(g.data(), grads.as<void>(), 4 * uint64_t(g.size())))
      return err;
    if (llvm::Error err =
            target->copyOut(sampleCounters.data(), counters.as<void>(),
                            8 * sampleCounters.size()))
      return err;
    result.counters.phantomKicks = phantoms;
  }

  for (uint32_t b = 0; b < B; ++b) {
    const unsigned long long *c =
        sampleCounters.data() + size_t(b) * kNumSampleCounters;
    result.counters.inputSpikes += batch[b].spikes.size();
    result.counters.spikes += c[kSpikesEmitted];
    result.counters.clampedSlopes += c[kClampedSlopes];
    result.counters.forwardSynapticEvents += c[kForwardEvents];
    if (gradients)
      result.counters.backwardSynapticEvents += c[kBackwardEvents];
  }
  memory.spikeCapacity = spikeCapacity;
  result.deviceBytes = memory.bytes;
  return result;
}

CudaEngine::CudaEngine(CudaEngineOptions options,
                       std::unique_ptr<ExecutionTarget> target, bool emulated)
    : S(std::make_unique<State>(options, std::move(target), emulated)) {}

CudaEngine::~CudaEngine() = default;

llvm::Expected<std::unique_ptr<CudaEngine>>
CudaEngine::create(CudaEngineOptions options) {
  llvm::Expected<std::unique_ptr<ExecutionTarget>> target =
      makeCudaTarget(options.threadsPerBlock, options.device);
  if (!target)
    return target.takeError();
  return std::unique_ptr<CudaEngine>(
      new CudaEngine(options, std::move(*target), /*emulated=*/false));
}

std::unique_ptr<CudaEngine> CudaEngine::createEmulated(CudaEngineOptions options) {
  return std::unique_ptr<CudaEngine>(new CudaEngine(
      options, makeHostTarget(options.threadsPerBlock), /*emulated=*/true));
}

llvm::StringRef CudaEngine::name() const {
  return S->emulated ? "cuda-emulated" : "cuda";
}

std::string CudaEngine::describe() const { return S->target->describe(); }

const CudaEngineOptions &CudaEngine::options() const { return S->options; }

const CudaMemoryReport &CudaEngine::memory() const { return S->memory; }

llvm::Expected<BatchResult> CudaEngine::run(const NetworkDesc &net,
                                            llvm::ArrayRef<float> params,
                                            llvm::ArrayRef<Sample> batch,
                                            llvm::MutableArrayRef<float> grads) {
  const CudaEngineOptions &o = S->options;
  if (o.threadsPerBlock == 0 || o.threadsPerBlock % 32 != 0 ||
      o.threadsPerBlock > 1024)
    return makeError(kWhere,
                     "option threadsPerBlock = {} must be a multiple of 32 "
                     "in [32, 1024]",
                     o.threadsPerBlock);
  if (llvm::Error err = validateRun(net, params, batch, grads.size(),
                                    o.minSlope, kWhere))
    return err;
  return S->runBatch(net, params, batch, grads);
}

} // namespace axon::eventprop
