//===- Lower.cpp - `axon lower`: checkpoint to FLOAT-level IR -------------===//
#include "tools/axon/Command.h"

#include "frontend/lower/LowerToIR.h"
#include "ir/Serialize.h"

#include <fmt/core.h>

namespace axon::tool {

Command addLowerCommand(CLI::App &root) {
  struct Options {
    std::string checkpoint, out;
  };
  auto o = std::make_shared<Options>();
  CLI::App *app = root.add_subcommand(
      "lower", "Write a trained checkpoint as a FLOAT-level IR graph");
  app->add_option("checkpoint", o->checkpoint, "checkpoint.axonckpt")
      ->required();
  app->add_option("-o,--output", o->out, "Graph file (.axon, .pbtxt, .json)")
      ->required();
  return {app, [o] {
            llvm::Expected<train::Checkpoint> c =
                train::readCheckpoint(o->checkpoint);
            if (!c)
              return reportError(c.takeError());
            llvm::Expected<ir::Graph> g =
                lower::lowerCheckpoint(*c, o->checkpoint);
            if (!g)
              return reportError(g.takeError());
            if (llvm::Error err = ir::writeGraph(*g, o->out))
              return reportError(std::move(err));
            fmt::print("{}: {} populations, {} synapses, level FLOAT\n",
                       o->out, g->populations.size(), g->numSynapses());
            return 0;
          }};
}

} // namespace axon::tool
