//===- Serialize.h - Graph files: binary, protobuf text, JSON ---*- C++ -*-===//
//
// The one place that converts between ir/axon.proto and the in-memory Graph.
//
// Formats, chosen by file extension:
//   .axon           binary: a 24-byte header (magic "AXONIR\0\0", container
//                   version, payload size, CRC-32) then the protobuf
//                   payload, so truncated or corrupt files are detected
//   .pbtxt .txtpb   protobuf text format (hand-written examples)
//   .json           protobuf JSON mapping (for other tools)
// Readers reject empty, truncated, corrupt and newer-version files with a
// diagnostic naming the file; writers replace the file atomically.
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"

#include "llvm/Support/Error.h"

#include <string>

namespace axon::ir {

enum class GraphFormat : uint8_t { Binary, Text, Json };

/// The format implied by `path`'s extension, or an error naming it.
llvm::Expected<GraphFormat> formatForPath(llvm::StringRef path);

/// Parses `data` in `format`; `location` names the source in diagnostics.
llvm::Expected<Graph> parseGraph(llvm::StringRef data, GraphFormat format,
                                 llvm::StringRef location);
/// Serialises `g` in `format`.
llvm::Expected<std::string> printGraph(const Graph &g, GraphFormat format);

/// Reads a graph file (format by extension). Does not run the verifier.
llvm::Expected<Graph> readGraph(llvm::StringRef path);
/// Writes `g` to `path` (format by extension), atomically.
llvm::Error writeGraph(const Graph &g, llvm::StringRef path);

} // namespace axon::ir
