//===- PassManager.h - Run a pipeline of passes on a graph ------*- C++ -*-===//
//
// The PassManager owns what every pass needs around it, so passes stay
// short (MLIR's pass instrumentation, in small):
//   - levels: before running anything it walks the pipeline from the
//     graph's level and fails if a pass would get a level it does not
//     accept; after each pass it checks the level the pass declared;
//   - verification: the input graph is verified first, so passes may
//     assume a valid graph; ir::verifyGraph runs after each pass with
//     verifyEach (the default) and always after the last one;
//   - timing (timePasses): steady-clock wall time per pass and for the
//     verifier, reported by timingReport();
//   - printing (printAfterAll): ir::summariseGraph after each pass;
//   - failure: the error keeps the pass's diagnostic and adds a note
//     naming the pass; the graph is restored to what it was before the
//     failing pass (the manager keeps a copy of the graph from before each
//     pass, so a failure never leaves a half-transformed graph); with
//     reproducerPath set, that graph and the rest of the pipeline are
//     written there (Reproducer.h).
// Statistics go to the PassContext; print them with
// ctx.statistics().format().
//
// Typical use in a tool:
//   PassManagerOptions options;
//   options.verifyEach = verifyEach;  // on by default
//   options.timePasses = timePasses;
//   options.printAfterAll = printAfterAll;
//   options.reproducerPath = reproducerPath;  // "" = none
//   PassManager pm(options,
//                  [](llvm::StringRef s) { fmt::print(stderr, "{}", s); });
//   if (llvm::Error err = pm.addPipeline(text)) ...
//   PassContext ctx(&target, inputPath, seed);
//   if (llvm::Error err = pm.run(graph, ctx)) ...
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"
#include "passes/PassRegistry.h"

#include "ir/Graph.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <string>

namespace axon::passes {

class PassContext;

struct PassManagerOptions {
  /// Verify the graph after every pass, not only after the last one.
  bool verifyEach = true;
  /// Measure each pass's wall time (timings(), timingReport()).
  bool timePasses = false;
  /// Print ir::summariseGraph after each pass.
  bool printAfterAll = false;
  /// Where to write a reproducer when a pass fails; empty: write none.
  std::string reproducerPath;
  /// Called after each pass that succeeded (and verified, with verifyEach)
  /// with the pass's pipeline element ("quantise-weights{scope=target}")
  /// and the graph as it left it: `axon verify` simulates every stage to
  /// find the pass that cost the most agreement.
  std::function<void(llvm::StringRef element, const ir::Graph &g)> afterPass;
};

/// Receives the text the manager prints while it runs (print-after-all);
/// tools pass a function that writes to stderr.
using PrintFunction = std::function<void(llvm::StringRef)>;

/// Wall time of one pass, or of all verifier runs ("(verify)").
struct PassTiming {
  std::string name;
  double seconds = 0;
};

class PassManager {
public:
  /// Without `print`, printed text is collected and read with printed().
  explicit PassManager(PassManagerOptions options = {},
                       PrintFunction print = nullptr);

  void addPass(std::unique_ptr<Pass> pass);
  /// Parses `text` (PassRegistry.h's grammar) and appends its passes.
  llvm::Error addPipeline(llvm::StringRef text);

  const Pipeline &passes() const { return pipeline; }
  /// The pipeline as a string parsePipeline() accepts.
  std::string pipelineText() const { return pipelineString(pipeline); }

  /// Runs the pipeline on `g` (see the file comment). On error `g` is as
  /// it was before the failing pass (or untouched, when the input or the
  /// levels are wrong).
  llvm::Error run(ir::Graph &g, PassContext &ctx);

  /// Timings of the last run, in pipeline order then "(verify)"; empty
  /// unless timePasses.
  llvm::ArrayRef<PassTiming> timings() const { return timingList; }
  /// The timings as a table in MLIR's shape (wall time, share, name).
  std::string timingReport() const;

  /// Text printed so far when no PrintFunction was given.
  const std::string &printed() const { return printBuffer; }

private:
  llvm::Error checkLevels(ir::IRLevel start, PassContext &ctx) const;
  llvm::Error verify(const ir::Graph &g, PassContext &ctx,
                     double &verifySeconds) const;
  llvm::Error passFailure(size_t index, llvm::Error err,
                          const ir::Graph &before, PassContext &ctx) const;
  void print(llvm::StringRef text);

  PassManagerOptions opts;
  PrintFunction printFn;
  Pipeline pipeline;
  llvm::SmallVector<PassTiming, 8> timingList;
  std::string printBuffer;
};

} // namespace axon::passes
