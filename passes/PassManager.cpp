//===- PassManager.cpp - Run a pipeline of passes on a graph --------------===//
#include "passes/PassManager.h"

#include "passes/PassContext.h"
#include "passes/Reproducer.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"

#include <chrono>
#include <fmt/format.h>

namespace axon::passes {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string levelRange(const Pass &pass) {
  if (pass.inputLevel() == pass.maxInputLevel())
    return fmt::format("{}", pass.inputLevel());
  return fmt::format("{} to {}", pass.inputLevel(), pass.maxInputLevel());
}

} // namespace

PassManager::PassManager(PassManagerOptions options, PrintFunction print)
    : opts(std::move(options)), printFn(std::move(print)) {}

void PassManager::addPass(std::unique_ptr<Pass> pass) {
  pipeline.push_back(std::move(pass));
}

llvm::Error PassManager::addPipeline(llvm::StringRef text) {
  llvm::Expected<Pipeline> parsed = parsePipeline(text);
  if (!parsed)
    return parsed.takeError();
  for (std::unique_ptr<Pass> &p : *parsed)
    pipeline.push_back(std::move(p));
  return llvm::Error::success();
}

void PassManager::print(llvm::StringRef text) {
  if (printFn)
    printFn(text);
  else
    printBuffer += text.str();
}

llvm::Error PassManager::checkLevels(ir::IRLevel start,
                                     PassContext &ctx) const {
  // Walk the declared levels before running anything, so a pipeline in the
  // wrong order fails at once instead of after its expensive passes.
  ir::IRLevel level = start;
  for (size_t i = 0; i < pipeline.size(); ++i) {
    const Pass &p = *pipeline[i];
    if (!p.acceptsLevel(level))
      return makeError(
          ctx.location(""),
          "pass '{}' ({} of {} in '{}') needs a graph at level "
          "{}, but the graph is at {}{}",
          p.name(), i + 1, pipeline.size(), pipelineText(), levelRange(p),
          level,
          i == 0 ? "" : fmt::format(" after '{}'", pipeline[i - 1]->name()));
    level = p.outputLevel(level);
  }
  return llvm::Error::success();
}

llvm::Error PassManager::verify(const ir::Graph &g, PassContext &ctx,
                                double &verifySeconds) const {
  Clock::time_point start = Clock::now();
  llvm::Error err = ir::verifyGraph(g, ctx.fileName());
  verifySeconds += secondsSince(start);
  return err;
}

llvm::Error PassManager::passFailure(size_t index, llvm::Error err,
                                     const ir::Graph &before,
                                     PassContext &ctx) const {
  const Pass &p = *pipeline[index];
  std::string note =
      fmt::format("note: in pass '{}' ({} of {} in '{}'); the graph is left "
                  "as it was before the pass",
                  p.name(), index + 1, pipeline.size(), pipelineText());
  if (!opts.reproducerPath.empty()) {
    std::string rest;
    for (size_t i = index; i < pipeline.size(); ++i)
      rest += fmt::format("{}{}", rest.empty() ? "" : ",",
                          pipelineElement(*pipeline[i]));
    if (llvm::Error werr = writeReproducer(opts.reproducerPath, rest, before))
      note += fmt::format("\nnote: could not write the reproducer: {}",
                          llvm::toString(std::move(werr)));
    else
      note += fmt::format("\nnote: reproducer written to '{}'",
                          opts.reproducerPath);
  }
  return appendNote(std::move(err), note, ctx.location(""));
}

llvm::Error PassManager::run(ir::Graph &g, PassContext &ctx) {
  timingList.clear();
  double verifySeconds = 0;
  // Passes may assume a valid graph: they index synapses by the sizes the
  // verifier checked.
  if (llvm::Error err = verify(g, ctx, verifySeconds))
    return appendNote(std::move(err),
                      "note: the input graph is invalid; no pass was run",
                      ctx.location(""));
  if (llvm::Error err = checkLevels(g.level, ctx))
    return err;

  for (size_t i = 0; i < pipeline.size(); ++i) {
    Pass &p = *pipeline[i];
    ir::Graph before = g;
    Clock::time_point start = Clock::now();
    llvm::Error err = p.run(g, ctx);
    double seconds = secondsSince(start);
    if (opts.timePasses)
      timingList.push_back({p.name().str(), seconds});
    if (err) {
      g = std::move(before);
      return passFailure(i, std::move(err), g, ctx);
    }

    ir::IRLevel declared = p.outputLevel(before.level);
    if (g.level != declared) {
      llvm::Error levelErr =
          makeError(ctx.location(""),
                    "pass '{}' left the graph at level {}, but it "
                    "declares {} for a {} input",
                    p.name(), g.level, declared, before.level);
      g = std::move(before);
      return passFailure(i, std::move(levelErr), g, ctx);
    }

    bool last = i + 1 == pipeline.size();
    if (opts.verifyEach || last) {
      if (llvm::Error verr = verify(g, ctx, verifySeconds)) {
        llvm::Error broken = appendNote(
            std::move(verr),
            fmt::format("note: the graph breaks the verifier's rules after "
                        "pass '{}'",
                        p.name()),
            ctx.location(""));
        g = std::move(before);
        return passFailure(i, std::move(broken), g, ctx);
      }
    }

    if (opts.printAfterAll)
      print(fmt::format("// -----// IR after '{}' ({} of {}) //----- //\n{}",
                        pipelineElement(p), i + 1, pipeline.size(),
                        ir::summariseGraph(g)));
    if (opts.afterPass)
      opts.afterPass(pipelineElement(p), g);
  }
  if (opts.timePasses)
    timingList.push_back({"(verify)", verifySeconds});
  return llvm::Error::success();
}

std::string PassManager::timingReport() const {
  double total = 0;
  for (const PassTiming &t : timingList)
    total += t.seconds;
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "===-----------------------------------------------"
                 "--------------------------===\n"
                 "                      ... Pass execution timing "
                 "report ...\n"
                 "===-----------------------------------------------"
                 "--------------------------===\n"
                 "  Total Execution Time: {:.4f} seconds\n\n"
                 "  ----Wall Time----  ----Name----\n",
                 total);
  auto line = [&](double seconds, llvm::StringRef name) {
    double share = total > 0 ? 100.0 * seconds / total : 0.0;
    fmt::format_to(it, "  {:8.4f} ({:5.1f}%)  {}\n", seconds, share, name);
  };
  for (const PassTiming &t : timingList)
    line(t.seconds, t.name);
  line(total, "Total");
  return fmt::to_string(out);
}

} // namespace axon::passes
