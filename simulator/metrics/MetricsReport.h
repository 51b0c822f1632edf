//===- MetricsReport.h - NeuroBench figures as a table and as JSON -*- C++ -*-===//
//
// How `axon eval` and `axon verify` show Metrics: a fixed-width terminal
// table with one column per model (float, chip, ...) and a JSON object
// whose keys are NeuroBench's result keys (ClassificationAccuracy,
// Footprint, ConnectionSparsity, ActivationSparsity, SynapticOperations
// with Effective_MACs, Effective_ACs and Dense), so that scripts written for
// NeuroBench's output read ours. Both are pure functions of their input:
// the same figures give the same bytes.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/metrics/Metrics.h"

#include "llvm/ADT/ArrayRef.h"

#include <string>

namespace axon::sim::metrics {

/// One model's figures under a column name ("float", "chip").
struct MetricsColumn {
  std::string name;
  Metrics metrics;
};

/// A table: one row per metric, one column per model; ends in a newline.
std::string formatMetricsTable(llvm::ArrayRef<MetricsColumn> columns);

/// One model's figures as a JSON object (no trailing newline). Numbers are
/// written in their shortest round-trip form; a non-finite one as null.
std::string metricsJson(const Metrics &m);

/// {"<name>": <metricsJson>, ...} in column order.
std::string metricsJson(llvm::ArrayRef<MetricsColumn> columns);

} // namespace axon::sim::metrics
