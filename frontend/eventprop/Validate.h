//===- Validate.h - Checks of what an engine is asked to run ----*- C++ -*-===//
//
// Every engine runs these before touching its inputs, so that a bad model
// file, a corrupted checkpoint or a data-set bug fails with a message that
// names the layer, projection, synapse or sample, the field and the value,
// instead of producing NaNs or reading out of bounds.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace axon::eventprop {

/// Largest maxDelaySteps an engine accepts (GeNN's dendritic-delay limit,
/// eventprop.md A); it also bounds the per-layer ring buffers.
inline constexpr uint32_t kMaxDelaySteps = 65535;

/// Checks the network: sizes > 0, finite positive time constants, reset
/// below threshold for LIF layers, dt > 0, numSteps > 0, projection indices
/// in range and sourced from LIF layers (a leaky integrator never spikes),
/// maxDelaySteps <= kMaxDelaySteps, the readout (last layer) of the kind the
/// loss needs (LeakyIntegrator for the voltage losses, LIF for FirstSpike),
/// loss and regulariser constants finite and in range.
llvm::Error validate(const NetworkDesc &net);

/// Checks a parameter buffer against `net` (already validated): its size and
/// that every weight and delay is finite. Names projection, synapse (pre,
/// post) and value of the first bad entry.
llvm::Error validateParameters(const NetworkDesc &net,
                               llvm::ArrayRef<float> params);

/// Checks a batch: not empty, every label in [0, readout size), every input
/// spike on a channel < inputSize and at a finite time in [0, T).
llvm::Error validateBatch(const NetworkDesc &net, llvm::ArrayRef<Sample> batch);

/// Everything an engine's run() checks first: the grazing-crossing guard
/// `minSlope` (finite, > 0), then validate, validateParameters and
/// validateBatch, then that `gradsSize` is 0 (forward only) or the
/// parameter count. `engine` ("cpu engine") locates the engine's own
/// diagnostics.
llvm::Error validateRun(const NetworkDesc &net, llvm::ArrayRef<float> params,
                        llvm::ArrayRef<Sample> batch, size_t gradsSize,
                        double minSlope, llvm::StringRef engine);

} // namespace axon::eventprop
