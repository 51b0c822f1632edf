//===- EngineComparison.h - CUDA engine against the CPU engine --*- C++ -*-===//
//
// The networks and the checks shared by the emulator tests (any machine)
// and the GPU tests ([cuda], skipped without a device): the same batch on
// the CPU engine and on a CudaEngine must give identical spike trains
// (per-neuron counts, per-layer counts, losses and readouts bit for bit:
// they are the same float sums in the same order) and gradients within
// kGradientTolerance of the largest gradient of their projection (the
// feedback sums are associated differently, and the device's expf differs
// from the host's in the last ulp).
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/EngineTestNetworks.h"

#include "frontend/eventprop/cpu/CpuEngine.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace axon::eventprop::test {

/// Relative to the largest |gradient| of the same projection and kind.
inline constexpr double kGradientTolerance = 1e-3;

/// 12 inputs -> 40 recurrent LIF (learned delays up to 9 steps) -> 30 LIF
/// (delays up to 5) -> 4 readouts; 40 and 30 neurons make 32-thread blocks
/// stride over columns and neurons.
inline NetworkDesc deepNetwork(LossKind loss) {
  NetworkDesc net;
  net.inputSize = 12;
  net.layers.push_back(makeLayer("h1", 40, NeuronKind::LIF));
  net.layers.push_back(makeLayer("h2", 30, NeuronKind::LIF, 10.0, 5.0));
  net.layers.push_back(makeLayer("out", 4,
                                 loss == LossKind::FirstSpike
                                     ? NeuronKind::LIF
                                     : NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->h1", 0, 0, 9, true));
  net.projections.push_back(makeProjection("h1->h1", 1, 0, 9, true));
  net.projections.push_back(makeProjection("h1->h2", 1, 1, 5, true));
  net.projections.push_back(makeProjection("h2->out", 2, 2, 3, true));
  net.loss.kind = loss;
  net.regulariser.nuUpper = 3.0;
  net.regulariser.lambdaUpper = 1e-3;
  net.regulariser.lambdaLower = 1e-4;
  net.dt = 1.0;
  net.numSteps = 80;
  return net;
}

inline std::vector<float> deepParameters(const NetworkDesc &net,
                                         std::mt19937_64 &rng) {
  std::vector<float> params(ParameterLayout::of(net).total);
  const bool ttfs = net.loss.kind == LossKind::FirstSpike;
  fillProjection(net, 0, 0.5, 0.2, params, rng);
  fillProjection(net, 1, 0.0, 0.15, params, rng);
  fillProjection(net, 2, 0.25, 0.15, params, rng);
  fillProjection(net, 3, ttfs ? 0.5 : 0.0, 0.3, params, rng);
  return params;
}

inline std::vector<Sample> deepBatch(const NetworkDesc &net, size_t size,
                                     std::mt19937_64 &rng) {
  return randomBatch(net, size, 0.06, 4, rng);
}

/// Runs `other` and the CPU engine on the same batch and checks they agree.
/// Returns the other engine's result for further checks.
inline BatchResult compareWithCpu(Engine &other, const NetworkDesc &net,
                                  const std::vector<float> &params,
                                  const std::vector<Sample> &batch) {
  CpuEngineOptions cpuOptions;
  cpuOptions.threads = 1;
  CpuEngine cpu(cpuOptions);
  std::vector<float> cpuGrads(params.size()), otherGrads(params.size());
  auto expected = cpu.run(net, params, batch, cpuGrads);
  REQUIRE(axon::test::errorText(expected) == "");
  auto got = other.run(net, params, batch, otherGrads);
  REQUIRE(axon::test::errorText(got) == "");

  // Identical spike trains: every count, every readout, every loss.
  CHECK(got->neuronSpikeCounts == expected->neuronSpikeCounts);
  CHECK(got->counters.spikes == expected->counters.spikes);
  CHECK(got->counters.inputSpikes == expected->counters.inputSpikes);
  CHECK(got->counters.forwardSynapticEvents ==
        expected->counters.forwardSynapticEvents);
  CHECK(got->counters.backwardSynapticEvents ==
        expected->counters.backwardSynapticEvents);
  CHECK(got->counters.clampedSlopes == expected->counters.clampedSlopes);
  CHECK(got->counters.phantomKicks == expected->counters.phantomKicks);
  CHECK(got->loss == expected->loss);
  CHECK(got->regulariserLoss == expected->regulariserLoss);
  REQUIRE(got->samples.size() == expected->samples.size());
  for (size_t b = 0; b < batch.size(); ++b) {
    CHECK(got->samples[b].readout == expected->samples[b].readout);
    CHECK(got->samples[b].spikeCounts == expected->samples[b].spikeCounts);
    CHECK(got->samples[b].predicted == expected->samples[b].predicted);
  }

  // Gradients, per projection and kind, relative to the largest one.
  ParameterLayout layout = ParameterLayout::of(net);
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const ParameterLayout::Range &r = layout.projections[p];
    for (uint64_t base : {r.weightOffset, r.delayOffset}) {
      double largest = 0.0;
      for (uint64_t s = 0; s < r.count; ++s)
        largest = std::max(largest, std::fabs(double(cpuGrads[base + s])));
      double worst = 0.0;
      for (uint64_t s = 0; s < r.count; ++s)
        worst = std::max(worst, std::fabs(double(otherGrads[base + s]) -
                                          double(cpuGrads[base + s])));
      INFO("projection " << net.projections[p].name
                         << (base == r.weightOffset ? " weights" : " delays")
                         << ": largest |gradient| " << largest
                         << ", largest difference " << worst);
      CHECK(worst <= kGradientTolerance * largest + 1e-12);
    }
  }
  return std::move(*got);
}

} // namespace axon::eventprop::test
