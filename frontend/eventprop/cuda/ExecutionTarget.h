//===- ExecutionTarget.h - Where the CUDA engine's kernels run --*- C++ -*-===//
//
// The CUDA engine's batch driver (CudaEngine.cpp) talks to memory and
// kernels only through this interface. Two targets implement it: the GPU
// (CudaTarget.cpp: cudaMalloc, cudaMemcpy, the kernels of Kernels.cu) and
// the host emulator (HostTarget.cpp: plain memory, and the same
// __host__ __device__ phases run block by block, thread by thread, warps
// reduced in the GPU's butterfly order). The emulator is what the tests
// run on machines without a GPU: it checks the engine's decomposition,
// index arithmetic, record growth and driver against the CPU engine.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/cuda/BatchBuffers.h"
#include "frontend/eventprop/cuda/DeviceNetwork.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>

namespace axon::eventprop::cuda {

class ExecutionTarget {
public:
  virtual ~ExecutionTarget();

  /// "cuda (NVIDIA H200, sm_90)" or "host emulator".
  virtual std::string describe() const = 0;

  virtual llvm::Expected<void *> allocate(uint64_t bytes) = 0;
  virtual void release(void *memory) = 0;
  /// Host to target and back; `bytes` may be 0.
  virtual llvm::Error copyIn(void *target, const void *host,
                             uint64_t bytes) = 0;
  virtual llvm::Error copyOut(void *host, const void *target,
                              uint64_t bytes) = 0;

  /// One block per sample; returns when the pass has finished.
  virtual llvm::Error forward(const DeviceNetwork &net,
                              const BatchBuffers &buf) = 0;
  virtual llvm::Error backward(const DeviceNetwork &net,
                               const BatchBuffers &buf) = 0;
  /// Fills buf.grads from buf.accumulators (reduceSynapse for every synapse).
  virtual llvm::Error reduceGradients(const DeviceNetwork &net,
                                      const BatchBuffers &buf) = 0;
};

/// Threads per block must be a positive multiple of the warp size.
std::unique_ptr<ExecutionTarget> makeHostTarget(uint32_t threadsPerBlock);

/// Fails with the CUDA runtime's reason when the engine was built without
/// CUDA or no device is usable.
llvm::Expected<std::unique_ptr<ExecutionTarget>>
makeCudaTarget(uint32_t threadsPerBlock, int device);

/// Whether a CUDA device is usable; `why` gets the reason when not.
bool cudaDeviceAvailable(std::string *why = nullptr);

} // namespace axon::eventprop::cuda
