//===- Opt.cpp - `axon opt`: run passes over a graph ----------------------===//
#include "tools/axon/Command.h"
#include "tools/axon/Pipeline.h"

#include "backends/target/TargetDescription.h"
#include "ir/Diagnostics.h"
#include "ir/Serialize.h"
#include "passes/PassRegistry.h"

#include <fmt/core.h>
#include <optional>

namespace axon::tool {

Command addOptCommand(CLI::App &root) {
  struct Options {
    std::string input, output, target;
    bool listPasses = false, markdown = false;
    PipelineOptions pipeline;
  };
  auto o = std::make_shared<Options>();
  CLI::App *app = root.add_subcommand(
      "opt", "Run a pass pipeline over a graph (like LLVM's opt)");
  app->add_option("input", o->input, "Graph to transform");
  app->add_option("-o,--output", o->output, "Where to write the result");
  app->add_option("--target", o->target,
                  "Target name (loihi, spinnaker) or description file");
  app->add_flag("--list-passes", o->listPasses, "List the passes and exit");
  app->add_flag("--markdown", o->markdown, "With --list-passes: a table");
  o->pipeline.addTo(*app);
  return {app, [o] {
            if (o->listPasses) {
              fmt::print("{}", passes::formatPassList(o->markdown));
              return 0;
            }
            if (o->input.empty() || o->output.empty())
              return reportError(makeError(
                  "opt", "an input graph and -o OUTPUT are required"));
            std::optional<target::TargetDescription> desc;
            if (!o->target.empty()) {
              llvm::Expected<target::TargetDescription> d =
                  target::TargetDescription::find(o->target);
              if (!d)
                return reportError(d.takeError());
              desc = std::move(*d);
            }
            llvm::Expected<ir::Graph> g = ir::readGraph(o->input);
            if (!g)
              return reportError(g.takeError());
            if (llvm::Error err = runPipeline(*g, desc ? &*desc : nullptr,
                                              o->pipeline, o->input))
              return reportError(std::move(err));
            if (llvm::Error err = ir::writeGraph(*g, o->output))
              return reportError(std::move(err));
            return 0;
          }};
}

} // namespace axon::tool
