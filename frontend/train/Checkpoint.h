//===- Checkpoint.h - Save and resume training ------------------*- C++ -*-===//
//
// A checkpoint holds everything needed to continue training bit for bit
// (model, parameters, Adam state, schedule, early-stopping state, history)
// and everything `axon eval` and `axon lower` need (model, best parameters,
// data set shape). Framed by ir/Container ("AXONCKPT") and written
// atomically; reading checks every parameter is finite.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/model/model.pb.h"

#include "llvm/Support/Error.h"

namespace axon::train {

using Checkpoint = model::proto::Checkpoint;

llvm::Error writeCheckpoint(const Checkpoint &c, llvm::StringRef path);
/// Reads and checks a checkpoint: framing, payload, parameter count against
/// the model, finite values.
llvm::Expected<Checkpoint> readCheckpoint(llvm::StringRef path);

} // namespace axon::train
