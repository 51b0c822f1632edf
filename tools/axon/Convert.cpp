//===- Convert.cpp - `axon convert`: change a graph's file format ---------===//
#include "tools/axon/Command.h"

#include "ir/Serialize.h"
#include "ir/Verifier.h"

namespace axon::tool {

Command addConvertCommand(CLI::App &root) {
  struct Options {
    std::string in, out;
    bool noVerify = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App *app = root.add_subcommand(
      "convert", "Convert a graph between .axon, .pbtxt and .json (by "
                 "extension); the graph is verified before it is written");
  app->add_option("input", opts->in, "Graph to read")->required();
  app->add_option("output", opts->out, "File to write")->required();
  app->add_flag("--no-verify", opts->noVerify,
                "Write the graph even if the verifier rejects it");
  return {app, [opts] {
            llvm::Expected<ir::Graph> g = ir::readGraph(opts->in);
            if (!g)
              return reportError(g.takeError());
            if (!opts->noVerify)
              if (llvm::Error err = ir::verifyGraph(*g, opts->in))
                return reportError(std::move(err));
            if (llvm::Error err = ir::writeGraph(*g, opts->out))
              return reportError(std::move(err));
            return 0;
          }};
}

} // namespace axon::tool
