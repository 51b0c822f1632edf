//===- BuildDeviceNetwork.h - Host side of the CUDA engine's plan -*- C++ -*-===//
//
// What the CUDA engine computes on the host once per batch before any
// launch: the DeviceNetwork tables, the input spikes binned to grid points
// in the CPU engine's order, and the readout's per-grid-point loss weights.
// Host code only (it returns llvm::Error), so the kernels never include
// LLVM.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"
#include "frontend/eventprop/cuda/DeviceNetwork.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace axon::eventprop::cuda {

struct DeviceNetworkOptions {
  double minSlope = 1e-2;           ///< see CpuEngineOptions::minSlope
  bool maskFrozenParameters = true; ///< see CpuEngineOptions
};

/// Lays out a validated network. Fails when it exceeds the kernels' fixed
/// tables (kMaxLayers, kMaxProjections) or 32-bit neuron indices.
llvm::Expected<DeviceNetwork>
buildDeviceNetwork(const NetworkDesc &net, const DeviceNetworkOptions &options);

/// Input spikes of a batch bucketed by grid point floor(t / dt) (clamped to
/// N - 1), stably, as the CPU engine bins them: the spikes of sample b at
/// step n are channels[starts[b * (N + 1) + n] .. starts[b * (N + 1) + n + 1]).
struct BinnedInputs {
  std::vector<uint32_t> channels;
  std::vector<uint32_t> starts;
};

void binInputs(const NetworkDesc &net, llvm::ArrayRef<Sample> batch,
               BinnedInputs &out);

/// Trapezoid weights q_n (n = 0..N) of (1/T) integral w(t) V dt for the
/// integral losses, zeros otherwise (the CPU engine's readoutWeights).
std::vector<double> readoutWeights(const NetworkDesc &net);

} // namespace axon::eventprop::cuda
