//===- EventPropCudaBench.cpp - The CUDA engine's speed and memory --------===//
//
// (a) The delay paper's speed comparison with DCLS-Delays (eventprop.md E.1,
//     G13): 700 inputs, 1127 steps of 1 ms, two feed-forward hidden layers
//     of 256 (and 512) LIF with learned delays (max 64 and 512 steps), 20 LI
//     readouts, SumExpWeighted, batch 256. Prints seconds per epoch of 8156
//     samples (32 batches; measured on `repeats` batches and scaled) and
//     the engine's peak device memory, beside mlGeNN's published figures.
//     Inputs are Poisson at 0.0115 per channel and step, ~9 k spikes per
//     sample, assumed to be SHD-like [U: the real SHD count per sample was
//     not measured here].
// (b) The SHD-shaped network and inputs of EventPropCpuBench.cpp
//     (BenchNetworks.h: 700-256r-20, delays <= 62, 1000 steps, 5 % input
//     rate) at batch 32 and 256, with the CPU engine's time for batch 32 on
//     all cores for comparison.
//
// Usage: axon_bench_eventprop_cuda [repeats] [a|b|ab]. Without a usable GPU
// it says so and exits 0.
//===----------------------------------------------------------------------===//
#include "bench/BenchNetworks.h"
#include "frontend/eventprop/cpu/CpuEngine.h"
#include "frontend/eventprop/cuda/CudaEngine.h"
#include "frontend/eventprop/cuda/ExecutionTarget.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace axon::eventprop;
using namespace axon::eventprop::bench;

namespace {

constexpr uint32_t kEpochSamples = 8156;

/// (a): 700 -> hidden -> hidden -> 20, delays learned up to maxDelay.
NetworkDesc delayPaperNetwork(uint32_t hidden, uint32_t maxDelay) {
  NetworkDesc net;
  net.inputSize = 700;
  net.layers = {benchLayer("h1", hidden, NeuronKind::LIF),
                benchLayer("h2", hidden, NeuronKind::LIF),
                benchLayer("out", 20, NeuronKind::LeakyIntegrator)};
  net.projections = {{"in->h1", 0, 0, true, true, maxDelay},
                     {"h1->h2", 1, 1, true, true, maxDelay},
                     {"h2->out", 2, 2, true, false, 0}};
  net.loss.kind = LossKind::SumExpWeighted;
  net.regulariser.nuUpper = 14.0;
  net.regulariser.lambdaUpper = 5e-12 * 20.0 * 256 * 256;
  net.regulariser.lambdaLower = net.regulariser.lambdaUpper;
  net.dt = 1.0;
  net.numSteps = 1127;
  return net;
}

struct Timing {
  double seconds = 0; ///< best forward + backward of one batch
  BatchResult last;
};

bool timeBatches(Engine &engine, const NetworkDesc &net,
                 const std::vector<float> &params,
                 const std::vector<Sample> &batch, int repeats, Timing &out) {
  std::vector<float> grads(params.size());
  out.seconds = 1e30;
  for (int r = 0; r <= repeats; ++r) { // the first run warms up
    auto t0 = std::chrono::steady_clock::now();
    auto result = engine.run(net, params, batch, grads);
    auto t1 = std::chrono::steady_clock::now();
    if (!result) {
      fmt::print(stderr, "error: {}\n", llvm::toString(result.takeError()));
      return false;
    }
    if (r > 0)
      out.seconds =
          std::min(out.seconds, std::chrono::duration<double>(t1 - t0).count());
    out.last = std::move(*result);
  }
  return true;
}

double spikesPerNeuron(const NetworkDesc &net, const BatchResult &r) {
  uint64_t hidden = 0;
  for (size_t l = 0; l + 1 < net.layers.size(); ++l)
    hidden += net.layers[l].size;
  return double(r.counters.spikes) / r.samples.size() / hidden;
}

} // namespace

int main(int argc, char **argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2;
  const std::string parts = argc > 2 ? argv[2] : "ab";
  std::string why;
  if (!cuda::cudaDeviceAvailable(&why)) {
    fmt::print("EventProp CUDA bench: skipped, {}\n", why);
    return 0;
  }
  auto created = CudaEngine::create();
  if (!created) {
    fmt::print(stderr, "error: {}\n", llvm::toString(created.takeError()));
    return 1;
  }
  fmt::print("EventProp CUDA bench on {}\n", (*created)->describe());
  std::mt19937_64 rng(12345);

  if (parts.find('a') != std::string::npos) {
    fmt::print("(a) delay paper set-up: 700-H-H-20 feed-forward, learned "
               "delays, B = 256, 1127 steps of 1 ms, epoch = {} samples\n",
               kEpochSamples);
    struct Published {
      uint32_t hidden, maxDelay;
      double mlgennSeconds, mlgennMiB;
    };
    const Published cases[] = {{256, 64, 26.7, 3384},
                               {256, 512, 39.6, 4056},
                               {512, 64, 108.8, 5752},
                               {512, 512, 131.6, 7096}};
    std::vector<Sample> batch;
    for (const Published &c : cases) {
      NetworkDesc net = delayPaperNetwork(c.hidden, c.maxDelay);
      if (batch.empty())
        batch = poissonBatch(net, 256, 0.0115, rng);
      std::vector<float> params =
          normalParameters(net, {0.03, 0.1 * 256.0 / c.hidden, 0.0},
                           {0.01, 0.03 * 256.0 / c.hidden, 0.03}, rng);
      // A fresh engine per case so that its peak memory is this case's.
      auto engine = CudaEngine::create();
      if (!engine) {
        fmt::print(stderr, "error: {}\n", llvm::toString(engine.takeError()));
        return 1;
      }
      Timing t;
      if (!timeBatches(**engine, net, params, batch, repeats, t))
        return 1;
      const double batches = double(kEpochSamples) / 256.0;
      const double epoch = t.seconds * std::ceil(batches);
      const CudaMemoryReport &m = (*engine)->memory();
      fmt::print("  H {:>3}, max delay {:>3}: {:.3f} s/batch -> {:.1f} "
                 "s/epoch (mlGeNN {:.1f}: x{:.1f}); peak device memory {:.0f} "
                 "MiB (mlGeNN {:.0f}); {:.1f} spikes/hidden neuron/sample, "
                 "{:.0f} input spikes/sample, record reruns {}\n",
                 c.hidden, c.maxDelay, t.seconds, epoch, c.mlgennSeconds,
                 c.mlgennSeconds / epoch, m.peakBytes / 1048576.0, c.mlgennMiB,
                 spikesPerNeuron(net, t.last),
                 double(t.last.counters.inputSpikes) / 256, m.reruns);
    }
  }

  if (parts.find('b') != std::string::npos) {
    NetworkDesc net = shdShapedNetwork();
    fmt::print("(b) SHD-shaped 700-256r-20, delays <= 62, 1000 steps, 5 % "
               "input rate\n");
    std::vector<float> params =
        normalParameters(net, {0.03, 0.0, 0.0}, {0.01, 0.02, 0.03}, rng);
    std::vector<Sample> batch256 = poissonBatch(net, 256, 0.05, rng);
    for (size_t size : {32u, 256u}) {
      std::vector<Sample> batch(batch256.begin(), batch256.begin() + size);
      auto engine = CudaEngine::create();
      if (!engine) {
        fmt::print(stderr, "error: {}\n", llvm::toString(engine.takeError()));
        return 1;
      }
      Timing t;
      if (!timeBatches(**engine, net, params, batch, repeats, t))
        return 1;
      const EngineCounters &c = t.last.counters;
      fmt::print("  B {:>3}: {:.4f} s/batch ({:.2f} ms/sample), {:.0f} M "
                 "synaptic events/s, peak device memory {:.0f} MiB\n",
                 size, t.seconds, 1e3 * t.seconds / size,
                 (c.forwardSynapticEvents + c.backwardSynapticEvents) /
                     t.seconds / 1e6,
                 (*engine)->memory().peakBytes / 1048576.0);
      if (size == 32) {
        CpuEngine cpu;
        Timing ct;
        if (!timeBatches(cpu, net, params, batch, 1, ct))
          return 1;
        fmt::print("  B  32 on the CPU engine ({} threads): {:.3f} s/batch "
                   "(GPU x{:.1f})\n",
                   cpu.threads(), ct.seconds, ct.seconds / t.seconds);
      }
    }
  }
  return 0;
}
