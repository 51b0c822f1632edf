//===- HostTarget.cpp - The CUDA engine's kernels emulated on the host ----===//
//
// Runs the forward and backward kernels' phases (ForwardPhases.h,
// BackwardPhases.h) for each block, each phase for every thread before the
// next phase starts: exactly the ordering a __syncthreads between phases
// guarantees, and no more. Warp work runs lane by lane and the warp sum
// follows the GPU's xor butterfly, so a result here is the GPU's result up
// to the device's expf in the crossing slope.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/cuda/BackwardPhases.h"
#include "frontend/eventprop/cuda/ExecutionTarget.h"

#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <vector>

namespace axon::eventprop::cuda {

ExecutionTarget::~ExecutionTarget() = default;

namespace {

/// The sum a warp's __shfl_xor_sync butterfly leaves in lane 0.
float butterflySum(float (&lanes)[kWarpSize]) {
  for (uint32_t offset = kWarpSize / 2; offset > 0; offset /= 2) {
    float next[kWarpSize];
    for (uint32_t l = 0; l < kWarpSize; ++l)
      next[l] = lanes[l] + lanes[l ^ offset];
    std::memcpy(lanes, next, sizeof(next));
  }
  return lanes[0];
}

class HostTarget final : public ExecutionTarget {
public:
  explicit HostTarget(uint32_t threads) : threads(threads) {}

  std::string describe() const override {
    return fmt::format("host emulator ({} threads per block)", threads);
  }

  llvm::Expected<void *> allocate(uint64_t bytes) override {
    // 16-byte alignment, as cudaMalloc gives at least.
    void *memory = std::aligned_alloc(16, (bytes + 15) / 16 * 16);
    if (!memory && bytes)
      return llvm::createStringError(std::errc::not_enough_memory,
                                     "host emulator: out of memory");
    return memory;
  }
  void release(void *memory) override { std::free(memory); }
  llvm::Error copyIn(void *target, const void *host, uint64_t bytes) override {
    if (bytes)
      std::memcpy(target, host, bytes);
    return llvm::Error::success();
  }
  llvm::Error copyOut(void *host, const void *target, uint64_t bytes) override {
    if (bytes)
      std::memcpy(host, target, bytes);
    return llvm::Error::success();
  }

  llvm::Error forward(const DeviceNetwork &net,
                      const BatchBuffers &buf) override {
    const uint32_t T = threads;
    for (uint32_t b = 0; b < buf.numSamples; ++b) {
      SampleState st = state(net);
      for (uint32_t t = 0; t < T; ++t)
        forwardBegin(net, buf, st, b, t, T);
      for (uint32_t n = 0; n < net.numSteps; ++n) {
        for (uint32_t t = 0; t < T; ++t)
          forwardScatter(net, buf, st, b, n, t, T);
        for (uint32_t t = 0; t < T; ++t)
          forwardUpdate(net, buf, st, b, n, t, T);
        compactSpikesSequential(net, buf, st, b, n);
      }
      for (uint32_t t = 0; t < T; ++t)
        forwardUpdate(net, buf, st, b, net.numSteps, t, T);
      forwardEnd(buf, st, b, 0);
    }
    return llvm::Error::success();
  }

  llvm::Error backward(const DeviceNetwork &net,
                       const BatchBuffers &buf) override {
    const uint32_t T = threads, warps = threads / kWarpSize;
    for (uint32_t b = 0; b < buf.numSamples; ++b) {
      SampleState st = state(net);
      for (uint32_t t = 0; t < T; ++t)
        backwardBegin(net, buf, st, b, t, T);
      const uint32_t *starts =
          buf.recordStarts + uint64_t(b) * (net.numSteps + 2);
      for (uint32_t n = net.numSteps + 1; n-- > 0;) {
        for (uint32_t t = 0; t < T; ++t)
          backwardHistory(net, buf, st, b, n, t, T);
        for (uint32_t t = 0; t < T; ++t)
          backwardInputs(net, buf, st, b, n, t, T);
        for (uint32_t w = 0; w < warps; ++w)
          for (uint32_t r = starts[n] + w; r < starts[n + 1]; r += warps) {
            float lanes[kWarpSize];
            for (uint32_t lane = 0; lane < kWarpSize; ++lane)
              lanes[lane] =
                  spikeFeedbackPart(net, buf, st, b, n, r, lane, kWarpSize);
            applySpikeJump(net, buf, st, b, n, r, butterflySum(lanes));
          }
        for (uint32_t t = 0; t < T; ++t)
          backwardForcing(net, buf, st, b, n, t, T);
      }
      backwardEnd(buf, st, b, 0);
    }
    return llvm::Error::success();
  }

  llvm::Error reduceGradients(const DeviceNetwork &net,
                              const BatchBuffers &buf) override {
    for (uint64_t q = 0; q < net.numSynapses; ++q)
      reduceSynapse(net, buf, q);
    return llvm::Error::success();
  }

private:
  /// Fresh "shared memory" for one block.
  SampleState state(const DeviceNetwork &net) {
    shared.assign(
        (sampleStateBytes(net.numNeurons, net.numMaskWords) + 7) / 8, 0);
    return carveSampleState(shared.data(), net.numNeurons, net.numMaskWords);
  }

  uint32_t threads;
  std::vector<unsigned long long> shared;
};

} // namespace

std::unique_ptr<ExecutionTarget> makeHostTarget(uint32_t threadsPerBlock) {
  return std::make_unique<HostTarget>(threadsPerBlock);
}

} // namespace axon::eventprop::cuda
