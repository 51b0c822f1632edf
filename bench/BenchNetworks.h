//===- BenchNetworks.h - The engine benchmarks' networks -------*- C++ -*-===//
//
// The SHD-shaped batch of the CPU target (700 Poisson inputs ->
// 256 recurrent LIF with learned delays <= 62 steps -> 20 LI readouts,
// 1000 steps of 1 ms, initial weights of the delay paper, eventprop.md D),
// defined once so that the CPU and CUDA benchmarks time the same work.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Engine.h"
#include "frontend/eventprop/Network.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace axon::eventprop::bench {

/// A layer with the benchmarks' time constants (tau_m 20 ms, tau_s 5 ms).
inline LayerDesc benchLayer(std::string name, uint32_t size, NeuronKind kind) {
  LayerDesc l;
  l.name = std::move(name);
  l.size = size;
  l.kind = kind;
  l.tauMem = 20.0;
  l.tauSyn = 5.0;
  return l;
}

/// 700 -> 256 recurrent LIF (in->hid and hid->hid with learned delays up to
/// 62 steps) -> 20 LI readouts, SumExpWeighted, 1000 steps of 1 ms, the
/// regulariser of the delay paper's SHD set-up at batch 32.
inline NetworkDesc shdShapedNetwork() {
  NetworkDesc net;
  net.inputSize = 700;
  net.layers = {benchLayer("hidden", 256, NeuronKind::LIF),
                benchLayer("out", 20, NeuronKind::LeakyIntegrator)};
  net.projections = {{"in->hidden", 0, 0, true, true, 62},
                     {"hidden->hidden", 1, 0, true, true, 62},
                     {"hidden->out", 1, 1, true, false, 0}};
  net.loss.kind = LossKind::SumExpWeighted;
  net.regulariser.nuUpper = 14.0;
  net.regulariser.lambdaUpper = 5e-11 * 20.0 * 32 * 32; // k_reg tau_m B^2
  net.regulariser.lambdaLower = net.regulariser.lambdaUpper;
  net.dt = 1.0;
  net.numSteps = 1000;
  return net;
}

/// Weights N(mean[p], sd[p]) per projection p; learned delays U(0, max
/// delay) steps. The paper starts recurrent delays at 0; spreading them
/// here exercises the delayed path.
inline std::vector<float> normalParameters(const NetworkDesc &net,
                                           const std::vector<double> &mean,
                                           const std::vector<double> &sd,
                                           std::mt19937_64 &rng) {
  ParameterLayout layout = ParameterLayout::of(net);
  std::vector<float> params(layout.total, 0.0f);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (size_t p = 0; p < net.projections.size(); ++p) {
    std::normal_distribution<double> normal(mean[p], sd[p]);
    const ParameterLayout::Range &r = layout.projections[p];
    for (uint64_t s = 0; s < r.count; ++s) {
      params[r.weightOffset + s] = float(normal(rng));
      params[r.delayOffset + s] =
          net.projections[p].learnDelays
              ? float(u(rng) * net.projections[p].maxDelaySteps)
              : 0.0f;
    }
  }
  return params;
}

/// Poisson input: each channel spikes at each step with probability
/// `rate`, in the middle of the step; in time order; labels cycle 0..19.
inline std::vector<Sample> poissonBatch(const NetworkDesc &net, size_t size,
                                        double rate, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Sample> samples(size);
  for (size_t b = 0; b < size; ++b) {
    samples[b].label = int32_t(b % 20);
    for (uint32_t n = 0; n < net.numSteps; ++n)
      for (uint32_t c = 0; c < net.inputSize; ++c)
        if (u(rng) < rate)
          samples[b].spikes.push_back({float(n + 0.5), c});
  }
  return samples;
}

} // namespace axon::eventprop::bench
