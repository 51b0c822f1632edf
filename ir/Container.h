//===- Container.h - Checked framing for Axon's binary files ----*- C++ -*-===//
//
// Binary files Axon writes (graphs, checkpoints, chip configurations) put a
// 24-byte header before their protobuf payload: an 8-byte magic naming the
// kind of file, the container version, the payload's CRC-32 and its size.
// Protobuf alone would accept an empty or truncated file as a valid (empty)
// message; the header turns those into clear errors.
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace axon {

inline constexpr size_t kContainerHeaderSize = 24;

/// `magic` must be exactly 8 bytes, e.g. llvm::StringRef("AXONIR\0\0", 8).
std::string frameContainer(llvm::StringRef magic, llvm::StringRef payload);

/// Checks the header and returns a view of the payload inside `data`.
/// `kind` names the file kind in diagnostics ("Axon IR file").
llvm::Expected<llvm::StringRef> unframeContainer(llvm::StringRef data,
                                                 llvm::StringRef magic,
                                                 llvm::StringRef kind,
                                                 llvm::StringRef location);

} // namespace axon
