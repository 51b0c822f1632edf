//===- CudaEngine.h - Time-stepped EventProp on a GPU -----------*- C++ -*-===//
//
// The CPU engine's algorithm (cpu/CpuEngine.h: time grid, order of events,
// rings, records, adjoint, loss forcing, regulariser, scale) on a GPU: one
// thread block per sample runs the whole forward pass, then, once the
// regulariser has the batch's spike counts, the whole backward pass; a
// third kernel sums the per-sample gradient sums in sample order. The
// per-neuron and per-spike arithmetic is NeuronUpdate.h's, shared with the
// CPU engine; the phases are __host__ __device__ (ForwardPhases.h,
// BackwardPhases.h) and also run on the host emulator.
//
// Results: spike trains, losses and readouts bit-identical to the CPU
// engine in float32 (same sums in the same order, no FMA contraction);
// gradients equal up to the order of the feedback sums (a warp butterfly
// instead of the CPU's partial sums) and the device's expf in the crossing
// slope: a few float32 ulps per operation.
//
// Memory (device), per sample: the arrival ring, reused as the adjoint
// history (8 bytes x sum over layers of 2 x ringDepth x size), the gradient
// sums (8 bytes per synapse), the spike records (8 bytes per spike, grown
// when a batch overflows them: the batch is rerun, nothing is dropped) and
// 4 bytes x (N + 2) record offsets; plus the parameters and gradients once.
// memory() reports it after every batch. No copies inside the time loops:
// inputs and parameters go up before the forward pass, the readout and
// counts come back after it, the loss derivatives go up and the gradients
// come back at the end.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Engine.h"

#include <memory>
#include <string>

namespace axon::eventprop {

struct CudaEngineOptions {
  /// Threads per block (one block per sample): a multiple of 32, <= 1024.
  uint32_t threadsPerBlock = 256;
  int device = 0; ///< CUDA device ordinal
  /// As CpuEngineOptions: grazing-crossing clamp, FirstSpike phantom kick,
  /// zeroed gradients of frozen parameters.
  double minSlope = 1e-2;
  bool phantomKick = true;
  bool maskFrozenParameters = true;
  /// Spike records per sample to start with; 0: 16 per neuron. They grow
  /// to 1.25 x the largest count seen whenever a batch overflows them.
  uint32_t initialSpikeCapacity = 0;
};

/// Device memory of the engine after the last batch.
struct CudaMemoryReport {
  uint64_t bytes = 0;     ///< held now (buffers are kept between batches)
  uint64_t peakBytes = 0; ///< most held at once since construction
  uint32_t spikeCapacity = 0; ///< spike records per sample
  uint32_t reruns = 0; ///< forward passes rerun after growing the records
};

namespace cuda {
class ExecutionTarget;
}

class CudaEngine final : public Engine {
public:
  /// The engine on a GPU; fails when CUDA is absent or no device is usable.
  static llvm::Expected<std::unique_ptr<CudaEngine>>
  create(CudaEngineOptions options = {});
  /// The same engine with its kernels emulated on the host (slow): what the
  /// tests run where there is no GPU.
  static std::unique_ptr<CudaEngine> createEmulated(CudaEngineOptions options = {});

  ~CudaEngine() override;
  CudaEngine(const CudaEngine &) = delete;
  CudaEngine &operator=(const CudaEngine &) = delete;

  llvm::StringRef name() const override;
  /// The device (or emulator) the engine runs on, in words.
  std::string describe() const;
  const CudaEngineOptions &options() const;
  const CudaMemoryReport &memory() const;

  llvm::Expected<BatchResult> run(const NetworkDesc &net,
                                  llvm::ArrayRef<float> params,
                                  llvm::ArrayRef<Sample> batch,
                                  llvm::MutableArrayRef<float> grads) override;

private:
  CudaEngine(CudaEngineOptions options,
             std::unique_ptr<cuda::ExecutionTarget> target, bool emulated);

  struct State;
  std::unique_ptr<State> S;
};

} // namespace axon::eventprop
