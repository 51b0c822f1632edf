//===- Pipeline.cpp - What opt, emit and deploy share ---------------------===//
#include "tools/axon/Pipeline.h"

#include "ir/AtomicFile.h"
#include "ir/Diagnostics.h"
#include "passes/PassContext.h"
#include "passes/PassManager.h"
#include "passes/PassRegistry.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/core.h>

namespace axon::tool {

void PipelineOptions::addTo(CLI::App &app) {
  app.add_option("-p,--passes", pipeline,
                 "Comma-separated pass pipeline, e.g. "
                 "discretise-delays,delay-lines{...} (default: the target's)");
  app.add_flag("--verify-each,!--no-verify-each", verifyEach,
               "Verify the graph after every pass (default on)");
  app.add_flag("--time-passes", timePasses, "Print each pass's wall time");
  app.add_flag("--print-after-all", printAfterAll,
               "Print a summary of the graph after each pass");
  app.add_flag("--stats", statistics, "Print the passes' statistics");
  app.add_option("--reproducer", reproducer,
                 "Write the graph before a failing pass here");
  app.add_option("--seed", seed, "Seed for stochastic passes");
}

llvm::Error runPipeline(ir::Graph &g, const target::TargetDescription *target,
                        const PipelineOptions &opts,
                        llvm::StringRef location) {
  passes::PassManagerOptions o;
  o.verifyEach = opts.verifyEach;
  o.timePasses = opts.timePasses;
  o.printAfterAll = opts.printAfterAll;
  o.reproducerPath = opts.reproducer;
  passes::PassManager pm(
      o, [](llvm::StringRef s) { fmt::print(stderr, "{}", s); });
  std::string text = opts.pipeline;
  if (text.empty()) {
    if (!target)
      return makeError(location.str(), "no pipeline given (-p) and no "
                                       "--target to take its default from");
    text = passes::defaultPipelineText(*target);
  }
  if (llvm::Error err = pm.addPipeline(text))
    return err;
  passes::PassContext ctx(target, location.str(), opts.seed);
  llvm::Error err = pm.run(g, ctx);
  if (opts.timePasses)
    fmt::print(stderr, "{}", pm.timingReport());
  if (opts.statistics)
    fmt::print(stderr, "{}", ctx.statistics().format());
  return err;
}

} // namespace axon::tool
