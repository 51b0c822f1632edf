//===- EngineTestNetworks.h - Networks for the engine tests -----*- C++ -*-===//
//
// Builders for the hand-sized networks the CPU engine tests use, and access
// to one synapse's weight/delay in a ParameterLayout buffer.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace axon::eventprop::test {

inline LayerDesc makeLayer(std::string name, uint32_t size, NeuronKind kind,
                           double tauMem = 20.0, double tauSyn = 5.0,
                           double threshold = 1.0) {
  LayerDesc layer;
  layer.name = std::move(name);
  layer.size = size;
  layer.kind = kind;
  layer.tauMem = tauMem;
  layer.tauSyn = tauSyn;
  layer.threshold = threshold;
  return layer;
}

inline ProjectionDesc makeProjection(std::string name, uint32_t pre,
                                     uint32_t post, uint32_t maxDelay = 0,
                                     bool learnDelays = false) {
  ProjectionDesc proj;
  proj.name = std::move(name);
  proj.pre = pre;
  proj.post = post;
  proj.maxDelaySteps = maxDelay;
  proj.learnDelays = learnDelays;
  return proj;
}

/// 1 input -> 1 LIF "hid" -> 2 leaky-integrator "out" at dt = 1 ms, no
/// delays, default constants.
inline NetworkDesc singleNeuronChain(uint32_t numSteps) {
  NetworkDesc net;
  net.inputSize = 1;
  net.layers.push_back(makeLayer("hid", 1, NeuronKind::LIF));
  net.layers.push_back(makeLayer("out", 2, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->hid", 0, 0));
  net.projections.push_back(makeProjection("hid->out", 1, 1));
  net.dt = 1.0;
  net.numSteps = numSteps;
  return net;
}

/// Index of weight (i, j) of projection p in the parameter buffer.
inline uint64_t weightIndex(const NetworkDesc &net, uint32_t p, uint32_t i,
                            uint32_t j) {
  return ParameterLayout::of(net).projections[p].weightOffset +
         uint64_t(i) * net.layers[net.projections[p].post].size + j;
}

inline uint64_t delayIndex(const NetworkDesc &net, uint32_t p, uint32_t i,
                           uint32_t j) {
  return ParameterLayout::of(net).projections[p].delayOffset +
         uint64_t(i) * net.layers[net.projections[p].post].size + j;
}

/// Poisson-like input: each channel spikes at each step with probability
/// `rate`, at a random time within the step; sorted by time.
inline Sample randomSample(const NetworkDesc &net, double rate, int32_t label,
                           std::mt19937_64 &rng) {
  Sample sample;
  sample.label = label;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (uint32_t n = 0; n < net.numSteps; ++n)
    for (uint32_t c = 0; c < net.inputSize; ++c)
      if (u(rng) < rate)
        sample.spikes.push_back({float((n + 0.999 * u(rng)) * net.dt), c});
  return sample;
}

/// `size` randomSample()s drawn in order, sample b labelled b % labels.
inline std::vector<Sample> randomBatch(const NetworkDesc &net, size_t size,
                                       double rate, uint32_t labels,
                                       std::mt19937_64 &rng) {
  std::vector<Sample> batch;
  for (size_t b = 0; b < size; ++b)
    batch.push_back(randomSample(net, rate, int32_t(b % labels), rng));
  return batch;
}

/// Normal weights N(mean, sd) for projection p, delays uniform in
/// [0, maxDelay] when it learns them (else 0).
inline void fillProjection(const NetworkDesc &net, uint32_t p, double mean,
                           double sd, std::vector<float> &params,
                           std::mt19937_64 &rng) {
  const ParameterLayout::Range range = ParameterLayout::of(net).projections[p];
  std::normal_distribution<double> normal(mean, sd);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (uint64_t s = 0; s < range.count; ++s) {
    params[range.weightOffset + s] = float(normal(rng));
    params[range.delayOffset + s] =
        net.projections[p].learnDelays
            ? float(u(rng) * net.projections[p].maxDelaySteps)
            : 0.0f;
  }
}

} // namespace axon::eventprop::test
