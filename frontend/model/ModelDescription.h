//===- ModelDescription.h - Read and check a model to train -----*- C++ -*-===//
//
// `axon train MODEL.pbtxt` starts here: the protobuf text of
// frontend/model/model.proto is parsed (unknown fields are errors with line
// and column), checked field by field, and turned into the engine-side
// eventprop::NetworkDesc once the data set's input size and duration are
// known.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"
#include "frontend/model/model.pb.h"

#include "llvm/Support/Error.h"

namespace axon::model {

using Model = proto::Model;

/// Parses protobuf text; diagnostics are "<location>: line:col: ...".
llvm::Expected<Model> parseModel(llvm::StringRef text,
                                 llvm::StringRef location);
/// Reads and parses a model file, then fills defaults and validates it.
llvm::Expected<Model> readModel(llvm::StringRef path);

/// Replaces zero-valued optional fields by their documented defaults
/// (threshold 1, Adam betas 0.9/0.999, epsilon 1e-8, ...).
void applyDefaults(Model &m);
/// Checks every field; each diagnostic names the element, field and value.
llvm::Error validateModel(const Model &m, llvm::StringRef location);

/// The network the engines simulate for a data set with `numInputs`
/// channels and trials of `durationMs`. Delays are converted to steps.
llvm::Expected<eventprop::NetworkDesc>
buildNetwork(const Model &m, uint32_t numInputs, uint32_t numClasses,
             double durationMs, llvm::StringRef location);

} // namespace axon::model
