//===- EngineRunners.cpp - Engines behind the trainer's seam --------------===//
#include "frontend/train/EngineRunners.h"

#include "frontend/eventprop/cpu/CpuEngine.h"
#include "frontend/eventprop/reference/ReferenceEngine.h"
#include "frontend/eventprop/Validate.h"
#include "ir/Diagnostics.h"

#ifdef AXON_HAVE_CUDA_ENGINE
#include "frontend/eventprop/cuda/CudaEngine.h"
#include "frontend/eventprop/cuda/ExecutionTarget.h"
#endif

#include <algorithm>
#include <memory>
#include <thread>

namespace axon::train {
namespace {

using eventprop::reference::BatchGradient;
using eventprop::reference::ReferenceEngine;
using eventprop::reference::Trial;

void countHiddenSpikes(const eventprop::NetworkDesc &net, const Trial &t,
                       std::vector<uint64_t> &counts) {
  uint64_t hidden = t.neuronOffset.empty() ? 0
                                           : t.neuronOffset[net.layers.size() -
                                                            1];
  counts.resize(hidden, 0);
  for (uint64_t n = 0; n < hidden; ++n)
    counts[n] += t.spikes[n].size();
}

/// The reference engine over a batch, split into fixed chunks run on
/// threads. Chunks are fixed by the batch size alone and summed in chunk
/// order, so results do not depend on the thread count. The regulariser
/// needs the whole batch's counts, so with it the batch runs as one chunk.
class ReferenceRunner {
public:
  ReferenceRunner(ReferenceEngine engine, unsigned threads)
      : engine(std::make_shared<ReferenceEngine>(std::move(engine))),
        threads(threads) {}

  llvm::Expected<BatchOutcome> operator()(
      llvm::ArrayRef<float> params, llvm::ArrayRef<eventprop::Sample> batch,
      llvm::MutableArrayRef<float> grads) const {
    const eventprop::NetworkDesc &net = engine->network();
    std::vector<double> p(params.begin(), params.end());
    bool regularised = net.regulariser.lambdaUpper > 0 ||
                       net.regulariser.lambdaLower > 0;
    size_t chunk = regularised ? batch.size() : 4;
    size_t numChunks = (batch.size() + chunk - 1) / chunk;
    std::vector<std::optional<llvm::Expected<BatchGradient>>> slots(numChunks);
    auto work = [&](size_t first) {
      for (size_t c = first; c < numChunks; c += threads) {
        llvm::ArrayRef<eventprop::Sample> part =
            batch.slice(c * chunk, std::min(chunk, batch.size() - c * chunk));
        slots[c].emplace(engine->gradient(p, part));
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::min<size_t>(threads, numChunks); ++t)
      pool.emplace_back(work, t);
    work(0);
    for (std::thread &t : pool)
      t.join();

    BatchOutcome out;
    std::vector<double> sum(grads.empty() ? 0 : grads.size(), 0.0);
    for (size_t c = 0; c < numChunks; ++c) {
      llvm::Expected<BatchGradient> &g = *slots[c];
      if (!g) {
        // Consume the remaining results before returning the first error.
        for (size_t k = c + 1; k < numChunks; ++k)
          if (!*slots[k])
            llvm::consumeError(slots[k]->takeError());
        return g.takeError();
      }
      double weight = double(g->trials.size()) / batch.size();
      out.loss += g->loss * weight;
      for (size_t i = 0; i < sum.size(); ++i)
        sum[i] += g->gradient[i] * weight;
      for (const Trial &t : g->trials) {
        out.predicted.push_back(decide(net.loss.kind, t.outputs));
        countHiddenSpikes(net, t, out.hiddenSpikes);
        out.synapticEvents += t.numArrivals;
      }
    }
    // The reference engine answers for frozen parameters too; the
    // optimiser skips them, so nothing needs masking here.
    for (size_t i = 0; i < sum.size(); ++i)
      grads[i] = float(sum[i]);
    return out;
  }

private:
  std::shared_ptr<const ReferenceEngine> engine;
  unsigned threads;
};

/// Any eventprop::Engine (CPU now, CUDA later) behind the trainer's seam.
class EngineRunner {
public:
  EngineRunner(std::shared_ptr<eventprop::Engine> engine,
               eventprop::NetworkDesc net)
      : engine(std::move(engine)), net(std::move(net)) {
    for (size_t l = 0; l + 1 < this->net.layers.size(); ++l)
      hiddenNeurons += this->net.layers[l].size;
  }

  llvm::Expected<BatchOutcome> operator()(
      llvm::ArrayRef<float> params, llvm::ArrayRef<eventprop::Sample> batch,
      llvm::MutableArrayRef<float> grads) const {
    llvm::Expected<eventprop::BatchResult> r =
        engine->run(net, params, batch, grads);
    if (!r)
      return r.takeError();
    BatchOutcome out;
    out.loss = r->loss;
    for (const eventprop::SampleResult &s : r->samples)
      out.predicted.push_back(s.predicted);
    // Layers are concatenated in order and the readout is last.
    out.hiddenSpikes.assign(r->neuronSpikeCounts.begin(),
                            r->neuronSpikeCounts.begin() + hiddenNeurons);
    out.synapticEvents = r->counters.forwardSynapticEvents +
                         r->counters.backwardSynapticEvents;
    return out;
  }

private:
  std::shared_ptr<eventprop::Engine> engine;
  eventprop::NetworkDesc net;
  uint64_t hiddenNeurons = 0;
};

} // namespace

namespace {

/// The time-stepped engine on the GPU, checked for a usable device up front
/// so that `axon train --device cuda` fails before reading any data.
llvm::Expected<EngineFactory> makeCudaEngineFactory() {
#ifdef AXON_HAVE_CUDA_ENGINE
  std::string why;
  if (!eventprop::cuda::cudaDeviceAvailable(&why))
    return makeError("--device", "cuda: {}", why);
  return EngineFactory(
      [](const eventprop::NetworkDesc &net) -> llvm::Expected<BatchRunner> {
        if (llvm::Error err = eventprop::validate(net))
          return err;
        llvm::Expected<std::unique_ptr<eventprop::CudaEngine>> engine =
            eventprop::CudaEngine::create();
        if (!engine)
          return engine.takeError();
        return BatchRunner(EngineRunner(
            std::shared_ptr<eventprop::Engine>(std::move(*engine)), net));
      });
#else
  return makeError("--device", "cuda: this axon was built without the CUDA "
                   "engine (no nvcc at configure time, or -DAXON_CUDA=OFF)");
#endif
}

} // namespace

llvm::Expected<EngineFactory> makeEngineFactory(llvm::StringRef engine,
                                                unsigned threads,
                                                llvm::StringRef device) {
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  if (device != "cpu" && device != "cuda")
    return makeError("--device", "'{}' is not a device: choose cpu or cuda",
                     device.str());
  if (device == "cuda") {
    if (engine == "exact")
      return makeError("--engine", "exact: the event-exact reference engine "
                       "runs on the CPU only; use --engine cpu with --device "
                       "cuda");
    if (engine != "cpu")
      return makeError("--engine", "'{}' is not an engine: choose cpu or exact",
                       engine.str());
    return makeCudaEngineFactory();
  }
  if (engine == "exact")
    return EngineFactory(
        [threads](const eventprop::NetworkDesc &net)
            -> llvm::Expected<BatchRunner> {
          llvm::Expected<ReferenceEngine> e = ReferenceEngine::create(net);
          if (!e)
            return e.takeError();
          return BatchRunner(ReferenceRunner(std::move(*e), threads));
        });
  if (engine == "cpu")
    return EngineFactory(
        [threads](const eventprop::NetworkDesc &net)
            -> llvm::Expected<BatchRunner> {
          if (llvm::Error err = eventprop::validate(net))
            return err;
          eventprop::CpuEngineOptions o;
          o.threads = threads;
          return BatchRunner(EngineRunner(
              std::make_shared<eventprop::CpuEngine>(o), net));
        });
  return makeError("--engine", "'{}' is not an engine: choose cpu or exact",
                   engine);
}

} // namespace axon::train
