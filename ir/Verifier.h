//===- Verifier.h - Invariants of a graph at its level ----------*- C++ -*-===//
//
// verifyGraph checks every invariant of the graph's level (and of the levels
// above it) and reports all broken rules, up to a cap, in one Error. Each
// line names the element, the field, the value and the rule broken, e.g.
//   population 'hidden': tau_mem_ms = -5: must be > 0
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"

#include "llvm/Support/Error.h"

namespace axon::ir {

/// Checks `g` against the invariants of `g.level`. `location` (usually the
/// file name) prefixes the diagnostic.
llvm::Error verifyGraph(const Graph &g, llvm::StringRef location = "");

} // namespace axon::ir
