//===- AtomicFile.h - Write a file completely or not at all -----*- C++ -*-===//
//
// Every file Axon writes (graphs, checkpoints, configurations, reports) goes
// through writeFileAtomically: the bytes go to a temporary file beside the
// destination, which is renamed over it only after a successful write, so a
// failure never leaves a half-written output.
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace axon {

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef data);

/// Reads a whole file; the error names the file and the system's reason.
llvm::Expected<std::string> readWholeFile(llvm::StringRef path);

} // namespace axon
