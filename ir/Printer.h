//===- Printer.h - Human-readable summary of a graph ------------*- C++ -*-===//
//
// The stable text summary `axon info` prints: populations, sizes, synapse
// counts, weight and delay statistics, level and provenance. Iteration is in
// file order, so the output is deterministic and golden tests can match it.
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"

#include "llvm/ADT/ArrayRef.h"

#include <string>

namespace axon::ir {

/// Minimum, maximum, mean and (population) standard deviation of a series.
struct SeriesStats {
  size_t count = 0;
  double min = 0, max = 0, mean = 0, stddev = 0;
};
SeriesStats seriesStats(llvm::ArrayRef<float> values);
SeriesStats seriesStats(llvm::ArrayRef<uint32_t> values);

std::string summariseGraph(const Graph &g);

} // namespace axon::ir
