//===- HostEmulatorTest.cpp - The CUDA engine's kernels on the host -------===//
//
// Runs on every machine: the CUDA engine with its kernels emulated on the
// host (the same __host__ __device__ phases, block by block and thread by
// thread) against the CPU engine, so that the decomposition, the ring and
// record index arithmetic, the record growth and the batch driver are
// checked where no GPU is present.
//===----------------------------------------------------------------------===//
#include "EngineComparison.h"

#include "frontend/eventprop/cuda/CudaEngine.h"

using namespace axon::eventprop;
using namespace axon::eventprop::test;

TEST_CASE("cuda engine (emulated) matches the cpu engine on every loss",
          "[eventprop][cuda-emulated]") {
  // Check that spike trains are identical and gradients agree, on a
  // recurrent two-hidden-layer network with delays, for each loss.
  for (LossKind loss : {LossKind::SumExpWeighted, LossKind::Sum,
                        LossKind::SumLinearWeighted, LossKind::MaxVoltage,
                        LossKind::FirstSpike}) {
    INFO("loss " << int(loss));
    NetworkDesc net = deepNetwork(loss);
    std::mt19937_64 rng(17 + int(loss));
    std::vector<float> params = deepParameters(net, rng);
    std::vector<Sample> batch = deepBatch(net, 5, rng);
    CudaEngineOptions options;
    options.threadsPerBlock = 32;
    auto engine = CudaEngine::createEmulated(options);
    BatchResult result = compareWithCpu(*engine, net, params, batch);
    CHECK(result.counters.spikes > 0);
  }
}

TEST_CASE("cuda engine (emulated) gives the same results for any block size",
          "[eventprop][cuda-emulated]") {
  // Check that 32, 64 and 128 threads per block (fewer threads than neurons
  // and more) give bit-identical gradients: the phases own disjoint data.
  NetworkDesc net = deepNetwork(LossKind::SumExpWeighted);
  std::mt19937_64 rng(3);
  std::vector<float> params = deepParameters(net, rng);
  std::vector<Sample> batch = deepBatch(net, 3, rng);
  std::vector<std::vector<float>> grads;
  for (uint32_t threads : {32u, 64u, 128u}) {
    CudaEngineOptions options;
    options.threadsPerBlock = threads;
    auto engine = CudaEngine::createEmulated(options);
    std::vector<float> g(params.size());
    auto result = engine->run(net, params, batch, g);
    REQUIRE(axon::test::errorText(result) == "");
    grads.push_back(g);
  }
  CHECK(grads[1] == grads[0]);
  CHECK(grads[2] == grads[0]);
}

TEST_CASE("cuda engine (emulated) grows full spike records and reruns the "
          "batch instead of dropping spikes",
          "[eventprop][cuda-emulated]") {
  // Check that starting with room for 8 spikes per sample still gives the
  // CPU engine's results, after at least one rerun with larger records, and
  // that the next batch needs no rerun.
  NetworkDesc net = deepNetwork(LossKind::SumExpWeighted);
  std::mt19937_64 rng(11);
  std::vector<float> params = deepParameters(net, rng);
  std::vector<Sample> batch = deepBatch(net, 4, rng);
  CudaEngineOptions options;
  options.threadsPerBlock = 64;
  options.initialSpikeCapacity = 8;
  auto engine = CudaEngine::createEmulated(options);
  BatchResult result = compareWithCpu(*engine, net, params, batch);
  CHECK(engine->memory().reruns >= 1);
  // The batch reports the memory held after it, records grown included.
  CHECK(result.deviceBytes == engine->memory().bytes);
  CHECK(result.deviceBytes > 0);
  uint64_t mostPerSample = 0;
  for (const SampleResult &s : result.samples) {
    uint64_t total = 0;
    for (uint64_t c : s.spikeCounts)
      total += c;
    mostPerSample = std::max(mostPerSample, total);
  }
  CHECK(engine->memory().spikeCapacity >= mostPerSample);
  std::vector<float> g(params.size());
  auto again = engine->run(net, params, batch, g);
  REQUIRE(axon::test::errorText(again) == "");
  CHECK(engine->memory().reruns == 0);
  CHECK(engine->memory().bytes > 0);
  CHECK(engine->memory().peakBytes >= engine->memory().bytes);
}

TEST_CASE("cuda engine (emulated) forward-only runs leave no backward work",
          "[eventprop][cuda-emulated]") {
  NetworkDesc net = deepNetwork(LossKind::Sum);
  std::mt19937_64 rng(5);
  std::vector<float> params = deepParameters(net, rng);
  std::vector<Sample> batch = deepBatch(net, 2, rng);
  auto engine = CudaEngine::createEmulated();
  auto result = engine->run(net, params, batch, {});
  REQUIRE(axon::test::errorText(result) == "");
  CHECK(result->counters.backwardSynapticEvents == 0);
  CHECK(result->counters.forwardSynapticEvents > 0);
}

TEST_CASE("cuda engine rejects bad options and buffers with a diagnostic",
          "[eventprop][cuda-emulated]") {
  NetworkDesc net = deepNetwork(LossKind::Sum);
  std::mt19937_64 rng(5);
  std::vector<float> params = deepParameters(net, rng);
  std::vector<Sample> batch = deepBatch(net, 1, rng);
  CudaEngineOptions options;
  options.threadsPerBlock = 48;
  auto engine = CudaEngine::createEmulated(options);
  auto result = engine->run(net, params, batch, {});
  CHECK(axon::test::errorText(result) ==
        "cuda engine: option threadsPerBlock = 48 must be a multiple of 32 "
        "in [32, 1024]");
  auto good = CudaEngine::createEmulated();
  std::vector<float> tooShort(3);
  auto wrong = good->run(net, params, batch, tooShort);
  CHECK(axon::test::errorText(wrong).find("gradient buffer holds 3 values") !=
        std::string::npos);
}
