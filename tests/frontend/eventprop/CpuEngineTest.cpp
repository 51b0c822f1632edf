//===- CpuEngineTest.cpp - Batches, threads, buffers, errors --------------===//
#include "EngineTestNetworks.h"

#include "frontend/eventprop/cpu/CpuEngine.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <limits>

using namespace axon::eventprop;
using namespace axon::eventprop::test;
using axon::test::errorText;

namespace {

/// 20 inputs -> 16 recurrent LIF (learned delays) -> 4 LI readouts.
NetworkDesc recurrentNetwork() {
  NetworkDesc net;
  net.inputSize = 20;
  net.layers.push_back(makeLayer("hid", 16, NeuronKind::LIF));
  net.layers.push_back(makeLayer("out", 4, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->hid", 0, 0, 12, true));
  net.projections.push_back(makeProjection("hid->hid", 1, 0, 12, true));
  net.projections.push_back(makeProjection("hid->out", 1, 1));
  net.loss.kind = LossKind::SumExpWeighted;
  net.regulariser.nuUpper = 2.0;
  net.regulariser.lambdaUpper = 1e-3;
  net.dt = 1.0;
  net.numSteps = 150;
  return net;
}

std::vector<float> recurrentParameters(const NetworkDesc &net,
                                       std::mt19937_64 &rng) {
  std::vector<float> params(ParameterLayout::of(net).total);
  fillProjection(net, 0, 0.3, 0.1, params, rng);
  fillProjection(net, 1, 0.0, 0.1, params, rng);
  fillProjection(net, 2, 0.0, 0.3, params, rng);
  return params;
}

} // namespace

TEST_CASE("cpu engine: results are bit-identical for 1, 2 and 3 threads",
          "[eventprop][cpu]") {
  // The per-sample gradients are added in sample order whatever thread ran
  // the sample, so the float sums are the same: compare bytes, not values.
  NetworkDesc net = recurrentNetwork();
  std::mt19937_64 rng(5);
  std::vector<float> params = recurrentParameters(net, rng);
  std::vector<Sample> batch = randomBatch(net, 11, 0.05, 4, rng);

  std::vector<std::vector<float>> grads;
  std::vector<double> losses;
  for (unsigned threads : {1u, 2u, 3u, 1u}) {
    CpuEngineOptions options;
    options.threads = threads;
    CpuEngine engine(options);
    REQUIRE(engine.threads() == threads);
    std::vector<float> g(params.size());
    // Twice on the same engine: reused scratch must not leak state.
    for (int repeat = 0; repeat < 2; ++repeat) {
      auto result = engine.run(net, params, batch, g);
      REQUIRE(errorText(result) == "");
      REQUIRE(result->counters.spikes > 0);
      grads.push_back(g);
      losses.push_back(result->loss);
    }
  }
  for (size_t k = 1; k < grads.size(); ++k) {
    CHECK(std::memcmp(grads[k].data(), grads[0].data(),
                      grads[0].size() * sizeof(float)) == 0);
    CHECK(losses[k] == losses[0]);
  }
  size_t nonZero = 0;
  for (float g : grads[0])
    nonZero += g != 0.0f;
  CHECK(nonZero > grads[0].size() / 2);
}

TEST_CASE("cpu engine: the vector row kernels give the generic kernels' "
          "spikes and gradients",
          "[eventprop][cpu]") {
  // 37 hidden neurons: full 16- and 8-lane blocks plus masked tails. The
  // forward state is added element by element in both, so spikes and loss
  // are bit-identical; only the feedback sums associate differently.
  NetworkDesc net = recurrentNetwork();
  net.layers[0].size = 37;
  std::mt19937_64 rng(17);
  std::vector<float> params = recurrentParameters(net, rng);
  std::vector<Sample> batch = randomBatch(net, 4, 0.05, 4, rng);
  std::vector<float> generic(params.size()), vector(params.size());
  CpuEngineOptions options;
  options.threads = 1;
  options.vectorKernels = false;
  auto slow = CpuEngine(options).run(net, params, batch, generic);
  options.vectorKernels = true;
  auto fast = CpuEngine(options).run(net, params, batch, vector);
  REQUIRE(errorText(slow) == "");
  REQUIRE(errorText(fast) == "");
  REQUIRE(slow->counters.spikes > 100);
  CHECK(fast->counters.spikes == slow->counters.spikes);
  CHECK(fast->loss == slow->loss);
  for (size_t b = 0; b < batch.size(); ++b)
    CHECK(fast->samples[b].readout == slow->samples[b].readout);
  double largest = 0.0;
  for (float g : generic)
    largest = std::max(largest, double(std::fabs(g)));
  for (size_t k = 0; k < params.size(); ++k)
    CHECK(vector[k] == Approx(generic[k]).epsilon(1e-4).margin(1e-6 * largest));
}

namespace {

/// Runs `batch` through two engine set-ups (or networks) and checks that
/// the spikes, loss and readouts are bit-identical and the gradients agree
/// up to the association of the feedback sums.
void checkSameRun(const NetworkDesc &netA, const CpuEngineOptions &a,
                  const NetworkDesc &netB, const CpuEngineOptions &b,
                  llvm::ArrayRef<float> params, llvm::ArrayRef<Sample> batch) {
  std::vector<float> gradA(params.size()), gradB(params.size());
  auto runA = CpuEngine(a).run(netA, params, batch, gradA);
  auto runB = CpuEngine(b).run(netB, params, batch, gradB);
  REQUIRE(errorText(runA) == "");
  REQUIRE(errorText(runB) == "");
  REQUIRE(runA->counters.spikes > 100);
  CHECK(runB->counters.spikes == runA->counters.spikes);
  CHECK(runB->counters.forwardSynapticEvents ==
        runA->counters.forwardSynapticEvents);
  CHECK(runB->loss == runA->loss);
  for (size_t s = 0; s < batch.size(); ++s)
    CHECK(runB->samples[s].readout == runA->samples[s].readout);
  double largest = 0.0;
  for (float g : gradA)
    largest = std::max(largest, double(std::fabs(g)));
  REQUIRE(largest > 0.0);
  for (size_t k = 0; k < params.size(); ++k)
    CHECK(gradB[k] == Approx(gradA[k]).epsilon(1e-4).margin(1e-6 * largest));
}

/// 20 inputs -> 70 LIF (two input projections with delays up to 62 and
/// 30, recurrent up to 30) -> 40 LI readouts with delays up to 62, also
/// reached straight from the input; 150 steps (two blocks of deferred input
/// gradients and part of a third). With 8 KiB ring tiles the hidden layer
/// and the readout are both tiled, with tails narrower than a vector.
NetworkDesc delayedReadoutNetwork() {
  NetworkDesc net;
  net.inputSize = 20;
  net.layers.push_back(makeLayer("hid", 70, NeuronKind::LIF));
  net.layers.push_back(makeLayer("out", 40, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->hid", 0, 0, 62, true));
  net.projections.push_back(makeProjection("in->hid late", 0, 0, 30, true));
  net.projections.push_back(makeProjection("hid->hid", 1, 0, 30, true));
  net.projections.push_back(makeProjection("hid->out", 1, 1, 62, true));
  net.projections.push_back(makeProjection("in->out", 0, 1, 20, true));
  net.dt = 1.0;
  net.numSteps = 150;
  return net;
}

/// Excitation through the hidden layer and inhibition of mean `inhibition`
/// straight from the input: many readout peaks are kinks made by an
/// inhibitory arrival.
std::vector<float> delayedReadoutParameters(const NetworkDesc &net,
                                            double inhibition,
                                            std::mt19937_64 &rng) {
  std::vector<float> params(ParameterLayout::of(net).total);
  fillProjection(net, 0, 0.2, 0.1, params, rng);
  fillProjection(net, 1, 0.1, 0.1, params, rng);
  fillProjection(net, 2, 0.0, 0.05, params, rng);
  fillProjection(net, 3, 0.3, 0.2, params, rng);
  fillProjection(net, 4, inhibition, 0.3, params, rng);
  return params;
}

} // namespace

TEST_CASE("cpu engine: ring tiles give the one-tile engine's spikes and "
          "gradients",
          "[eventprop][cpu]") {
  // 100 hidden neurons, ring depth 64: 8 KiB tiles are 32 neurons wide, so
  // the layer has three full tiles and a 4-neuron one (masked tails).
  NetworkDesc net = recurrentNetwork();
  net.layers[0].size = 100;
  net.projections[0].maxDelaySteps = 62;
  net.projections[1].maxDelaySteps = 62;
  std::mt19937_64 rng(23);
  std::vector<float> params = recurrentParameters(net, rng);
  std::vector<Sample> batch = randomBatch(net, 4, 0.05, 4, rng);
  for (bool vectorKernels : {false, true}) {
    CAPTURE(vectorKernels);
    CpuEngineOptions whole, tiled;
    whole.threads = tiled.threads = 1;
    whole.vectorKernels = tiled.vectorKernels = vectorKernels;
    whole.ringTileBytes = 0;
    tiled.ringTileBytes = 8 * 1024;
    checkSameRun(net, whole, net, tiled, params, batch);
  }
}

TEST_CASE("cpu engine: ring tiles of a delayed readout, two projections "
          "from one source into one layer, max-voltage loss",
          "[eventprop][cpu]") {
  // The readout (40 neurons, delays up to 62) is tiled too, the input
  // reaches it directly (its rows take the max-voltage kink fix), and the
  // input has two projections into the hidden layer, whose arrivals must
  // keep their row-then-projection order in every tile.
  NetworkDesc net = delayedReadoutNetwork();
  std::mt19937_64 rng(37);
  std::vector<float> params = delayedReadoutParameters(net, -1.0, rng);
  std::vector<Sample> batch = randomBatch(net, 4, 0.05, 4, rng);
  for (LossKind kind : {LossKind::SumExpWeighted, LossKind::MaxVoltage}) {
    CAPTURE(int(kind));
    net.loss.kind = kind;
    CpuEngineOptions whole, tiled;
    whole.threads = tiled.threads = 1;
    whole.ringTileBytes = 0;
    tiled.ringTileBytes = 8 * 1024;
    checkSameRun(net, whole, net, tiled, params, batch);
  }
}

TEST_CASE("cpu engine: deferred input gradients are the grid point by "
          "grid point ones, bit for bit",
          "[eventprop][cpu]") {
  // 150 steps: two full blocks of 64 and a partial one; 8 KiB tiles, whose
  // tails leave 8-synapse groups of the 32-synapse chunks partly or wholly
  // masked. Some channels spike twice within one step, which both orders
  // must take in bin order. Under the max-voltage loss the input's sums
  // into the readout take the per-spike kink fix and stay on the grid
  // points while those into the hidden layer are deferred.
  NetworkDesc net = delayedReadoutNetwork();
  std::mt19937_64 rng(41);
  std::vector<float> params = delayedReadoutParameters(net, -0.3, rng);
  std::vector<Sample> batch = randomBatch(net, 3, 0.08, 7, rng);
  size_t twice = 0;
  for (Sample &sample : batch) {
    std::vector<InputSpike> spikes;
    for (const InputSpike &spike : sample.spikes) {
      spikes.push_back(spike);
      float within = spike.time - std::floor(spike.time);
      if (within < 0.5f && spikes.size() % 3 == 0) {
        spikes.push_back({spike.time + 0.25f, spike.channel});
        ++twice;
      }
    }
    std::sort(spikes.begin(), spikes.end(),
              [](const InputSpike &a, const InputSpike &b) {
                return a.time < b.time;
              });
    sample.spikes = spikes;
  }
  REQUIRE(twice > 20);
  for (LossKind kind : {LossKind::SumExpWeighted, LossKind::MaxVoltage})
    for (bool vectorKernels : {false, true}) {
      CAPTURE(int(kind), vectorKernels);
      net.loss.kind = kind;
      CpuEngineOptions late, onTime;
      late.threads = onTime.threads = 1;
      late.vectorKernels = onTime.vectorKernels = vectorKernels;
      late.ringTileBytes = onTime.ringTileBytes = 8 * 1024;
      onTime.deferInputGradients = false;
      std::vector<float> gradLate(params.size()), gradOnTime(params.size());
      auto a = CpuEngine(late).run(net, params, batch, gradLate);
      auto b = CpuEngine(onTime).run(net, params, batch, gradOnTime);
      REQUIRE(errorText(a) == "");
      REQUIRE(errorText(b) == "");
      REQUIRE(a->counters.spikes > 100);
      CHECK(a->counters.backwardSynapticEvents ==
            b->counters.backwardSynapticEvents);
      CHECK(a->loss == b->loss);
      const ParameterLayout::Range in = ParameterLayout::of(net).projections[0];
      size_t nonZero = 0;
      for (uint64_t s = 0; s < in.count; ++s)
        nonZero += gradLate[in.weightOffset + s] != 0.0f &&
                   gradLate[in.delayOffset + s] != 0.0f;
      CHECK(nonZero > in.count / 2);
      CHECK(std::memcmp(gradLate.data(), gradOnTime.data(),
                        params.size() * sizeof(float)) == 0);
    }
}

TEST_CASE("cpu engine: a deep delay ring (tiles narrower than a vector) "
          "changes nothing but the geometry",
          "[eventprop][cpu]") {
  // The same delays with maxDelaySteps 5000 instead of 12: a ring of 8192
  // slots, whose 16-bit offsets allow tiles of 8 neurons only.
  NetworkDesc shallow = recurrentNetwork();
  NetworkDesc deep = shallow;
  deep.projections[0].maxDelaySteps = 5000;
  deep.projections[1].maxDelaySteps = 5000;
  std::mt19937_64 rng(29);
  std::vector<float> params = recurrentParameters(shallow, rng);
  std::vector<Sample> batch = randomBatch(shallow, 4, 0.05, 4, rng);
  CpuEngineOptions options;
  options.threads = 1;
  checkSameRun(shallow, options, deep, options, params, batch);
}

TEST_CASE("cpu engine: input spikes out of time order are binned like "
          "sorted ones",
          "[eventprop][cpu]") {
  // Sorted samples take the engine's one-sweep binning, others the counting
  // sort. Reversing the order of the per-step blocks (keeping the order
  // within a step) must give the same bytes.
  NetworkDesc net = recurrentNetwork();
  std::mt19937_64 rng(31);
  std::vector<float> params = recurrentParameters(net, rng);
  std::vector<Sample> sorted, reversed;
  for (int32_t b = 0; b < 3; ++b) {
    sorted.push_back(randomSample(net, 0.05, b, rng));
    Sample r;
    r.label = b;
    const std::vector<InputSpike> &spikes = sorted.back().spikes;
    for (uint32_t n = net.numSteps; n-- > 0;)
      for (const InputSpike &spike : spikes)
        if (uint32_t(spike.time / net.dt) == n)
          r.spikes.push_back(spike);
    REQUIRE(r.spikes.size() == spikes.size());
    REQUIRE_FALSE(std::is_sorted(r.spikes.begin(), r.spikes.end(),
                                 [](const InputSpike &a, const InputSpike &b) {
                                   return a.time < b.time;
                                 }));
    reversed.push_back(r);
  }
  CpuEngineOptions options;
  options.threads = 1;
  std::vector<float> gradSorted(params.size()), gradReversed(params.size());
  auto a = CpuEngine(options).run(net, params, sorted, gradSorted);
  auto b = CpuEngine(options).run(net, params, reversed, gradReversed);
  REQUIRE(errorText(a) == "");
  REQUIRE(errorText(b) == "");
  REQUIRE(a->counters.spikes > 0);
  CHECK(b->counters.spikes == a->counters.spikes);
  CHECK(b->loss == a->loss);
  CHECK(std::memcmp(gradSorted.data(), gradReversed.data(),
                    params.size() * sizeof(float)) == 0);
}

TEST_CASE("cpu engine: the batch gradient is the sum of the per-sample "
          "gradients with 1/B inside",
          "[eventprop][cpu]") {
  // eventprop.md G9 (without the regulariser, which couples the samples).
  NetworkDesc net = recurrentNetwork();
  net.regulariser.lambdaUpper = 0.0;
  std::mt19937_64 rng(9);
  std::vector<float> params = recurrentParameters(net, rng);
  std::vector<Sample> batch = randomBatch(net, 3, 0.05, 3, rng);
  CpuEngineOptions options;
  options.precision = Precision::Float64;
  CpuEngine engine(options);
  std::vector<float> whole(params.size());
  auto all = engine.run(net, params, batch, whole);
  REQUIRE(errorText(all) == "");
  std::vector<double> summed(params.size(), 0.0);
  double lossSum = 0.0;
  for (const Sample &sample : batch) {
    std::vector<float> one(params.size());
    auto result = engine.run(net, params, {sample}, one);
    REQUIRE(errorText(result) == "");
    lossSum += result->loss;
    for (size_t k = 0; k < one.size(); ++k)
      summed[k] += one[k] / 3.0;
  }
  CHECK(all->loss == Approx(lossSum / 3.0));
  for (size_t k = 0; k < whole.size(); ++k)
    CHECK(whole[k] == Approx(summed[k]).epsilon(1e-5).margin(1e-9));
}

TEST_CASE("cpu engine: a neuron firing at every step keeps all its spikes",
          "[eventprop][cpu]") {
  // An input spike every step with weight 100 drives V over threshold in
  // every step: spikes at grid points 1..1000, all recorded (the per-sample
  // spike buffer grows), all with gradients.
  NetworkDesc net = singleNeuronChain(1000);
  std::vector<float> params(ParameterLayout::of(net).total, 0.0f);
  params[weightIndex(net, 0, 0, 0)] = 100.0f;
  params[weightIndex(net, 1, 0, 0)] = 0.1f;
  Sample sample;
  for (uint32_t n = 0; n < 1000; ++n)
    sample.spikes.push_back({float(n), 0});
  CpuEngine engine;
  auto trace = engine.trace(net, params, sample, 0);
  REQUIRE(errorText(trace) == "");
  REQUIRE(trace->spikeSteps.size() == 1000);
  for (uint32_t k = 0; k < 1000; ++k)
    CHECK(trace->spikeSteps[k] == k + 1);
  std::vector<float> grads(params.size());
  auto result = engine.run(net, params, {sample, sample}, grads);
  REQUIRE(errorText(result) == "");
  CHECK(result->samples[1].spikeCounts[0] == 1000);
  CHECK(result->neuronSpikeCounts[0] == 2000);
  CHECK(result->counters.spikes == 2000);
  // Forward events: 1000 input spikes x 1 target, 999 hidden spikes before
  // T x 2 targets, per sample.
  CHECK(result->counters.forwardSynapticEvents == 2 * (1000 + 2 * 999));
  for (float g : grads)
    CHECK(std::isfinite(g));
  CHECK(grads[weightIndex(net, 1, 0, 0)] != 0.0f);
}

TEST_CASE("cpu engine: forward-only runs report what gradient runs report",
          "[eventprop][cpu]") {
  NetworkDesc net = recurrentNetwork();
  std::mt19937_64 rng(21);
  std::vector<float> params = recurrentParameters(net, rng);
  std::vector<Sample> batch = {randomSample(net, 0.05, 2, rng)};
  CpuEngine engine;
  auto forward = engine.run(net, params, batch, {});
  std::vector<float> grads(params.size());
  auto both = engine.run(net, params, batch, grads);
  REQUIRE(errorText(forward) == "");
  REQUIRE(errorText(both) == "");
  CHECK(forward->loss == both->loss);
  CHECK(forward->samples[0].readout == both->samples[0].readout);
  CHECK(forward->samples[0].predicted == both->samples[0].predicted);
  CHECK(forward->counters.backwardSynapticEvents == 0);
  CHECK(both->counters.backwardSynapticEvents > 0);
  CHECK(both->correct(batch) == (both->samples[0].predicted == 2 ? 1u : 0u));
}

TEST_CASE("cpu engine: bad parameters, inputs and labels are errors naming "
          "the field and value",
          "[eventprop][cpu]") {
  NetworkDesc net = recurrentNetwork();
  std::mt19937_64 rng(2);
  std::vector<float> params = recurrentParameters(net, rng);
  std::vector<Sample> batch = {randomSample(net, 0.05, 1, rng)};
  CpuEngine engine;
  auto failure = [&](std::vector<float> p, std::vector<Sample> b,
                     size_t gradSize) {
    std::vector<float> grads(gradSize, 7.0f);
    auto result = engine.run(net, p, b, grads);
    for (float g : grads)
      REQUIRE(g == 7.0f); // untouched on error
    return errorText(result);
  };

  SECTION("NaN weight") {
    std::vector<float> p = params;
    p[weightIndex(net, 1, 3, 5)] = NAN;
    CHECK(failure(p, batch, p.size()) ==
          "eventprop: projection 1 'hid->hid': weight of synapse (3, 5) is "
          "nan; parameters must be finite");
  }
  SECTION("infinite delay") {
    std::vector<float> p = params;
    p[delayIndex(net, 0, 2, 1)] = INFINITY;
    CHECK(failure(p, batch, p.size()) ==
          "eventprop: projection 0 'in->hid': delay of synapse (2, 1) is "
          "inf; parameters must be finite");
  }
  SECTION("parameter buffer of the wrong size") {
    std::vector<float> p(params.begin(), params.end() - 1);
    CHECK(failure(p, batch, 0).find("buffer holds") != std::string::npos);
  }
  SECTION("gradient buffer of the wrong size") {
    CHECK(failure(params, batch, 3) ==
          fmt::format("cpu engine: gradient buffer holds 3 values, the "
                      "parameters {}; pass an empty buffer for a forward "
                      "pass only",
                      params.size()));
  }
  SECTION("input channel out of range") {
    std::vector<Sample> b = batch;
    b[0].spikes.push_back({3.0f, 20});
    CHECK(failure(params, b, 0) ==
          fmt::format("eventprop: sample 0: input spike {} on channel 20, "
                      "but the input has 20 channels",
                      b[0].spikes.size() - 1));
  }
  SECTION("spike time at or after T, negative or NaN") {
    for (float time : {150.0f, -0.5f, NAN}) {
      std::vector<Sample> b = {Sample{}, batch[0]};
      b[1].spikes.push_back({time, 0});
      std::string text = failure(params, b, 0);
      CHECK(text.find("sample 1: input spike") != std::string::npos);
      CHECK(text.find("outside the trial [0, 150) ms") != std::string::npos);
    }
  }
  SECTION("label out of range") {
    std::vector<Sample> b = batch;
    b[0].label = 4;
    CHECK(failure(params, b, 0) ==
          "eventprop: sample 0: label 4 is out of range [0, 4) (readout "
          "'out')");
    b[0].label = -1;
    CHECK(failure(params, b, 0).find("label -1") != std::string::npos);
  }
  SECTION("empty batch") {
    CHECK(failure(params, {}, 0) ==
          "eventprop: batch: empty; an engine needs at least one sample");
  }
  SECTION("invalid network") {
    net.layers[0].tauSyn = 0.0;
    CHECK(failure(params, batch, 0) ==
          "eventprop: layer 0 'hid': tauSyn = 0 ms must be finite and > 0");
  }
  SECTION("invalid option") {
    CpuEngineOptions options;
    options.minSlope = 0.0;
    CpuEngine bad(options);
    auto result = bad.run(net, params, batch, {});
    CHECK(errorText(result) ==
          "cpu engine: option minSlope = 0 must be finite and > 0");
  }
}

TEST_CASE("cpu engine: grazing crossings are clamped and counted",
          "[eventprop][cpu]") {
  // Weight 6.35 / 0.1575 ~ just enough to touch theta: the crossing slope
  // is tiny, below minSlope = 0.5 (of theta - reset), so it is clamped.
  NetworkDesc net;
  net.inputSize = 1;
  net.layers.push_back(makeLayer("out", 1, NeuronKind::LIF));
  net.projections.push_back(makeProjection("in->out", 0, 0));
  net.loss.kind = LossKind::FirstSpike;
  net.dt = 0.01;
  net.numSteps = 2000;
  std::vector<float> params = {6.36f, 0.0f};
  std::vector<Sample> batch(1);
  batch[0].spikes.push_back({0.0f, 0});
  CpuEngineOptions options;
  options.minSlope = 0.5;
  CpuEngine engine(options);
  std::vector<float> grads(2);
  auto result = engine.run(net, params, batch, grads);
  REQUIRE(errorText(result) == "");
  CHECK(result->counters.spikes == 1);
  CHECK(result->counters.clampedSlopes == 1);
  CHECK(std::isfinite(grads[0]));
}
