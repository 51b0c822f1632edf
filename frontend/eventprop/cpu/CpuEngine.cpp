//===- CpuEngine.cpp - Batch driver of the time-stepped CPU engine --------===//
//
// A batch runs in two parallel phases over the samples: all forward passes
// (each into its SampleRecord), then, after the regulariser has seen the
// batch's spike counts, all backward passes. Each worker sums one sample's
// gradient in its own accumulators and adds them to the batch total in
// sample order (a ticket wait), so the floating-point sum is the same for
// any number of threads while memory stays at one accumulator per worker.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/cpu/CpuEngine.h"

#include "ir/Diagnostics.h"

#include "frontend/eventprop/LossFunctions.h"
#include "frontend/eventprop/NeuronUpdate.h"
#include "frontend/eventprop/ThreadPool.h"
#include "frontend/eventprop/Validate.h"
#include "frontend/eventprop/cpu/CpuWorker.h"

#include "llvm/Support/MathExtras.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>

namespace axon::eventprop {

using namespace cpu;

namespace {

/// Every diagnostic of this file is located at the engine as a whole.
constexpr const char *kWhere = "cpu engine";

/// Neurons per ring tile of a layer (LayerPlan::tileWidth): the widest
/// whose float ring of `depth` slots fits `bytes` (0: the whole layer), but
/// whole vectors (16) and at least two of them, so that the per-row loops
/// keep their width; never so wide that the offset d * width + j overflows
/// 16 bits; tiles of a layer balanced in width.
uint32_t tileWidth(uint32_t size, uint32_t depth, uint32_t bytes) {
  const uint32_t limit = std::max(1u, 65536u / depth);
  uint32_t width = size;
  if (bytes != 0)
    width = std::max(uint32_t(bytes / (depth * sizeof(float))) & ~15u, 32u);
  width = std::min({width, limit, size});
  if (width == size)
    return size;
  const uint32_t tiles = (size + width - 1) / width;
  const uint32_t balanced = ((size + tiles - 1) / tiles + 15) & ~15u;
  return std::min({balanced, limit, size});
}

/// Lays out a validated network for one run with `params`.
void buildPlan(const NetworkDesc &net, llvm::ArrayRef<float> params,
               const CpuEngineOptions &options, Plan &plan) {
  plan.net = &net;
  plan.params = params.data();
  plan.kernels = options.vectorKernels ? bestRowKernels() : genericRowKernels();
  plan.numSteps = net.numSteps;
  plan.dt = net.dt;
  plan.trialLength = net.numSteps * net.dt;

  plan.layers.clear();
  plan.layerOf.clear();
  uint32_t offset = 0;
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const LayerDesc &desc = net.layers[l];
    LayerPlan layer;
    layer.offset = offset;
    layer.size = desc.size;
    layer.lif = desc.kind == NeuronKind::LIF;
    layer.tauMem = desc.tauMem;
    layer.tauSyn = desc.tauSyn;
    layer.threshold = desc.threshold;
    layer.reset = desc.reset;
    layer.minSlope = options.minSlope * (desc.threshold - desc.reset);
    plan.layers.push_back(layer);
    plan.layerOf.insert(plan.layerOf.end(), desc.size, uint32_t(l));
    offset += desc.size;
  }
  plan.numNeurons = offset;

  // Ring geometry first: a layer's depth covers every projection into it,
  // and the tile width (hence every ring offset) depends on the depth.
  for (const ProjectionDesc &desc : net.projections) {
    LayerPlan &post = plan.layers[desc.post];
    post.ringDepth = std::max(
        post.ringDepth, uint32_t(llvm::PowerOf2Ceil(desc.maxDelaySteps + 1)));
  }
  plan.ringElements = 0;
  plan.historyElements = 0;
  for (LayerPlan &layer : plan.layers) {
    layer.ringMask = layer.ringDepth - 1;
    layer.ringOffset = plan.ringElements;
    plan.ringElements += 2 * uint64_t(layer.ringDepth) * layer.size;
    layer.historyDepth =
        uint32_t(llvm::PowerOf2Ceil(layer.ringDepth + kDeferredBlock));
    layer.historyMask = layer.historyDepth - 1;
    layer.historyOffset = plan.historyElements;
    plan.historyElements += 2 * uint64_t(layer.historyDepth) * layer.size;
    layer.tileWidth =
        tileWidth(layer.size, layer.ringDepth, options.ringTileBytes);
    layer.numTiles = (layer.size + layer.tileWidth - 1) / layer.tileWidth;
  }

  ParameterLayout layout = ParameterLayout::of(net);
  plan.projections.clear();
  plan.outgoing.assign(net.layers.size() + 1, {});
  plan.ringOffsets.resize(layout.total / 2);
  uint64_t synapses = 0;
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const ProjectionDesc &desc = net.projections[p];
    const ParameterLayout::Range &range = layout.projections[p];
    ProjectionPlan proj;
    proj.source = desc.pre;
    proj.post = desc.post;
    proj.preSize =
        desc.pre == 0 ? net.inputSize : net.layers[desc.pre - 1].size;
    proj.postSize = net.layers[desc.post].size;
    proj.weightOffset = range.weightOffset;
    proj.delayOffset = range.delayOffset;
    proj.synapseOffset = synapses;
    proj.gradients =
        !options.maskFrozenParameters || desc.learnWeights || desc.learnDelays;
    proj.deferred = options.deferInputGradients && desc.pre == 0 &&
                    proj.gradients &&
                    !(net.loss.kind == LossKind::MaxVoltage &&
                      desc.post + 1 == net.layers.size());
    const LayerPlan &post = plan.layers[desc.post];
    uint16_t *offsets = plan.ringOffsets.data() + synapses;
    for (uint64_t s = 0; s < range.count; ++s) {
      uint32_t delay =
          roundedDelay(params[range.delayOffset + s], desc.maxDelaySteps);
      uint32_t j = uint32_t(s % proj.postSize);
      uint32_t t = j / post.tileWidth;
      offsets[s] = uint16_t(delay * post.tileSpan(t) + (j - post.tileStart(t)));
      proj.maxDelay = std::max(proj.maxDelay, delay);
    }
    plan.outgoing[desc.pre].push_back(uint32_t(p));
    plan.projections.push_back(proj);
    synapses += range.count;
  }
  plan.numSynapses = synapses;
  const size_t numLayers = plan.layers.size();
  plan.routes.clear();
  plan.routeStart.assign(1, 0);
  for (size_t source = 0; source <= numLayers; ++source)
    for (size_t l = 0; l < numLayers; ++l) {
      for (uint32_t p : plan.outgoing[source])
        if (plan.projections[p].post == l)
          plan.routes.push_back(p);
      plan.routeStart.push_back(uint32_t(plan.routes.size()));
    }

  plan.readoutWeights.assign(net.numSteps + 1, 0.0);
  if (isIntegralLoss(net.loss.kind)) {
    // Trapezoid rule on the grid for (1/T) integral_0^T w(t) V(t) dt.
    for (uint32_t n = 0; n <= net.numSteps; ++n) {
      double end = (n == 0 || n == net.numSteps) ? 0.5 : 1.0;
      plan.readoutWeights[n] =
          end * net.dt *
          lossWeight(net.loss.kind, n * net.dt, plan.trialLength) /
          plan.trialLength;
    }
  }
}

} // namespace

struct CpuEngine::State {
  explicit State(CpuEngineOptions options)
      : options(options), pool(options.threads) {}

  template <typename Real>
  BatchResult runBatch(std::vector<Worker<Real>> &workers,
                       llvm::ArrayRef<Sample> batch,
                       llvm::MutableArrayRef<float> grads);

  CpuEngineOptions options;
  ThreadPool pool;
  Plan plan;
  std::vector<Worker<float>> floatWorkers;
  std::vector<Worker<double>> doubleWorkers;
  std::vector<SampleRecord> records; ///< one per sample; grows with batches
  std::vector<double> totals;        ///< batch gradient sums, 2 per synapse
  std::vector<double> kicks;         ///< regulariser kick per neuron
};

template <typename Real>
BatchResult CpuEngine::State::runBatch(std::vector<Worker<Real>> &workers,
                                       llvm::ArrayRef<Sample> batch,
                                       llvm::MutableArrayRef<float> grads) {
  const size_t numSamples = batch.size();
  const NetworkDesc &net = *plan.net;
  workers.resize(pool.size());
  for (Worker<Real> &worker : workers)
    worker.prepare(plan);
  if (records.size() < numSamples)
    records.resize(numSamples);

  std::atomic<size_t> next{0};
  pool.runOnAll([&](unsigned w) {
    for (size_t b; (b = next.fetch_add(1)) < numSamples;)
      workers[w].forward(plan, batch[b], records[b]);
  });

  BatchResult result;
  result.samples.resize(numSamples);
  result.neuronSpikeCounts.assign(plan.numNeurons, 0);
  double lossSum = 0.0;
  for (size_t b = 0; b < numSamples; ++b) {
    const SampleRecord &record = records[b];
    SampleResult &sample = result.samples[b];
    sample.loss = record.loss;
    sample.predicted = record.predicted;
    sample.readout = record.readout;
    sample.spikeCounts = record.layerSpikes;
    lossSum += record.loss;
    for (const SpikeRecord &spike : record.spikes)
      ++result.neuronSpikeCounts[spike.neuron];
  }

  // Spike-count regulariser over hidden LIF layers (eventprop.md C.3):
  // L = sum_j (c/2)(nbar_j - nu)^2, kick lambda_V -= (c/B)(nbar_j - nu) at
  // every spike of j.
  const RegulariserDesc &reg = net.regulariser;
  kicks.clear();
  if (reg.lambdaUpper != 0.0 || reg.lambdaLower != 0.0) {
    kicks.assign(plan.numNeurons, 0.0);
    for (size_t l = 0; l + 1 < plan.layers.size(); ++l) {
      const LayerPlan &layer = plan.layers[l];
      if (!layer.lif)
        continue;
      for (uint32_t j = layer.offset; j < layer.offset + layer.size; ++j) {
        double excess =
            double(result.neuronSpikeCounts[j]) / numSamples - reg.nuUpper;
        double c = excess > 0.0 ? reg.lambdaUpper : reg.lambdaLower;
        result.regulariserLoss += 0.5 * c * excess * excess;
        kicks[j] = c * excess / numSamples;
      }
    }
  }
  result.loss = lossSum / numSamples + result.regulariserLoss;

  if (!grads.empty()) {
    totals.assign(2 * plan.numSynapses, 0.0);
    BackwardInputs inputs;
    inputs.batchScale = 1.0 / numSamples;
    inputs.regulariserKicks = kicks;
    inputs.phantomKick = options.phantomKick;
    // Ordered reduction: sample b's sums are added to `totals` after those
    // of samples 0..b-1 whatever thread ran them, so the result does not
    // depend on the thread count. A worker hands its finished buffer over
    // and goes on with the next sample in its other buffer; whichever
    // worker completes the next sample in order adds every ready buffer
    // (one adder at a time). A worker waits only when both its buffers
    // still hold sums that wait for an earlier, unfinished sample.
    struct Ready {
      unsigned worker = 0, buffer = 0;
      bool done = false;
    };
    std::vector<Ready> ready(numSamples);
    size_t committed = 0;
    bool adding = false;
    std::mutex mutex;
    std::condition_variable freed;
    next = 0;
    pool.runOnAll([&](unsigned w) {
      Worker<Real> &worker = workers[w];
      for (size_t b; (b = next.fetch_add(1)) < numSamples;) {
        unsigned buffer = 0;
        {
          std::unique_lock<std::mutex> lock(mutex);
          freed.wait(lock, [&] {
            for (unsigned k = 0; k < Worker<Real>::kBuffers; ++k)
              if (!worker.BufferBusy[k]) {
                buffer = k;
                return true;
              }
            return false;
          });
          worker.BufferBusy[buffer] = true;
        }
        worker.backward(plan, batch[b], records[b], inputs, buffer);
        std::unique_lock<std::mutex> lock(mutex);
        ready[b] = {w, buffer, true};
        if (adding)
          continue;
        adding = true;
        while (committed < numSamples && ready[committed].done) {
          Ready r = ready[committed];
          lock.unlock();
          workers[r.worker].commit(plan, r.buffer, totals);
          lock.lock();
          workers[r.worker].BufferBusy[r.buffer] = false;
          ++committed;
          freed.notify_all();
        }
        adding = false;
      }
    });

    for (size_t p = 0; p < plan.projections.size(); ++p) {
      const ProjectionPlan &proj = plan.projections[p];
      const ProjectionDesc &desc = net.projections[p];
      const uint64_t count = uint64_t(proj.preSize) * proj.postSize;
      // dL/dw = -tau_s sum lambda_I; dL/dd (per step) = dt w sum (lambda_V -
      // lambda_I), all at the arrivals (eventprop.md B.4/B.5).
      const double tauSyn = plan.layers[proj.post].tauSyn;
      const bool weights = proj.gradients &&
                           (desc.learnWeights || !options.maskFrozenParameters);
      const bool delays =
          proj.gradients && (desc.learnDelays || !options.maskFrozenParameters);
      for (uint64_t s = 0; s < count; ++s) {
        const double *sums = totals.data() + 2 * (proj.synapseOffset + s);
        grads[proj.weightOffset + s] =
            weights ? float(-tauSyn * sums[0]) : 0.0f;
        grads[proj.delayOffset + s] =
            delays
                ? float(plan.dt * plan.params[proj.weightOffset + s] * sums[1])
                : 0.0f;
      }
    }
  }

  for (size_t b = 0; b < numSamples; ++b)
    result.counters += records[b].counters;
  return result;
}

CpuEngine::CpuEngine(CpuEngineOptions options)
    : S(std::make_unique<State>(options)) {}

CpuEngine::~CpuEngine() = default;

const CpuEngineOptions &CpuEngine::options() const { return S->options; }

unsigned CpuEngine::threads() const { return S->pool.size(); }

llvm::Error CpuEngine::check(const NetworkDesc &net,
                             llvm::ArrayRef<float> params,
                             llvm::ArrayRef<Sample> batch,
                             llvm::MutableArrayRef<float> grads) const {
  return validateRun(net, params, batch, grads.size(), S->options.minSlope,
                     kWhere);
}

llvm::Expected<BatchResult> CpuEngine::run(const NetworkDesc &net,
                                           llvm::ArrayRef<float> params,
                                           llvm::ArrayRef<Sample> batch,
                                           llvm::MutableArrayRef<float> grads) {
  if (llvm::Error err = check(net, params, batch, grads))
    return err;
  buildPlan(net, params, S->options, S->plan);
  if (S->options.precision == Precision::Float64)
    return S->runBatch(S->doubleWorkers, batch, grads);
  return S->runBatch(S->floatWorkers, batch, grads);
}

llvm::Expected<ForwardTrace> CpuEngine::trace(const NetworkDesc &net,
                                              llvm::ArrayRef<float> params,
                                              const Sample &sample,
                                              uint32_t layer) {
  if (llvm::Error err = check(net, params, sample, {}))
    return err;
  if (layer >= net.layers.size())
    return makeError(kWhere, "trace: layer {} is out of range (0..{})", layer,
                     net.layers.size() - 1);
  buildPlan(net, params, S->options, S->plan);
  ForwardTrace trace;
  trace.layer = layer;
  trace.size = net.layers[layer].size;
  trace.voltage.resize(size_t(net.numSteps + 1) * trace.size);
  SampleRecord record;
  auto forward = [&](auto &workers) {
    workers.resize(std::max<size_t>(workers.size(), 1));
    workers[0].prepare(S->plan);
    workers[0].forward(S->plan, sample, record, trace.voltage.data(), layer);
  };
  if (S->options.precision == Precision::Float64)
    forward(S->doubleWorkers);
  else
    forward(S->floatWorkers);
  for (const SpikeRecord &spike : record.spikes) {
    trace.spikeSteps.push_back(spike.step);
    trace.spikeNeurons.push_back(spike.neuron);
    trace.spikeSlopes.push_back(spike.slope);
  }
  trace.result.loss = record.loss;
  trace.result.predicted = record.predicted;
  trace.result.readout = record.readout;
  trace.result.spikeCounts = record.layerSpikes;
  return trace;
}

} // namespace axon::eventprop
