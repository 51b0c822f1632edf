//===- DeviceNetworkTest.cpp - The CUDA engine's plan and index arithmetic -===//
//
// Host tests of what the kernels compute indices with (DeviceNetwork.h) and
// of the host plan (BuildDeviceNetwork.h). Expected numbers are worked out
// by hand in the comments.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/EngineTestNetworks.h"

#include "frontend/eventprop/cuda/BatchBuffers.h"
#include "frontend/eventprop/cuda/BuildDeviceNetwork.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <set>

using namespace axon::eventprop;
using namespace axon::eventprop::cuda;
using namespace axon::eventprop::test;

namespace {

/// 3 inputs -> 5 LIF (in->hid delays <= 6, hid->hid <= 2) -> 2 LI.
NetworkDesc smallNetwork() {
  NetworkDesc net;
  net.inputSize = 3;
  net.layers.push_back(makeLayer("hid", 5, NeuronKind::LIF));
  net.layers.push_back(makeLayer("out", 2, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->hid", 0, 0, 6, true));
  net.projections.push_back(makeProjection("hid->hid", 1, 0, 2, false));
  net.projections.push_back(makeProjection("hid->out", 1, 1));
  net.projections[2].learnWeights = false;
  net.loss.kind = LossKind::Sum;
  net.dt = 0.5;
  net.numSteps = 10;
  return net;
}

} // namespace

TEST_CASE("device network numbers neurons, synapses and rings as the cpu "
          "engine does",
          "[eventprop][cuda-host]") {
  auto laidOut = buildDeviceNetwork(smallNetwork(), {});
  REQUIRE(axon::test::errorText(laidOut) == "");
  const DeviceNetwork &dn = *laidOut;
  CHECK(dn.numLayers == 2);
  CHECK(dn.numNeurons == 7);
  CHECK(dn.numMaskWords == 1);
  // Synapses: 3*5 + 5*5 + 5*2 = 15 + 25 + 10 = 50.
  CHECK(dn.numSynapses == 50);
  CHECK(dn.projections[1].synapseOffset == 15);
  CHECK(dn.projections[2].synapseOffset == 40);
  // Parameters: [w 15][d 15][w 25][d 25][w 10][d 10].
  CHECK(dn.projections[1].weightOffset == 30);
  CHECK(dn.projections[1].delayOffset == 55);
  CHECK(dn.projections[2].weightOffset == 80);
  // hid: largest delay 6 -> ringDepth 8 (power of two > 6); out: 1.
  CHECK(dn.layers[0].ringDepth == 8);
  CHECK(dn.layers[0].ringMask == 7);
  CHECK(dn.layers[1].ringDepth == 1);
  // Ring elements: 2*8*5 + 2*1*2 = 80 + 4 = 84; out starts at 80.
  CHECK(dn.ringElements == 84);
  CHECK(dn.layers[1].ringOffset == 80);
  // Frozen weights of hid->out with delays not learned: no gradients.
  CHECK(dn.projections[0].gradients);
  CHECK(dn.projections[1].weightGradient);
  CHECK_FALSE(dn.projections[1].delayGradient);
  CHECK_FALSE(dn.projections[2].gradients);
  CHECK(dn.inputGradients);
  CHECK(dn.layerOf(0) == 0);
  CHECK(dn.layerOf(4) == 0);
  CHECK(dn.layerOf(5) == 1);
  CHECK(dn.layerOf(6) == 1);
}

TEST_CASE("ring elements of an arrival are one of the two slots of its grid "
          "point",
          "[eventprop][cuda-host]") {
  // Check that for every spike step s and delay d < ringDepth the element
  // written is one of ownSlot(s + d) and its second slot, for all columns,
  // so the update at s + d reads exactly what was scattered for it.
  auto laidOut = buildDeviceNetwork(smallNetwork(), {});
  REQUIRE(axon::test::errorText(laidOut) == "");
  const DeviceLayer &hid = laidOut->layers[0];
  for (uint32_t s = 0; s < 40; ++s)
    for (uint32_t d = 0; d < hid.ringDepth; ++d)
      for (uint32_t j = 0; j < hid.size; ++j) {
        uint64_t e = ringElement(hid, s, d, j);
        uint64_t own = ownSlot(hid, s + d, j);
        CHECK((e == own || e == own + secondSlotDistance(hid)));
      }
  // By hand: s = 13 (13 & 7 = 5), d = 6, j = 2: slot 11, element 11*5 + 2.
  CHECK(ringElement(hid, 13, 6, 2) == 57);
  CHECK(ownSlot(hid, 19, 2) == 3 * 5 + 2); // 19 & 7 = 3
  CHECK(secondSlotDistance(hid) == 40);
}

TEST_CASE("synapse delays are rounded and clamped as the cpu engine rounds "
          "them",
          "[eventprop][cuda-host]") {
  DeviceProjection proj;
  proj.postSize = 2;
  proj.delayOffset = 0;
  proj.maxDelaySteps = 4;
  // Row 0: 2.5 -> 3 (halves away from zero), -1 -> 0; row 1: 4.49 -> 4,
  // 9 -> clamped to 4.
  const float params[] = {2.5f, -1.0f, 4.49f, 9.0f};
  CHECK(synapseDelay(proj, params, 0, 0) == 3);
  CHECK(synapseDelay(proj, params, 0, 1) == 0);
  CHECK(synapseDelay(proj, params, 1, 0) == 4);
  CHECK(synapseDelay(proj, params, 1, 1) == 4);
}

TEST_CASE("device network rejects networks beyond the kernels' tables",
          "[eventprop][cuda-host]") {
  NetworkDesc net = smallNetwork();
  for (int k = 0; k < 8; ++k)
    net.layers.insert(net.layers.begin(), makeLayer("extra", 1, NeuronKind::LIF));
  auto laidOut = buildDeviceNetwork(net, {});
  CHECK(axon::test::errorText(laidOut) ==
        "cuda engine: 10 layers exceed the 8 the kernels' tables hold");
}

TEST_CASE("inputs are binned stably by floor(t / dt)",
          "[eventprop][cuda-host]") {
  NetworkDesc net = smallNetwork(); // dt 0.5 ms, 10 steps
  Sample a;
  // Steps: 0.2 -> 0, 0.7 -> 1, 0.5 -> 1, 4.99 -> 9, 0.1 -> 0.
  a.spikes = {{0.2f, 2}, {0.7f, 0}, {0.5f, 1}, {4.99f, 2}, {0.1f, 1}};
  Sample b;
  b.spikes = {{3.0f, 0}};
  std::vector<Sample> batch = {a, b};
  BinnedInputs bins;
  binInputs(net, batch, bins);
  // Sample 0 in step order, stable within a step: step 0: ch 2, 1; step 1:
  // ch 0, 1; step 9: ch 2. Sample 1 (base 5): step 6: ch 0.
  CHECK(bins.channels == std::vector<uint32_t>{2, 1, 0, 1, 2, 0});
  std::vector<uint32_t> first(bins.starts.begin(), bins.starts.begin() + 11);
  CHECK(first == std::vector<uint32_t>{0, 2, 4, 4, 4, 4, 4, 4, 4, 4, 5});
  std::vector<uint32_t> second(bins.starts.begin() + 11, bins.starts.end());
  CHECK(second == std::vector<uint32_t>{5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6});
}

TEST_CASE("readout weights are the trapezoid rule of (1/T) integral w(t) dt",
          "[eventprop][cuda-host]") {
  NetworkDesc net = smallNetwork(); // Sum: w = 1, T = 5 ms, dt 0.5 ms
  std::vector<double> q = readoutWeights(net);
  REQUIRE(q.size() == 11);
  // Ends: 0.5 * 0.5 / 5 = 0.05; inside: 0.5 / 5 = 0.1; total 1.
  CHECK(q[0] == Approx(0.05));
  CHECK(q[5] == Approx(0.1));
  CHECK(q[10] == Approx(0.05));
  double sum = 0;
  for (double x : q)
    sum += x;
  CHECK(sum == Approx(1.0));
  net.loss.kind = LossKind::MaxVoltage;
  for (double x : readoutWeights(net))
    CHECK(x == 0.0);
}

TEST_CASE("a block's shared state is carved into disjoint, aligned arrays",
          "[eventprop][cuda-host]") {
  const uint32_t neurons = 37, words = 2;
  std::vector<unsigned long long> memory(
      (sampleStateBytes(neurons, words) + 7) / 8);
  SampleState st = carveSampleState(memory.data(), neurons, words);
  auto *begin = reinterpret_cast<char *>(memory.data());
  auto *end = begin + sampleStateBytes(neurons, words);
  // Counters (4 x 8), two words, then v, i, slope, list (37 x 4 each), mask.
  CHECK(reinterpret_cast<char *>(st.listCount) == begin + 8 * kNumSampleCounters);
  CHECK(st.i == st.v + neurons);
  CHECK(reinterpret_cast<char *>(st.list) ==
        reinterpret_cast<char *>(st.slope + neurons));
  CHECK(reinterpret_cast<char *>(st.mask + words) == end);
}
