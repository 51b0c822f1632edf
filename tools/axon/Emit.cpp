//===- Emit.cpp - `axon emit`: write a chip configuration -----------------===//
#include "tools/axon/Command.h"
#include "tools/axon/Pipeline.h"

#include "ir/Serialize.h"

#include <fmt/core.h>

namespace axon::tool {

Command addEmitCommand(CLI::App &root) {
  struct Options {
    std::string input, target, out;
  };
  auto o = std::make_shared<Options>();
  CLI::App *app = root.add_subcommand(
      "emit", "Write the chip configuration of a PLACED graph");
  app->add_option("input", o->input, "PLACED graph (after axon opt)")
      ->required();
  app->add_option("--target", o->target,
                  "Target name (loihi, spinnaker) or description file")
      ->required();
  app->add_option("-o,--output", o->out, "Output directory")->required();
  return {app, [o] {
            llvm::Expected<target::TargetDescription> desc =
                target::TargetDescription::find(o->target);
            if (!desc)
              return reportError(desc.takeError());
            llvm::Expected<ir::Graph> g = ir::readGraph(o->input);
            if (!g)
              return reportError(g.takeError());
            llvm::Expected<std::string> report =
                emitToDirectory(*g, *desc, o->out);
            if (!report)
              return reportError(report.takeError());
            fmt::print("{}", *report);
            return 0;
          }};
}

} // namespace axon::tool
