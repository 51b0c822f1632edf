//===- Kernels.h - Launches of the CUDA engine's kernels --------*- C++ -*-===//
//
// Host-callable launchers of the kernels in Kernels.cu, for CudaTarget.cpp.
// Each returns the launch's error (the caller synchronises and checks the
// execution's). One block of `threads` threads per sample for the passes; a
// grid-stride loop over synapses for the reduction.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/cuda/BatchBuffers.h"
#include "frontend/eventprop/cuda/DeviceNetwork.h"

#include <cuda_runtime_api.h>

namespace axon::eventprop::cuda {

cudaError_t launchForward(const DeviceNetwork &net, const BatchBuffers &buf,
                          uint32_t threads);
cudaError_t launchBackward(const DeviceNetwork &net, const BatchBuffers &buf,
                           uint32_t threads);
cudaError_t launchReduceGradients(const DeviceNetwork &net,
                                  const BatchBuffers &buf);

} // namespace axon::eventprop::cuda
