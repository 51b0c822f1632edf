//===- Deploy.cpp - `axon deploy`: lower, optimise and emit in one step ---===//
#include "tools/axon/Command.h"
#include "tools/axon/Pipeline.h"

#include "frontend/lower/LowerToIR.h"
#include "ir/Serialize.h"

#include "llvm/Support/Path.h"

#include <fmt/core.h>

namespace axon::tool {

Command addDeployCommand(CLI::App &root) {
  struct Options {
    std::string checkpoint, target, out;
    PipelineOptions pipeline;
  };
  auto o = std::make_shared<Options>();
  CLI::App *app = root.add_subcommand(
      "deploy", "Lower a checkpoint, run the target's pipeline and emit its "
                "configuration (lower + opt + emit)");
  app->add_option("checkpoint", o->checkpoint, "checkpoint.axonckpt or a "
                                               "FLOAT graph")
      ->required();
  app->add_option("--target", o->target,
                  "Target name (loihi, spinnaker) or description file")
      ->required();
  app->add_option("-o,--output", o->out, "Output directory")->required();
  o->pipeline.addTo(*app);
  return {app, [o] {
            llvm::Expected<target::TargetDescription> desc =
                target::TargetDescription::find(o->target);
            if (!desc)
              return reportError(desc.takeError());
            // A checkpoint is lowered; a graph file is taken as it is.
            llvm::Expected<ir::Graph> g =
                llvm::sys::path::extension(o->checkpoint) == ".axonckpt"
                    ? [&]() -> llvm::Expected<ir::Graph> {
                        llvm::Expected<train::Checkpoint> c =
                            train::readCheckpoint(o->checkpoint);
                        if (!c)
                          return c.takeError();
                        return lower::lowerCheckpoint(*c, o->checkpoint);
                      }()
                    : ir::readGraph(o->checkpoint);
            if (!g)
              return reportError(g.takeError());
            if (llvm::Error err =
                    runPipeline(*g, &*desc, o->pipeline, o->checkpoint))
              return reportError(std::move(err));
            llvm::Expected<std::string> report =
                emitToDirectory(*g, *desc, o->out);
            if (!report)
              return reportError(report.takeError());
            llvm::SmallString<256> placed(o->out);
            llvm::sys::path::append(placed, "placed.axon");
            if (llvm::Error err = ir::writeGraph(*g, placed))
              return reportError(std::move(err));
            fmt::print("{}", *report);
            return 0;
          }};
}

} // namespace axon::tool
