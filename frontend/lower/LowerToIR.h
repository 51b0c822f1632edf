//===- LowerToIR.h - A trained network as a FLOAT-level graph ---*- C++ -*-===//
//
// `axon lower CHECKPOINT -o net.axon`: the trained network with what
// hardware needs and nothing of the training set-up (no optimiser state, no
// learning flags): populations with their neuron constants, dense
// projections with the trained weights and the delays the engine realised
// (clamp(round(d), 0, max) steps, written in ms), the readout's decoding,
// and provenance (the model description, data set, measured accuracy).
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/train/Checkpoint.h"
#include "ir/Graph.h"

#include "llvm/Support/Error.h"

namespace axon::lower {

/// Name of the input population in lowered graphs.
inline constexpr const char *kInputName = "input";

/// Lowers the checkpoint's best parameters (its last ones if it has no
/// best). `location` names the checkpoint in diagnostics.
llvm::Expected<ir::Graph> lowerCheckpoint(const train::Checkpoint &c,
                                          llvm::StringRef location);

} // namespace axon::lower
