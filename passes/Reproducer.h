//===- Reproducer.h - Replay a failing pass from a file ---------*- C++ -*-===//
//
// When a pass fails, the PassManager can write the graph as it was just
// before that pass, with the pipeline from that pass on, so the failure can
// be replayed alone (MLIR's local reproducer). The file is ordinary
// protobuf text (`axon info` reads it) whose first line is a comment:
//
//   # axon-reproducer pipeline: delay-lines,prune
//   version: 1
//   name: "net"
//   ...
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"

#include "llvm/Support/Error.h"

#include <string>

namespace axon::passes {

/// The first-line marker; the pipeline follows it on the same line.
inline constexpr llvm::StringLiteral kReproducerMarker =
    "# axon-reproducer pipeline: ";

struct Reproducer {
  std::string pipeline; ///< pipeline string, from the failing pass on
  ir::Graph graph;      ///< the graph the failing pass was given
};

/// Writes `pipeline` and `g` to `path` (protobuf text), atomically.
llvm::Error writeReproducer(llvm::StringRef path, llvm::StringRef pipeline,
                            const ir::Graph &g);

/// Reads a file writeReproducer wrote; the error names the file when the
/// first line is not a reproducer marker or the graph does not parse.
llvm::Expected<Reproducer> readReproducer(llvm::StringRef path);

} // namespace axon::passes
