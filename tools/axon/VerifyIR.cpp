//===- VerifyIR.cpp - `axon verify-ir`: check a graph's invariants --------===//
#include "tools/axon/Command.h"

#include "ir/Serialize.h"
#include "ir/Verifier.h"

#include <fmt/core.h>

namespace axon::tool {

Command addVerifyIRCommand(CLI::App &root) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App *app = root.add_subcommand(
      "verify-ir", "Check graph files against the invariants of their level");
  app->add_option("files", *files, "Graph files")->required();
  return {app, [files] {
            int status = 0;
            for (const std::string &path : *files) {
              llvm::Expected<ir::Graph> g = ir::readGraph(path);
              if (!g) {
                status = reportError(g.takeError());
                continue;
              }
              if (llvm::Error err = ir::verifyGraph(*g, path)) {
                status = reportError(std::move(err));
                continue;
              }
              fmt::print("{}: ok ({}, {} populations, {} synapses)\n", path,
                         ir::levelName(g->level), g->populations.size(),
                         g->numSynapses());
            }
            return status;
          }};
}

} // namespace axon::tool
