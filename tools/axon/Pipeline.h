//===- Pipeline.h - What opt, emit and deploy share -------------*- C++ -*-===//
//
// The steps `axon deploy` chains and `axon opt` / `axon emit` run one at a
// time: a pass pipeline over a graph for a target, and writing an emitted
// configuration into a directory only once it exists completely.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/Target.h"
#include "ir/Graph.h"

#include <CLI/CLI.hpp>
#include <string>

namespace axon::tool {

struct PipelineOptions {
  std::string pipeline;  ///< "" = the target's default pipeline
  bool verifyEach = true;
  bool timePasses = false;
  bool printAfterAll = false;
  bool statistics = false;
  std::string reproducer; ///< where to write a reproducer on failure
  uint64_t seed = 0x5eed;

  /// Declares the options above on a subcommand.
  void addTo(CLI::App &app);
};

/// Runs the pipeline on `g` (in place) for `target`; statistics and timings
/// go to stderr when asked for.
llvm::Error runPipeline(ir::Graph &g, const target::TargetDescription *target,
                        const PipelineOptions &opts,
                        llvm::StringRef location);

/// Emits `g` for `target` and writes every file into `dir` (created if
/// needed). Nothing is written unless the whole configuration was emitted.
/// Returns the report text.
llvm::Expected<std::string>
emitToDirectory(const ir::Graph &g, const target::TargetDescription &target,
                llvm::StringRef dir);

} // namespace axon::tool
