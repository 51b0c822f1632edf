//===- CudaEngineTest.cpp - The CUDA engine on a GPU against the CPU ------===//
//
// Tagged [cuda]: each test skips (with a warning naming the reason) where
// no CUDA device is usable, so the suite passes on machines without a GPU.
// Where one is present the GPU's spike trains must equal the CPU engine's
// and the gradients agree within kGradientTolerance (EngineComparison.h).
//===----------------------------------------------------------------------===//
#include "EngineComparison.h"

#include "frontend/eventprop/cuda/CudaEngine.h"
#include "frontend/eventprop/cuda/ExecutionTarget.h"

using namespace axon::eventprop;
using namespace axon::eventprop::test;

namespace {

/// The engine on the GPU, or null after a WARN saying why the test skips.
std::unique_ptr<CudaEngine> gpuEngine(CudaEngineOptions options = {}) {
  std::string why;
  if (!cuda::cudaDeviceAvailable(&why)) {
    WARN("skipped: " << why);
    return nullptr;
  }
  auto engine = CudaEngine::create(options);
  REQUIRE(axon::test::errorText(engine) == "");
  return std::move(*engine);
}

} // namespace

TEST_CASE("cuda engine matches the cpu engine on every loss", "[cuda]") {
  auto engine = gpuEngine();
  if (!engine)
    return;
  for (LossKind loss : {LossKind::SumExpWeighted, LossKind::Sum,
                        LossKind::SumLinearWeighted, LossKind::MaxVoltage,
                        LossKind::FirstSpike}) {
    INFO("loss " << int(loss) << " on " << engine->describe());
    NetworkDesc net = deepNetwork(loss);
    std::mt19937_64 rng(17 + int(loss));
    std::vector<float> params = deepParameters(net, rng);
    std::vector<Sample> batch = deepBatch(net, 9, rng);
    compareWithCpu(*engine, net, params, batch);
  }
}

TEST_CASE("cuda engine equals its host emulation bit for bit in the forward "
          "pass",
          "[cuda]") {
  auto engine = gpuEngine();
  if (!engine)
    return;
  NetworkDesc net = deepNetwork(LossKind::SumExpWeighted);
  std::mt19937_64 rng(23);
  std::vector<float> params = deepParameters(net, rng);
  std::vector<Sample> batch = deepBatch(net, 6, rng);
  auto emulated = CudaEngine::createEmulated();
  std::vector<float> g1(params.size()), g2(params.size());
  auto onGpu = engine->run(net, params, batch, g1);
  auto onHost = emulated->run(net, params, batch, g2);
  REQUIRE(axon::test::errorText(onGpu) == "");
  REQUIRE(axon::test::errorText(onHost) == "");
  CHECK(onGpu->neuronSpikeCounts == onHost->neuronSpikeCounts);
  CHECK(onGpu->loss == onHost->loss);
}

TEST_CASE("cuda engine grows its spike records and reruns instead of "
          "dropping spikes",
          "[cuda]") {
  CudaEngineOptions options;
  options.initialSpikeCapacity = 4;
  auto engine = gpuEngine(options);
  if (!engine)
    return;
  NetworkDesc net = deepNetwork(LossKind::Sum);
  std::mt19937_64 rng(29);
  std::vector<float> params = deepParameters(net, rng);
  std::vector<Sample> batch = deepBatch(net, 7, rng);
  compareWithCpu(*engine, net, params, batch);
  CHECK(engine->memory().reruns >= 1);
  CHECK(engine->memory().peakBytes > 0);
}

TEST_CASE("cuda engine: a bigger batch of the SHD shape agrees with the cpu "
          "engine",
          "[cuda][slow]") {
  auto engine = gpuEngine();
  if (!engine)
    return;
  // 700 -> 128 recurrent LIF (delays <= 62) -> 20 LI, 300 steps, B = 33.
  NetworkDesc net;
  net.inputSize = 700;
  net.layers.push_back(makeLayer("hid", 128, NeuronKind::LIF));
  net.layers.push_back(makeLayer("out", 20, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->hid", 0, 0, 62, true));
  net.projections.push_back(makeProjection("hid->hid", 1, 0, 62, true));
  net.projections.push_back(makeProjection("hid->out", 1, 1));
  net.regulariser.nuUpper = 14.0;
  net.regulariser.lambdaUpper = 1e-4;
  net.dt = 1.0;
  net.numSteps = 300;
  std::mt19937_64 rng(31);
  std::vector<float> params(ParameterLayout::of(net).total);
  fillProjection(net, 0, 0.03, 0.01, params, rng);
  fillProjection(net, 1, 0.0, 0.02, params, rng);
  fillProjection(net, 2, 0.0, 0.03, params, rng);
  std::vector<Sample> batch = randomBatch(net, 33, 0.02, 20, rng);
  compareWithCpu(*engine, net, params, batch);
}
